// Fuzzing CONNECT over raw TCP (Natrium only): random/mutated JSON and JWT-like strings never crash or hang the server and never authenticate.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { jwtAuthenticator, nkeyAuthenticator } from '@nats-io/transport-node';
import { encodeJwt } from '../../src/auth/jwt.js';
import { Random, testSeed } from '../helpers/random.js';
import { AUTH_VIOLATION, SERVERS, accountJwt, collect, mustConnect, operatorJwt, rawConnect, signNonce, startConf, userJwt, type ConfServer } from './support.js';

const seed = testSeed();
const random = new Random(seed);
const CASES = Number(process.env.FUZZ_CONNECTS ?? 240);

const operator = createOperator();
const account = createAccount();
const user = createUser();
const nkeyUser = createUser();
const stranger = createUser();
const ACCOUNT_JWT = accountJwt(account, operator, 'FZ');
const GOOD_JWT = userJwt(user, account);

const ODD: unknown[] = [null, 0, -1, 1e308, 1.5, true, false, '', ' ', '\u0000', '\ud800', '𝄞', 'é', [], [1, 'a'], {}, { a: 1 }, 'x'.repeat(3000), '$2a$10$', '..', '>'];
const CONNECT_KEYS = ['user', 'pass', 'auth_token', 'jwt', 'nkey', 'sig', 'name', 'lang', 'version', 'protocol', 'verbose', 'pedantic', 'echo', 'headers', 'no_responders', 'tls_required', '__proto__', 'constructor'];

function randomString(max = 40): string {
  const alphabet = 'abcAZ09._-*> $/+=%"\\{}[]é\u0000\u00ff𝄞\u2028';
  let out = '';
  for (let i = random.int(max); i > 0; i--) out += alphabet[random.int(alphabet.length)];
  return out;
}

function randomValue(depth = 0): unknown {
  const roll = random.int(10);
  if (roll < 3) return random.pick(ODD);
  if (roll < 6) return randomString();
  if (roll < 7) return random.int(2 ** 31) - 2 ** 30;
  if (roll < 8 && depth < 4) return Array.from({ length: random.int(4) }, () => randomValue(depth + 1));
  if (roll < 9 && depth < 4) return Object.fromEntries(Array.from({ length: random.int(4) }, () => [random.pick(CONNECT_KEYS), randomValue(depth + 1)]));
  return 'x'.repeat(random.int(3500));
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const randomSegment = () => Array.from({ length: random.int(80) }, () => 'ABCDEFabcdef0123456789-_+/='[random.int(27)]).join('');

/** Strings that look more or less like user JWTs; none may authenticate (signed by nobody trusted, or mangled). */
function jwtLike(): string {
  const header = b64(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  switch (random.int(9)) {
    case 0: return `${randomSegment()}.${randomSegment()}.${randomSegment()}`;
    case 1: return `${header}.${b64(JSON.stringify(randomValue()))}.${randomSegment()}`;
    case 2: { // a real JWT with one character of the payload changed
      const [h, p, s] = GOOD_JWT.split('.');
      const at = random.int(p.length);
      return `${h}.${p.slice(0, at)}${p[at] === 'A' ? 'B' : 'A'}${p.slice(at + 1)}.${s}`;
    }
    case 3: return `${b64('{"typ":"JWT","alg":"none"}')}.${GOOD_JWT.split('.')[1]}.`;
    case 4: return random.pick([ACCOUNT_JWT, operatorJwt(operator)]);
    case 5: return userJwt(user, createAccount()); // an account nobody knows
    case 6: return GOOD_JWT.split('.').slice(0, random.int(3)).join('.') + '.'.repeat(random.int(3));
    case 7: { // signed by the real account with random claim fields (the nonce will be signed by a stranger)
      const nats: Record<string, unknown> = { type: random.pick(['user', 'user', 'account', 'activation', randomString(8)]) };
      for (const key of ['pub', 'sub', 'resp', 'src', 'times', 'times_location', 'allowed_connection_types', 'issuer_account', 'subs', 'data', 'payload', 'tags']) {
        if (random.int(3) === 0) nats[key] = randomValue();
      }
      return encodeJwt({ sub: random.int(4) === 0 ? randomString(60) : user.getPublicKey(), exp: random.int(4) === 0 ? random.int(2 ** 31) : undefined, nats: nats as { type: string } }, account);
    }
    default: return `eyJ${randomString(200)}.${'eyJ'.repeat(random.int(500))}.${randomSegment()}`;
  }
}

function mutate(text: string): string {
  const chars = [...text];
  for (let edits = 1 + random.int(4); edits > 0 && chars.length > 0; edits--) {
    const at = random.int(chars.length);
    const op = random.int(4);
    if (op === 0) chars[at] = String.fromCharCode(32 + random.int(95));
    else if (op === 1) chars.splice(at, 1);
    else if (op === 2) chars.splice(at, 0, random.pick(['"', '{', '}', ',', ':', '\\', 'é', '[']));
    else chars.length = at;
  }
  return chars.join('');
}

interface FuzzCase {
  /** CONNECT argument text for a given nonce. */
  body: (nonce: string) => string;
  /** Well-typed JSON with wrong credentials: nats-server's exact Authorization Violation is expected. */
  strict: boolean;
  label: string;
}

/** The credential fields a case may fill in; valid ones are never produced with a matching signature. */
function makeCase(mode: 'operator' | 'users'): FuzzCase {
  const roll = random.int(6);
  if (roll === 0) {
    const value = randomValue();
    return { label: 'random JSON value', strict: false, body: () => JSON.stringify(value) ?? 'null' };
  }
  if (roll === 1) {
    const fields = Object.fromEntries(Array.from({ length: 1 + random.int(5) }, () => [random.pick(CONNECT_KEYS), randomValue()]));
    const text = random.int(2) === 0 ? mutate(JSON.stringify(fields)) : JSON.stringify(fields);
    return { label: 'random typed fields', strict: false, body: () => text };
  }
  if (roll === 2) {
    const jwt = jwtLike();
    // The nonce is signed by a stranger or the signature is garbage, so even a well-formed JWT cannot pass.
    const badSig = random.int(2) === 0 ? null : random.pick(['', '!!!', '====', 'a', randomSegment(), 'A'.repeat(86), '+/+/'.repeat(22)]);
    return { label: 'JWT-like string', strict: true, body: (nonce) => JSON.stringify({ verbose: false, pedantic: false, jwt, sig: badSig ?? signNonce(stranger, nonce) }) };
  }
  if (roll === 3) {
    const fields = { user: randomString(), pass: random.int(2) ? 'x'.repeat(random.int(3500)) : randomString(), auth_token: random.int(2) ? randomString() : undefined, name: randomString() };
    return { label: 'unicode / huge strings', strict: mode === 'users', body: () => JSON.stringify({ verbose: false, pedantic: false, ...fields }) };
  }
  if (roll === 4) {
    const bad = random.pick(['!!not-base64!!', '', '=', 'ab', randomSegment(), '\u00e9'.repeat(64), 'A'.repeat(5000)]);
    const key = random.pick([nkeyUser.getPublicKey(), stranger.getPublicKey(), randomString(56), 'U' + 'A'.repeat(55)]);
    return { label: 'nkey with bad signature', strict: true, body: () => JSON.stringify({ verbose: false, pedantic: false, nkey: key, sig: bad }) };
  }
  const templates = mode === 'operator'
    ? (nonce: string) => JSON.stringify({ verbose: false, pedantic: false, jwt: GOOD_JWT, sig: signNonce(user, nonce) })
    : (nonce: string) => JSON.stringify({ verbose: false, pedantic: false, nkey: nkeyUser.getPublicKey(), sig: signNonce(nkeyUser, nonce) });
  const deep = random.int(3) === 0 ? '{"a":'.repeat(300) + '1' + '}'.repeat(300) : '';
  const edit = random.int(1 << 30);
  return {
    label: 'mutated valid CONNECT', strict: false,
    body: (nonce) => {
      const text = templates(nonce);
      const local = new Random(edit);
      const chars = [...text];
      for (let edits = 1 + local.int(3); edits > 0; edits--) {
        const at = 12 + local.int(chars.length - 14);
        chars[at] = chars[at] === '"' ? '{' : '"';
      }
      return deep || chars.join('');
    },
  };
}

/** A mutated valid CONNECT can stay valid only if it still parses to the same credentials; such cases are skipped. */
function couldBeValid(body: string, nonce: string, mode: 'operator' | 'users'): boolean {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (mode === 'operator') return parsed.jwt === GOOD_JWT && parsed.sig === signNonce(user, nonce);
    return parsed.nkey === nkeyUser.getPublicKey() && parsed.sig === signNonce(nkeyUser, nonce);
  } catch {
    return false;
  }
}

/** Hand-picked hostile CONNECTs: each must be refused (Authorization Violation, or a close for non-objects) without harm. */
const HOSTILE: [string, boolean][] = [
  ['{"__proto__":{"user":"fz","pass":"fz-pass"}}', true],
  ['{"constructor":{"prototype":{"user":"fz"}}}', true],
  ['{"toString":1,"valueOf":2,"hasOwnProperty":"x"}', true],
  ['{"user":"fz","pass":"fz-pass\\u0000"}', true],
  ['{"USER":"fz","PASS":"nope"}', true],
  [`{"user":"fz","pass":"${'x'.repeat(3900)}"}`, true],
  ['{"a":'.repeat(500) + '1' + '}'.repeat(500), true],
  ['['.repeat(1000) + ']'.repeat(1000), false],
  ['{"user":', false],
  ['"user"', false],
  ['', false],
];

describe('fuzz CONNECT (natrium)', { skip: SERVERS.includes('natrium') ? false : 'natrium is not in SECURITY_SERVERS' }, () => {
  const servers: Partial<Record<'operator' | 'users' | 'hostile', ConfServer>> = {};
  const usersConf = `authorization { users: [ { user: fz, password: "fz-pass" }, { nkey: ${nkeyUser.getPublicKey()} } ] }`;
  before(async () => {
    servers.operator = await startConf('natrium', `operator: ${operatorJwt(operator)}\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: ${ACCOUNT_JWT} }`);
    servers.users = await startConf('natrium', usersConf);
    servers.hostile = await startConf('natrium', usersConf);
  });
  after(async () => { for (const s of Object.values(servers)) await s?.stop(); });

  it('hand-picked hostile CONNECTs (prototype keys, NUL, huge, deep nesting, non-objects) are refused and the server survives', async () => {
    const server = servers.hostile!;
    for (const [body, strict] of HOSTILE) {
      const r = await rawConnect(server.port, body, 4000).catch((e: Error) => e);
      const where = `CONNECT ${body.slice(0, 80)}`;
      assert.equal(server.server.process.exitCode, null, `server exited after ${where}: ${server.server.output().slice(-1500)}`);
      assert.ok(!(r instanceof Error), `${where}: ${String(r)}`);
      assert.equal(r.accepted, false, where);
      assert.equal(r.closed, true, where);
      if (strict) assert.equal(r.text, `${AUTH_VIOLATION}\r\n`, where);
      else assert.ok(r.text === '' || r.text.startsWith("-ERR '"), `${where}: ${r.text}`);
    }
    const nc = await mustConnect(server.url, { user: 'fz', pass: 'fz-pass' });
    await nc.flush();
    await nc.close();
  });

  for (const mode of ['operator', 'users'] as const) {
    it(`${mode}: ${CASES} bad CONNECTs are refused promptly, the server survives, a good client still works (seed ${seed})`, async () => {
      const server = servers[mode]!;
      const errorsSeen = new Map<string, number>();
      const cases = Array.from({ length: CASES }, () => makeCase(mode));
      for (let i = 0; i < cases.length; i += 24) {
        const batch = Promise.all(cases.slice(i, i + 24).map(async (c, j) => {
          let sent = '';
          const started = Date.now();
          const r = await rawConnect(server.port, (info) => (sent = c.body(String(info.nonce ?? ''))), 4000);
          const elapsed = Date.now() - started;
          const where = `case ${i + j} (${c.label}, seed ${seed}): CONNECT ${JSON.stringify(sent.slice(0, 300))} -> ${JSON.stringify(r.text.slice(0, 200))}`;
          if (couldBeValid(sent, String(r.info.nonce ?? ''), mode)) return;
          assert.equal(r.accepted, false, `accepted! ${where}`);
          assert.equal(r.closed, true, `not closed: ${where}`);
          assert.ok(elapsed < 1800, `answered after ${elapsed} ms (the 2 s auth timeout, not the CONNECT, closed it?): ${where}`);
          assert.ok(r.text === '' || /^-ERR '[^'\r\n]+'\r\n$/.test(r.text), `unexpected reply: ${where}`);
          if (c.strict && sent.length < 4000) assert.equal(r.text, `${AUTH_VIOLATION}\r\n`, where);
          const key = r.text.trim() || '(closed)';
          errorsSeen.set(key, (errorsSeen.get(key) ?? 0) + 1);
        }));
        const failure = await batch.then(() => null, (e: Error) => e);
        assert.equal(server.server.process.exitCode, null, `server exited during cases ${i}..${i + 23} (seed ${seed}): ${server.server.output().slice(-1500)}`);
        if (failure) throw failure;
      }
      assert.ok((errorsSeen.get(AUTH_VIOLATION) ?? 0) > CASES / 4, JSON.stringify([...errorsSeen]));
      assert.doesNotMatch(server.server.output(), /TypeError|RangeError|ReferenceError|Uncaught|    at /, 'no stack traces in the log');
      const auth = mode === 'operator' ? jwtAuthenticator(GOOD_JWT, user.getSeed()) : nkeyAuthenticator(nkeyUser.getSeed());
      const nc = await mustConnect(server.url, { authenticator: auth });
      const sub = nc.subscribe('still.alive', { max: 1 });
      nc.publish('still.alive', 'yes');
      assert.equal((await collect(sub, 1))[0]?.string(), 'yes');
      await nc.close();
    });
  }
});
