/*
 * natrium-loadgen: a raw NATS-protocol load generator that costs the server under test as little CPU as possible.
 *
 * It speaks the NATS client text protocol straight over TCP (no client library). Publishers write
 * pre-built buffers of whole PUB frames; each connection has its own thread; subscribers read big
 * chunks and find frames with memchr. CPU shares come from getrusage (our own), /proc/PID/stat (-x, the
 * server) and /proc/stat (the machine), so every result says how much of the machine the generator took.
 *
 * Modes: pub, pubsub, queue, reqrep, conns, startup, selftest here; slowfast and connsmsgs in stress.c;
 * jspub, jssync, jsconsume and kv in jetstream.c.
 * One JSON line per run on stdout; human-readable notes on stderr. Exit status: 0 valid run, 1 finished
 * but invalid, 2 usage/setup error.
 *
 * Build: cc -O2 -Wall -Wextra -pthread -o natrium-loadgen *.c   (gcc + glibc, Linux only)
 */
#include "loadgen.h"

/* ---------- options ---------- */

struct options opt = {"127.0.0.1", 4222, 1000000, 16, 1, 1, 1000, 100, 5, 1 << 20, 2, 1, 10, "bench", 0, 0, 0, NULL, 0, 0, 0, 0, 0, 0, NULL, 0};

/* ---------- publishers and subscribers (pub, pubsub, queue) ---------- */


atomic_int pubs_done;

/* One publisher: N frames from a pre-built buffer of whole frames, then PING/PONG. */
void *publisher_main(void *arg) {
  worker_t *w = arg;
  conn_t *c = &w->conn;
  char line[512];
  int line_len = snprintf(line, sizeof line, "PUB %s %ld\r\n", opt.subject, opt.size);
  size_t frame = (size_t)line_len + (size_t)opt.size + 2;
  size_t per_buf = opt.bufbytes > (long)frame ? (size_t)opt.bufbytes / frame : 1;
  char *buf = malloc(per_buf * frame);
  if (!buf) { w->failed = 1; return NULL; }
  for (size_t i = 0; i < per_buf; i++) {
    char *f = buf + i * frame;
    memcpy(f, line, (size_t)line_len);
    memset(f + line_len, 'a' + (int)(i % 26), (size_t)opt.size);
    memcpy(f + line_len + opt.size, "\r\n", 2);
  }
  pthread_barrier_wait(w->start);
  /* With -D the publisher runs for a time, whole buffers at a time, instead of -n messages. */
  double stop_at = opt.duration_s > 0 ? now_s() + opt.duration_s : 0;
  for (long left = opt.n; stop_at > 0 ? now_s() < stop_at : left > 0;) {
    size_t count = stop_at > 0 || (size_t)left >= per_buf ? per_buf : (size_t)left;
    if (write_all(c->fd, buf, count * frame) < 0) { w->failed = 1; break; }
    w->wire_bytes += count * frame;
    w->sent += count;
    left -= (long)count;
    /* Between whole buffers: answer a server PING, notice an -ERR. */
    if (conn_pump(c, 0) < 0) { w->failed = 1; break; }
  }
  if (!w->failed && conn_flush(c) < 0) w->failed = 1;
  w->end_t = now_s();
  free(buf);
  return NULL;
}

/* One subscriber: count frames until the publishers are done and our own PING comes back. */
void *subscriber_main(void *arg) {
  worker_t *w = arg;
  conn_t *c = &w->conn;
  double last_data = now_s();
  int pinged = 0;
  for (;;) {
    uint64_t before = c->msgs;
    int r = conn_pump(c, 50);
    double t = now_s();
    if (r < 0) { w->failed = 1; break; }
    if (r > 0) last_data = t;
    else if (t - last_data > opt.timeout_s) { w->failed = 1; note("subscriber idle for %.0f s", opt.timeout_s); break; }
    if (c->msgs != before) c->last_msg_t = t;
    if (!pinged && atomic_load(&pubs_done)) {
      /* Every publisher has its PONG: all their messages are routed; ours comes after them. */
      if (write_all(c->fd, "PING\r\n", 6) < 0) { w->failed = 1; break; }
      pinged = 1;
    }
    if (pinged && c->pongs > 0) break;
  }
  return NULL;
}

/*
 * The shared body of pub, pubsub and queue: K subscribers (plain, or members of one queue group) and P
 * publishers, each on its own connection and thread. Publishing is timed from the start barrier to the
 * last publisher's PONG; delivery from the same start to the last subscriber's last message.
 */
static int run_fanout(const char *mode, int with_subs, int queue) {
  long k = with_subs ? opt.subs : 0, p = opt.pubs;
  worker_t *subs = calloc((size_t)(k > 0 ? k : 1), sizeof *subs), *pubs = calloc((size_t)p, sizeof *pubs);
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)p + 1);
  for (long i = 0; i < k; i++) {
    char sub[600];
    if (queue) snprintf(sub, sizeof sub, "SUB %s lg %ld\r\n", opt.subject, i + 1);
    else snprintf(sub, sizeof sub, "SUB %s %ld\r\n", opt.subject, i + 1);
    if (conn_open(&subs[i].conn, SUB_BUF, sub) < 0) { fprintf(stderr, "loadgen: subscriber %ld could not connect\n", i); return 2; }
    subs[i].conn.expect_size = opt.size;
  }
  for (long i = 0; i < p; i++) {
    if (conn_open(&pubs[i].conn, CTL_BUF, NULL) < 0) { fprintf(stderr, "loadgen: publisher %ld could not connect\n", i); return 2; }
    pubs[i].start = &start;
  }
  for (long i = 0; i < k; i++) pthread_create(&subs[i].thread, NULL, subscriber_main, &subs[i]);
  for (long i = 0; i < p; i++) pthread_create(&pubs[i].thread, NULL, publisher_main, &pubs[i]);
  sample_t a, b;
  rss_sampler_t *sampler = opt.rss_every_ms > 0 && with_subs ? rss_sampler_start(subs, k) : NULL;
  take_sample(&a);
  pthread_barrier_wait(&start);
  double t0 = now_s(), pub_end = t0;
  uint64_t wire = 0;
  int failed = 0;
  for (long i = 0; i < p; i++) {
    pthread_join(pubs[i].thread, NULL);
    if (pubs[i].end_t > pub_end) pub_end = pubs[i].end_t;
    wire += pubs[i].wire_bytes;
    failed |= pubs[i].failed;
  }
  atomic_store(&pubs_done, 1);
  uint64_t delivered = 0, lost = 0, extra = 0, bad = 0, proto = 0;
  double sub_end = pub_end;
  for (long i = 0; i < k; i++) {
    pthread_join(subs[i].thread, NULL);
    conn_t *c = &subs[i].conn;
    failed |= subs[i].failed;
    delivered += c->msgs;
    bad += c->bad_size;
    proto += c->proto_errs;
    uint64_t want = (uint64_t)(p * opt.n);
    if (!queue) {
      if (c->msgs < want) lost += want - c->msgs;
      if (c->msgs > want) extra += c->msgs - want;
    }
    if (c->last_msg_t > sub_end) sub_end = c->last_msg_t;
  }
  take_sample(&b);
  uint64_t total = (uint64_t)(p * opt.n);
  if (queue) {
    if (delivered < total) lost = total - delivered;
    if (delivered > total) extra = delivered - total;
  }
  for (long i = 0; i < p; i++) proto += pubs[i].conn.proto_errs;
  int ok = !failed && lost == 0 && extra == 0 && bad == 0 && proto == 0 && atomic_load(&server_errors) == 0;
  double pub_s = pub_end - t0;
  char out[16384]; /* room for the RSS samples of a soak */
  int len = snprintf(out, sizeof out, "{\"mode\":\"%s\",\"n\":%ld,\"size\":%ld,\"pubs\":%ld,\"subs\":%ld,\"msgs\":%llu,\"pub_s\":%.4f,\"pub_msgs_per_s\":%.0f,\"mb_per_s\":%.1f,\"wire_mb_per_s\":%.1f",
                     mode, opt.n, opt.size, p, k, (unsigned long long)total, pub_s, total / pub_s, total * (double)opt.size / pub_s / 1e6, wire / pub_s / 1e6);
  if (with_subs) {
    double sub_s = sub_end - t0;
    snprintf(out + len, sizeof out - (size_t)len, ",\"delivered\":%llu,\"delivered_s\":%.4f,\"delivered_msgs_per_s\":%.0f,\"lost\":%llu,\"extra\":%llu,\"bad_size\":%llu",
             (unsigned long long)delivered, sub_s, delivered / sub_s, (unsigned long long)lost, (unsigned long long)extra, (unsigned long long)bad);
  }
  cpu_json(out, sizeof out, &a, &b);
  if (sampler) rss_sampler_finish(sampler, out, sizeof out);
  len = (int)strlen(out);
  snprintf(out + len, sizeof out - (size_t)len, ",\"server_errors\":%ld,\"protocol_errors\":%llu,\"ok\":%s}", atomic_load(&server_errors), (unsigned long long)proto, ok ? "true" : "false");
  puts(out);
  note("%s: %.0f msgs/s published%s", mode, total / pub_s, ok ? "" : " (INVALID run)");
  for (long i = 0; i < k; i++) conn_close(&subs[i].conn);
  for (long i = 0; i < p; i++) conn_close(&pubs[i].conn);
  return ok ? 0 : 1;
}

/* pub: P publishers send N messages each; the figure is messages per second until the last PONG. */
static int run_pub(void) { return run_fanout("pub", 0, 0); }

/* pubsub: K plain subscribers must each get P x N messages of S bytes, no fewer, no more. */
static int run_pubsub(void) { return run_fanout("pubsub", 1, 0); }

/* queue: K members of one queue group must get P x N messages between them. */
static int run_queue(void) { return run_fanout("queue", 1, 1); }

/* ---------- reqrep: one responder, one requester, sequential requests ---------- */

typedef struct {
  char out[CTL_BUF];
  size_t out_len;
  int failed;
  atomic_int stop;
} responder_t;

/* The responder echoes each request's payload to its reply subject, one write per read chunk. */
static void on_request(conn_t *c, const char *s, size_t sl, const char *reply, size_t rl, const char *payload, size_t size) {
  (void)s; (void)sl;
  responder_t *r = c->user;
  if (!reply || r->out_len + rl + size + 64 > sizeof r->out) { r->failed = 1; return; }
  r->out_len += (size_t)sprintf(r->out + r->out_len, "PUB %.*s %zu\r\n", (int)rl, reply, size);
  memcpy(r->out + r->out_len, payload, size);
  r->out_len += size;
  memcpy(r->out + r->out_len, "\r\n", 2);
  r->out_len += 2;
}

static void *responder_main(void *arg) {
  conn_t *c = arg;
  responder_t *r = c->user;
  while (!atomic_load(&r->stop)) {
    if (conn_pump(c, 50) < 0) { r->failed = 1; break; }
    if (r->out_len > 0) {
      if (write_all(c->fd, r->out, r->out_len) < 0) { r->failed = 1; break; }
      r->out_len = 0;
    }
  }
  return NULL;
}

typedef struct {
  const char *prefix; /* "_INBOX.<rand>." */
  size_t prefix_len;
  long last_index;
  uint64_t wrong;
} requester_t;

static void on_reply(conn_t *c, const char *s, size_t sl, const char *r, size_t rl, const char *p, size_t n) {
  (void)r; (void)rl; (void)p; (void)n;
  requester_t *q = c->user;
  long index = -1;
  if (sl > q->prefix_len && memcmp(s, q->prefix, q->prefix_len) == 0) {
    index = 0;
    for (size_t i = q->prefix_len; i < sl; i++) index = index * 10 + (s[i] - '0');
  }
  q->last_index = index;
}

int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double nearest_rank(const double *sorted, long n, double pct) {
  long rank = (long)(pct / 100.0 * n + 0.999999);
  if (rank < 1) rank = 1;
  return sorted[rank - 1];
}

static int run_reqrep(void) {
  static responder_t responder;
  conn_t rc, qc;
  char sub[600], inbox[64];
  srand((unsigned)(time(NULL) ^ getpid()));
  snprintf(inbox, sizeof inbox, "_INBOX.%08x%08x.", (unsigned)rand(), (unsigned)rand());
  snprintf(sub, sizeof sub, "SUB %s 1\r\n", opt.subject);
  if (conn_open(&rc, CTL_BUF, sub) < 0) { fprintf(stderr, "loadgen: responder could not connect\n"); return 2; }
  snprintf(sub, sizeof sub, "SUB %s* 1\r\n", inbox);
  if (conn_open(&qc, CTL_BUF, sub) < 0) { fprintf(stderr, "loadgen: requester could not connect\n"); return 2; }
  requester_t q = {inbox, strlen(inbox), -1, 0};
  rc.user = &responder;
  rc.on_msg = on_request;
  qc.user = &q;
  qc.on_msg = on_reply;
  qc.expect_size = opt.size;
  pthread_t thread;
  pthread_create(&thread, NULL, responder_main, &rc);
  long total = opt.warmup + opt.n;
  double *lat = malloc(sizeof(double) * (size_t)(opt.n > 0 ? opt.n : 1));
  char *req = malloc(600 + (size_t)opt.size);
  int failed = 0;
  sample_t a, b;
  take_sample(&a);
  double t0 = a.t;
  for (long i = 0; i < total && !failed; i++) {
    if (i == opt.warmup) { take_sample(&a); t0 = now_s(); }
    int len = sprintf(req, "PUB %s %s%ld %ld\r\n", opt.subject, inbox, i, opt.size);
    memset(req + len, 'r', (size_t)opt.size);
    memcpy(req + len + opt.size, "\r\n", 2);
    double start = now_s();
    if (write_all(qc.fd, req, (size_t)len + (size_t)opt.size + 2) < 0) { failed = 1; break; }
    q.last_index = -2;
    while (q.last_index != i) {
      uint64_t before = qc.msgs;
      int r = conn_pump(&qc, (int)(opt.timeout_s * 1000));
      if (r <= 0) { failed = 1; note("request %ld: no reply", i); break; }
      if (qc.msgs != before && q.last_index != i) q.wrong++;
    }
    if (i >= opt.warmup) lat[i - opt.warmup] = (now_s() - start) * 1e6;
  }
  double elapsed = now_s() - t0;
  take_sample(&b);
  atomic_store(&responder.stop, 1);
  pthread_join(thread, NULL);
  double sum = 0;
  long over_1ms = 0;
  if (!failed) {
    qsort(lat, (size_t)opt.n, sizeof *lat, cmp_double);
    for (long i = 0; i < opt.n; i++) {
      sum += lat[i];
      if (lat[i] > 1000) over_1ms++;
    }
  }
  int ok = !failed && !responder.failed && q.wrong == 0 && qc.bad_size == 0 && atomic_load(&server_errors) == 0;
  char out[2048];
  if (opt.n > 0 && !failed)
    snprintf(out, sizeof out, "{\"mode\":\"reqrep\",\"n\":%ld,\"size\":%ld,\"warmup\":%ld,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,\"over_1ms\":%ld,\"mean_us\":%.1f,\"req_per_s\":%.0f,\"wrong_replies\":%llu",
             opt.n, opt.size, opt.warmup, nearest_rank(lat, opt.n, 50), nearest_rank(lat, opt.n, 90), nearest_rank(lat, opt.n, 99), nearest_rank(lat, opt.n, 99.9), lat[opt.n - 1], over_1ms, sum / opt.n, opt.n / elapsed, (unsigned long long)q.wrong);
  else
    snprintf(out, sizeof out, "{\"mode\":\"reqrep\",\"n\":%ld,\"size\":%ld,\"wrong_replies\":%llu", opt.n, opt.size, (unsigned long long)q.wrong);
  cpu_json(out, sizeof out, &a, &b);
  size_t len = strlen(out);
  snprintf(out + len, sizeof out - len, ",\"server_errors\":%ld,\"ok\":%s}", atomic_load(&server_errors), ok ? "true" : "false");
  puts(out);
  conn_close(&rc);
  conn_close(&qc);
  free(lat);
  free(req);
  return ok ? 0 : 1;
}

/* ---------- conns: many idle connections, server RSS per connection ---------- */

static int run_conns(void) {
  if (opt.server_pid <= 0) { fprintf(stderr, "loadgen: conns needs -x SERVER_PID\n"); return 2; }
  long count = opt.conns;
  conn_t *conns = calloc((size_t)count, sizeof *conns);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  long rss_before = server_rss_kb();
  sample_t a, b;
  take_sample(&a);
  long opened = 0;
  for (; opened < count; opened++) {
    if (conn_open(&conns[opened], IDLE_BUF, NULL) < 0) { note("connection %ld failed: %s", opened, strerror(errno)); break; }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[opened]};
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[opened].fd, &ev);
  }
  double connect_s = now_s() - a.t;
  long drops = 0, rss_after = -1;
  double settle_end = now_s() + opt.settle_s, hold_end = settle_end + opt.hold_s;
  /* Settle, read RSS, then hold; all along answer the server's PINGs and count connections that drop. */
  for (double t = now_s(); t < hold_end; t = now_s()) {
    if (rss_after < 0 && t >= settle_end) rss_after = server_rss_kb();
    double until = rss_after < 0 ? settle_end : hold_end;
    struct epoll_event events[256];
    int ready = epoll_wait(ep, events, 256, (int)((until - t) * 1000) + 1);
    for (int i = 0; i < ready; i++) {
      conn_t *c = events[i].data.ptr;
      ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len);
      if (got <= 0 || (c->len += (size_t)got, conn_parse(c) < 0)) {
        drops++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
      }
    }
  }
  if (rss_after < 0) rss_after = server_rss_kb();
  take_sample(&b);
  int ok = opened == count && drops == 0 && atomic_load(&server_errors) == 0;
  char out[2048];
  snprintf(out, sizeof out, "{\"mode\":\"conns\",\"conns\":%ld,\"opened\":%ld,\"drops\":%ld,\"rss_kb_before\":%ld,\"rss_kb_after\":%ld,\"rss_kb_per_conn\":%.2f,\"conns_per_s\":%.0f,\"settle_s\":%.1f",
           count, opened, drops, rss_before, rss_after, opened > 0 ? (double)(rss_after - rss_before) / opened : 0, opened / connect_s, opt.settle_s);
  cpu_json(out, sizeof out, &a, &b);
  size_t len = strlen(out);
  snprintf(out + len, sizeof out - len, ",\"server_errors\":%ld,\"ok\":%s}", atomic_load(&server_errors), ok ? "true" : "false");
  puts(out);
  for (long i = 0; i < opened; i++) conn_close(&conns[i]);
  close(ep);
  free(conns);
  return ok ? 0 : 1;
}

/* ---------- startup: fork/exec the server, time to the first INFO ---------- */

/* 1: something accepted a connection on the port and sent a line starting with INFO; 0 otherwise. */
static int probe_info(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
  inet_pton(AF_INET, opt.host, &sa.sin_addr);
  int seen = 0;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
    char buf[8];
    size_t len = 0;
    struct pollfd pfd = {fd, POLLIN, 0};
    while (len < 4 && poll(&pfd, 1, 2000) > 0) {
      ssize_t got = read(fd, buf + len, 4 - len);
      if (got <= 0) break;
      len += (size_t)got;
    }
    seen = len == 4 && memcmp(buf, "INFO", 4) == 0 ? 1 : -1;
  }
  close(fd);
  return seen;
}

static int run_startup(void) {
  if (!opt.command || !opt.command[0]) { fprintf(stderr, "loadgen: startup needs -- SERVER COMMAND\n"); return 2; }
  if (probe_info() != 0) { fprintf(stderr, "loadgen: port %d is already taken\n", opt.port); return 2; }
  double *ms = calloc((size_t)opt.runs, sizeof *ms);
  sample_t a, b;
  struct rusage ra, rb; /* the servers are our children: their CPU time is ours to read after wait */
  getrusage(RUSAGE_CHILDREN, &ra);
  take_sample(&a);
  int failed = 0;
  for (long run = 0; run < opt.runs && !failed; run++) {
    double t0 = now_s();
    pid_t child = fork();
    if (child == 0) {
      if (!opt.verbose) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
      }
      execvp(opt.command[0], opt.command);
      _exit(127);
    }
    int seen = 0, status;
    while (!seen) {
      seen = probe_info();
      if (seen < 0 || waitpid(child, &status, WNOHANG) == child || now_s() - t0 > opt.timeout_s) { failed = 1; break; }
      if (!seen) usleep(500);
    }
    ms[run] = (now_s() - t0) * 1000;
    kill(child, SIGTERM);
    double kill_at = now_s() + 5;
    while (waitpid(child, &status, WNOHANG) == 0) {
      if (now_s() > kill_at) { kill(child, SIGKILL); waitpid(child, &status, 0); break; }
      usleep(1000);
    }
    for (double free_by = now_s() + 5; probe_info() != 0 && now_s() < free_by;) usleep(1000);
  }
  take_sample(&b);
  getrusage(RUSAGE_CHILDREN, &rb);
  double child_s = (double)(rb.ru_utime.tv_sec - ra.ru_utime.tv_sec + rb.ru_stime.tv_sec - ra.ru_stime.tv_sec) +
                   (double)(rb.ru_utime.tv_usec - ra.ru_utime.tv_usec + rb.ru_stime.tv_usec - ra.ru_stime.tv_usec) * 1e-6;
  a.server_ticks = 0; /* report the children's CPU as the server's */
  b.server_ticks = (long)(child_s * (double)sysconf(_SC_CLK_TCK) + 0.5);
  double sorted[1024];
  long n = opt.runs < 1024 ? opt.runs : 1024;
  memcpy(sorted, ms, sizeof(double) * (size_t)n);
  qsort(sorted, (size_t)n, sizeof(double), cmp_double);
  char out[2048];
  snprintf(out, sizeof out, "{\"mode\":\"startup\",\"runs\":%ld,\"median_ms\":%.2f,\"min_ms\":%.2f,\"max_ms\":%.2f",
           n, n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2, sorted[0], sorted[n - 1]);
  cpu_json(out, sizeof out, &a, &b);
  size_t len = strlen(out);
  snprintf(out + len, sizeof out - len, ",\"ok\":%s}", failed ? "false" : "true");
  puts(out);
  free(ms);
  return failed ? 1 : 0;
}

/* ---------- selftest: the frame parser over a stream cut into pieces of every size ---------- */

static int run_selftest(void) {
  static char stream[80000];
  const char *parts[] = {"INFO {\"server_id\":\"x\"} \r\n", "MSG a 1 3\r\nabc\r\n", "MSG a 1 r.x 5\r\n\r\n\r\n\r\r\n", "+OK\r\n",
                         "HMSG h 2 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", "PING\r\n", "msg\ta\t1\t0\r\n\r\n", "PONG\r\n"};
  size_t len = 0;
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) len += (size_t)sprintf(stream + len, "%s", parts[i]);
  len += (size_t)sprintf(stream + len, "MSG big 9 70000\r\n");
  memset(stream + len, 'z', 70000);
  len += 70000;
  len += (size_t)sprintf(stream + len, "\r\nMSG t 1 2\r\n\t\t\r\n");
  size_t steps[] = {1, 2, 3, 5, 7, 13, 64, 4096, 100000};
  int bad = 0;
  for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) return 2;
    conn_t c = {.fd = sv[0], .cap = SUB_BUF, .buf = malloc(SUB_BUF), .expect_size = -1};
    for (size_t at = 0; at < len; at += steps[s]) {
      size_t n = len - at < steps[s] ? len - at : steps[s];
      memcpy(c.buf + c.len, stream + at, n);
      c.len += n;
      conn_parse(&c);
    }
    char reply[16] = "";
    ssize_t got = recv(sv[1], reply, sizeof reply - 1, MSG_DONTWAIT);
    int good = c.msgs == 6 && c.bytes == 3 + 5 + 14 + 0 + 70000 + 2 && c.pongs == 1 && c.proto_errs == 0 && c.len == 0 && got == 6 && !strcmp(reply, "PONG\r\n");
    if (!good) { bad++; fprintf(stderr, "selftest: step %zu: msgs %llu bytes %llu pongs %llu errors %llu left %zu\n", steps[s], (unsigned long long)c.msgs, (unsigned long long)c.bytes, (unsigned long long)c.pongs, (unsigned long long)c.proto_errs, c.len); }
    free(c.buf);
    close(sv[0]);
    close(sv[1]);
  }
  printf("{\"mode\":\"selftest\",\"ok\":%s}\n", bad ? "false" : "true");
  return bad ? 1 : 0;
}

/* ---------- main ---------- */

static void usage(void) {
  fputs("usage: natrium-loadgen MODE [options] [-- SERVER COMMAND]\n"
        "  modes: pub pubsub queue reqrep conns startup selftest; stress: slowfast connsmsgs; JetStream: jspub jssync jsconsume kv\n"
        "  -a HOST (127.0.0.1)  -p PORT (4222)  -n msgs per publisher (1000000)  -s payload bytes (16)  -S subject (bench)\n"
        "  -P publishers (1)  -k subscribers or queue members; slowfast: stopped subscribers (1)  -c connections (1000)\n"
        "  -w reqrep warm-up (100)  -T conns settle s (2)  -H conns hold s (1)  -r startup runs (5)  -x SERVER_PID (CPU, RSS)\n"
        "  -t idle timeout s (10)  -B publisher buffer bytes (1 MiB)  -D slowfast: publish for s seconds (5)\n"
        "  -O connsmsgs: messages per connection on its own subject (0)  -R pubsub: sample server RSS every ms (0: off)\n"
        "  -W jspub/kv: outstanding requests (2000/1000)  -m file|memory: stream storage  -b jsconsume: fetch batch (500)  -K kv: keys (1000)\n"
        "  -q quiet  -v startup: show server output\n",
        stderr);
}

int main(int argc, char **argv) {
  if (argc < 2) { usage(); return 2; }
  const char *mode = argv[1];
  int ch;
  while ((ch = getopt(argc - 1, argv + 1, "+a:p:n:s:S:P:k:c:w:T:H:r:x:t:B:D:O:R:W:m:b:K:qv")) != -1) {
    switch (ch) {
      case 'a': opt.host = optarg; break;
      case 'p': opt.port = atoi(optarg); break;
      case 'n': opt.n = atol(optarg); break;
      case 's': opt.size = atol(optarg); break;
      case 'S': opt.subject = optarg; break;
      case 'P': opt.pubs = atol(optarg); break;
      case 'k': opt.subs = atol(optarg); break;
      case 'c': opt.conns = atol(optarg); break;
      case 'w': opt.warmup = atol(optarg); break;
      case 'T': opt.settle_s = atof(optarg); break;
      case 'H': opt.hold_s = atof(optarg); break;
      case 'r': opt.runs = atol(optarg); break;
      case 'x': opt.server_pid = (pid_t)atoi(optarg); break;
      case 't': opt.timeout_s = atof(optarg); break;
      case 'B': opt.bufbytes = atol(optarg); break;
      case 'q': opt.quiet = 1; break;
      case 'v': opt.verbose = 1; break;
      case 'D': opt.duration_s = atof(optarg); break;
      case 'O': opt.own_rounds = atol(optarg); break;
      case 'R': opt.rss_every_ms = atol(optarg); break;
      case 'W': opt.window = atol(optarg); break;
      case 'm': opt.storage = optarg; break;
      case 'b': opt.batch = atol(optarg); break;
      case 'K': opt.keys = atol(optarg); break;
      default: usage(); return 2;
    }
  }
  opt.command = argv + 1 + optind;
  if (opt.n < 0 || opt.size < 0 || opt.size > (1 << 20) || opt.pubs < 1 || opt.subs < 0 || (opt.subs < 1 && strcmp(mode, "slowfast") != 0) || opt.runs < 1 || opt.duration_s < 0 || opt.own_rounds < 0 || opt.rss_every_ms < 0 || strlen(opt.subject) > 256) { usage(); return 2; }
  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (!strcmp(mode, "pub")) return run_pub();
  if (!strcmp(mode, "pubsub")) return run_pubsub();
  if (!strcmp(mode, "queue")) return run_queue();
  if (!strcmp(mode, "reqrep")) return run_reqrep();
  if (!strcmp(mode, "conns")) return run_conns();
  if (!strcmp(mode, "slowfast")) return run_slowfast();
  if (!strcmp(mode, "connsmsgs")) return run_connsmsgs();
  if (!strcmp(mode, "startup")) return run_startup();
  if (!strcmp(mode, "jspub")) return run_jspub();
  if (!strcmp(mode, "jssync")) return run_jssync();
  if (!strcmp(mode, "jsconsume")) return run_jsconsume();
  if (!strcmp(mode, "kv")) return run_kv();
  if (!strcmp(mode, "selftest")) return run_selftest();
  usage();
  return 2;
}
