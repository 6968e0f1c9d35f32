// Shared bits for conformance scenarios: CONNECT lines and small step sequences.
import { ping, send, type Step } from '../harness.js';

/** A CONNECT line with the given options as JSON (no options: `CONNECT {}`). */
export function connectLine(options: Record<string, unknown> = {}): string {
  return `CONNECT ${JSON.stringify(options)}\r\n`;
}

/** The usual CONNECT of a modern client: headers and no_responders on, verbose off. */
export const CONNECT_MODERN = connectLine({ verbose: false, pedantic: false, headers: true, no_responders: true, protocol: 1 });

/** CONNECT with the given options, then a PING round trip so the server has surely processed it. */
export function connected(options: Record<string, unknown> = {}, connection = 'a'): Step[] {
  return [send(connectLine(options), { connection }), ...ping(connection)];
}

/** A payload of `size` bytes cycling through the alphabet. */
export function payload(size: number): string {
  let text = '';
  for (let i = 0; i < size; i++) text += String.fromCharCode(97 + (i % 26));
  return text;
}

/** Expected transcript lines: the server answers `-ERR '<error>'` and closes the connection. */
export function closesWith(error: string, connection = 'a'): string[] {
  return [`< ${connection}: -ERR '${error}'`, `x ${connection}: closed by server`];
}

/** Expectations of a close with no -ERR at all. */
export function silentClose(connection = 'a'): { expect: string[]; expectAbsent: RegExp[] } {
  return { expect: [`x ${connection}: closed by server`], expectAbsent: [new RegExp(`^< ${connection}: -ERR`)] };
}

/** An HPUB frame with correctly computed sizes; `headerLines` go after the NATS/1.0 line. */
export function hpub(subject: string, headerLines: string[], body: string, reply?: string, statusLine = 'NATS/1.0'): string {
  const header = [statusLine, ...headerLines].join('\r\n') + '\r\n\r\n';
  const total = header.length + body.length;
  return `HPUB ${subject}${reply ? ` ${reply}` : ''} ${header.length} ${total}\r\n${header}${body}\r\n`;
}
