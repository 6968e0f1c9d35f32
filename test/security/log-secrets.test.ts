// No secret in the log: with -DV (debug + trace) passwords, tokens and bearer JWTs, right or wrong, never appear in the server's output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { jwtAuthenticator } from '@nats-io/transport-node';
import { RawConn, SERVERS, accountJwt, mustConnect, operatorJwt, skipFor, startConf, tryConnect, userJwt, waitUntil } from './support.js';

const PASSWORD = 'PW-s3cr3t-5b7e1d';
const WRONG_PASSWORD = 'PW-wr0ng-9c2a44';
const TOKEN = 'TOK-s3cr3t-77f0aa';
const WRONG_TOKEN = 'TOK-wr0ng-1e9b03';
const ESCAPED_PASSWORD = 'PW-esc4ped-k3y-31d';

const operator = createOperator();
const account = createAccount();
const bearerUser = createUser();
const ACCOUNT_JWT = accountJwt(account, operator, 'LOGS');
const BEARER_JWT = userJwt(bearerUser, account, { bearer_token: true });

for (const kind of SERVERS) {
  describe(`log secrets (${kind})`, { skip: skipFor(kind) }, () => {
    it('passwords, tokens and bearer JWTs are not in the -DV log (CONNECTs are traced, secrets redacted)', async () => {
      const users = await startConf(kind, `authorization { users: [ { user: logger, password: "${PASSWORD}" }, { user: escaper, password: "${ESCAPED_PASSWORD}" } ] }`, ['-DV']);
      const token = await startConf(kind, `authorization { token: "${TOKEN}" }`, ['-DV']);
      const jwt = await startConf(kind, `operator: ${operatorJwt(operator)}\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: ${ACCOUNT_JWT} }`, ['-DV']);
      const logs: string[] = [];
      try {
        const a = await mustConnect(users.url, { user: 'logger', pass: PASSWORD, name: 'log-probe-users' });
        a.publish('traced.subject', 'payload');
        await a.flush();
        await a.close();
        assert.equal((await tryConnect(users.url, { user: 'logger', pass: WRONG_PASSWORD })).ok, false);
        const raw = await RawConn.open(users.port);
        raw.send(`CONNECT {"verbose":true,"pedantic":false,"user":"logger","pass":"${PASSWORD}","name":"raw-verbose"}\r\nPING\r\n`);
        await raw.waitFor(/PONG\r\n/);
        raw.close();
        // The key written with a JSON escape ("p\u0061ss") is still the password field for the server.
        const escaped = await RawConn.open(users.port);
        assert.equal(await escaped.roundTrip(`CONNECT {"verbose":false,"pedantic":false,"user":"escaper","p\\u0061ss":"${ESCAPED_PASSWORD}","name":"raw-escaped"}\r\n`), '');
        escaped.close();

        const b = await mustConnect(token.url, { token: TOKEN, name: 'log-probe-token' });
        await b.flush();
        await b.close();
        assert.equal((await tryConnect(token.url, { token: WRONG_TOKEN })).ok, false);

        const c = await mustConnect(jwt.url, { authenticator: jwtAuthenticator(BEARER_JWT), name: 'log-probe-jwt' });
        await c.flush();
        await c.close();

        for (const s of [users, token, jwt]) {
          // Trace is on: the CONNECTs (by the names the clients gave) show up before the servers stop.
          await waitUntil(() => /log-probe|raw-verbose/.test(s.server.output()), 3000);
        }
      } finally {
        for (const s of [users, token, jwt]) {
          await s.stop();
          logs.push(s.server.output());
        }
      }
      const [usersLog, tokenLog, jwtLog] = logs;
      assert.match(usersLog, /log-probe-users/, 'the CONNECT was traced');
      assert.match(usersLog, /traced\.subject/, 'PUB was traced');
      assert.match(tokenLog, /log-probe-token/, 'the CONNECT was traced');
      assert.match(jwtLog, /log-probe-jwt/, 'the CONNECT was traced');
      const all = logs.join('\n');
      // nats-server 2.9.10 redacts "pass" only: it traces tokens, bearer JWTs and an escaped "pass" key in full.
      // Natrium is held to the rule (no secret in the log) for all of them.
      const secrets: [string, string, boolean][] = [
        ['password', PASSWORD, true], ['wrong password', WRONG_PASSWORD, true],
        ['token', TOKEN, false], ['wrong token', WRONG_TOKEN, false],
        ['bearer JWT signature', BEARER_JWT.split('.')[2], false],
        ['password under an escaped key', ESCAPED_PASSWORD, false],
      ];
      const leaks = secrets.filter(([, secret, reference]) => (reference || kind === 'natrium') && all.includes(secret))
        .map(([label, secret]) => `${label}: ${all.split('\n').find((l) => l.includes(secret))?.slice(0, 300)}`);
      assert.deepEqual(leaks, [], 'secrets in the log');
    });
  });
}
