// Fuzzing: random and mutated CONNECT fields, JWTs and contexts never make the authenticator throw or reject.

import test from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { createUser } from '@nats-io/nkeys';
import { createAuthenticator, type AuthContext, type AuthOutcome, type Authenticator } from '../../src/auth/authenticator.js';
import { decodeJwt, encodeJwt, validateClaims } from '../../src/auth/jwt.js';
import { Random, testSeed } from '../helpers/random.js';
import { accountJwt, fastSigner, makeChain, signNonce, userJwt } from './fixtures.js';

const seed = testSeed();
const random = new Random(seed);

const ODD_VALUES: unknown[] = [null, undefined, 0, -1, 1.5, NaN, true, false, '', ' ', '\u0000', '..', '>', '*', '$2a$10$', 'é', [], [1, 'a'], {}, { a: 1 }, 'x'.repeat(5000), '\ud800'];

function randomString(): string {
  const alphabet = 'abcAZ09._-*> $/+=%\u0000\r\n"\\{}[]é';
  let out = '';
  const length = random.int(40);
  for (let i = 0; i < length; i++) out += alphabet[random.int(alphabet.length)];
  return out;
}

function randomValue(depth = 0): unknown {
  const roll = random.int(10);
  if (roll < 3) return random.pick(ODD_VALUES);
  if (roll < 6) return randomString();
  if (roll < 7) return random.int(2 ** 31) - 2 ** 30;
  if (roll < 8 && depth < 3) return Array.from({ length: random.int(4) }, () => randomValue(depth + 1));
  if (roll < 9 && depth < 3) {
    const obj: Record<string, unknown> = {};
    for (let i = random.int(4); i > 0; i--) obj[random.pick(['allow', 'deny', 'pub', 'sub', 'max', 'ttl', 'start', 'end', randomString()])] = randomValue(depth + 1);
    return obj;
  }
  return random.int(3) === 0 ? [randomString()] : `${randomString()}.${randomString()}`;
}

function mutate(text: string): string {
  const chars = text.split('');
  const edits = 1 + random.int(4);
  for (let i = 0; i < edits && chars.length > 0; i++) {
    const at = random.int(chars.length);
    const op = random.int(4);
    if (op === 0) chars[at] = String.fromCharCode(32 + random.int(95));
    else if (op === 1) chars.splice(at, 1);
    else if (op === 2) chars.splice(at, 0, random.pick(['.', '=', '-', '_', 'A', '%']));
    else chars.length = at;
  }
  return chars.join('');
}

/** Claims with random field types, validly signed: reaches every reader and check past the signature. */
function signedGarbage(chain: ReturnType<typeof makeChain>): string {
  const nats: Record<string, unknown> = { type: random.pick(['user', 'user', 'account', 'operator', 'activation', randomString()]) };
  for (const key of ['pub', 'sub', 'resp', 'src', 'times', 'times_location', 'bearer_token', 'allowed_connection_types', 'issuer_account', 'tags', 'subs', 'signing_keys', 'revocations', 'limits', 'exports', 'imports', 'default_permissions', 'mappings']) {
    if (random.int(3) === 0) nats[key] = randomValue();
  }
  if (random.int(4) === 0) nats.issuer_account = fastSigner(chain.account).getPublicKey();
  const claims = { sub: random.int(3) === 0 ? randomString() : fastSigner(chain.user).getPublicKey(), exp: random.int(5) === 0 ? random.int(2 ** 31) : undefined, nats: nats as { type: string } };
  return encodeJwt(claims, fastSigner(random.pick([chain.account, chain.accountSigning, chain.operator])));
}

function randomConnect(valid: Record<string, unknown>): Record<string, unknown> {
  const connect: Record<string, unknown> = { ...valid };
  for (const key of ['user', 'pass', 'authToken', 'nkey', 'sig', 'jwt']) {
    const roll = random.int(6);
    if (roll === 0) connect[key] = randomValue();
    else if (roll === 1 && typeof connect[key] === 'string') connect[key] = mutate(connect[key] as string);
    else if (roll === 2) delete connect[key];
  }
  return connect;
}

async function neverThrows(authenticator: Authenticator, context: AuthContext): Promise<AuthOutcome> {
  let outcome: AuthOutcome;
  try {
    outcome = await authenticator.authenticate(context);
  } catch (err) {
    assert.fail(`seed ${seed}: threw ${(err as Error).stack} for ${JSON.stringify(context).slice(0, 300)}`);
  }
  assert.equal(typeof outcome.ok, 'boolean', `seed ${seed}`);
  if (!outcome.ok) assert.equal(typeof outcome.reason, 'string');
  return outcome;
}

test(`fuzz - decodeJwt and validateClaims never throw on garbage (seed ${seed})`, () => {
  const chain = makeChain();
  const samples = [chain.operatorJwt, chain.accountJwt, userJwt(chain.user, chain.account, { pub: { allow: ['a'] } })];
  for (let i = 0; i < 10_000; i++) {
    const input = i % 3 === 0 ? randomValue() : i % 3 === 1 ? mutate(random.pick(samples)) : signedGarbage(chain);
    const result = decodeJwt(input);
    if (result.ok) validateClaims(result.claims);
    else assert.equal(typeof result.error.message, 'string');
  }
});

test(`fuzz - authenticate never throws or rejects, in every mode (seed ${seed})`, async () => {
  const chain = makeChain();
  const nkey = createUser();
  const modes: Authenticator[] = [];
  const build = (options: Parameters<typeof createAuthenticator>[0]) => modes.push(createAuthenticator(options).authenticator);
  build({ authorization: {} });
  build({ authorization: { token: 'tok' } });
  build({ authorization: { user: 'u', password: bcrypt.hashSync('p', 4) } });
  build({ authorization: { users: [{ user: 'u', password: 'p', permissions: { publish: { allow: ['a.>'] }, response: { maxMsgs: 1, expiresMs: 0 } } }, { nkey: nkey.getPublicKey() }] }, noAuthUser: 'u' });
  build({ authorization: { users: [{ user: 'CN=x' }, { user: 'a@b' }] }, tlsMap: true });
  const scoped = accountJwt(chain.account, chain.operatorSigning, { signing_keys: [chain.accountSigning.getPublicKey(), { kind: 'user_template', key: chain.accountSigning.getPublicKey(), role: 'r', template: { pub: { allow: ['{{name()}}.>', '{{tag(x)}}', '{{bogus()}}'] }, sub: { deny: ['{{account-tag(y)}}'] } } }], revocations: { '*': 1 } });
  build({ authorization: {}, operatorJwts: [chain.operatorJwt], resolver: { type: 'memory' }, resolverPreload: { [chain.account.getPublicKey()]: chain.accountJwt } });
  build({ authorization: {}, operatorJwts: [chain.operatorJwt], resolver: { type: 'memory' }, resolverPreload: { [chain.account.getPublicKey()]: scoped } });
  const nonce = 'abcdefghijklmno';
  const valids: Record<string, unknown>[] = [
    { user: 'u', pass: 'p' },
    { authToken: 'tok' },
    { nkey: nkey.getPublicKey(), sig: signNonce(nkey, nonce) },
    { jwt: userJwt(chain.user, chain.account, { src: ['127.0.0.0/8'], times: [{ start: '00:00:00', end: '23:59:59' }] }), sig: signNonce(chain.user, nonce) },
    { jwt: userJwt(chain.user, chain.accountSigning, { issuer_account: chain.account.getPublicKey(), bearer_token: true }) },
  ];
  let accepted = 0;
  for (let i = 0; i < 8000; i++) {
    const authenticator = modes[i % modes.length];
    const connect = i % 7 === 0 ? { jwt: signedGarbage(chain), sig: signNonce(chain.user, nonce) } : randomConnect(random.pick(valids));
    const context: AuthContext = {
      connect: random.int(50) === 0 ? (randomValue() as AuthContext['connect']) : connect,
      nonce: random.int(10) === 0 ? (randomValue() as string) : nonce,
      remoteAddress: random.pick(['127.0.0.1', '::1', '::ffff:10.0.0.1', 'garbage', '', undefined, randomString()]),
      connectionType: random.pick(['STANDARD', 'WEBSOCKET', 'mqtt', undefined, randomString()]),
      tls: random.int(4) === 0 ? { subject: [[['CN', random.pick(['x', randomString()])]]], emails: [random.pick(['a@b', randomString()])], dnsNames: [], uris: [] } : random.int(20) === 0 ? (randomValue() as AuthContext['tls']) : undefined,
    };
    if ((await neverThrows(authenticator, context)).ok) accepted++;
  }
  assert.ok(accepted > 50, `some fuzzed connects still succeed (${accepted})`);
});
