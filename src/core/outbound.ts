// A connection's outbound bytes: appended into slabs, written to the socket once per event-loop turn.
//
// Written regions of a slab are never touched again, so a slab can keep filling after part of it has been
// handed to the socket. A full slab is queued and a new one started; slabs grow with the traffic.

import type { Duplex } from 'node:stream';

const MIN_SLAB = 1024;
const MAX_SLAB = 256 * 1024;
const CRLF0 = 13;
const CRLF1 = 10;

export class OutboundBuffer {
  /** The slab being filled; bytes [start, position) are not yet written. */
  private slab: Buffer = EMPTY;
  private start = 0;
  private position = 0;
  /** Full slabs (views) waiting for the next flush. */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private nextSlabSize = MIN_SLAB;

  /** Bytes waiting in this buffer, not yet handed to the socket. */
  get pending(): number {
    return this.queuedBytes + (this.position - this.start);
  }

  /** Makes room for `size` more bytes and returns the slab to write into at `this.at`. */
  reserve(size: number): Buffer {
    if (this.position + size > this.slab.length) this.newSlab(size);
    return this.slab;
  }

  /** Where the next byte goes in the slab `reserve` returned. */
  get at(): number {
    return this.position;
  }

  /** Records that `size` bytes were written at `at`. */
  advance(size: number): void {
    this.position += size;
  }

  appendBuffer(data: Buffer | Uint8Array): void {
    const slab = this.reserve(data.length);
    slab.set(data, this.position);
    this.position += data.length;
  }

  appendLatin1(text: string): void {
    const slab = this.reserve(text.length);
    this.position += writeLatin1(slab, this.position, text);
  }

  appendCrlf(): void {
    const slab = this.reserve(2);
    slab[this.position] = CRLF0;
    slab[this.position + 1] = CRLF1;
    this.position += 2;
  }

  /**
   * Hands everything pending to the socket in one go. Returns what `write` returned
   * (false: the socket's own buffer is above its high-water mark).
   */
  flushTo(socket: Duplex): boolean {
    const tail = this.position - this.start;
    let ok = true;
    if (this.queued.length === 0) {
      if (tail === 0) return true;
      ok = socket.write(this.slab.subarray(this.start, this.position));
    } else {
      socket.cork();
      for (const chunk of this.queued) socket.write(chunk);
      if (tail > 0) socket.write(this.slab.subarray(this.start, this.position));
      socket.uncork();
      ok = socket.writableLength < socket.writableHighWaterMark;
      this.queued = [];
      this.queuedBytes = 0;
    }
    this.start = this.position;
    // A drained slab with little room left is dropped rather than kept per idle connection.
    if (this.slab.length - this.position < 64) {
      this.slab = EMPTY;
      this.start = this.position = 0;
    }
    return ok;
  }

  /** Drops everything pending (the connection is gone). */
  discard(): void {
    this.queued = [];
    this.queuedBytes = 0;
    this.slab = EMPTY;
    this.start = this.position = 0;
  }

  private newSlab(size: number): void {
    const used = this.position - this.start;
    if (used > 0) {
      this.queued.push(this.slab.subarray(this.start, this.position));
      this.queuedBytes += used;
    }
    const slabSize = Math.max(size, this.nextSlabSize);
    this.nextSlabSize = Math.min(MAX_SLAB, this.nextSlabSize * 2);
    this.slab = Buffer.allocUnsafeSlow(slabSize);
    this.start = this.position = 0;
  }
}

const EMPTY = Buffer.alloc(0);

/** Writes a latin1 string; short strings by hand, since a native call costs more than a few bytes. */
export function writeLatin1(buf: Buffer, position: number, text: string): number {
  const length = text.length;
  if (length < 24) {
    for (let i = 0; i < length; i++) buf[position + i] = text.charCodeAt(i);
    return length;
  }
  return buf.write(text, position, length, 'latin1');
}

/** Writes a non-negative integer in decimal; returns the number of bytes. */
export function writeDecimal(buf: Buffer, position: number, value: number): number {
  if (value < 10) {
    buf[position] = 48 + value;
    return 1;
  }
  let digits = 0;
  for (let v = value; v > 0; v = Math.floor(v / 10)) digits++;
  let v = value;
  for (let i = digits - 1; i >= 0; i--) {
    buf[position + i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return digits;
}
