/*
 * natrium-loadgen's shared declarations: options, one NATS connection (conn.c), CPU and RSS sampling, workers.
 */
#ifndef NATRIUM_LOADGEN_H
#define NATRIUM_LOADGEN_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION "1.2"
#define SUB_BUF (4u << 20)    /* subscriber read buffer: holds any frame up to the 1 MiB max_payload */
#define CTL_BUF (256u << 10)  /* publishers, request/reply */
#define IDLE_BUF 4096u        /* conns mode: INFO and PING only */

/* ---------- options (natrium-loadgen.c) ---------- */

struct options {
  const char *host;
  int port;
  long n, size, pubs, subs, conns, warmup, runs, bufbytes;
  double settle_s, hold_s, timeout_s;
  const char *subject;
  pid_t server_pid;
  int quiet, verbose;
  char **command;      /* startup: the server command */
  double duration_s;   /* slowfast: publish for this long instead of -n messages (0: use -n) */
  long own_rounds;     /* connsmsgs: messages per connection on its own subject */
  long rss_every_ms;   /* pubsub: sample the server's RSS this often (0: not at all) */
  long window;         /* jspub, kv: requests without a reply at most (0: the mode's default) */
  long batch;          /* jsconsume: messages per pull request (0: 500) */
  long keys;           /* kv: distinct keys (0: 1000) */
  const char *storage; /* JetStream modes: "file" (NULL) or "memory" */
  int headers;         /* CONNECT with headers (JetStream modes: status and flow-control messages are HMSG) */
};
extern struct options opt;

/* ---------- CPU and memory sampling (conn.c) ---------- */

typedef struct {
  double t, self_cpu_s; /* our own CPU from getrusage: microseconds, finer than /proc's 10 ms ticks */
  long server_ticks;
  unsigned long long total, idle, steal;
} sample_t;

void note(const char *fmt, ...);
double now_s(void);
void take_sample(sample_t *s);
long server_rss_kb(void);
void cpu_json(char *out, size_t cap, const sample_t *a, const sample_t *b);

/* ---------- one connection (conn.c) ---------- */

typedef struct conn conn_t;
/* Called for each MSG/HMSG when set (request/reply); counting-only connections leave it NULL. */
typedef void (*msg_fn)(conn_t *c, const char *subject, size_t subject_len, const char *reply, size_t reply_len, const char *payload, size_t size);

struct conn {
  int fd;
  char *buf;
  size_t cap, len;
  long expect_size; /* -1: any size */
  msg_fn on_msg;
  char sid;         /* the one-character sid of the MSG being handled by on_msg (0: longer) */
  void *user;
  uint64_t msgs, bytes, bad_size, pongs, errs, proto_errs;
  double last_msg_t;
};

extern atomic_long server_errors;

int write_all(int fd, const char *p, size_t n);
int conn_parse(conn_t *c);
int conn_pump(conn_t *c, int timeout_ms);
int conn_flush(conn_t *c);
int conn_open(conn_t *c, size_t cap, const char *extra);
void conn_close(conn_t *c);

/* ---------- publishers and subscribers (natrium-loadgen.c) ---------- */

typedef struct {
  conn_t conn;
  pthread_t thread;
  pthread_barrier_t *start;
  double end_t;
  uint64_t wire_bytes;
  uint64_t sent; /* messages written (timed publishers) */
  int failed;
} worker_t;

extern atomic_int pubs_done;

void *publisher_main(void *arg);
void *subscriber_main(void *arg);
int cmp_double(const void *a, const void *b);

/* ---------- stress modes (stress.c) ---------- */

int run_slowfast(void);
int run_connsmsgs(void);

/* ---------- JetStream modes (jetstream.c) ---------- */

int run_jspub(void);
int run_jssync(void);
int run_jsconsume(void);
int run_kv(void);

/* Samples the server's RSS and the subscribers' message counts while a pubsub run goes on. */
typedef struct rss_sampler rss_sampler_t;
rss_sampler_t *rss_sampler_start(worker_t *subs, long k);
/* Stops sampling (one last sample first) and appends the RSS figures to a JSON object being built in out. */
void rss_sampler_finish(rss_sampler_t *s, char *out, size_t cap);

#endif
