// Plays one JetStream conformance scenario on a connection and records its normalized transcript and expectation failures.
import { connect, headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { createHash } from 'node:crypto';
import { apiErrorName, JsApiErrors } from '../../../src/jetstream/api-errors.js';
import type { Body, HeaderMap, MessagesExpectation, Scenario, Step } from './harness.js';
import { Masks, normalizeHeaders, normalizePayload, partialMatch, statusOf } from './normalize.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function payloadOf(body: Body): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return encoder.encode(typeof body === 'string' ? body : JSON.stringify(body));
}

function shownBody(body: Body): string {
  if (body === undefined) return '<empty>';
  return typeof body === 'string' ? JSON.stringify(body) : JSON.stringify(body);
}

function toHeaders(map: HeaderMap | undefined) {
  if (!map) return undefined;
  const h = natsHeaders();
  for (const [key, value] of Object.entries(map)) for (const v of Array.isArray(value) ? value : [value]) h.append(key, v);
  return h;
}

function shownHeaders(map: HeaderMap | undefined): string {
  if (!map) return '';
  return ` [${Object.entries(map).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('; ')}]`;
}

/** The header block exactly as received (the client keeps the raw bytes). */
function rawHeaders(msg: Msg): string | undefined {
  const internal = msg as unknown as { _msg?: { hdr?: number }; _rdata?: Uint8Array };
  const length = internal._msg?.hdr ?? -1;
  if (length > 0 && internal._rdata) return decoder.decode(internal._rdata.subarray(0, length));
  return undefined;
}

function valueAt(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json);
}

interface Listener {
  sub: Subscription;
  messages: Msg[];
  recorded: number;
}

/** Plays one scenario on a connection to `url` and records its transcript. */
export class ScenarioRunner {
  readonly transcript: string[] = [];
  readonly failures: string[] = [];
  private readonly masks = new Masks();
  private readonly vars = new Map<string, string>();
  private readonly received: Msg[] = [];
  private readonly listeners = new Map<string, Listener>();
  private inboxes = 0;
  private ephemerals = 0;

  constructor(private readonly nc: NatsConnection) {}

  static async run(url: string, scenario: Scenario): Promise<{ transcript: string[]; failures: string[] }> {
    const nc = await connect({ servers: url, reconnect: false, name: `js-conformance ${scenario.name}` });
    const runner = new ScenarioRunner(nc);
    try {
      for (const [index, step] of scenario.steps.entries()) {
        try {
          await runner.step(step);
        } catch (error) {
          runner.failures.push(`step ${index + 1} (${step.kind}) threw: ${error instanceof Error ? error.message : String(error)}`);
          runner.transcript.push(`!! step threw: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      await nc.close().catch(() => undefined);
    }
    return { transcript: runner.transcript, failures: runner.failures };
  }

  /** `{{name}}` in subjects and bodies is replaced by a value captured earlier. */
  private fill(text: string): string {
    return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => this.vars.get(name) ?? whole);
  }

  private fillBody(body: Body): Body {
    if (body === undefined) return undefined;
    if (typeof body === 'string') return this.fill(body);
    return JSON.parse(this.fill(JSON.stringify(body))) as object;
  }

  /** Records a delivered message; numbered ones (#n) can be acknowledged later by number. */
  private record(msg: Msg, numbered = true): { status?: string } {
    if (numbered) this.received.push(msg);
    const raw = rawHeaders(msg);
    const parts = [numbered ? `< #${this.received.length} ${this.masks.text(msg.subject)}` : `< ${this.masks.text(msg.subject)}`];
    if (msg.reply) parts.push(`reply=${this.masks.text(msg.reply)}`);
    if (raw !== undefined) parts.push(`hdr=${JSON.stringify(normalizeHeaders(raw, this.masks))}`);
    parts.push(`data=${shownData(msg.data, this.masks)}`);
    this.transcript.push(parts.join(' '));
    return { status: raw !== undefined ? statusOf(raw) : undefined };
  }

  private async step(step: Step): Promise<void> {
    switch (step.kind) {
      case 'note':
        this.transcript.push(`= ${step.text}`);
        return;
      case 'sleep':
        await delay(step.ms);
        return;
      case 'pub': {
        const subject = this.fill(step.subject);
        const count = step.count ?? 1;
        const reply = step.reply ? this.fill(step.reply) : undefined;
        this.transcript.push(`> pub ${subject}${reply ? ` reply=${this.masks.text(reply)}` : ''}${shownHeaders(step.headers)} ${shownBody(step.body)}${count > 1 ? ` x${count}` : ''}`);
        for (let i = 0; i < count; i++) this.nc.publish(subject, payloadOf(this.fillBody(step.body)), { headers: toHeaders(step.headers), ...(reply ? { reply } : {}) });
        await this.nc.flush();
        return;
      }
      case 'req':
        return this.request(step);
      case 'listen': {
        const subject = this.fill(step.subject);
        const listener: Listener = { sub: this.nc.subscribe(subject), messages: [], recorded: 0 };
        this.listeners.set(step.name, listener);
        void (async () => {
          for await (const msg of listener.sub) listener.messages.push(msg);
        })();
        await this.nc.flush();
        this.transcript.push(`= listen ${step.name} on ${this.masks.text(subject)}`);
        return;
      }
      case 'collect': {
        const listener = this.listeners.get(step.name);
        if (!listener) throw new Error(`no listener ${step.name}`);
        await this.gather(listener, step.count, step.timeoutMs, step.quietMs, step.expect, `collect ${step.name}`);
        return;
      }
      case 'pull': {
        const inbox = `_INBOX.pull${++this.inboxes}`;
        const listener: Listener = { sub: this.nc.subscribe(inbox), messages: [], recorded: 0 };
        void (async () => {
          for await (const msg of listener.sub) listener.messages.push(msg);
        })();
        const subject = this.fill(step.subject);
        this.transcript.push(`> pull ${this.masks.text(subject)} ${shownBody(step.body)}`);
        this.nc.publish(subject, payloadOf(this.fillBody(step.body)), { reply: inbox });
        await this.nc.flush();
        await this.gather(listener, step.count, step.timeoutMs, step.quietMs, step.expect, 'pull');
        listener.sub.unsubscribe();
        return;
      }
      case 'ack': {
        const msg = this.received[step.message - 1];
        if (!msg?.reply) throw new Error(`message #${step.message} has no reply subject to ack`);
        const mode = step.mode;
        const shownMode = mode === 'request' ? ' (request)' : mode === 'publish' ? '' : ` reply=${this.masks.text(mode.reply)}`;
        this.transcript.push(`> ack #${step.message} ${JSON.stringify(step.payload)}${shownMode}`);
        if (mode !== 'request') {
          this.nc.publish(msg.reply, encoder.encode(step.payload), mode === 'publish' ? {} : { reply: mode.reply });
          await this.nc.flush();
          return;
        }
        try {
          const reply = await this.nc.request(msg.reply, encoder.encode(step.payload), { timeout: 1000 });
          this.record(reply, Boolean(reply.reply)); // +NXT answers with the next message, which can be acked in turn
        } catch (error) {
          this.transcript.push(`< ${describeRequestError(error)}`);
        }
        return;
      }
    }
  }

  private async gather(listener: Listener, count: number, timeoutMs: number, quietMs: number, expect: MessagesExpectation | undefined, label: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (listener.messages.length - listener.recorded < count && Date.now() < deadline) await delay(5);
    // A short quiet period catches anything extra that follows (it must be recorded too).
    let seen = listener.messages.length;
    for (;;) {
      await delay(quietMs);
      if (listener.messages.length === seen) break;
      seen = listener.messages.length;
    }
    const fresh = listener.messages.slice(listener.recorded);
    listener.recorded = listener.messages.length;
    if (fresh.length === 0) this.transcript.push(`< (${label}: nothing received)`);
    const statuses: string[] = [];
    for (const msg of fresh) {
      const { status } = this.record(msg);
      if (status) statuses.push(status);
    }
    if (expect?.count !== undefined && fresh.length !== expect.count) this.failures.push(`${label}: expected ${expect.count} messages, got ${fresh.length}`);
    if (expect?.statuses && JSON.stringify(statuses) !== JSON.stringify(expect.statuses)) {
      this.failures.push(`${label}: expected statuses ${JSON.stringify(expect.statuses)}, got ${JSON.stringify(statuses)}`);
    }
  }

  private async request(step: Extract<Step, { kind: 'req' }>): Promise<void> {
    const subject = this.fill(step.subject);
    const body = this.fillBody(step.body);
    this.transcript.push(`> ${this.masks.text(subject)}${shownHeaders(step.headers)} ${shownBody(body)}`);
    const expect = step.expect;
    let msg: Msg;
    try {
      msg = await this.nc.request(subject, payloadOf(body), { timeout: step.timeoutMs ?? (expect?.timeout ? 500 : 2000), headers: toHeaders(step.headers) });
    } catch (error) {
      const text = describeRequestError(error);
      this.transcript.push(`< ${text}`);
      const noResponders = text.startsWith('<no responders');
      if (expect?.status && !(expect.status === '503' && noResponders)) this.failures.push(`${subject}: expected status ${expect.status}, got ${text}`);
      if (expect && !expect.timeout && !expect.status) this.failures.push(`${subject}: expected a reply, got ${text}`);
      return;
    }
    if (expect?.timeout) this.failures.push(`${subject}: expected no reply`);
    const raw = rawHeaders(msg);
    const data = decoder.decode(msg.data);
    const payload = normalizePayload(data, this.masks);
    this.transcript.push(`<${raw !== undefined ? ` hdr=${JSON.stringify(normalizeHeaders(raw, this.masks))}` : ''} ${payload.line}`);
    if (expect?.status !== undefined && statusOf(raw ?? '') !== expect.status) this.failures.push(`${subject}: expected status ${expect.status}, got ${statusOf(raw ?? '') ?? 'none'}`);
    const tableMismatch = checkAgainstErrorTable(valueAt(payload.json, 'error'));
    if (tableMismatch) this.failures.push(`${subject}: ${tableMismatch}`);
    if (expect?.err !== undefined) {
      const actual = (valueAt(payload.json, 'error.err_code') as number | undefined) ?? 0;
      if (actual !== expect.err) this.failures.push(`${subject} ${shownBody(body)}: expected err_code ${expect.err || 'none'}, got ${actual || 'none'} ${payload.line.slice(0, 300)}`);
    }
    if (expect?.json && !partialMatch(payload.json, expect.json)) this.failures.push(`${subject}: response does not contain ${JSON.stringify(expect.json)}: ${payload.line.slice(0, 400)}`);
    // A consumer created without a name in the subject gets a random one: mask it as <ephemeralN> unless captured.
    let capture = step.capture;
    const created = valueAt(payload.json, 'name');
    if (!capture && subject.startsWith('$JS.API.CONSUMER.CREATE.') && typeof created === 'string' && !subject.split('.').includes(created)) {
      capture = { [`ephemeral${++this.ephemerals}`]: 'name' };
    }
    if (capture && payload.json !== undefined) {
      const rawJson = JSON.parse(data) as unknown;
      for (const [name, path] of Object.entries(capture)) {
        const value = valueAt(rawJson, path);
        if (typeof value === 'string') {
          this.vars.set(name, value);
          this.masks.add(name, value);
          // Already recorded lines used the raw value: mask them too.
          this.transcript[this.transcript.length - 1] = `<${raw !== undefined ? ` hdr=${JSON.stringify(normalizeHeaders(raw, this.masks))}` : ''} ${normalizePayload(data, this.masks).line}`;
        } else this.failures.push(`capture ${name}: no string at ${path}`);
      }
    }
  }
}

/** Every API error must be an entry of src/jetstream/api-errors.ts: same code, description matching the template. */
export function checkAgainstErrorTable(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, err_code: errCode, description } = error as { code?: unknown; err_code?: unknown; description?: unknown };
  if (typeof errCode !== 'number') return undefined;
  const name = apiErrorName(errCode);
  if (!name) return `err_code ${errCode} is not in the api-errors table`;
  const entry = JsApiErrors[name];
  const template = new RegExp(`^${entry.description.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  if (code !== entry.code || typeof description !== 'string' || !template.test(description)) {
    return `error ${JSON.stringify(error)} does not match api-errors ${name} ${JSON.stringify(entry)}`;
  }
  return undefined;
}

/** A delivered payload: normalized JSON or quoted text; long payloads as their size, a digest and the first bytes. */
function shownData(data: Uint8Array, masks: Masks): string {
  if (data.length === 0) return '<empty>';
  if (data.length <= 200) return normalizePayload(decoder.decode(data), masks).line;
  const digest = createHash('sha256').update(data).digest('hex').slice(0, 12);
  return `<${data.length} bytes sha256:${digest}> ${JSON.stringify(decoder.decode(data.subarray(0, 24)))}…`;
}

function describeRequestError(error: unknown): string {
  const e = error as { code?: string | number; message?: string; name?: string };
  const message = e?.message ?? String(error);
  if (/no responders/i.test(message) || e?.code === '503' || e?.code === 503) return '<no responders (503)>';
  if (/timeout/i.test(message) || e?.name === 'TimeoutError') return '<timeout>';
  return `<error ${message}>`;
}
