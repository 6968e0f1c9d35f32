// natrium CLI - req and reply against a real server: round trips with headers, echo, no responders, timeouts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { SERVER_KIND, logLines, runCli, startCli } from './cli-process.js';

describe(`natrium CLI req/reply (server: ${SERVER_KIND})`, () => {
  let server: RunningServer;
  let s: string[];

  before(async () => {
    server = await startServer(SERVER_KIND, []);
    s = ['-s', server.url];
  });
  after(async () => {
    await server.stop();
  });

  it('req/reply - round trip with headers both ways and {{Request}}/{{Count}} templates', async () => {
    const replier = startCli([...s, 'reply', 'cli.svc', 'pong {{Count}} for {{Request}}', '-H', 'Served-By:natrium', '--count', '2']);
    await replier.waitFor(/Listening on "cli\.svc" in group "NATS-RPLY-22"/);

    const first = await runCli([...s, 'req', 'cli.svc', 'ping', '-H', 'Trace-Id:abc', '--timeout', '2s']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'pong 0 for ping\n\n');
    const lines = logLines(first.stderr);
    assert.equal(lines[0], 'Sending request on "cli.svc"');
    assert.match(lines[1]!, /^Received with rtt \d+(\.\d+)?(ns|µs|ms|s)$/);
    assert.deepEqual(lines.slice(2), ['Served-By: natrium', '']);
    for (const line of first.stderr.replace(/\n$/, '').split('\n')) assert.match(line, /^\d\d:\d\d:\d\d /);

    const second = await runCli([...s, 'request', 'cli.svc', 'again', '--raw']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'pong 1 for again\n');
    assert.equal(second.stderr, '');

    const result = await replier.exited;
    assert.equal(result.code, 0, 'reply exits 0 after --count requests');
    const replierLines = logLines(result.stderr);
    assert.ok(replierLines.includes('[#0] Received on subject "cli.svc":'));
    assert.ok(replierLines.includes('Trace-Id: abc'));
    assert.ok(replierLines.includes('[#1] Received on subject "cli.svc":'));
    assert.equal(result.stdout, '\nping\n\nagain\n');
  });

  it('reply without a body - echoes the request body and headers, adding NATS-Reply-Counter', async () => {
    const replier = startCli([...s, 'reply', 'cli.echo', '--count', '1']);
    await replier.waitFor(/Listening on/);
    assert.match(replier.stderr, /No body or command supplied, enabling echo mode/);
    const response = await runCli([...s, 'req', 'cli.echo', 'say this back', '-H', 'Color:blue']);
    assert.equal(response.code, 0, response.stderr);
    assert.equal(response.stdout, 'say this back\n\n');
    assert.deepEqual(logLines(response.stderr).slice(2), ['Color: blue', 'NATS-Reply-Counter: 0', '']);
    assert.equal((await replier.exited).code, 0);
  });

  it('reply --queue - only one replier of a group answers each request', async () => {
    const one = startCli([...s, 'reply', 'cli.q', 'from one', '--queue', 'g']);
    const two = startCli([...s, 'reply', 'cli.q', 'from two', '--queue', 'g']);
    await Promise.all([one.waitFor(/in group "g"/), two.waitFor(/in group "g"/)]);
    const answers = [];
    for (let i = 0; i < 6; i++) {
      const response = await runCli([...s, 'req', 'cli.q', `r${i}`, '--raw']);
      assert.equal(response.code, 0, response.stderr);
      answers.push(response.stdout.trim());
    }
    const [a, b] = await Promise.all([one.interrupt(), two.interrupt()]);
    assert.equal(a!.code, 0);
    assert.equal(b!.code, 0);
    assert.ok(answers.every((text) => text === 'from one' || text === 'from two'), answers.join(','));
    const handled = (a!.stderr.match(/Received on subject/g)?.length ?? 0) + (b!.stderr.match(/Received on subject/g)?.length ?? 0);
    assert.equal(handled, 6, 'each request handled by exactly one member');
  });

  it('req - no responders: one error line and exit code 1', async () => {
    const started = Date.now();
    const result = await runCli([...s, 'req', 'cli.nobody.home', 'anyone?', '--timeout', '5s']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^\d\d:\d\d:\d\d Sending request on "cli\.nobody\.home"\nnatrium: error: nats: no responders available for request\n$/);
    assert.ok(Date.now() - started < 4000, 'no responders answers at once, without waiting for the timeout');
  });

  it('req --timeout - a subscriber that never answers makes the request time out', async () => {
    const silent = startCli([...s, 'sub', 'cli.silent']);
    await silent.waitFor(/Subscribing on/);
    const started = Date.now();
    const result = await runCli([...s, 'req', 'cli.silent', 'hello?', '--timeout', '400ms']);
    const elapsed = Date.now() - started;
    const subResult = await silent.interrupt();
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\nnatrium: error: nats: timeout\n$/);
    assert.ok(elapsed >= 350, `waited ${elapsed} ms`);
    assert.ok(elapsed < 4000, `waited ${elapsed} ms`);
    assert.match(subResult.stdout, /\[#1\] Received on "cli\.silent" with reply "_INBOX\.[^"]+"\nhello\?\n/);
  });
});
