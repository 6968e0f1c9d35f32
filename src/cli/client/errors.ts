// Turns any failure into the one line the CLI prints: `natrium: error: <text>` in the nats CLI's wording.
import { AuthorizationError, ConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { UsageError } from './command.js';

export const PROGRAM = 'natrium';

/** The error's text as the Go client words it where there is an equivalent. */
export function describeError(err: unknown): string {
  if (err instanceof UsageError) return err.message;
  if (err instanceof NoRespondersError || (err instanceof RequestError && err.isNoResponders())) {
    return 'nats: no responders available for request';
  }
  if (err instanceof TimeoutError) return 'nats: timeout';
  if (err instanceof AuthorizationError) return 'nats: authorization violation';
  if (err instanceof ConnectionError) return `nats: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorLine(err: unknown): string {
  return `${PROGRAM}: error: ${describeError(err)}`;
}
