// Protocol fuzz - random and mutated client frames over raw TCP against one server, while a healthy client keeps working.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startServer, type ServerKind } from '../helpers/server-process.js';
import { Random, testSeed } from '../helpers/random.js';
import { GOOD_CONNECT, makeCase } from './fuzz-inputs.js';
import { FuzzSocket, checkServerStream } from './fuzz-socket.js';

const KIND = (process.env.FUZZ_SERVER ?? 'natrium') as ServerKind;
/** Total fuzzing time; FUZZ_MS to change. */
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 18_000);
/** Fuzz connections open at once (each worker runs its cases in sequence). */
const WORKERS = Number(process.env.FUZZ_WORKERS ?? 8);
/** FUZZ_CASE=<case seed> replays one case alone. */
const ONLY_CASE = process.env.FUZZ_CASE === undefined ? null : Number(process.env.FUZZ_CASE);
/** How long a probe step waits before escalating; valid input gets much longer, so load never passes for a hang. */
const STEP_MS = 750;
const VALID_STEP_MS = 8000;

const seed = testSeed();

interface Stats { cases: number; usable: number; closed: number; withErr: number; kinds: Map<string, number> }

/** Runs one case on a new connection. Returns a failure description, or null. */
async function runCase(port: number, maxPayload: number, caseSeed: number, stats: Stats): Promise<string | null> {
  const fuzz = makeCase(new Random(caseSeed), maxPayload);
  const socket = new FuzzSocket(port);
  try {
    if (!(await socket.until((t) => t.includes('\r\n'), 5000))) throw new Error(`no INFO line within 5 s (received ${JSON.stringify(socket.text)})`);
    if (fuzz.connectFirst) await socket.write([Buffer.from(GOOD_CONNECT)]);
    await socket.write(fuzz.chunks);
    const result = await socket.probe(String(caseSeed), maxPayload, STEP_MS, fuzz.mustStayUsable ? VALID_STEP_MS : STEP_MS);
    const problem = checkServerStream(socket.text);
    if (problem !== null) throw new Error(`malformed server output: ${problem}`);
    if (fuzz.mustStayUsable) {
      assert.equal(result, 'usable', 'valid input must leave the connection usable');
      const err = /-ERR [^\r\n]*/.exec(socket.text);
      assert.equal(err, null, `valid input must not get an error: ${err?.[0]}`);
    }
    stats.cases++;
    stats[result]++;
    if (socket.text.includes('\r\n-ERR ')) stats.withErr++;
    const kind = fuzz.kind.replace(/ \(.*/, '');
    stats.kinds.set(kind, (stats.kinds.get(kind) ?? 0) + 1);
    return null;
  } catch (err) {
    const preview = JSON.stringify(fuzz.bytes.subarray(0, 300).toString('latin1'));
    return `case ${caseSeed} (${fuzz.kind}; ${fuzz.bytes.length} bytes in ${fuzz.chunks.length} chunks; CONNECT first: ${fuzz.connectFirst}): ${(err as Error).message}\n    input starts: ${preview}`;
  } finally {
    socket.destroy();
  }
}

/** A well-behaved client pair doing request/reply and ordered pub/sub until told to stop; collects every problem it sees. */
class HealthyTraffic {
  requests = 0;
  published = 0;
  received = 0;
  readonly problems: string[] = [];
  private stopping = false;
  private done = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly responder: NatsConnection, private readonly requester: NatsConnection) {}

  static async start(url: string): Promise<HealthyTraffic> {
    const options = { servers: url, reconnect: false, timeout: 5000, name: 'healthy' };
    const healthy = new HealthyTraffic(await connect(options), await connect(options));
    healthy.begin();
    return healthy;
  }

  private watch(nc: NatsConnection, name: string): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'ping' || status.type === 'update' || (status.type === 'close' && this.stopping)) continue;
        this.problems.push(`${name} status ${status.type}: ${JSON.stringify(status)}`);
      }
    })();
    void nc.closed().then((err) => { if (!this.stopping || err) this.problems.push(`${name} closed early${err ? `: ${err.message}` : ''}`); });
  }

  private begin(): void {
    this.watch(this.responder, 'responder');
    this.watch(this.requester, 'requester');
    const token = `${seed}.${process.pid}`;
    const service = `healthy.svc.${token}`;
    const stream = `healthy.stream.${token}`;
    this.responder.subscribe(service, { callback: (err, m) => { if (err) this.problems.push(`responder: ${err.message}`); else m.respond(m.data); } });
    this.responder.subscribe(stream, {
      callback: (err, m) => {
        if (err) this.problems.push(`stream subscriber: ${err.message}`);
        else if (m.string() !== String(this.received)) this.problems.push(`stream: expected message ${this.received}, got ${m.string()}`);
        this.received++;
      },
    });
    this.loop = (async () => {
      await this.responder.flush();
      while (!this.done && this.problems.length === 0) {
        const body = `${this.requests}:${'h'.repeat(this.requests % 300)}`;
        try {
          const reply = await this.requester.request(service, body, { timeout: 5000 });
          if (reply.string() !== body) this.problems.push(`request ${this.requests}: reply ${JSON.stringify(reply.string().slice(0, 50))}`);
        } catch (err) {
          this.problems.push(`request ${this.requests} failed: ${(err as Error).message}`);
        }
        this.requests++;
        this.requester.publish(stream, String(this.published++));
        if (this.requests % 20 === 0) await this.requester.rtt();
      }
    })().catch((err: Error) => { this.problems.push(`healthy loop: ${err.message}`); });
  }

  /** Stops the traffic, checks nothing was lost, closes both connections. */
  async stop(): Promise<void> {
    this.done = true;
    await this.loop;
    try {
      await this.requester.flush();
      await this.responder.flush();
      if (this.received !== this.published) this.problems.push(`stream: published ${this.published}, received ${this.received}`);
    } catch (err) {
      this.problems.push(`final flush: ${(err as Error).message}`);
    }
    this.stopping = true;
    await Promise.allSettled([this.requester.close(), this.responder.close()]);
  }
}

describe(`protocol fuzz (server: ${KIND}, seed: ${seed})`, () => {
  it('random and mutated frames on many connections never crash the server, never hang a connection, never disturb a healthy client', { timeout: FUZZ_MS + 60_000 }, async (t) => {
    const server = await startServer(KIND);
    let exit: string | null = null;
    server.process.once('exit', (code, signal) => { exit = `exit code ${code}, signal ${signal}`; });
    const stats: Stats = { cases: 0, usable: 0, closed: 0, withErr: 0, kinds: new Map() };
    try {
      const info = await new Promise<{ max_payload: number }>((resolve, reject) => {
        const socket = new FuzzSocket(server.port);
        void socket.until((text) => text.includes('\r\n'), 5000).then((ok) => {
          socket.destroy();
          if (!ok) { reject(new Error('no INFO')); return; }
          resolve(JSON.parse(socket.text.slice(5, socket.text.indexOf('\r\n'))) as { max_payload: number });
        });
      });
      const healthy = await HealthyTraffic.start(server.url);
      const failures: string[] = [];
      const deadline = Date.now() + FUZZ_MS;
      const worker = async (index: number) => {
        const rng = new Random((seed + index * 0x9e3779b9) >>> 0);
        while (Date.now() < deadline && failures.length === 0 && exit === null && healthy.problems.length === 0) {
          const failure = await runCase(server.port, info.max_payload, rng.int(2 ** 31), stats);
          if (failure !== null) failures.push(failure);
        }
      };
      if (ONLY_CASE !== null) {
        const failure = await runCase(server.port, info.max_payload, ONLY_CASE, stats);
        if (failure !== null) failures.push(failure);
      } else {
        await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
      }
      await healthy.stop();
      t.diagnostic(`seed ${seed}: ${stats.cases} cases (${stats.usable} usable, ${stats.closed} closed by the server, ${stats.withErr} with -ERR); ${[...stats.kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; healthy: ${healthy.requests} requests, ${healthy.received}/${healthy.published} messages`);

      assert.equal(exit, null, `the server process exited during the fuzz: ${exit}\n${server.output().slice(-2000)}`);
      assert.deepEqual(failures, [], `fuzzed connections misbehaved (replay one with FUZZ_CASE=<case>)`);
      assert.deepEqual(healthy.problems, [], 'the healthy client saw problems');
      assert.ok(healthy.requests >= 10, `the healthy client made progress (${healthy.requests} requests)`);
      if (ONLY_CASE === null) assert.ok(stats.cases >= 100, `enough cases ran (${stats.cases})`);

      // Afterwards a new client connects and round-trips.
      const fresh = await connect({ servers: server.url, reconnect: false, timeout: 5000 });
      try {
        fresh.subscribe('after.fuzz', { callback: (_err, m) => { m.respond(`pong ${m.string()}`); } });
        const reply = await fresh.request('after.fuzz', 'ping', { timeout: 5000 });
        assert.equal(reply.string(), 'pong ping');
      } finally {
        await fresh.close();
      }
      assert.equal(exit, null, `the server process exited: ${exit}`);
    } catch (err) {
      console.error(`protocol fuzz failed; replay with SEED=${seed} FUZZ_SERVER=${KIND}`);
      throw err;
    } finally {
      await server.stop();
    }
  });
});
