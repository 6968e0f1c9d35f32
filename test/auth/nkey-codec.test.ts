// NKey public keys encoded and checked natively agree with @nats-io/nkeys; the server identity signs as an NKey.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, createCluster, createCurve, createOperator, createServer, createUser, fromPublic } from '@nats-io/nkeys';
import { base32Decode, decodePublicKey, encodePublicKey, type PublicKeyKind } from '../../src/auth/nkey-codec.js';
import { createServerIdentity } from '../../src/core/server-identity.js';

const MAKERS: [PublicKeyKind, () => { getPublicKey(): string }][] = [
  ['server', createServer], ['cluster', createCluster], ['operator', createOperator], ['account', createAccount], ['user', createUser], ['curve', createCurve],
];

test('nkey codec - decodes and re-encodes every kind of key @nats-io/nkeys makes', () => {
  for (const [kind, make] of MAKERS) {
    for (let i = 0; i < 20; i++) {
      const publicKey = make().getPublicKey();
      const decoded = decodePublicKey(publicKey);
      assert.ok(decoded, `${kind} ${publicKey} decodes`);
      assert.equal(decoded.kind, kind);
      assert.equal(encodePublicKey(kind, decoded.key), publicKey);
    }
  }
});

test('nkey codec - a key that @nats-io/nkeys refuses is refused: checksum, length, alphabet, prefix', () => {
  const good = createUser().getPublicKey();
  const flipped = good.slice(0, 20) + (good[20] === 'A' ? 'B' : 'A') + good.slice(21);
  for (const bad of [flipped, good.slice(0, 55), `${good}A`, good.toLowerCase(), good.replace(/.$/, '1'), '', 42, null]) {
    assert.equal(decodePublicKey(bad), null, String(bad));
    // nkeys.js ignores a 57th character; a public key is 56 characters, so Natrium (like before) does not.
    if (typeof bad === 'string' && bad.length !== 57) assert.throws(() => fromPublic(bad));
  }
  // A seed (S...) is not a public key.
  const seed = new TextDecoder().decode(createUser().getSeed());
  assert.equal(decodePublicKey(seed), null);
  assert.equal(base32Decode('a'), null);
});

test('server identity - an N... key whose signatures @nats-io/nkeys verifies', () => {
  const identity = createServerIdentity();
  assert.match(identity.publicKey, /^N[A-Z2-7]{55}$/);
  const data = new TextEncoder().encode('nonce to sign');
  const signature = identity.sign(data);
  assert.equal(signature.length, 64);
  const verifier = fromPublic(identity.publicKey);
  assert.equal(verifier.verify(data, signature), true);
  assert.equal(verifier.verify(new TextEncoder().encode('other'), signature), false);
  assert.notEqual(createServerIdentity().publicKey, identity.publicKey, 'a new identity per server');
});
