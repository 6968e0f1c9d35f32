// NKey public keys without @nats-io/nkeys: base32 with a prefix byte and a CRC-16 checksum, checked and encoded natively.
//
// Loading @nats-io/nkeys costs ~14 ms of start-up (its pure-JavaScript Ed25519); the server only needs to
// encode its own public key and check the ones it is given, so that is done here, and signatures are made and
// verified with node's native Ed25519. The format: base32 (RFC 4648, no padding) of
// [prefix byte] + 32-byte Ed25519 public key + CRC-16/XMODEM of those 33 bytes, little-endian.

/** The first byte of a public key by kind (the base32 of `kind << 3` starts with the letter). */
export const PUBLIC_PREFIX = { server: 13 << 3, cluster: 2 << 3, operator: 14 << 3, account: 0, user: 20 << 3, curve: 23 << 3 } as const;

export type PublicKeyKind = keyof typeof PUBLIC_PREFIX;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const PUBLIC_KEY_LENGTH = 56;
const RAW_LENGTH = 35;

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer | null {
  const out: number[] = [];
  let value = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const index = ALPHABET.indexOf(text[i]);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The public key text of a 32-byte Ed25519 (or curve) key. */
export function encodePublicKey(kind: PublicKeyKind, key: Uint8Array): string {
  if (key.length !== 32) throw new Error('an NKey public key holds 32 bytes');
  const raw = Buffer.alloc(RAW_LENGTH);
  raw[0] = PUBLIC_PREFIX[kind];
  raw.set(key, 1);
  raw.writeUInt16LE(crc16(raw.subarray(0, 33)), 33);
  return base32Encode(raw);
}

/** The kind and 32 key bytes of a valid public key (length, prefix and checksum checked), or null. */
export function decodePublicKey(text: unknown): { kind: PublicKeyKind; key: Buffer } | null {
  if (typeof text !== 'string' || text.length !== PUBLIC_KEY_LENGTH) return null;
  const raw = base32Decode(text);
  if (raw === null || raw.length !== RAW_LENGTH) return null;
  if (raw.readUInt16LE(33) !== crc16(raw.subarray(0, 33))) return null;
  const kind = (Object.keys(PUBLIC_PREFIX) as PublicKeyKind[]).find((k) => PUBLIC_PREFIX[k] === raw[0]);
  return kind === undefined ? null : { kind, key: raw.subarray(1, 33) };
}
