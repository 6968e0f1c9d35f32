// A raw TCP connection for fuzzing: writes chunks, records what the server sends, probes whether the connection still works, checks the server's output.
import net from 'node:net';

export type ProbeResult = 'usable' | 'closed';

export class FuzzSocket {
  /** The server ended or reset the connection (or a write failed because it had). */
  closedByServer = false;
  private readonly socket: net.Socket;
  private readonly received: Buffer[] = [];
  private receivedLength = 0;
  private cachedText = '';
  private cachedLength = 0;
  private readonly waiters: (() => void)[] = [];
  private destroyed = false;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => { this.received.push(d); this.receivedLength += d.length; this.wake(); });
    this.socket.on('end', () => this.serverClosed());
    this.socket.on('close', () => this.serverClosed());
    this.socket.on('error', () => this.serverClosed());
  }

  /** Everything received so far, as latin1 text. */
  get text(): string {
    if (this.cachedLength !== this.receivedLength) {
      this.cachedText = Buffer.concat(this.received).toString('latin1');
      this.cachedLength = this.receivedLength;
    }
    return this.cachedText;
  }

  /** Writes each chunk and waits for it to be handed to the kernel, so chunks tend to arrive apart. Returns false once the server has closed. */
  async write(chunks: readonly Buffer[]): Promise<boolean> {
    for (const chunk of chunks) {
      if (this.closedByServer) return false;
      const ok = await new Promise<boolean>((resolve) => this.socket.write(chunk, (err) => resolve(!err)));
      if (!ok) { this.serverClosed(); return false; }
    }
    return !this.closedByServer;
  }

  /** Resolves true once `test` holds, false once the server has closed or `ms` passed. */
  async until(test: (text: string) => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (test(this.text)) return true;
      if (this.closedByServer) return false;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /**
   * Finds out whether the connection still works: a SUB and a PUB on a fresh subject must come back as MSG,
   * or the server must close the connection. A fuzz input may leave the server waiting, legitimately, for the
   * end of a control line or of a declared payload, so the probe is repeated after a line end and then after
   * enough filler to complete any payload. Throws if the server neither answers nor closes.
   */
  async probe(nonce: string, maxPayload: number, stepMs: number, firstStepMs = stepMs): Promise<ProbeResult> {
    const sent: string[] = [];
    const answered = (text: string) => sent.some((subject) => text.includes(`MSG ${subject} `));
    const steps = [
      () => Buffer.alloc(0),
      () => Buffer.from('\r\n'),
      () => Buffer.alloc(maxPayload + 4096, '\r\n'),
    ];
    for (const [i, prefix] of steps.entries()) {
      const subject = `probe.${nonce}.${i}`;
      sent.push(subject);
      const probe = Buffer.from(`SUB ${subject} P${nonce}${i}\r\nPUB ${subject} 2\r\nok\r\nPING\r\n`);
      await this.write([prefix(), probe]);
      if (await this.until(answered, i === 0 ? firstStepMs : i === steps.length - 1 ? stepMs * 4 : stepMs)) return 'usable';
      if (this.closedByServer) return 'closed';
    }
    throw new Error(`the server neither answered the probe nor closed the connection; last received: ${JSON.stringify(this.text.slice(-300))}`);
  }

  destroy(): void {
    this.destroyed = true;
    this.socket.destroy();
  }

  private serverClosed(): void {
    if (!this.destroyed) this.closedByServer = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

const SIMPLE = ['PING\r\n', 'PONG\r\n', '+OK\r\n'];

/**
 * Checks that what a server sent is a well-formed sequence of server ops, starting with INFO.
 * The stream may end inside a frame: we stop reading when we are done, and even nats-server may cut a message
 * short when it closes a connection. Returns a description of the first problem, or null.
 */
export function checkServerStream(text: string): string | null {
  if (!text.startsWith('INFO ')) return `does not start with INFO: ${JSON.stringify(text.slice(0, 80))}`;
  let p = 0;
  while (p < text.length) {
    const simple = SIMPLE.find((op) => text.startsWith(op, p));
    if (simple !== undefined) { p += simple.length; continue; }
    const eol = text.indexOf('\r\n', p);
    if (eol < 0) {
      const rest = text.slice(p);
      const isPrefix = ['INFO ', 'MSG ', 'HMSG ', '-ERR ', ...SIMPLE].some((op) => op.startsWith(rest) || rest.startsWith(op));
      return isPrefix ? null : `unterminated or unknown data at ${p}: ${JSON.stringify(rest.slice(0, 120))}`;
    }
    const line = text.slice(p, eol);
    const next = eol + 2;
    if (line.startsWith('INFO ')) {
      try { JSON.parse(line.slice(5)); } catch { return `INFO with bad JSON at ${p}: ${JSON.stringify(line.slice(0, 200))}`; }
      p = next;
    } else if (line.startsWith('-ERR ')) {
      if (!/^-ERR '[^\r\n]*'$/.test(line)) return `malformed -ERR at ${p}: ${JSON.stringify(line)}`;
      p = next;
    } else if (line.startsWith('MSG ') || line.startsWith('HMSG ')) {
      const args = line.split(' ').slice(1);
      const withHeaders = line.startsWith('HMSG ');
      const sizes = withHeaders ? 2 : 1;
      if (args.length !== 2 + sizes && args.length !== 3 + sizes) return `wrong argument count at ${p}: ${JSON.stringify(line)}`;
      const numbers = args.slice(-sizes);
      if (!numbers.every((n) => /^\d+$/.test(n))) return `bad size at ${p}: ${JSON.stringify(line)}`;
      const total = Number(numbers[numbers.length - 1]);
      if (withHeaders && Number(numbers[0]) > total) return `header size over total at ${p}: ${JSON.stringify(line)}`;
      if (next + total + 2 > text.length) return null;
      if (text.slice(next + total, next + total + 2) !== '\r\n') return `message payload not followed by CRLF at ${p}: ${JSON.stringify(line)}`;
      p = next + total + 2;
    } else {
      return `unknown server op at ${p}: ${JSON.stringify(line.slice(0, 120))}`;
    }
  }
  return null;
}
