// Parser throughput: ProtocolParser over a buffer of client frames, fed in 64 KiB reads, with a handler that only counts.
import { ProtocolParser, type ParserHandler } from '../../src/protocol/parser.js';
import { formatNs, nsPerOp, type MicroRow } from './timing.js';

class CountingHandler implements ParserHandler {
  frames = 0;
  payloadBytes = 0;
  errors = 0;
  processConnect(): void {
    this.frames++;
  }
  processPub(_subject: string, _reply: string, _headerSize: number, message: Buffer): void {
    this.frames++;
    this.payloadBytes += message.length;
  }
  checkPubSize(): boolean {
    return true;
  }
  processSub(): void {
    this.frames++;
  }
  processUnsub(): void {
    this.frames++;
  }
  processPing(): void {
    this.frames++;
  }
  processPong(): void {
    this.frames++;
  }
  processClientErr(): void {
    this.errors++;
  }
  protocolError(): void {
    this.errors++;
  }
  authViolationBeforeConnect(): void {
    this.errors++;
  }
}

const HEADER = 'NATS/1.0\r\nX-Trace: abc123\r\n\r\n';

/** About `target` bytes of frames: mostly PUB (16–256 B, some with reply), some HPUB, SUB, UNSUB and PING. */
export function mixedFrames(target: number): { buffer: Buffer; frames: number } {
  const parts: string[] = [];
  let bytes = 0;
  let frames = 0;
  for (let i = 0; bytes < target; i++) {
    const payload = 'x'.repeat(16 << (i % 5));
    const subject = `orders.${i % 50}.created`;
    let frame: string;
    switch (i % 20) {
      case 14:
      case 15:
        frame = `HPUB ${subject} ${HEADER.length} ${HEADER.length + payload.length}\r\n${HEADER}${payload}\r\n`;
        break;
      case 16:
        frame = `SUB orders.${i}.* ${i}\r\n`;
        break;
      case 17:
        frame = `UNSUB ${i - 1}\r\n`;
        break;
      case 18:
        frame = 'PING\r\n';
        break;
      default:
        frame = i % 4 === 0 ? `PUB ${subject} _INBOX.k3j4h5.${i} ${payload.length}\r\n${payload}\r\n` : `PUB ${subject} ${payload.length}\r\n${payload}\r\n`;
    }
    parts.push(frame);
    bytes += frame.length;
    frames++;
  }
  return { buffer: Buffer.from(parts.join(''), 'latin1'), frames };
}

function pubOnly(target: number): { buffer: Buffer; frames: number } {
  const frame = `PUB bench 16\r\n${'x'.repeat(16)}\r\n`;
  const frames = Math.ceil(target / frame.length);
  return { buffer: Buffer.from(frame.repeat(frames), 'latin1'), frames };
}

function throughput(name: string, input: { buffer: Buffer; frames: number }): MicroRow[] {
  const handler = new CountingHandler();
  const parser = new ProtocolParser(handler, { maxControlLine: 4096 });
  parser.headersAllowed = true;
  const { buffer, frames } = input;
  const chunk = 64 * 1024;
  const ns = nsPerOp((iterations) => {
    for (let n = 0; n < iterations; n++) {
      for (let at = 0; at < buffer.length; at += chunk) parser.parse(buffer.subarray(at, at + chunk));
    }
    return handler.frames;
  }, { minMs: 150 });
  if (handler.errors > 0 || parser.stopped) throw new Error(`parser benchmark input was rejected (${name})`);
  return [
    { name: `parser, ${name}`, figure: 'MB/s', value: ((buffer.length / ns) * 1000).toFixed(0) },
    { name: `parser, ${name}`, figure: 'ns/frame', value: formatNs(ns / frames) },
  ];
}

export function parserBenchmarks(): MicroRow[] {
  return [...throughput('mixed PUB/HPUB/SUB/UNSUB/PING', mixedFrames(4 << 20)), ...throughput('PUB 16 B only', pubOnly(4 << 20))];
}
