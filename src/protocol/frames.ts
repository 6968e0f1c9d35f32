// Constant server-to-client frames, encoded once, and the -ERR frame builder.

export const CRLF = Buffer.from('\r\n');
export const PING_FRAME = Buffer.from('PING\r\n');
export const PONG_FRAME = Buffer.from('PONG\r\n');
export const OK_FRAME = Buffer.from('+OK\r\n');

/** The header block of the 503 status a requester gets when nobody listens on the subject. */
export const NO_RESPONDERS_HEADER = Buffer.from('NATS/1.0 503\r\n\r\n');

const errFrames = new Map<string, Buffer>();

/** `-ERR 'text'\r\n`, cached per text since there are few of them. */
export function errFrame(text: string): Buffer {
  let frame = errFrames.get(text);
  if (frame === undefined) {
    frame = Buffer.from(`-ERR '${text}'\r\n`, 'utf8');
    if (errFrames.size < 256) errFrames.set(text, frame);
  }
  return frame;
}

/** `INFO {json} \r\n` — nats-server puts a space before the CRLF. */
export function infoFrame(json: string): string {
  return `INFO ${json} \r\n`;
}
