// /healthz: nats-server 2.9's `{"status":"ok"}` and, with `details` (2.10), the status code and a list of problems.

import type { Server } from '../core/server.js';
import type { JetStream } from '../jetstream/jetstream.js';
import { unrecoveredAssets, type UnrecoveredAsset } from '../jetstream/jsz-report.js';
import type { EndpointResult } from './monitor-server.js';
import { queryBool } from './query-params.js';

/** nats-server's NewJSNotEnabledError text. */
const JS_NOT_ENABLED = 'JetStream not enabled';

interface HealthError {
  type: string;
  account?: string;
  stream?: string;
  error: string;
}

export function healthz(server: Server, jetstream: JetStream | null, query: URLSearchParams): EndpointResult {
  // js-enabled is 2.9's name for js-enabled-only.
  const enabledOnly = queryBool(query, 'js-enabled-only') || queryBool(query, 'js-enabled');
  const serverOnly = queryBool(query, 'js-server-only');
  const details = queryBool(query, 'details');
  // `js-meta-only` (2.10) is not read: it stops after the meta-group checks of a cluster, and a server without
  // clustering has none, so nats-server 2.10 runs the same stream-recovery check with or without it.
  const account = query.get('account') ?? '';
  const stream = query.get('stream') ?? '';
  const errors: HealthError[] = [];
  if (server.options.jetstream.enabled) {
    if (jetstream === null) {
      errors.push({ type: 'JETSTREAM', error: JS_NOT_ENABLED });
    } else if (!enabledOnly && !serverOnly) {
      for (const problem of unrecoveredAssets(server, jetstream)) {
        if (account !== '' && problem.account !== account) continue;
        if (stream !== '' && problem.stream !== stream) continue;
        errors.push(healthError(problem));
      }
    }
  }
  const healthy = errors.length === 0;
  const status = healthy ? 200 : 503;
  let body: Record<string, unknown>;
  if (details) {
    body = { status: healthy ? 'ok' : 'unavailable', status_code: status };
    if (!healthy) body.errors = errors;
  } else {
    // Without details nats-server stops at the first problem.
    body = healthy ? { status: 'ok' } : { status: 'unavailable', error: errors[0]!.error };
  }
  // nats-server writes this one compact, unlike its other reports.
  return { status, body: JSON.stringify(body), contentType: 'application/json' };
}

function healthError(problem: UnrecoveredAsset): HealthError {
  return { type: problem.kind, account: problem.account, ...(problem.stream !== '' && { stream: problem.stream }), error: problem.error };
}
