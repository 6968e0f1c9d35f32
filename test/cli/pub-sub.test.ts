// natrium CLI - pub and sub against a real server: formats, headers, counts, raw output, queue groups, SIGINT.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { SERVER_KIND, cleanEnv, logLines, runCli, startCli } from './cli-process.js';

const TIME = /^\d\d:\d\d:\d\d /;

describe(`natrium CLI pub/sub (server: ${SERVER_KIND})`, () => {
  let server: RunningServer;
  let s: string[];

  before(async () => {
    server = await startServer(SERVER_KIND, []);
    s = ['-s', server.url];
  });
  after(async () => {
    await server.stop();
  });

  it('pub/sub - delivers messages with headers, reply subject and {{Count}}, in the nats CLI format', async () => {
    const sub = startCli([...s, 'sub', 'cli.fmt', '--count', '3']);
    await sub.waitFor(/Subscribing on cli\.fmt\n/);
    assert.match(sub.stderr, TIME);

    const pub = await runCli([...s, 'pub', 'cli.fmt', 'hello {{Count}}', '--count', '3', '-H', 'X-One:1', '-H', 'X-Seq: n{{Count}}', '--reply', 'back.here']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal(pub.stdout, '');
    const pubLines = pub.stderr.trimEnd().split('\n');
    assert.equal(pubLines.length, 3);
    for (const line of pubLines) assert.match(line, /^\d\d:\d\d:\d\d Published 7 bytes to "cli\.fmt"$/);

    const result = await sub.exited;
    assert.equal(result.code, 0, result.stderr);
    const expected = [1, 2, 3].map((n) => `[#${n}] Received on "cli.fmt" with reply "back.here"\nX-One: 1\nX-Seq: n${n}\n\nhello ${n}\n\n`).join('');
    assert.equal(result.stdout, expected);
  });

  it('pub/sub - a message without headers or reply has no header block; an empty body prints a blank line', async () => {
    const sub = startCli([...s, 'subscribe', 'cli.plain.*', '--count', '2']);
    await sub.waitFor(/Subscribing on cli\.plain\.\*/);
    assert.equal((await runCli([...s, 'pub', 'cli.plain.a', 'just text'])).code, 0);
    assert.equal((await runCli([...s, 'publish', 'cli.plain.b'])).code, 0);
    const result = await sub.exited;
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '[#1] Received on "cli.plain.a"\njust text\n\n[#2] Received on "cli.plain.b"\n\n\n');
  });

  it('sub --headers-only - shows headers but not bodies', async () => {
    const sub = startCli([...s, 'sub', 'cli.ho', '--count', '1', '--headers-only']);
    await sub.waitFor(/Subscribing on/);
    assert.equal((await runCli([...s, 'pub', 'cli.ho', 'secret body', '-H', 'Kind:test'])).code, 0);
    const result = await sub.exited;
    assert.equal(result.stdout, '[#1] Received on "cli.ho"\nKind: test\n\n');
    assert.doesNotMatch(result.stdout, /secret body/);
  });

  it('pub --count above 20 - prints one summary line; sub --count stops at the count', async () => {
    const sub = startCli([...s, 'sub', 'cli.many', '--count', '25']);
    await sub.waitFor(/Subscribing on/);
    const pub = await runCli([...s, 'pub', 'cli.many', 'm{{Count}}', '--count', '25']);
    assert.equal(pub.code, 0, pub.stderr);
    // m1..m9 are 2 bytes, m10..m25 are 3 bytes
    assert.deepEqual(logLines(pub.stderr), ['Published 25 messages (66 bytes) to "cli.many"']);
    const result = await sub.exited;
    assert.equal(result.code, 0);
    assert.equal(result.stdout.match(/^\[#\d+\] Received/gm)?.length, 25);
    assert.match(result.stdout, /\[#25\] Received on "cli\.many"\nm25\n\n$/);
  });

  it('sub --raw - prints only bodies, and SIGINT drains and exits 0', async () => {
    const sub = startCli([...s, 'sub', 'cli.raw.>', '--raw']);
    // --raw prints no "Subscribing" line: publish probes until one arrives.
    const nc: NatsConnection = await connect({ servers: server.url });
    try {
      const probe = setInterval(() => nc.publish('cli.raw.probe', 'probe'), 25);
      try {
        await sub.waitFor(/probe\n/, 'stdout');
      } finally {
        clearInterval(probe);
      }
      await nc.flush();
    } finally {
      await nc.close();
    }
    const pub = await runCli([...s, 'pub', 'cli.raw.data', 'body {{Count}}', '--count', '2', '-H', 'h:v']);
    assert.equal(pub.code, 0);
    await sub.waitFor(/body 2\n/, 'stdout');
    const result = await sub.interrupt();
    assert.equal(result.code, 0, `exit ${result.code} ${result.signal}: ${result.stderr}`);
    const bodies = result.stdout.split('\n').filter((line) => line.length > 0 && line !== 'probe');
    assert.deepEqual(bodies, ['body 1', 'body 2']);
    assert.doesNotMatch(result.stdout, /\[#|h: v/);
    assert.equal(result.stderr, '');
  });

  it('sub --queue - two queue subscribers share the messages, each delivered once', async () => {
    const first = startCli([...s, 'sub', 'cli.work', '--queue', 'workers']);
    const second = startCli([...s, 'sub', 'cli.work', '--queue', 'workers']);
    const watcher = startCli([...s, 'sub', 'cli.work']);
    await Promise.all([first, second, watcher].map((p) => p.waitFor(/Subscribing on cli\.work/)));

    const pub = await runCli([...s, 'pub', 'cli.work', 'job {{Count}}', '--count', '40', '-q']);
    assert.equal(pub.code, 0);
    assert.equal(pub.stderr, '', '--quiet prints nothing');

    const received = (text: string) => text.match(/^job \d+$/gm) ?? [];
    await watcher.waitFor((text) => received(text).length === 40, 'stdout');
    await first.waitFor(() => received(first.stdout).length + received(second.stdout).length >= 40, 'stdout');
    await new Promise((r) => setTimeout(r, 200)); // room for any wrongly duplicated delivery to show up
    const [a, b] = await Promise.all([first.interrupt(), second.interrupt(), watcher.interrupt()]);
    const jobsA = received(a!.stdout);
    const jobsB = received(b!.stdout);
    assert.equal(jobsA.length + jobsB.length, 40);
    assert.ok(jobsA.length > 0 && jobsB.length > 0, `both members should get work: ${jobsA.length}/${jobsB.length}`);
    assert.deepEqual(new Set([...jobsA, ...jobsB]).size, 40);
  });

  it('NATS_URL - is used when -s is not given', async () => {
    const sub = startCli(['sub', 'cli.env', '--count', '1'], { env: cleanEnv({ NATS_URL: server.url }) });
    await sub.waitFor(/Subscribing on/);
    const pub = await runCli(['pub', 'cli.env', 'via env'], { env: cleanEnv({ NATS_URL: server.url }) });
    assert.equal(pub.code, 0, pub.stderr);
    assert.match((await sub.exited).stdout, /via env/);
  });
});
