// natrium passwd - bcrypt hashes that both nats-server and Natrium accept as a password.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { connect } from '@nats-io/transport-node';
import { freePort, startServer, NATS_SERVER_BIN, type ServerKind } from '../helpers/server-process.js';
import { runCli } from './cli-process.js';

describe('natrium passwd', () => {
  it('hashes the argument with bcrypt cost 11', async () => {
    const result = await runCli(['passwd', 's3cr3t']);
    assert.equal(result.code, 0);
    const hash = result.stdout.trim();
    assert.match(hash, /^\$2[ab]\$11\$/);
    assert.ok(bcrypt.compareSync('s3cr3t', hash));
    assert.ok(!bcrypt.compareSync('other', hash));
  });

  it('refuses a cost outside 10..16 with one error line', async () => {
    const result = await runCli(['passwd', '--cost', '4', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^natrium: error: --cost must be an integer from 10 to 16\n$/);
  });

  for (const kind of ['natrium', 'nats'] as ServerKind[]) {
    it(`${kind}: a user whose password is the hash logs in with the secret`, { skip: kind === 'nats' && !NATS_SERVER_BIN }, async () => {
      const hash = (await runCli(['passwd', '--cost', '10', 'pw-123'])).stdout.trim();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'natrium-passwd-'));
      const port = await freePort();
      const conf = path.join(dir, 'server.conf');
      writeFileSync(conf, `listen: 127.0.0.1:${port}\njetstream: disabled\nauthorization { users = [ { user: app, password: "${hash}" } ] }\n`);
      const server = await startServer(kind, ['-c', conf], { port });
      try {
        const nc = await connect({ servers: server.url, user: 'app', pass: 'pw-123', reconnect: false });
        await nc.flush();
        await nc.close();
        await assert.rejects(connect({ servers: server.url, user: 'app', pass: 'wrong', reconnect: false }), /Authorization Violation/);
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
