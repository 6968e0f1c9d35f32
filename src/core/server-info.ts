// The INFO object a server sends to clients, with nats-server's field names and order.

import type { Server } from './server.js';
import { NATRIUM_VERSION, NATS_COMPAT_VERSION } from './version.js';

export interface ServerInfo {
  server_id: string;
  server_name: string;
  version: string;
  proto: number;
  go: string;
  host: string;
  port: number;
  headers: boolean;
  auth_required?: boolean;
  max_payload: number;
  /** Natrium's own release; `version` is the nats-server release whose behaviour we implement. */
  natrium_version: string;
  ldm?: boolean;
}

export function buildInfo(server: Server, host: string, port: number): ServerInfo {
  const options = server.options;
  const info: ServerInfo = {
    server_id: server.id,
    server_name: server.name,
    version: NATS_COMPAT_VERSION,
    proto: 1,
    // nats-server reports its Go runtime here; ours is Node.js.
    go: `node${process.versions.node}`,
    host,
    port,
    headers: !options.noHeaderSupport,
    max_payload: options.maxPayload,
    natrium_version: NATRIUM_VERSION,
  };
  if (server.authRequired) {
    // nats-server puts auth_required before max_payload; rebuild in that order.
    const { max_payload, natrium_version, ...rest } = info;
    return { ...rest, auth_required: true, max_payload, natrium_version };
  }
  return info;
}
