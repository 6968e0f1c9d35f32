/*
 * natrium-loadgen stress modes: a fast subscriber beside one that stopped reading (slowfast), messages to
 * 10,000 subscribed connections (connsmsgs), and the server-RSS sampler that turns a long pubsub into a soak.
 */
#include "loadgen.h"

/* ---------- RSS sampler (pubsub -R MS) ---------- */

struct rss_sampler {
  pthread_t thread;
  worker_t *subs;
  long k;
  atomic_int stop;
  long count, cap;
  double *t;
  uint64_t *msgs;
  long *rss_kb;
  double t0;
};

/* Subscriber threads bump their counters without locks; a slightly stale read is fine for a trend. */
static uint64_t delivered_so_far(const rss_sampler_t *s) {
  uint64_t sum = 0;
  for (long i = 0; i < s->k; i++) sum += __atomic_load_n(&s->subs[i].conn.msgs, __ATOMIC_RELAXED);
  return sum;
}

static void record_sample(rss_sampler_t *s) {
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->t = realloc(s->t, sizeof *s->t * (size_t)s->cap);
    s->msgs = realloc(s->msgs, sizeof *s->msgs * (size_t)s->cap);
    s->rss_kb = realloc(s->rss_kb, sizeof *s->rss_kb * (size_t)s->cap);
  }
  s->t[s->count] = now_s() - s->t0;
  s->msgs[s->count] = delivered_so_far(s);
  s->rss_kb[s->count] = server_rss_kb();
  s->count++;
}

static void *sampler_main(void *arg) {
  rss_sampler_t *s = arg;
  double next = now_s() + opt.rss_every_ms / 1000.0;
  while (!atomic_load(&s->stop)) {
    if (now_s() >= next) {
      record_sample(s);
      next += opt.rss_every_ms / 1000.0;
    }
    usleep(10000); /* short naps, so stopping is prompt */
  }
  return NULL;
}

rss_sampler_t *rss_sampler_start(worker_t *subs, long k) {
  rss_sampler_t *s = calloc(1, sizeof *s);
  s->subs = subs;
  s->k = k;
  s->t0 = now_s();
  record_sample(s); /* the start: after the warm-up, before the first message */
  pthread_create(&s->thread, NULL, sampler_main, s);
  return s;
}

/*
 * The figures: RSS at the start, the highest, at the end, and the trend of the last half (a least-squares
 * slope of RSS over delivered messages, for samples past half the messages), in MiB per 10 M messages.
 */
void rss_sampler_finish(rss_sampler_t *s, char *out, size_t cap) {
  atomic_store(&s->stop, 1);
  pthread_join(s->thread, NULL);
  record_sample(s);
  long max_kb = 0;
  for (long i = 0; i < s->count; i++) if (s->rss_kb[i] > max_kb) max_kb = s->rss_kb[i];
  uint64_t total = s->msgs[s->count - 1];
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  long n = 0;
  for (long i = 0; i < s->count; i++) {
    if (s->msgs[i] * 2 < total) continue;
    double x = (double)s->msgs[i] / 1e7, y = (double)s->rss_kb[i] / 1024.0;
    sx += x; sy += y; sxx += x * x; sxy += x * y;
    n++;
  }
  double denominator = n * sxx - sx * sx;
  size_t len = strlen(out);
  len += (size_t)snprintf(out + len, cap - len, ",\"rss_kb_start\":%ld,\"rss_kb_max\":%ld,\"rss_kb_end\":%ld,\"rss_samples\":%ld,\"rss_trend_points\":%ld",
                          s->rss_kb[0], max_kb, s->rss_kb[s->count - 1], s->count, n);
  if (n >= 2 && denominator > 1e-12) len += (size_t)snprintf(out + len, cap - len, ",\"rss_slope_mib_per_10m\":%.3f", (n * sxy - sx * sy) / denominator);
  else len += (size_t)snprintf(out + len, cap - len, ",\"rss_slope_mib_per_10m\":null");
  /* The series itself, [seconds, messages, KiB], thinned to at most 120 points. */
  long step = s->count > 120 ? (s->count + 119) / 120 : 1;
  len += (size_t)snprintf(out + len, cap - len, ",\"rss_series\":[");
  for (long i = 0; i < s->count && len + 64 < cap; i += step) {
    long j = i + step >= s->count ? s->count - 1 : i; /* always end with the last sample */
    len += (size_t)snprintf(out + len, cap - len, "%s[%.2f,%llu,%ld]", i ? "," : "", s->t[j], (unsigned long long)s->msgs[j], s->rss_kb[j]);
  }
  snprintf(out + len, cap - len, "]");
  free(s->t);
  free(s->msgs);
  free(s->rss_kb);
  free(s);
}

/* ---------- slowfast: does a subscriber that stopped reading slow down one that reads? ---------- */

/*
 * Reads, at the end, a subscriber that has not read since it subscribed: everything the server still has
 * for it, then our PING's PONG. Returns 1 if the server had cut it (end of stream or reset first), 0 if it
 * is still connected, -1 if it neither answered nor closed in time.
 */
static int wake_stopped(conn_t *c) {
  if (write_all(c->fd, "PING\r\n", 6) < 0) return 1;
  double deadline = now_s() + opt.timeout_s;
  for (;;) {
    int r = conn_pump(c, 100);
    if (r < 0) return 1;
    if (c->pongs > 0) return 0;
    if (r > 0) deadline = now_s() + opt.timeout_s;
    else if (now_s() > deadline) return -1;
  }
}

/*
 * One publisher sends S-byte messages for -D seconds to one fast subscriber (counting, as in pubsub) and -k
 * subscribers that subscribe, answer the first PONG and then read nothing until the end. With -k 0 it is the
 * same run without them. The fast subscriber must get every message; its rate is the figure.
 */
int run_slowfast(void) {
  long k = opt.subs;
  if (opt.duration_s <= 0) opt.duration_s = 5;
  worker_t fast, pub;
  memset(&fast, 0, sizeof fast);
  memset(&pub, 0, sizeof pub);
  conn_t *stopped = calloc((size_t)(k > 0 ? k : 1), sizeof *stopped);
  char sub[600];
  snprintf(sub, sizeof sub, "SUB %s 1\r\n", opt.subject);
  if (conn_open(&fast.conn, SUB_BUF, sub) < 0) { fprintf(stderr, "loadgen: fast subscriber could not connect\n"); return 2; }
  fast.conn.expect_size = opt.size;
  for (long i = 0; i < k; i++) {
    if (conn_open(&stopped[i], SUB_BUF, sub) < 0) { fprintf(stderr, "loadgen: stopped subscriber %ld could not connect\n", i); return 2; }
    stopped[i].expect_size = opt.size;
  }
  if (conn_open(&pub.conn, CTL_BUF, NULL) < 0) { fprintf(stderr, "loadgen: publisher could not connect\n"); return 2; }
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, 2);
  pub.start = &start;
  pthread_create(&fast.thread, NULL, subscriber_main, &fast);
  pthread_create(&pub.thread, NULL, publisher_main, &pub);
  sample_t a, b;
  struct timespec wall;
  take_sample(&a);
  clock_gettime(CLOCK_REALTIME, &wall); /* the runner finds the servers' slow-consumer log lines relative to this */
  pthread_barrier_wait(&start);
  double t0 = now_s();
  pthread_join(pub.thread, NULL);
  atomic_store(&pubs_done, 1);
  pthread_join(fast.thread, NULL);
  take_sample(&b);
  long cut = 0, connected = 0, unknown = 0;
  uint64_t stopped_received = 0, stopped_errors = 0;
  for (long i = 0; i < k; i++) {
    int state = wake_stopped(&stopped[i]);
    if (state > 0) cut++;
    else if (state == 0) connected++;
    else unknown++;
    stopped_received += stopped[i].msgs;
    stopped_errors += stopped[i].errs;
  }
  conn_t *fc = &fast.conn;
  uint64_t sent = pub.sent;
  uint64_t lost = fc->msgs < sent ? sent - fc->msgs : 0, extra = fc->msgs > sent ? fc->msgs - sent : 0;
  /* An -ERR to a stopped subscriber is the server's business; one to the fast one or the publisher is not. */
  long errors = atomic_load(&server_errors) - (long)stopped_errors;
  int ok = !pub.failed && !fast.failed && lost == 0 && extra == 0 && fc->bad_size == 0 && fc->proto_errs == 0 && pub.conn.proto_errs == 0 && errors == 0;
  double pub_s = pub.end_t - t0, fast_s = (fc->last_msg_t > t0 ? fc->last_msg_t : pub.end_t) - t0;
  char out[2048];
  snprintf(out, sizeof out,
           "{\"mode\":\"slowfast\",\"size\":%ld,\"duration_s\":%.1f,\"stopped\":%ld,\"msgs\":%llu,\"pub_s\":%.4f,\"pub_msgs_per_s\":%.0f,"
           "\"delivered\":%llu,\"delivered_s\":%.4f,\"delivered_msgs_per_s\":%.0f,\"lost\":%llu,\"extra\":%llu,\"bad_size\":%llu,"
           "\"stopped_cut\":%ld,\"stopped_connected\":%ld,\"stopped_unknown\":%ld,\"stopped_received\":%llu,\"stopped_errors\":%llu,\"start_unix\":%.6f",
           opt.size, opt.duration_s, k, (unsigned long long)sent, pub_s, sent / pub_s, (unsigned long long)fc->msgs, fast_s, fc->msgs / fast_s,
           (unsigned long long)lost, (unsigned long long)extra, (unsigned long long)fc->bad_size, cut, connected, unknown,
           (unsigned long long)stopped_received, (unsigned long long)stopped_errors, wall.tv_sec + wall.tv_nsec * 1e-9);
  cpu_json(out, sizeof out, &a, &b);
  size_t len = strlen(out);
  snprintf(out + len, sizeof out - len, ",\"server_errors\":%ld,\"ok\":%s}", errors, ok ? "true" : "false");
  puts(out);
  note("slowfast: fast subscriber %.0f msgs/s, %ld of %ld stopped subscriber(s) cut%s", fc->msgs / fast_s, cut, k, ok ? "" : " (INVALID run)");
  conn_close(fc);
  conn_close(&pub.conn);
  for (long i = 0; i < k; i++) conn_close(&stopped[i]);
  free(stopped);
  return ok ? 0 : 1;
}

/* ---------- connsmsgs: every one of many subscribed connections must get every message ---------- */

#define MANY_BUF (16u << 10)

typedef struct {
  conn_t *conn;
  const char *frames;
  size_t bytes;
  long repeat;
  int failed;
} feeder_t;

/* Writes a buffer of whole PUB frames `repeat` times, then PING/PONG: the server has routed them all. */
static void *feeder_main(void *arg) {
  feeder_t *f = arg;
  for (long r = 0; r < f->repeat && !f->failed; r++) {
    if (write_all(f->conn->fd, f->frames, f->bytes) < 0) f->failed = 1;
    else if (conn_pump(f->conn, 0) < 0) f->failed = 1;
  }
  if (!f->failed && conn_flush(f->conn) < 0) f->failed = 1;
  return NULL;
}

/*
 * Reads all connections until each has `want` messages (or, with want 0, its PONG), answering the server's
 * PINGs, and keeps the highest server RSS seen. Returns the time of the last message, or -1 when a
 * connection drops or nothing arrives for -t seconds.
 */
static double read_until(conn_t *conns, long count, int ep, uint64_t want, long *rss_peak) {
  long done = 0;
  for (long i = 0; i < count; i++) done += want ? conns[i].msgs >= want : conns[i].pongs > 0;
  double t = now_s(), last_msg = t, last_progress = t, next_rss = t;
  while (done < count) {
    struct epoll_event events[256];
    int ready = epoll_wait(ep, events, 256, 100);
    t = now_s();
    for (int i = 0; i < ready; i++) {
      conn_t *c = events[i].data.ptr;
      uint64_t msgs = c->msgs, pongs = c->pongs;
      ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len);
      if (got <= 0) { note("a connection dropped: %s", got < 0 ? strerror(errno) : "closed"); return -1; }
      c->len += (size_t)got;
      last_progress = t;
      if (conn_parse(c) < 0) return -1;
      if (c->msgs != msgs) last_msg = t;
      if (want ? msgs < want && c->msgs >= want : pongs == 0 && c->pongs > 0) done++;
    }
    if (t >= next_rss) {
      long rss = server_rss_kb();
      if (rss > *rss_peak) *rss_peak = rss;
      next_rss = t + 0.1;
    }
    if (t - last_progress > opt.timeout_s) { note("%ld of %ld connections complete, nothing read for %.0f s", done, count, opt.timeout_s); return -1; }
  }
  return last_msg;
}

static double run_phase(conn_t *conns, long count, int ep, conn_t *pub, const char *frames, size_t bytes, long repeat, uint64_t want, long *rss_peak, double *start) {
  feeder_t feeder = {pub, frames, bytes, repeat, 0};
  pthread_t thread;
  *start = now_s();
  pthread_create(&thread, NULL, feeder_main, &feeder);
  double end = read_until(conns, count, ep, want, rss_peak);
  pthread_join(thread, NULL);
  return feeder.failed ? -1 : end;
}

/*
 * -c connections each subscribe to the shared subject (and with -O to `<subject>.<i>` too). Then -n
 * messages go to the shared subject, each to be delivered to every connection; then -O rounds of one message
 * to each connection's own subject. Every connection must get exactly its messages (checked by PING/PONG).
 */
int run_connsmsgs(void) {
  if (opt.server_pid <= 0) { fprintf(stderr, "loadgen: connsmsgs needs -x SERVER_PID\n"); return 2; }
  long count = opt.conns, shared = opt.n, rounds = opt.own_rounds;
  conn_t *conns = calloc((size_t)count, sizeof *conns);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  long rss_idle = server_rss_kb(), opened = 0;
  for (; opened < count; opened++) {
    char subs[600];
    int n = snprintf(subs, sizeof subs, "SUB %s 1\r\n", opt.subject);
    if (rounds > 0) snprintf(subs + n, sizeof subs - (size_t)n, "SUB %s.%ld 2\r\n", opt.subject, opened);
    if (conn_open(&conns[opened], MANY_BUF, subs) < 0) { note("connection %ld failed: %s", opened, strerror(errno)); break; }
    conns[opened].expect_size = opt.size;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[opened]};
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[opened].fd, &ev);
  }
  conn_t pub;
  memset(&pub, 0, sizeof pub);
  pub.fd = -1;
  int failed = opened < count || conn_open(&pub, CTL_BUF, NULL) < 0;
  long rss_connected = server_rss_kb(), rss_peak = rss_connected;
  /* Frames for both phases, built before the clock starts. */
  size_t frame_room = 64 + (size_t)opt.size + strlen(opt.subject);
  char *shared_frames = malloc(frame_room * (size_t)(shared > 0 ? shared : 1)), *own_frames = malloc(frame_room * (size_t)count);
  size_t shared_bytes = 0, own_bytes = 0;
  for (long i = 0; i < shared; i++) {
    shared_bytes += (size_t)sprintf(shared_frames + shared_bytes, "PUB %s %ld\r\n", opt.subject, opt.size);
    memset(shared_frames + shared_bytes, 'a' + (int)(i % 26), (size_t)opt.size);
    shared_bytes += (size_t)opt.size;
    shared_bytes += (size_t)sprintf(shared_frames + shared_bytes, "\r\n");
  }
  for (long i = 0; i < count; i++) {
    own_bytes += (size_t)sprintf(own_frames + own_bytes, "PUB %s.%ld %ld\r\n", opt.subject, i, opt.size);
    memset(own_frames + own_bytes, 'o', (size_t)opt.size);
    own_bytes += (size_t)opt.size;
    own_bytes += (size_t)sprintf(own_frames + own_bytes, "\r\n");
  }
  sample_t a, b;
  take_sample(&a);
  double shared_start = 0, shared_end = 0, own_start = 0, own_end = 0;
  if (!failed && shared > 0) {
    shared_end = run_phase(conns, count, ep, &pub, shared_frames, shared_bytes, 1, (uint64_t)shared, &rss_peak, &shared_start);
    failed = shared_end < 0;
  }
  if (!failed && rounds > 0) {
    own_end = run_phase(conns, count, ep, &pub, own_frames, own_bytes, rounds, (uint64_t)(shared + rounds), &rss_peak, &own_start);
    failed = own_end < 0;
  }
  take_sample(&b);
  /* Anything beyond the expected count that arrives before our PING's PONG is a duplicate. */
  uint64_t lost = 0, extra = 0, bad = 0, want = (uint64_t)(shared + rounds);
  if (!failed) {
    for (long i = 0; i < count && !failed; i++) failed = write_all(conns[i].fd, "PING\r\n", 6) < 0;
    if (!failed) failed = read_until(conns, count, ep, 0, &rss_peak) < 0;
  }
  for (long i = 0; i < opened; i++) {
    if (conns[i].msgs < want) lost += want - conns[i].msgs;
    if (conns[i].msgs > want) extra += conns[i].msgs - want;
    bad += conns[i].bad_size;
  }
  sleep(1);
  long rss_after = server_rss_kb();
  int ok = !failed && opened == count && lost == 0 && extra == 0 && bad == 0 && atomic_load(&server_errors) == 0;
  char out[2048];
  double shared_s = shared_end - shared_start, own_s = own_end - own_start;
  snprintf(out, sizeof out,
           "{\"mode\":\"connsmsgs\",\"conns\":%ld,\"opened\":%ld,\"n\":%ld,\"own_rounds\":%ld,\"size\":%ld,"
           "\"shared_delivered_s\":%.4f,\"shared_msgs_per_s\":%.0f,\"own_delivered_s\":%.4f,\"own_msgs_per_s\":%.0f,\"lost\":%llu,\"extra\":%llu,\"bad_size\":%llu,"
           "\"rss_kb_idle\":%ld,\"rss_kb_connected\":%ld,\"rss_kb_peak\":%ld,\"rss_kb_after\":%ld,\"rss_kb_per_conn\":%.2f",
           count, opened, shared, rounds, opt.size, shared_s, shared > 0 && shared_s > 0 ? count * shared / shared_s : 0, own_s,
           rounds > 0 && own_s > 0 ? count * rounds / own_s : 0, (unsigned long long)lost, (unsigned long long)extra, (unsigned long long)bad,
           rss_idle, rss_connected, rss_peak, rss_after, opened > 0 ? (double)(rss_connected - rss_idle) / opened : 0);
  cpu_json(out, sizeof out, &a, &b);
  size_t len = strlen(out);
  snprintf(out + len, sizeof out - len, ",\"server_errors\":%ld,\"ok\":%s}", atomic_load(&server_errors), ok ? "true" : "false");
  puts(out);
  for (long i = 0; i < opened; i++) conn_close(&conns[i]);
  conn_close(&pub);
  close(ep);
  free(conns);
  free(shared_frames);
  free(own_frames);
  return ok ? 0 : 1;
}
