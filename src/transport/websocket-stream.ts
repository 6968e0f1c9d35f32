// One accepted WebSocket as the byte stream the core reads and writes: binary frames in, one binary frame per write out.

import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Close status codes by the core's closed reason, as nats-server sends them (RFC 6455 section 7.4.1).
 * 1015 (TLS handshake) cannot travel in a close frame, so 1011 stands in for it.
 */
const CLOSE_CODES: Readonly<Record<string, number>> = {
  'Client Closed': 1000,
  'Authentication Timeout': 1008,
  'Authentication Failure': 1008,
  'Authentication Expired': 1008,
  'Slow Consumer (Pending Bytes)': 1008,
  'Slow Consumer (Write Deadline)': 1008,
  'Maximum Account Connections Exceeded': 1008,
  'Maximum Connections Exceeded': 1008,
  'Maximum Control Line Exceeded': 1008,
  'Maximum Subscriptions Exceeded': 1008,
  'Missing Account': 1008,
  'Revocation': 1008,
  'Parse Error': 1002,
  'Protocol Violation': 1002,
  'Bad Client Protocol Version': 1002,
  'Maximum Message Payload Exceeded': 1009,
  'Server Shutdown': 1001,
  'Write Error': 1011,
  'Read Error': 1011,
  'Stale Connection': 1011,
};

/** How long a peer gets to answer our close frame before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

export class WebSocketDuplex extends Duplex {
  private closeCode = 1000;
  private closeText = '';

  constructor(private readonly ws: WebSocket) {
    // The core writes Buffers and reads Buffers: no string decoding either way.
    super({ allowHalfOpen: false, decodeStrings: true });
    ws.on('message', (data: Buffer) => {
      // Text frames carry protocol bytes too (nats-server accepts both); a Buffer either way.
      if (!this.push(data)) ws.pause();
    });
    ws.on('close', () => {
      this.push(null);
      this.destroy();
    });
    ws.on('error', (err: Error) => this.destroy(err));
  }

  /** The reason the core closes this connection: it becomes the close frame's status and text. */
  setCloseReason(reason: string): void {
    this.closeCode = CLOSE_CODES[reason] ?? 1011;
    this.closeText = reason;
  }

  override _read(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.resume();
  }

  // The write callback waits for the frame to reach the socket, so the core's pending-bytes accounting
  // (slow consumers, write deadline) sees a websocket that does not read as it sees a TCP one.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.ws.send(chunk, { binary: true }, callback);
  }

  /** Several queued writes go out as one frame. */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const data = chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk));
    this.ws.send(data, { binary: true }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sendClose();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.sendClose();
    callback(error);
  }

  private sendClose(): void {
    const ws = this.ws;
    if (ws.readyState === ws.OPEN) {
      ws.close(this.closeCode, this.closeText);
      setTimeout(terminate, CLOSE_GRACE_MS, ws).unref();
    } else if (ws.readyState === ws.CONNECTING) {
      ws.terminate();
    }
  }
}

function terminate(ws: WebSocket): void {
  if (ws.readyState !== ws.CLOSED) ws.terminate();
}
