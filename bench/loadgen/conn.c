/*
 * natrium-loadgen: one NATS connection over raw TCP (open, read, frame parser, PING/PONG) and the CPU/RSS
 * accounting from /proc that every mode reports.
 */
#include "loadgen.h"

void note(const char *fmt, ...) {
  if (opt.quiet) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("loadgen: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---------- CPU accounting from /proc ---------- */


/* utime + stime (fields 14 and 15) of /proc/<pid>/stat; -1 when unreadable. */
static long proc_ticks(const char *path) {
  char buf[1024];
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = 0;
  char *p = strrchr(buf, ')'); /* the command name may contain spaces */
  if (!p) return -1;
  p += 2;
  for (int field = 3; field < 14 && p; field++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
  if (!p) return -1;
  long utime = 0, stime = 0;
  if (sscanf(p, "%ld %ld", &utime, &stime) != 2) return -1;
  return utime + stime;
}

void take_sample(sample_t *s) {
  char path[64];
  struct rusage ru;
  s->t = now_s();
  getrusage(RUSAGE_SELF, &ru);
  s->self_cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  s->server_ticks = -1;
  if (opt.server_pid > 0) {
    snprintf(path, sizeof path, "/proc/%d/stat", (int)opt.server_pid);
    s->server_ticks = proc_ticks(path);
  }
  unsigned long long v[8] = {0};
  FILE *f = fopen("/proc/stat", "r");
  if (f) {
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8) memset(v, 0, sizeof v);
    fclose(f);
  }
  s->total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
  s->idle = v[3] + v[4];
  s->steal = v[7];
}

long server_rss_kb(void) {
  char path[64], line[256];
  long kb = -1;
  snprintf(path, sizeof path, "/proc/%d/status", (int)opt.server_pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld", &kb) == 1) break;
  fclose(f);
  return kb;
}

/* Appends the CPU figures of the interval a..b to a JSON object being built in out. */
void cpu_json(char *out, size_t cap, const sample_t *a, const sample_t *b) {
  double hz = (double)sysconf(_SC_CLK_TCK), dt = b->t - a->t;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  double dtotal = (double)(b->total - a->total);
  double client = dt > 0 ? 100.0 * (b->self_cpu_s - a->self_cpu_s) / dt : 0;
  double busy = 0, steal = 0;
  if (dtotal > 0) {
    busy = 100.0 * ncpu * (dtotal - (double)(b->idle - a->idle) - (double)(b->steal - a->steal)) / dtotal;
    steal = 100.0 * ncpu * (double)(b->steal - a->steal) / dtotal;
  }
  size_t len = strlen(out);
  if (a->server_ticks >= 0 && b->server_ticks >= 0) {
    double server = dt > 0 ? 100.0 * (b->server_ticks - a->server_ticks) / hz / dt : 0;
    snprintf(out + len, cap - len, ",\"client_cpu_pct\":%.1f,\"server_cpu_pct\":%.1f,\"machine_busy_pct\":%.1f,\"other_cpu_pct\":%.1f,\"steal_pct\":%.1f",
             client, server, busy, busy - client - server, steal);
  } else {
    snprintf(out + len, cap - len, ",\"client_cpu_pct\":%.1f,\"server_cpu_pct\":null,\"machine_busy_pct\":%.1f,\"other_cpu_pct\":%.1f,\"steal_pct\":%.1f",
             client, busy, busy - client, steal);
  }
}

/* ---------- one connection: socket, read buffer, frame parser ---------- */


atomic_long server_errors;

int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Last decimal number of [line, end): the size field of MSG, or -1. */
static long trailing_number(const char *line, const char *end) {
  const char *p = end;
  while (p > line && p[-1] >= '0' && p[-1] <= '9') p--;
  if (p == end || p == line || (p[-1] != ' ' && p[-1] != '\t')) return -1;
  long v = 0;
  for (; p < end; p++) v = v * 10 + (*p - '0');
  return v;
}

/* Splits [p, end) at spaces and tabs into at most max tokens; returns the count. */
static int split_tokens(const char *p, const char *end, const char **start, size_t *len, int max) {
  int n = 0;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p >= end) break;
    const char *s = p;
    while (p < end && *p != ' ' && *p != '\t') p++;
    if (n < max) {
      start[n] = s;
      len[n] = (size_t)(p - s);
    }
    n++;
  }
  return n;
}

/*
 * Consumes every complete frame in the buffer and moves the incomplete tail to the front.
 * Answers PING with PONG (the caller owns the socket's writes at this point). Returns -1 on a protocol error.
 */
int conn_parse(conn_t *c) {
  char *p = c->buf, *end = c->buf + c->len;
  int rc = 0;
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break;
    char *line_end = (nl > p && nl[-1] == '\r') ? nl - 1 : nl;
    char op = (char)(*p & 0xdf);
    if (op == 'M' || op == 'H') { /* MSG / HMSG */
      int hdr = op == 'H';
      if (line_end - p < 4 + hdr || (p[3 + hdr] != ' ' && p[3 + hdr] != '\t')) { rc = -1; break; }
      long size = trailing_number(p, line_end);
      if (size < 0) { rc = -1; break; }
      if ((size_t)(end - (nl + 1)) < (size_t)size + 2) break; /* payload not all here yet */
      char *payload = nl + 1;
      if (payload[size] != '\r' || payload[size + 1] != '\n') { rc = -1; break; }
      if (c->expect_size >= 0 && size != c->expect_size) c->bad_size++;
      c->msgs++;
      c->bytes += (uint64_t)size;
      if (c->on_msg) {
        const char *tok[6];
        size_t tlen[6];
        int n = split_tokens(p + 4 + hdr, line_end, tok, tlen, 6);
        int want = 3 + hdr;
        if (n != want && n != want + 1) { rc = -1; break; }
        c->sid = tlen[1] == 1 ? tok[1][0] : 0; /* modes with several subscriptions use one-digit sids */
        c->on_msg(c, tok[0], tlen[0], n == want + 1 ? tok[2] : NULL, n == want + 1 ? tlen[2] : 0, payload, (size_t)size);
      }
      p = payload + size + 2;
      continue;
    }
    if (op == 'P' && line_end - p >= 4 && (p[1] & 0xdf) == 'I') { /* PING */
      if (write_all(c->fd, "PONG\r\n", 6) < 0) { rc = -1; break; }
    } else if (op == 'P' && line_end - p >= 4 && (p[1] & 0xdf) == 'O') { /* PONG */
      c->pongs++;
    } else if (*p == '-') { /* -ERR */
      c->errs++;
      atomic_fetch_add(&server_errors, 1);
      note("server said: %.*s", (int)(line_end - p), p);
    } else if (*p != '+' && op != 'I') { /* +OK and INFO are ignored */
      note("unknown op: %.*s", (int)(line_end - p > 60 ? 60 : line_end - p), p);
      rc = -1;
      break;
    }
    p = nl + 1;
  }
  if (rc < 0) c->proto_errs++;
  c->len = (size_t)(end - p);
  if (c->len > 0 && p != c->buf) memmove(c->buf, p, c->len);
  return rc;
}

/* Waits up to timeout_ms for bytes and parses them. Returns 1 data, 0 timeout, -1 closed or error. */
int conn_pump(conn_t *c, int timeout_ms) {
  struct pollfd pfd = {c->fd, POLLIN, 0};
  int r = poll(&pfd, 1, timeout_ms);
  if (r < 0) return errno == EINTR ? 0 : -1;
  if (r == 0) return 0;
  if (c->len == c->cap) return -1; /* a frame larger than the buffer */
  ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len);
  if (got < 0) return errno == EINTR || errno == EAGAIN ? 0 : -1;
  if (got == 0) return -1;
  c->len += (size_t)got;
  return conn_parse(c) < 0 ? -1 : 1;
}

/* Sends PING and reads until the matching PONG (so the server has handled everything before it). */
int conn_flush(conn_t *c) {
  uint64_t want = c->pongs + 1;
  if (write_all(c->fd, "PING\r\n", 6) < 0) return -1;
  double deadline = now_s() + opt.timeout_s;
  while (c->pongs < want) {
    if (now_s() > deadline) return -1;
    if (conn_pump(c, 100) < 0) return -1;
  }
  return 0;
}

/* Connects, checks that INFO comes first, sends CONNECT and the extra lines (SUBs), and waits for PONG. */
int conn_open(conn_t *c, size_t cap, const char *extra) {
  memset(c, 0, sizeof *c);
  c->expect_size = -1;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0) return -1;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
  if (inet_pton(AF_INET, opt.host, &sa.sin_addr) != 1 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0) goto fail;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->cap = cap;
  c->buf = malloc(cap);
  if (!c->buf) goto fail;
  double deadline = now_s() + opt.timeout_s;
  while (c->len < 5 || !memchr(c->buf, '\n', c->len)) { /* read the INFO line before parsing anything */
    struct pollfd pfd = {c->fd, POLLIN, 0};
    if (now_s() > deadline || poll(&pfd, 1, 100) < 0) goto fail;
    if (!pfd.revents) continue;
    ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (got <= 0) goto fail;
    c->len += (size_t)got;
  }
  if (strncmp(c->buf, "INFO", 4) != 0) goto fail;
  if (conn_parse(c) < 0) goto fail;
  char hello[2048];
  int n = snprintf(hello, sizeof hello, "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":true,\"lang\":\"c\",\"version\":\"%s\",\"name\":\"natrium-loadgen\"%s}\r\n%s", VERSION,
                   opt.headers ? ",\"headers\":true,\"no_responders\":true" : "", extra ? extra : "");
  if (n < 0 || (size_t)n >= sizeof hello || write_all(c->fd, hello, (size_t)n) < 0) goto fail;
  if (conn_flush(c) < 0 || c->errs > 0) goto fail;
  c->pongs = 0;
  return 0;
fail:
  close(c->fd);
  free(c->buf);
  c->buf = NULL;
  c->fd = -1;
  return -1;
}

void conn_close(conn_t *c) {
  if (c->fd >= 0) close(c->fd);
  free(c->buf);
  c->fd = -1;
  c->buf = NULL;
}
