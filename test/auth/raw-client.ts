// A minimal raw NATS client for probing nats-server: send lines, read until PONG, collect -ERR and MSG lines.

import net from 'node:net';

export class RawClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  readonly info: Promise<Record<string, unknown>>;
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => undefined);
    this.info = this.readUntil(/^INFO (.*)\r\n/m).then((m) => JSON.parse(m[1]) as Record<string, unknown>);
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    await client.info;
    return client;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Waits for a line matching `pattern`; consumes the buffer up to and including it. */
  async readUntil(pattern: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.buffer);
      if (match) {
        this.buffer = this.buffer.slice(match.index + match[0].length);
        return match;
      }
      if (this.closed || Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends `text` then PING; returns everything the server sent before the PONG. */
  async roundTrip(text: string): Promise<string> {
    this.send(`${text}PING\r\n`);
    const match = await this.readUntil(/PONG\r\n/);
    return match.input.slice(0, match.index);
  }

  close(): void {
    this.socket.destroy();
  }
}
