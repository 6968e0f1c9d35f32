// The nats CLI's body templates ({{Count}}, {{Request}}, {{ID}}, {{Random 5 10}}…) and -H key:value headers.
import { randomUUID, randomInt } from 'node:crypto';
import { headers, nuid, type MsgHdrs } from '@nats-io/transport-node';
import { UsageError } from './command.js';

export interface TemplateContext {
  count: number;
  /** The request body, for `reply`. */
  request?: string;
}

const PLACEHOLDER = /\{\{-?\s*\.?([A-Za-z]+)((?:\s+\d+)*)\s*-?\}\}/g;
const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(min: number, max: number): string {
  const length = max > min ? randomInt(min, max + 1) : min;
  let text = '';
  for (let i = 0; i < length; i++) text += RANDOM_ALPHABET[randomInt(RANDOM_ALPHABET.length)];
  return text;
}

/** Go's time.Kitchen layout: 3:04PM. */
function kitchenTime(now: Date): string {
  const hours = now.getHours() % 12 || 12;
  const minutes = String(now.getMinutes()).padStart(2, '0');
  return `${hours}:${minutes}${now.getHours() < 12 ? 'AM' : 'PM'}`;
}

/** Expands the placeholders the nats CLI knows; anything else is left as written. */
export function expandTemplate(text: string, context: TemplateContext): string {
  if (!text.includes('{{')) return text;
  const now = new Date();
  return text.replace(PLACEHOLDER, (whole, name: string, argText: string) => {
    const args = argText.trim().length > 0 ? argText.trim().split(/\s+/).map(Number) : [];
    switch (name) {
      case 'Count':
      case 'Cnt': return String(context.count);
      case 'Request': return context.request ?? whole;
      case 'Unix': return String(Math.floor(now.getTime() / 1000));
      case 'UnixNano': return `${BigInt(now.getTime()) * 1_000_000n}`;
      case 'TimeStamp': return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      case 'Time': return kitchenTime(now);
      case 'ID': return nuid.next();
      case 'UUID': return randomUUID();
      case 'Random': return args.length === 2 ? randomString(args[0]!, args[1]!) : whole;
      default: return whole;
    }
  });
}

/** Headers from `-H key:value` flags (values templated), or undefined when there are none. */
export function buildHeaders(specs: string[], context: TemplateContext): MsgHdrs | undefined {
  if (specs.length === 0) return undefined;
  const result = headers();
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const name = colon > 0 ? spec.slice(0, colon).trim() : '';
    if (name.length === 0) throw new UsageError(`invalid header "${spec}", expected key:value`);
    result.append(name, expandTemplate(spec.slice(colon + 1).trim(), context));
  }
  return result;
}
