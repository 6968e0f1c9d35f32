// The server's NKey identity: an Ed25519 key pair made with node's native crypto; its public key is the server ID.

import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodePublicKey } from '../auth/nkey-codec.js';

export interface ServerIdentity {
  /** The server ID: the key pair's NKey public key (`N...`). */
  readonly publicKey: string;
  /** An Ed25519 signature of `data` (the private key never leaves this object). */
  sign(data: Uint8Array): Uint8Array;
}

/** A fresh identity, as nats-server makes one at every start (native: ~0.4 ms, and no @nats-io/nkeys to load). */
export function createServerIdentity(): ServerIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return new NativeIdentity(encodePublicKey('server', raw), privateKey);
}

class NativeIdentity implements ServerIdentity {
  constructor(readonly publicKey: string, private readonly privateKey: KeyObject) {}

  sign(data: Uint8Array): Uint8Array {
    return sign(null, data, this.privateKey);
  }
}
