// Runs a scenario against a server of a given kind: a fresh server per config, or a reused one for the default config.
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { freePort, startServer, NATRIUM_SERVER_JS, type RunningServer, type ServerKind } from '../helpers/server-process.js';
import { checkExpectations, ConversationRunner, type Scenario, type ScenarioResult } from './harness.js';

/** Starts a server on a free port; retries when another process grabbed the port in between. */
async function startOnFreePort(kind: ServerKind, configFile: string | undefined, extraArgs: string[]): Promise<{ server: RunningServer; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [...(configFile ? ['-c', configFile] : []), '-a', '127.0.0.1', '-p', String(port), ...extraArgs];
    try {
      return { server: await startServer(kind, args, { port }), port };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test(message)) throw error;
    }
  }
}

function isRunning(server: RunningServer): boolean {
  return server.process.exitCode === null && server.process.signalCode === null;
}

/**
 * Servers with the default configuration, lent to one scenario at a time and reused afterwards: a scenario's
 * connections are all closed when it ends, so nothing it did is visible to the next one. Starting a server per
 * scenario is much slower for natrium-server (a Node.js process). CONFORMANCE_FRESH_SERVERS=1 turns reuse off.
 */
const idleServers = new Map<ServerKind, { server: RunningServer; port: number }[]>();
const reuse = process.env.CONFORMANCE_FRESH_SERVERS !== '1';

function shareable(scenario: Scenario): boolean {
  return reuse && scenario.config === undefined && !scenario.args?.length && !scenario.isolated;
}

/** Stops every idle shared server (call once all scenarios are done). */
export async function stopSharedServers(): Promise<void> {
  const all = [...idleServers.values()].flat();
  idleServers.clear();
  await Promise.all(all.map(({ server }) => server.stop().catch(() => undefined)));
}

/** Plays `scenario` against a server of `kind` and returns its transcript and expectation failures. */
export async function runScenario(scenario: Scenario, kind: ServerKind): Promise<ScenarioResult> {
  const started = Date.now();
  const result: ScenarioResult = { scenario: scenario.name, server: kind, transcript: [], failures: [], durationMs: 0 };
  if (kind === 'natrium' && !existsSync(NATRIUM_SERVER_JS)) {
    result.error = `natrium-server is not built (${NATRIUM_SERVER_JS} missing)`;
    return result;
  }
  const shared = shareable(scenario);
  let directory: string | undefined;
  let launched: { server: RunningServer; port: number } | undefined;
  try {
    if (shared) launched = idleServers.get(kind)?.pop();
    if (!launched) {
      let configFile: string | undefined;
      if (scenario.config !== undefined) {
        directory = await mkdtemp(path.join(os.tmpdir(), 'natrium-conformance-'));
        configFile = path.join(directory, 'server.conf');
        await writeFile(configFile, scenario.config);
      }
      launched = await startOnFreePort(kind, configFile, scenario.args ?? []);
    }
    const runner = new ConversationRunner(scenario, launched.port);
    await runner.run();
    result.transcript = scenario.normalizeTranscript ? scenario.normalizeTranscript(runner.transcript) : runner.transcript;
    result.failures = [...runner.failures, ...checkExpectations(scenario, result.transcript)];
    if (!isRunning(launched.server)) {
      const tail = launched.server.output().trim().split('\n').slice(-5).join('\n');
      result.failures.push(`the ${kind} server process exited during the scenario (code ${launched.server.process.exitCode}, signal ${launched.server.process.signalCode}):\n${tail}`);
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    if (launched) {
      if (shared && isRunning(launched.server)) {
        const idle = idleServers.get(kind) ?? [];
        idle.push(launched);
        idleServers.set(kind, idle);
      } else {
        await launched.server.stop().catch(() => undefined);
      }
    }
    if (directory) await rm(directory, { recursive: true, force: true }).catch(() => undefined);
  }
  result.durationMs = Date.now() - started;
  return result;
}
