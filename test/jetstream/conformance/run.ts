// Runs JetStream conformance scenarios: a fresh server with JetStream (own store dir) per scenario and server kind.
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from '@nats-io/transport-node';
import { NATRIUM_SERVER_JS, startServer, type RunningServer, type ServerKind } from '../../helpers/server-process.js';
import type { Scenario, ScenarioResult } from './harness.js';
import { ScenarioRunner } from './runner.js';

/** `JS_CONFORMANCE_ONLY=nats|natrium` restricts runs to one server; both by default. */
export function selectedServers(): ServerKind[] {
  const only = process.env.JS_CONFORMANCE_ONLY?.trim();
  if (only === 'nats' || only === 'natrium') return [only];
  if (only) throw new Error(`JS_CONFORMANCE_ONLY: unknown server '${only}' (nats or natrium)`);
  return ['nats', 'natrium'];
}

/** Arguments both servers get (nats-server flags): JetStream on, storage in a fresh directory. */
export function jetStreamArgs(storeDir: string): string[] {
  return ['-js', '-sd', storeDir];
}

async function withServer<T>(kind: ServerKind, work: (server: RunningServer) => Promise<T>): Promise<T> {
  const storeDir = await mkdtemp(path.join(os.tmpdir(), `js-conf-${kind}-`));
  let server: RunningServer | undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        server = await startServer(kind, jetStreamArgs(storeDir));
        break;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test(message)) throw error;
      }
    }
    return await work(server);
  } finally {
    await server?.stop().catch(() => undefined);
    await rm(storeDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Plays `scenario` against a fresh server of `kind`. */
export async function runScenario(scenario: Scenario, kind: ServerKind): Promise<ScenarioResult> {
  const started = Date.now();
  const result: ScenarioResult = { scenario: scenario.name, server: kind, transcript: [], failures: [], durationMs: 0 };
  try {
    if (kind === 'natrium' && !existsSync(NATRIUM_SERVER_JS)) throw new Error(`natrium-server is not built (${NATRIUM_SERVER_JS} missing)`);
    const { transcript, failures } = await withServer(kind, (server) => ScenarioRunner.run(server.url, scenario));
    result.transcript = transcript;
    result.failures = failures;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  result.durationMs = Date.now() - started;
  return result;
}

/**
 * Whether a server of `kind` answers `$JS.API.INFO` at all. Returns a reason when it does not (no responders:
 * its JetStream does not exist yet), undefined when it answers.
 */
export async function jetStreamMissing(kind: ServerKind): Promise<string | undefined> {
  if (kind === 'natrium' && !existsSync(NATRIUM_SERVER_JS)) return `natrium-server is not built (${NATRIUM_SERVER_JS} missing)`;
  return withServer(kind, async (server) => {
    const nc = await connect({ servers: server.url, reconnect: false });
    try {
      await nc.request('$JS.API.INFO', new Uint8Array(0), { timeout: 2000 });
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/no responders|503/i.test(message)) return `${kind}-server has no JetStream: $JS.API.INFO got no responders`;
      if (/timeout/i.test(message)) return `${kind}-server has no JetStream: $JS.API.INFO timed out`;
      throw error;
    } finally {
      await nc.close().catch(() => undefined);
    }
  });
}

/** Runs `work` over `items` with at most `limit` at once, keeping the order of results. */
export async function runPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
