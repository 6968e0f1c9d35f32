// Maps `$JS.API.*` request subjects to their handlers and sends the JSON replies.

import type { JsApiError } from '../api-errors.js';
import { apiError } from '../api-errors.js';

/** One API request, as a handler sees it. */
export interface ApiRequest {
  /** The tokens after `$JS.API.` (e.g. ['STREAM', 'CREATE', 'orders']). */
  tokens: string[];
  /** The subject tokens that name things, after the endpoint's fixed part (e.g. ['orders']). */
  args: string[];
  reply: string;
  /** The raw JSON body (may be empty). */
  body: Buffer;
  headers: Buffer | null;
}

/** A handler returns the response object to send, or null when it answers later (or never, as MSG.NEXT). */
export type ApiHandler = (request: ApiRequest) => object | null;

export interface Route {
  /** The fixed tokens after `$JS.API.`. */
  path: string[];
  /** How many more tokens the subject must have: [min, max] (max -1 = any). */
  args: [number, number];
  /** The `type` of responses, used for the error reply when arguments are wrong. */
  type: string | undefined;
  handler: ApiHandler;
}

export class ApiRouter {
  private readonly routes: Route[] = [];

  add(path: string, args: [number, number], type: string | undefined, handler: ApiHandler): void {
    this.routes.push({ path: path.split('.'), args, type, handler });
    // Longest paths first, so STREAM.MSG.GET wins over a shorter prefix.
    this.routes.sort((a, b) => b.path.length - a.path.length);
  }

  /** Finds the route for the tokens after `$JS.API.`; null for an unknown endpoint. */
  resolve(tokens: string[]): { route: Route; args: string[] } | null {
    for (const route of this.routes) {
      if (tokens.length < route.path.length) continue;
      let same = true;
      for (let i = 0; i < route.path.length; i++) {
        if (tokens[i] !== route.path[i]) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      const args = tokens.slice(route.path.length);
      const [min, max] = route.args;
      if (args.length < min || (max >= 0 && args.length > max)) continue;
      return { route, args };
    }
    return null;
  }

  /** Runs the handler for a request; returns its response (null: none to send now). */
  dispatch(tokens: string[], reply: string, body: Buffer, headers: Buffer | null): object | null {
    const found = this.resolve(tokens);
    if (found === null) return null;
    return found.route.handler({ tokens, args: found.args, reply, body, headers });
  }
}

/** Parses a JSON request body; an empty body is `{}`. Returns an error object for bad JSON. */
export function parseRequest<T extends object>(body: Buffer): T | { error: JsApiError } {
  if (body.length === 0) return {} as T;
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: apiError('InvalidJSON') };
    return value as T;
  } catch {
    return { error: apiError('InvalidJSON') };
  }
}

export function isErrorResult(value: object): value is { error: JsApiError } {
  return 'error' in value && typeof (value as { error: unknown }).error === 'object';
}
