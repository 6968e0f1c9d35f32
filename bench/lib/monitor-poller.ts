// Polls a server's monitoring endpoints while a case runs: monitoring under load must not slow delivery.

/** The reports a dashboard and a Prometheus scraper would ask for (nats-server answers /metrics with 404). */
export const POLLED_PATHS = ['/varz', '/connz?subs=1', '/subsz?subs=1', '/jsz?accounts=1', '/healthz', '/metrics'];

export interface PollerResult {
  requests: number;
  /** Answers other than 200/404, and failed requests. */
  errors: number;
}

/** Requests every path in turn, one at a time, every `intervalMs`, until `stop()` resolves the totals. */
export function startPoller(port: number, intervalMs: number): { stop(): Promise<PollerResult> } {
  const result: PollerResult = { requests: 0, errors: 0 };
  let running = true;
  const loop = (async () => {
    let next = 0;
    while (running) {
      const started = Date.now();
      for (const path of POLLED_PATHS) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}${path}`);
          await response.arrayBuffer();
          result.requests++;
          if (response.status !== 200 && response.status !== 404) result.errors++;
        } catch {
          result.errors++;
        }
        next++;
      }
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0 && running) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return next;
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return result;
    },
  };
}
