/*
 * natrium-loadgen's JetStream modes over the raw protocol: jspub (async publish with a window of outstanding
 * PubAcks), jssync (one publish at a time, latency), jsconsume (pull fetch + ordered push replay of a pre-filled
 * stream) and kv (put and direct get on a KV bucket's stream).
 *
 * Everything runs on one connection subscribed to four fixed inboxes, dispatched by sid: 1 _lg.r API replies,
 * 2 _lg.a PubAcks and direct-get replies, 3 _lg.f fetched messages, 4 _lg.o ordered push deliveries.
 * The stream is deleted and created again before each run (untimed), so a warm-up run on the same server
 * leaves nothing behind.
 */
#include "loadgen.h"

#define STREAM "BENCH"
#define SUBJECT "bench.js"
#define BUCKET "B"
#define API_REPLY_CAP (64u << 10)
#define OUT_CAP (4u << 20)

/* What the connection's messages did; the callback fills it, the modes read it. */
typedef struct {
  uint64_t replies;       /* _lg.a: PubAcks and direct-get replies, errors included */
  uint64_t reply_errors;  /* a PubAck with "error", or a status 4xx/5xx reply */
  uint64_t fetched;       /* _lg.f: stream messages delivered to a pull request */
  uint64_t fetch_status;  /* _lg.f: status messages (408, 404, 409...) */
  uint64_t pushed;        /* _lg.o: stream messages delivered to the push consumer */
  uint64_t flow_answered; /* _lg.o: flow-control requests answered */
  uint64_t heartbeats;
  int ack_fetched;        /* acknowledge each fetched message (ack explicit) */
  char first_error[256];
  char api[API_REPLY_CAP]; /* the last API reply */
  size_t api_len;
  uint64_t api_count;
  char out[OUT_CAP];       /* acks and flow-control answers, written after each read */
  size_t out_len;
} js_state_t;

static js_state_t st;

static int is_status(const char *payload, size_t size) {
  return size >= 12 && memcmp(payload, "NATS/1.0 ", 9) == 0 && payload[9] >= '1' && payload[9] <= '9';
}

/* Queues "PUB reply 0" (an +ACK, or the answer to a flow-control request); written by out_flush. */
static void queue_empty_pub(conn_t *c, const char *reply, size_t reply_len) {
  if (st.out_len + reply_len + 32 > OUT_CAP) {
    if (write_all(c->fd, st.out, st.out_len) < 0) c->proto_errs++;
    st.out_len = 0;
  }
  memcpy(st.out + st.out_len, "PUB ", 4);
  memcpy(st.out + st.out_len + 4, reply, reply_len);
  memcpy(st.out + st.out_len + 4 + reply_len, " 0\r\n\r\n", 6);
  st.out_len += reply_len + 10;
}

static int out_flush(conn_t *c) {
  if (st.out_len == 0) return 0;
  int rc = write_all(c->fd, st.out, st.out_len);
  st.out_len = 0;
  return rc;
}

static void note_error(const char *payload, size_t size) {
  if (st.first_error[0]) return;
  size_t n = size < sizeof st.first_error - 1 ? size : sizeof st.first_error - 1;
  for (size_t i = 0; i < n; i++) st.first_error[i] = payload[i] == '"' || payload[i] == '\\' || (unsigned char)payload[i] < 32 ? '\'' : payload[i];
  st.first_error[n] = 0;
}

static void on_js_msg(conn_t *c, const char *subject, size_t subject_len, const char *reply, size_t reply_len, const char *payload, size_t size) {
  (void)subject; (void)subject_len;
  /* Stream messages keep their own subject whichever inbox they go to: the sid says which. */
  char inbox = c->sid == '1' ? 'r' : c->sid == '2' ? 'a' : c->sid == '3' ? 'f' : c->sid == '4' ? 'o' : 0;
  if (inbox == 'a') {
    st.replies++;
    int bad = is_status(payload, size) ? payload[9] >= '4' : (size > 0 && memmem(payload, size < 64 ? size : 64, "\"error\"", 7) != NULL);
    if (bad) {
      st.reply_errors++;
      note_error(payload, size);
    }
  } else if (inbox == 'f') {
    if (is_status(payload, size)) st.fetch_status++;
    else {
      st.fetched++;
      if (st.ack_fetched && reply) queue_empty_pub(c, reply, reply_len);
    }
  } else if (inbox == 'o') {
    if (!is_status(payload, size)) st.pushed++;
    else if (reply) { /* "100 FlowControl Request": the server waits for this answer before sending more */
      queue_empty_pub(c, reply, reply_len);
      st.flow_answered++;
    } else st.heartbeats++;
  } else if (inbox == 'r') {
    size_t n = size < API_REPLY_CAP - 1 ? size : API_REPLY_CAP - 1;
    memcpy(st.api, payload, n);
    st.api[n] = 0;
    st.api_len = n;
    st.api_count++;
  }
}

/* Reads what is there (waiting up to timeout_ms) and writes the acks it queued. */
static int js_pump(conn_t *c, int timeout_ms) {
  int r = conn_pump(c, timeout_ms);
  if (r >= 0 && out_flush(c) < 0) return -1;
  return r;
}

/* A JetStream API request; the reply is in st.api. Returns 0 when it has no "error", 1 when it has, -1 on no reply. */
static int js_api(conn_t *c, const char *subject, const char *body) {
  char head[600];
  size_t body_len = strlen(body);
  int n = snprintf(head, sizeof head, "PUB %s _lg.r %zu\r\n", subject, body_len);
  uint64_t want = st.api_count + 1;
  if (write_all(c->fd, head, (size_t)n) < 0 || write_all(c->fd, body, body_len) < 0 || write_all(c->fd, "\r\n", 2) < 0) return -1;
  double deadline = now_s() + opt.timeout_s;
  while (st.api_count < want) {
    if (now_s() > deadline || js_pump(c, 100) < 0) { note("no reply to %s", subject); return -1; }
  }
  return strstr(st.api, "\"error\"") ? 1 : 0;
}

/* The number after "field": in the last API reply, or -1. */
static long api_number(const char *field) {
  char key[64];
  snprintf(key, sizeof key, "\"%s\":", field);
  const char *p = strstr(st.api, key);
  return p ? atol(p + strlen(key)) : -1;
}

static int open_js_conn(conn_t *c) {
  memset(&st, 0, sizeof st);
  opt.headers = 1;
  if (conn_open(c, SUB_BUF, "SUB _lg.r 1\r\nSUB _lg.a 2\r\nSUB _lg.f 3\r\nSUB _lg.o 4\r\n") < 0) { fprintf(stderr, "loadgen: could not connect\n"); return -1; }
  c->on_msg = on_js_msg;
  return 0;
}

/* Deletes the stream if there is one and creates it empty. */
static int recreate_stream(conn_t *c, const char *name, const char *config) {
  char subject[300];
  snprintf(subject, sizeof subject, "$JS.API.STREAM.DELETE.%s", name);
  if (js_api(c, subject, "") < 0) return -1;
  snprintf(subject, sizeof subject, "$JS.API.STREAM.CREATE.%s", name);
  int rc = js_api(c, subject, config);
  if (rc != 0) fprintf(stderr, "loadgen: stream create failed: %s\n", st.api);
  return rc == 0 ? 0 : -1;
}

static int create_bench_stream(conn_t *c) {
  char config[512];
  snprintf(config, sizeof config, "{\"name\":\"" STREAM "\",\"subjects\":[\"" SUBJECT "\"],\"storage\":\"%s\",\"retention\":\"limits\",\"discard\":\"old\",\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,\"max_msg_size\":-1,\"num_replicas\":1}",
           opt.storage ? opt.storage : "file");
  return recreate_stream(c, STREAM, config);
}

/* ---------- the request window: N requests, at most W waiting for their reply on _lg.a ---------- */

typedef size_t (*frame_fn)(char *out, long i, const char *payload);

static size_t pub_frame(char *out, long i, const char *payload) {
  (void)i;
  size_t n = (size_t)sprintf(out, "PUB " SUBJECT " _lg.a %ld\r\n", opt.size);
  memcpy(out + n, payload, (size_t)opt.size);
  memcpy(out + n + opt.size, "\r\n", 2);
  return n + (size_t)opt.size + 2;
}

static long key_of(long i) { return i % (opt.keys > 0 ? opt.keys : 1000); }

static size_t kv_put_frame(char *out, long i, const char *payload) {
  size_t n = (size_t)sprintf(out, "PUB $KV." BUCKET ".k%06ld _lg.a %ld\r\n", key_of(i), opt.size);
  memcpy(out + n, payload, (size_t)opt.size);
  memcpy(out + n + opt.size, "\r\n", 2);
  return n + (size_t)opt.size + 2;
}

static size_t kv_get_frame(char *out, long i, const char *payload) {
  (void)payload;
  return (size_t)sprintf(out, "PUB $JS.API.DIRECT.GET.KV_" BUCKET ".$KV." BUCKET ".k%06ld _lg.a 0\r\n\r\n", key_of(i));
}

/* Sends n requests keeping at most window without a reply; returns seconds from the first write to the last reply, or -1. */
static double request_window(conn_t *c, long n, long window, frame_fn make) {
  size_t max_frame = 600 + (size_t)opt.size;
  size_t cap = (size_t)opt.bufbytes > max_frame * 4 ? (size_t)opt.bufbytes : max_frame * 4;
  char *buf = malloc(cap), *payload = malloc((size_t)opt.size + 1);
  memset(payload, 'j', (size_t)opt.size);
  uint64_t base = st.replies;
  long sent = 0;
  double t0 = now_s(), last_progress = t0;
  int failed = 0;
  while ((long)(st.replies - base) < n) {
    long done = (long)(st.replies - base), outstanding = sent - done;
    if (sent < n && outstanding < window) {
      size_t len = 0;
      while (sent < n && outstanding < window && len + max_frame <= cap) {
        len += make(buf + len, sent, payload);
        sent++;
        outstanding++;
      }
      if (write_all(c->fd, buf, len) < 0) { failed = 1; break; }
      if (js_pump(c, 0) < 0) { failed = 1; break; }
      continue;
    }
    uint64_t before = st.replies;
    if (js_pump(c, 100) < 0) { failed = 1; break; }
    double t = now_s();
    if (st.replies != before) last_progress = t;
    else if (t - last_progress > opt.timeout_s) { note("%ld replies missing", n - (long)(st.replies - base)); failed = 1; break; }
  }
  double elapsed = now_s() - t0;
  free(buf);
  free(payload);
  return failed ? -1 : elapsed;
}

static void finish_json(char *out, size_t cap, const sample_t *a, const sample_t *b, conn_t *c, int ok) {
  cpu_json(out, cap, a, b);
  size_t len = strlen(out);
  snprintf(out + len, cap - len, ",\"reply_errors\":%llu,\"first_error\":\"%s\",\"server_errors\":%ld,\"protocol_errors\":%llu,\"ok\":%s}",
           (unsigned long long)st.reply_errors, st.first_error, atomic_load(&server_errors), (unsigned long long)c->proto_errs, ok ? "true" : "false");
  puts(out);
}

/* ---------- jspub: async publish with a window of outstanding PubAcks ---------- */

int run_jspub(void) {
  conn_t c;
  if (open_js_conn(&c) < 0 || create_bench_stream(&c) < 0) return 2;
  long window = opt.window > 0 ? opt.window : 2000;
  sample_t a, b;
  take_sample(&a);
  double elapsed = request_window(&c, opt.n, window, pub_frame);
  take_sample(&b);
  long stored = js_api(&c, "$JS.API.STREAM.INFO." STREAM, "") == 0 ? api_number("messages") : -1;
  int ok = elapsed > 0 && st.reply_errors == 0 && stored == opt.n && c.proto_errs == 0 && atomic_load(&server_errors) == 0;
  char out[4096];
  snprintf(out, sizeof out, "{\"mode\":\"jspub\",\"n\":%ld,\"size\":%ld,\"storage\":\"%s\",\"window\":%ld,\"acked\":%llu,\"stored\":%ld,\"pub_s\":%.4f,\"pub_msgs_per_s\":%.0f,\"mb_per_s\":%.1f",
           opt.n, opt.size, opt.storage ? opt.storage : "file", window, (unsigned long long)st.replies, stored, elapsed, elapsed > 0 ? opt.n / elapsed : 0, elapsed > 0 ? opt.n * (double)opt.size / elapsed / 1e6 : 0);
  finish_json(out, sizeof out, &a, &b, &c, ok);
  note("jspub: %.0f msgs/s acked%s", elapsed > 0 ? opt.n / elapsed : 0, ok ? "" : " (INVALID run)");
  conn_close(&c);
  return ok ? 0 : 1;
}

/* ---------- jssync: one publish at a time, each waiting for its PubAck ---------- */

static double rank(const double *sorted, long n, double pct) {
  long r = (long)(pct / 100.0 * n + 0.999999);
  return sorted[(r < 1 ? 1 : r) - 1];
}

int run_jssync(void) {
  conn_t c;
  if (open_js_conn(&c) < 0 || create_bench_stream(&c) < 0) return 2;
  char *frame = malloc(600 + (size_t)opt.size), *payload = malloc((size_t)opt.size + 1);
  memset(payload, 's', (size_t)opt.size);
  size_t len = pub_frame(frame, 0, payload);
  double *lat = malloc(sizeof(double) * (size_t)(opt.n > 0 ? opt.n : 1));
  long total = opt.warmup + opt.n;
  int failed = 0;
  sample_t a, b;
  take_sample(&a);
  double t0 = a.t;
  for (long i = 0; i < total && !failed; i++) {
    if (i == opt.warmup) { take_sample(&a); t0 = a.t; }
    uint64_t want = st.replies + 1;
    double start = now_s();
    if (write_all(c.fd, frame, len) < 0) { failed = 1; break; }
    while (st.replies < want) {
      if (js_pump(&c, (int)(opt.timeout_s * 1000)) <= 0) { failed = 1; note("publish %ld: no PubAck", i); break; }
    }
    if (i >= opt.warmup) lat[i - opt.warmup] = (now_s() - start) * 1e6;
  }
  double elapsed = now_s() - t0;
  take_sample(&b);
  int ok = !failed && st.reply_errors == 0 && c.proto_errs == 0 && atomic_load(&server_errors) == 0;
  char out[4096];
  if (!failed && opt.n > 0) {
    qsort(lat, (size_t)opt.n, sizeof *lat, cmp_double);
    snprintf(out, sizeof out, "{\"mode\":\"jssync\",\"n\":%ld,\"size\":%ld,\"storage\":\"%s\",\"warmup\":%ld,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,\"pub_msgs_per_s\":%.0f",
             opt.n, opt.size, opt.storage ? opt.storage : "file", opt.warmup, rank(lat, opt.n, 50), rank(lat, opt.n, 90), rank(lat, opt.n, 99), rank(lat, opt.n, 99.9), lat[opt.n - 1], opt.n / elapsed);
  } else {
    snprintf(out, sizeof out, "{\"mode\":\"jssync\",\"n\":%ld,\"size\":%ld", opt.n, opt.size);
  }
  finish_json(out, sizeof out, &a, &b, &c, ok);
  free(lat);
  free(frame);
  free(payload);
  conn_close(&c);
  return ok ? 0 : 1;
}

/* ---------- jsconsume: pre-fill N messages, then fetch them all (pull, ack explicit), then replay (ordered push) ---------- */

/* Pull: keep two requests of -b messages waiting; every fetched message is acknowledged. Returns seconds or -1. */
static double fetch_all(conn_t *c, long n, long batch) {
  char req[256];
  int req_len = snprintf(req, sizeof req, "PUB $JS.API.CONSUMER.MSG.NEXT." STREAM ".C _lg.f %d\r\n{\"batch\":%ld}\r\n", (int)snprintf(NULL, 0, "{\"batch\":%ld}", batch), batch);
  st.ack_fetched = 1;
  long requested = 0;
  double t0 = now_s(), last_progress = t0;
  while ((long)st.fetched < n) {
    while (requested < n && requested - (long)st.fetched < 2 * batch) {
      if (write_all(c->fd, req, (size_t)req_len) < 0) return -1;
      requested += batch;
    }
    uint64_t before = st.fetched;
    if (js_pump(c, 100) < 0) return -1;
    double t = now_s();
    if (st.fetched != before) last_progress = t;
    else if (t - last_progress > opt.timeout_s) { note("fetch: %ld of %ld messages", (long)st.fetched, n); return -1; }
  }
  double elapsed = now_s() - t0;
  st.ack_fetched = 0;
  return conn_flush(c) < 0 ? -1 : elapsed;
}

/* Ordered consumer: ephemeral push, deliver all, ack none, flow control answered. Returns seconds or -1. */
static double replay_ordered(conn_t *c, long n) {
  const char *config = "{\"stream_name\":\"" STREAM "\",\"config\":{\"deliver_subject\":\"_lg.o\",\"deliver_policy\":\"all\",\"ack_policy\":\"none\",\"max_deliver\":1,"
                       "\"flow_control\":true,\"idle_heartbeat\":5000000000,\"mem_storage\":true,\"num_replicas\":1,\"replay_policy\":\"instant\"}}";
  double t0 = now_s(), last_progress = t0;
  if (js_api(c, "$JS.API.CONSUMER.CREATE." STREAM, config) != 0) { fprintf(stderr, "loadgen: ordered consumer: %s\n", st.api); return -1; }
  while ((long)st.pushed < n) {
    uint64_t before = st.pushed;
    if (js_pump(c, 100) < 0) return -1;
    double t = now_s();
    if (st.pushed != before) last_progress = t;
    else if (t - last_progress > opt.timeout_s) { note("ordered: %ld of %ld messages", (long)st.pushed, n); return -1; }
  }
  return now_s() - t0;
}

int run_jsconsume(void) {
  conn_t c;
  if (open_js_conn(&c) < 0 || create_bench_stream(&c) < 0) return 2;
  long batch = opt.batch > 0 ? opt.batch : 500;
  double fill_s = request_window(&c, opt.n, opt.window > 0 ? opt.window : 2000, pub_frame);
  const char *durable = "{\"stream_name\":\"" STREAM "\",\"config\":{\"durable_name\":\"C\",\"deliver_policy\":\"all\",\"ack_policy\":\"explicit\",\"max_ack_pending\":1000000,\"max_waiting\":512,\"replay_policy\":\"instant\"}}";
  if (fill_s < 0 || js_api(&c, "$JS.API.CONSUMER.DURABLE.CREATE." STREAM ".C", durable) != 0) { fprintf(stderr, "loadgen: setup failed: %s\n", st.api); return 2; }
  sample_t a, b;
  take_sample(&a);
  double fetch_s = fetch_all(&c, opt.n, batch);
  double ordered_s = fetch_s > 0 ? replay_ordered(&c, opt.n) : -1;
  take_sample(&b);
  /* Were the acks all taken? (nats-server handles acks asynchronously: give it a moment.) */
  long ack_pending = -1;
  for (double until = now_s() + 2; now_s() < until; usleep(20000)) {
    if (js_api(&c, "$JS.API.CONSUMER.INFO." STREAM ".C", "") != 0) break;
    if ((ack_pending = api_number("num_ack_pending")) == 0) break;
  }
  int ok = fetch_s > 0 && ordered_s > 0 && (long)st.fetched == opt.n && (long)st.pushed == opt.n && ack_pending == 0 && st.reply_errors == 0 &&
           c.proto_errs == 0 && atomic_load(&server_errors) == 0;
  char out[4096];
  snprintf(out, sizeof out, "{\"mode\":\"jsconsume\",\"n\":%ld,\"size\":%ld,\"storage\":\"%s\",\"batch\":%ld,\"fill_msgs_per_s\":%.0f,\"fetched\":%llu,\"fetch_status\":%llu,\"fetch_msgs_per_s\":%.0f,\"ack_pending_after\":%ld,"
           "\"pushed\":%llu,\"flow_answered\":%llu,\"ordered_msgs_per_s\":%.0f",
           opt.n, opt.size, opt.storage ? opt.storage : "file", batch, fill_s > 0 ? opt.n / fill_s : 0, (unsigned long long)st.fetched, (unsigned long long)st.fetch_status,
           fetch_s > 0 ? opt.n / fetch_s : 0, ack_pending, (unsigned long long)st.pushed, (unsigned long long)st.flow_answered, ordered_s > 0 ? opt.n / ordered_s : 0);
  finish_json(out, sizeof out, &a, &b, &c, ok);
  conn_close(&c);
  return ok ? 0 : 1;
}

/* ---------- kv: put N values over K keys (window of outstanding PubAcks), then N direct gets of the last value ---------- */

int run_kv(void) {
  conn_t c;
  if (open_js_conn(&c) < 0) return 2;
  char config[600];
  snprintf(config, sizeof config, "{\"name\":\"KV_" BUCKET "\",\"subjects\":[\"$KV." BUCKET ".>\"],\"storage\":\"%s\",\"retention\":\"limits\",\"discard\":\"new\",\"max_msgs_per_subject\":1,"
           "\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,\"max_msg_size\":-1,\"num_replicas\":1,\"allow_rollup_hdrs\":true,\"deny_delete\":true,\"allow_direct\":true,\"duplicate_window\":120000000000}",
           opt.storage ? opt.storage : "file");
  if (recreate_stream(&c, "KV_" BUCKET, config) < 0) return 2;
  long window = opt.window > 0 ? opt.window : 1000;
  sample_t a, b;
  take_sample(&a);
  double put_s = request_window(&c, opt.n, window, kv_put_frame);
  double get_s = put_s > 0 ? request_window(&c, opt.n, window, kv_get_frame) : -1;
  take_sample(&b);
  int ok = put_s > 0 && get_s > 0 && st.reply_errors == 0 && c.proto_errs == 0 && atomic_load(&server_errors) == 0;
  char out[4096];
  snprintf(out, sizeof out, "{\"mode\":\"kv\",\"n\":%ld,\"size\":%ld,\"keys\":%ld,\"storage\":\"%s\",\"window\":%ld,\"replies\":%llu,\"put_msgs_per_s\":%.0f,\"get_msgs_per_s\":%.0f",
           opt.n, opt.size, opt.keys > 0 ? opt.keys : 1000, opt.storage ? opt.storage : "file", window, (unsigned long long)st.replies, put_s > 0 ? opt.n / put_s : 0, get_s > 0 ? opt.n / get_s : 0);
  finish_json(out, sizeof out, &a, &b, &c, ok);
  conn_close(&c);
  return ok ? 0 : 1;
}
