// Tests for secret checks (plain, bcrypt), the nonce, NKey public keys and nonce signatures.

import test from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { createAccount, createOperator, createUser, fromPublic } from '@nats-io/nkeys';
import { randomBytes } from 'node:crypto';
import {
  checkSecret,
  checkSecretAsync,
  decodeSignature,
  generateNonce,
  isBcryptHash,
  isPublicKey,
  publicKeyKind,
  secretEquals,
  verifyNonceSignature,
  verifySignature,
} from '../../src/auth/credentials.js';
import { signNonce } from './fixtures.js';

test('credentials - plain secrets compare exactly, whatever their lengths', () => {
  assert.equal(secretEquals('s3cret', 's3cret'), true);
  assert.equal(secretEquals('s3cret', 's3cre'), false);
  assert.equal(secretEquals('', ''), true);
  assert.equal(secretEquals('x'.repeat(10_000), 'x'.repeat(10_000)), true);
  assert.equal(checkSecret('pwd', 'pwd'), true);
  assert.equal(checkSecret('pwd', 'PWD'), false);
});

test('credentials - bcrypt hashes are recognized by their $2a$/$2b$/$2y$ prefix', () => {
  const hash = bcrypt.hashSync('pass', 4);
  assert.equal(isBcryptHash(hash), true);
  assert.equal(isBcryptHash(hash.replace('$2b$', '$2a$')), true);
  assert.equal(isBcryptHash(hash.replace('$2b$', '$2y$')), true);
  assert.equal(isBcryptHash('$2b$'), false);
  assert.equal(isBcryptHash('$3a$10$abc'), false);
  assert.equal(isBcryptHash('plain'), false);
});

test('credentials - bcrypt passwords check synchronously and asynchronously', async () => {
  const hash = bcrypt.hashSync('correct horse', 4);
  for (const variant of [hash, hash.replace('$2b$', '$2a$'), hash.replace('$2b$', '$2y$')]) {
    assert.equal(checkSecret(variant, 'correct horse'), true, variant.slice(0, 4));
    assert.equal(checkSecret(variant, 'wrong'), false);
    assert.equal(await checkSecretAsync(variant, 'correct horse'), true);
    assert.equal(await checkSecretAsync(variant, 'wrong'), false);
  }
  // A hash-looking value that bcrypt cannot read is a mismatch, not an exception.
  assert.equal(checkSecret('$2a$10$short', 'x'), false);
  assert.equal(await checkSecretAsync('$2a$10$short', 'x'), false);
  assert.equal(checkSecret(undefined as unknown as string, 'x'), false);
});

test('credentials - nonces are 11 random bytes in base64url (15 characters), as nats-server sends', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const nonce = generateNonce();
    assert.match(nonce, /^[A-Za-z0-9_-]{15}$/);
    seen.add(nonce);
  }
  assert.equal(seen.size, 100);
});

test('credentials - public key kinds are read from valid keys only', () => {
  assert.equal(publicKeyKind(createUser().getPublicKey()), 'user');
  assert.equal(publicKeyKind(createAccount().getPublicKey()), 'account');
  assert.equal(publicKeyKind(createOperator().getPublicKey()), 'operator');
  const user = createUser().getPublicKey();
  assert.equal(publicKeyKind(user.slice(0, -1) + (user.endsWith('A') ? 'B' : 'A')), null, 'checksum');
  assert.equal(publicKeyKind(new TextDecoder().decode(createUser().getSeed())), null, 'a seed is not a public key');
  for (const bad of ['', 'U', 'x'.repeat(56), 42, null, undefined, {}]) assert.equal(publicKeyKind(bad), null);
  assert.equal(isPublicKey(user, 'user'), true);
  assert.equal(isPublicKey(user, 'account'), false);
});

test('credentials - nonce signatures verify in base64url and standard base64, and nothing else', () => {
  const user = createUser();
  const nonce = generateNonce();
  const sig = signNonce(user, nonce);
  assert.equal(verifyNonceSignature(user.getPublicKey(), nonce, sig), true);
  const standard = Buffer.from(sig, 'base64url').toString('base64');
  assert.equal(verifyNonceSignature(user.getPublicKey(), nonce, standard), true, 'standard base64 fallback');
  assert.equal(verifyNonceSignature(user.getPublicKey(), generateNonce(), sig), false, 'another nonce');
  assert.equal(verifyNonceSignature(createUser().getPublicKey(), nonce, sig), false, 'another key');
  assert.equal(verifyNonceSignature(user.getPublicKey(), nonce, sig.slice(0, -2)), false, 'truncated');
  assert.equal(verifyNonceSignature(user.getPublicKey(), nonce, '!!!!'), false, 'not base64');
  assert.equal(verifyNonceSignature(user.getPublicKey(), '', sig), false, 'no nonce');
  assert.equal(verifyNonceSignature('garbage', nonce, sig), false, 'bad key');
  assert.equal(decodeSignature(''), null);
  assert.equal(decodeSignature('a'), null);
});

test('credentials - native Ed25519 verification agrees with @nats-io/nkeys', () => {
  for (let i = 0; i < 20; i++) {
    const key = i % 2 === 0 ? createUser() : createAccount();
    const data = randomBytes(1 + (i * 37) % 300);
    const good = key.sign(data);
    const bad = Buffer.from(good);
    bad[i % 64] ^= 1;
    const reference = fromPublic(key.getPublicKey());
    assert.equal(verifySignature(key.getPublicKey(), data, good), reference.verify(data, good));
    assert.equal(verifySignature(key.getPublicKey(), data, bad), reference.verify(data, bad));
  }
  assert.equal(verifySignature(createUser().getPublicKey(), Buffer.from('x'), new Uint8Array(3)), false);
});
