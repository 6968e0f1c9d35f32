// Mirrors and sources: a stream that copies another stream's messages (all of them, or filtered and renamed).

import { setHeader, getHeader } from '../protocol/headers.js';
import { subjectMatches } from '../subjects/subject.js';
import { parseTimeNs } from './json-time.js';
import { mapSubject, type Stream } from './stream.js';
import type { StreamSourceConfig } from './stream-config.js';
import type { StoredMessage } from './store/types.js';

/** The header nats-server puts on a sourced message: `<origin stream> <origin sequence>`. */
export const STREAM_SOURCE_HEADER = 'Nats-Stream-Source';
/** Messages copied per event-loop turn while catching up, so a large origin does not block the server. */
const CATCH_UP_BATCH = 1000;

/** A message an origin stream just stored, as its followers see it. */
export interface OriginMessage {
  seq: number;
  subject: string;
  headers: Buffer | null;
  data: Buffer;
  timestampNs: bigint;
}

/** One link from a following stream (mirror or with sources) to one origin stream. */
export class SourceLink {
  /** The last origin sequence copied (or skipped by the filter). */
  lastOriginSeq = 0;
  lastActivityMs = Date.now();
  private origin: Stream | null = null;
  private catchingUp = false;

  constructor(
    private readonly follower: Stream,
    readonly config: StreamSourceConfig,
    readonly isMirror: boolean,
  ) {
    this.lastOriginSeq = this.recoverPosition();
  }

  get originName(): string {
    return this.config.name;
  }

  /** Connects to the origin (when it exists) and catches up from where this link stands. */
  attach(origin: Stream): void {
    if (this.origin === origin) return;
    this.detach();
    this.origin = origin;
    origin.followers.add(this);
    if (this.lastOriginSeq === 0) this.lastOriginSeq = this.startSeq(origin) - 1;
    this.catchUp();
  }

  detach(): void {
    if (this.origin !== null) this.origin.followers.delete(this);
    this.origin = null;
  }

  /** Called by the origin for every message it stores. */
  onOriginStored(message: OriginMessage): void {
    if (this.catchingUp || message.seq <= this.lastOriginSeq) return;
    if (message.seq !== this.lastOriginSeq + 1 && this.origin !== null) {
      // Something was missed: read it from the origin's store instead.
      this.catchUp();
      return;
    }
    this.copy(message);
  }

  /** For stream info: `{name, lag, active}` with active in ns since the last message. */
  info(): Record<string, unknown> {
    const originLast = this.origin?.store.state().lastSeq ?? this.lastOriginSeq;
    return {
      name: this.config.name,
      lag: Math.max(0, originLast - this.lastOriginSeq),
      active: (Date.now() - this.lastActivityMs) * 1_000_000,
    };
  }

  private catchUp(): void {
    const origin = this.origin;
    if (origin === null) return;
    this.catchingUp = true;
    let copied = 0;
    while (copied < CATCH_UP_BATCH) {
      const next: StoredMessage | null = origin.store.loadNext(this.config.filter_subject || '>', this.lastOriginSeq + 1);
      if (next === null) {
        this.lastOriginSeq = Math.max(this.lastOriginSeq, origin.store.state().lastSeq);
        this.catchingUp = false;
        return;
      }
      this.copy(next);
      copied++;
    }
    // More to copy: go on in a later turn, letting other work through.
    setImmediate(() => {
      if (this.origin === origin) this.catchUp();
      else this.catchingUp = false;
    });
  }

  private copy(message: OriginMessage): void {
    this.lastOriginSeq = message.seq;
    this.lastActivityMs = Date.now();
    const filter = this.config.filter_subject;
    if (filter && !subjectMatches(filter, message.subject)) return;
    if (this.isMirror) {
      this.follower.storeFromOrigin(message.seq, message.timestampNs, message.subject, message.headers, message.data);
      return;
    }
    let subject = message.subject;
    for (const transform of this.config.subject_transforms ?? []) {
      if (subjectMatches(transform.src, subject)) {
        subject = mapSubject(transform.src, transform.dest, subject);
        break;
      }
    }
    const headers = setHeader(message.headers, STREAM_SOURCE_HEADER, `${this.config.name} ${message.seq}`);
    this.follower.storeSourced(subject, headers, message.data);
  }

  /** Where a restarted follower stands: a mirror at its own last sequence, a source at the last header it stored. */
  private recoverPosition(): number {
    const store = this.follower.store;
    if (this.isMirror) return store.state().lastSeq;
    for (let message = store.loadLast('>'); message !== null; message = store.loadPrevious(message.seq - 1)) {
      const header = getHeader(message.headers, STREAM_SOURCE_HEADER);
      if (header === undefined) continue;
      const [name, seq] = header.split(' ');
      if (name === this.config.name) return Number(seq) || 0;
    }
    return 0;
  }

  private startSeq(origin: Stream): number {
    if ((this.config.opt_start_seq ?? 0) > 0) return this.config.opt_start_seq!;
    if (this.config.opt_start_time) {
      const ns = parseTimeNs(this.config.opt_start_time);
      if (ns !== null) return origin.store.seqForTime(ns);
    }
    return 1;
  }
}
