// natrium CLI - command-line handling without a server: help, version, and one-line errors for bad arguments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/server-process.js';
import { runCli } from './cli-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_VERSION = (JSON.parse(readFileSync(path.resolve(here, '../../../package.json'), 'utf8')) as { version: string }).version;

/** A usage error: exit 1, nothing on stdout, exactly one `natrium: error:` line on stderr. */
async function assertUsageError(args: string[], message: RegExp): Promise<void> {
  const result = await runCli(args);
  assert.equal(result.code, 1, `${args.join(' ')} -> ${result.code}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^natrium: error: [^\n]+\n$/);
  assert.match(result.stderr, message);
}

describe('natrium CLI arguments', () => {
  it('--version - prints the package version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${PACKAGE_VERSION}\n`);
  });

  it('--help - lists the commands and the common flags', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^usage: natrium /);
    for (const command of ['pub', 'sub', 'req', 'reply']) assert.match(result.stdout, new RegExp(`^  ${command} +\\S`, 'm'));
    assert.match(result.stdout, /-s, --server=URL/);
  });

  it('COMMAND --help and help COMMAND - show that command\'s flags', async () => {
    const pub = await runCli(['pub', '--help']);
    assert.equal(pub.code, 0);
    assert.match(pub.stdout, /^usage: natrium pub \[<flags>\] <subject> \[<body>\]/);
    assert.match(pub.stdout, /-H, --header=K:V/);
    assert.match(pub.stdout, /--count=N/);
    const sub = await runCli(['help', 'sub']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--queue=QUEUE/);
    assert.match(sub.stdout, /--raw/);
    const req = await runCli(['req', '-h']);
    assert.match(req.stdout, /--timeout=DURATION/);
    const reply = await runCli(['reply', '--help']);
    assert.match(reply.stdout, /NATS-RPLY-22/);
  });

  it('bad arguments - each is one error line and exit code 1', async () => {
    await assertUsageError([], /expected a command/);
    await assertUsageError(['frobnicate'], /unknown command "frobnicate"/);
    await assertUsageError(['pub'], /required argument 'subject' not provided/);
    await assertUsageError(['sub', 'a', 'b'], /unexpected argument 'b'/);
    await assertUsageError(['pub', 'a', 'b', '--count', 'many'], /invalid value 'many' for --count/);
    await assertUsageError(['pub', 'a', 'b', '--count', '0'], /--count/);
    await assertUsageError(['sub', 'a', '--count', '-1'], /--count/);
    await assertUsageError(['pub', 'a', 'b', '--bogus'], /unknown option '--bogus'/);
    await assertUsageError(['pub', 'a', 'b', '-H', 'no-colon'], /invalid header "no-colon"/);
    await assertUsageError(['req', 'a', 'b', '--timeout', 'soon'], /invalid duration 'soon' for --timeout/);
    await assertUsageError(['pub', 'a', 'b', '--password', 'p'], /--password needs --user/);
    await assertUsageError(['sub', 'a', '--server'], /--server/);
  });

  it('connection refused - one error line and exit code 1', async () => {
    const port = await freePort();
    const result = await runCli(['-s', `nats://127.0.0.1:${port}`, 'pub', 'a', 'b']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^natrium: error: nats: connection refused\n$/);
  });
});
