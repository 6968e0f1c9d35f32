// Test fixtures: operator -> account -> user JWT chains built with our encoder, and nonce signing.

import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { encodeJwt, type JwtSigner } from '../../src/auth/jwt.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    value = ((value << 5) | BASE32.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const fastKeys = new WeakMap<KeyPair, { key: KeyObject; publicKey: string }>();

/**
 * A signer with the key pair's key but node's native Ed25519 (nkeys signs in pure JavaScript, ~10 ms a
 * signature): the encoded private key is 'P' + 32-byte seed + 32-byte public key + checksum.
 */
export function fastSigner(pair: KeyPair): JwtSigner {
  let entry = fastKeys.get(pair);
  if (entry === undefined) {
    const raw = base32Decode(new TextDecoder().decode(pair.getPrivateKey()));
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: raw.subarray(1, 33).toString('base64url'), x: raw.subarray(33, 65).toString('base64url') }, format: 'jwk' });
    entry = { key, publicKey: pair.getPublicKey() };
    fastKeys.set(pair, entry);
  }
  const { key, publicKey } = entry;
  return { getPublicKey: () => publicKey, sign: (data) => cryptoSign(null, data, key) };
}

export interface Chain {
  operator: KeyPair;
  operatorSigning: KeyPair;
  operatorJwt: string;
  account: KeyPair;
  accountSigning: KeyPair;
  accountJwt: string;
  user: KeyPair;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function operatorJwt(operator: KeyPair, nats: Record<string, unknown> = {}): string {
  return encodeJwt({ sub: operator.getPublicKey(), name: 'O', nats: { type: 'operator', ...nats } }, fastSigner(operator));
}

export function accountJwt(account: KeyPair, signer: KeyPair, nats: Record<string, unknown> = {}, claims: { exp?: number; nbf?: number; iat?: number; name?: string } = {}): string {
  return encodeJwt({ sub: account.getPublicKey(), name: claims.name ?? 'A', exp: claims.exp, nbf: claims.nbf, iat: claims.iat, nats: { type: 'account', limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 }, ...nats } }, fastSigner(signer));
}

export function userJwt(user: KeyPair, signer: KeyPair, nats: Record<string, unknown> = {}, claims: { exp?: number; nbf?: number; iat?: number; name?: string } = {}): string {
  return encodeJwt({ sub: user.getPublicKey(), name: claims.name ?? 'U', exp: claims.exp, nbf: claims.nbf, iat: claims.iat, nats: { type: 'user', subs: -1, data: -1, payload: -1, ...nats } }, fastSigner(signer));
}

/** An operator with a signing key, an account (issued by the operator signing key) with a signing key, and a user key. */
export function makeChain(accountNats: Record<string, unknown> = {}): Chain {
  const operator = createOperator();
  const operatorSigning = createOperator();
  const account = createAccount();
  const accountSigning = createAccount();
  const user = createUser();
  return {
    operator,
    operatorSigning,
    operatorJwt: operatorJwt(operator, { signing_keys: [operatorSigning.getPublicKey()] }),
    account,
    accountSigning,
    accountJwt: accountJwt(account, operatorSigning, { signing_keys: [accountSigning.getPublicKey()], ...accountNats }),
    user,
  };
}

/** The CONNECT `sig` for a nonce: base64url Ed25519 signature of its ASCII text. */
export function signNonce(key: KeyPair, nonce: string): string {
  return Buffer.from(fastSigner(key).sign(Buffer.from(nonce, 'latin1'))).toString('base64url');
}
