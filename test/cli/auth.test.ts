// natrium CLI - authentication: user/password and token servers accept the right credentials only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SERVER_KIND, cleanEnv, runCli, startCli, startConfiguredServer } from './cli-process.js';

const AUTH_ERROR = /^natrium: error: nats: authorization violation\n$/i;

describe(`natrium CLI user/password auth (server: ${SERVER_KIND})`, () => {
  let server: Awaited<ReturnType<typeof startConfiguredServer>>;
  let s: string[];

  before(async () => {
    server = await startConfiguredServer('authorization { user: a, password: b }');
    s = ['-s', server.url];
  });
  after(async () => {
    await server.cleanup();
  });

  it('auth - without credentials the connection is refused with exit code 1', async () => {
    const result = await runCli([...s, 'pub', 'cli.auth', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, AUTH_ERROR);
  });

  it('auth - a wrong password is refused', async () => {
    const result = await runCli([...s, '--user', 'a', '--password', 'wrong', 'pub', 'cli.auth', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, AUTH_ERROR);
  });

  it('auth - the right user and password deliver from pub to sub', async () => {
    const sub = startCli(['sub', 'cli.auth', '--count', '1', ...s, '--user', 'a', '--password', 'b']);
    await sub.waitFor(/Subscribing on cli\.auth/);
    const pub = await runCli([...s, 'pub', '--user=a', '--password=b', 'cli.auth', 'let me in']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.exited;
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '[#1] Received on "cli.auth"\nlet me in\n\n');
  });

  it('auth - NATS_USER and NATS_PASSWORD are honoured', async () => {
    const result = await runCli([...s, 'pub', 'cli.auth', 'x'], { env: cleanEnv({ NATS_USER: 'a', NATS_PASSWORD: 'b' }) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Published 1 bytes to "cli\.auth"/);
  });
});

describe(`natrium CLI token auth (server: ${SERVER_KIND})`, () => {
  let server: Awaited<ReturnType<typeof startConfiguredServer>>;
  let s: string[];

  before(async () => {
    server = await startConfiguredServer('authorization { token: s3cr3t }');
    s = ['-s', server.url];
  });
  after(async () => {
    await server.cleanup();
  });

  it('token - a wrong token is refused', async () => {
    const result = await runCli([...s, '--token', 'guess', 'pub', 'cli.tok', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, AUTH_ERROR);
  });

  it('token - the right token round-trips a request', async () => {
    const replier = startCli([...s, '--token', 's3cr3t', 'reply', 'cli.tok', 'ok', '--count', '1']);
    await replier.waitFor(/Listening on/);
    const result = await runCli([...s, '--token', 's3cr3t', 'req', 'cli.tok', 'hi', '--raw']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ok\n');
    assert.equal((await replier.exited).code, 0);
  });

  it('token - --user without --password is sent as a token, as the nats CLI does', async () => {
    const result = await runCli([...s, '--user', 's3cr3t', 'pub', 'cli.tok', 'x']);
    assert.equal(result.code, 0, result.stderr);
  });
});
