// The websocket {} block: every key read into Options, and nats-server's start-up refusals with its messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadOptions, type LoadResult } from '../../src/config/flags.js';
import { SERVERS, skipFor, startExpectingFailure } from '../security/support.js';

function load(text: string): LoadResult {
  return loadOptions(['-c', 't.conf'], {
    env: {},
    readFile: (file) => {
      if (file === 't.conf') return text;
      throw new Error(`ENOENT: no such file or directory, open '${file}'`);
    },
  });
}

const errors = (text: string) => load(text).errors.filter((e) => !/warning/i.test(String((e as { severity?: string }).severity ?? ''))).map((e) => e.message);

describe('websocket config - Natrium options', () => {
  it('reads every key of the block', () => {
    const result = load([
      'websocket {',
      '  listen: "127.0.0.1:8443"',
      '  advertise: "ws.example.com:443"',
      '  no_tls: true',
      '  same_origin: true',
      '  allowed_origins: ["http://a.example.com", "https://b.example.com:8443"]',
      '  compression: true',
      '  handshake_timeout: "3s"',
      '  authorization { user: u, password: p, timeout: 2.5 }',
      '  jwt_cookie: "my_jwt"',
      '}',
      'operator: "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ"',
    ].join('\n'));
    const ws = result.options.websocket;
    assert.deepEqual(ws, {
      host: '127.0.0.1', port: 8443, advertise: 'ws.example.com:443', noTls: true, sameOrigin: true,
      allowedOrigins: ['http://a.example.com', 'https://b.example.com:8443'], compression: true, handshakeTimeoutMs: 3000,
      authorization: { user: 'u', password: 'p', timeoutMs: 2500 }, jwtCookie: 'my_jwt',
    });
  });

  it('rejects values of the wrong type, with the key and position', () => {
    const found = errors('websocket {\n  port: 1\n  no_tls: true\n  same_origin: "yes"\n  compression: 1\n  handshake_timeout: "xx"\n  allowed_origins: 5\n  bogus: 1\n}');
    assert.equal(found.length, 5, found.join('\n'));
    assert.match(found[0]!, /t\.conf:4:\d+: websocket\.same_origin expects a boolean/);
    assert.match(found[1]!, /websocket\.compression expects a boolean/);
    assert.match(found[2]!, /error parsing websocket\.handshake_timeout/);
    assert.match(found[3]!, /error parsing allowed origins: unsupported type integer/);
    assert.match(found[4]!, /unknown field "bogus" in websocket/);
  });

  it('the websocket authorization block takes no users list', () => {
    assert.match(errors('websocket { port: 1, no_tls: true, authorization { users: [ {user: a} ] } }').join('\n'), /unknown field "users"/);
  });
});

// The same refused configs against both servers: the process must exit with nats-server's message.
const REFUSED: { name: string; body: string; message: RegExp }[] = [
  { name: 'no tls and no no_tls', body: 'websocket { port: -1 }', message: /websocket requires TLS configuration/ },
  { name: 'no_auth_user without users', body: 'websocket { port: -1, no_tls: true, no_auth_user: bob }', message: /no_auth_user: "bob" present, but users are not defined/ },
  {
    name: 'no_auth_user not a user',
    body: 'authorization { users: [{user: bob, password: p}] }\nwebsocket { port: -1, no_tls: true, no_auth_user: zed }',
    message: /no_auth_user: "zed" not present as user in authorization block or account configuration/,
  },
  {
    name: 'websocket user with users',
    body: 'authorization { users: [{user: bob, password: p}] }\nwebsocket { port: -1, no_tls: true, authorization { user: a, password: b } }',
    message: /websocket authentication username not compatible with presence of users\/nkeys/,
  },
  {
    name: 'websocket token with users',
    body: 'authorization { users: [{user: bob, password: p}] }\nwebsocket { port: -1, no_tls: true, authorization { token: t } }',
    message: /websocket authentication token not compatible with presence of users\/nkeys/,
  },
  { name: 'jwt_cookie without operator', body: 'websocket { port: -1, no_tls: true, jwt_cookie: c }', message: /trusted operators or trusted keys configuration is required for JWT authentication via cookie "c"/ },
];

for (const kind of SERVERS) {
  describe(`websocket config refusals (${kind})`, { skip: skipFor(kind) }, () => {
    for (const { name, body, message } of REFUSED) {
      it(name, async () => {
        const { code, output } = await startExpectingFailure(kind, body);
        assert.notEqual(code, 0, output);
        assert.notEqual(code, null, `still running: ${output}`);
        assert.match(output, message);
      });
    }
  });
}
