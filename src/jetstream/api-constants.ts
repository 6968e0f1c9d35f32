// JetStream wire constants of nats-server 2.9.10: API subjects, response types, JS headers and status lines.

/*
 * Checked against nats-server v2.9.10 (its binary's strings and test/jetstream/conformance transcripts). Entries
 * marked "later" are not sent by 2.9.10; they are listed so newer clients' expectations are known.
 */

// ---- API subjects ------------------------------------------------------------------------------

export const JS_API_PREFIX = '$JS.API';
/** Every API subject lives below this (the server subscribes to `$JS.API.>` in each JetStream account). */
export const JS_API_ALL = '$JS.API.>';

/** Subject templates (`*` = one token; `>` = the rest) for each endpoint, as nats-server 2.9.10 subscribes to them. */
export const JsApiSubjects = {
  INFO: '$JS.API.INFO',
  STREAM_CREATE: '$JS.API.STREAM.CREATE.*',
  STREAM_UPDATE: '$JS.API.STREAM.UPDATE.*',
  STREAM_NAMES: '$JS.API.STREAM.NAMES',
  STREAM_LIST: '$JS.API.STREAM.LIST',
  STREAM_INFO: '$JS.API.STREAM.INFO.*',
  STREAM_DELETE: '$JS.API.STREAM.DELETE.*',
  STREAM_PURGE: '$JS.API.STREAM.PURGE.*',
  STREAM_MSG_GET: '$JS.API.STREAM.MSG.GET.*',
  STREAM_MSG_DELETE: '$JS.API.STREAM.MSG.DELETE.*',
  STREAM_SNAPSHOT: '$JS.API.STREAM.SNAPSHOT.*',
  STREAM_RESTORE: '$JS.API.STREAM.RESTORE.*',
  STREAM_LEADER_STEPDOWN: '$JS.API.STREAM.LEADER.STEPDOWN.*',
  STREAM_PEER_REMOVE: '$JS.API.STREAM.PEER.REMOVE.*',
  /** Only answered when the stream has allow_direct; `DIRECT.GET.<stream>.<subject...>` = last message on that subject. */
  DIRECT_GET: '$JS.API.DIRECT.GET.*',
  DIRECT_GET_LAST_BY_SUBJECT: '$JS.API.DIRECT.GET.*.>',
  /** Ephemeral (random name) when the body has no name; 2.9 also accepts a `name` there. */
  CONSUMER_CREATE: '$JS.API.CONSUMER.CREATE.*',
  /** `CONSUMER.CREATE.<stream>.<consumer>` and `CONSUMER.CREATE.<stream>.<consumer>.<filter subject...>`. */
  CONSUMER_CREATE_NAMED: '$JS.API.CONSUMER.CREATE.*.>',
  CONSUMER_DURABLE_CREATE: '$JS.API.CONSUMER.DURABLE.CREATE.*.*',
  CONSUMER_NAMES: '$JS.API.CONSUMER.NAMES.*',
  CONSUMER_LIST: '$JS.API.CONSUMER.LIST.*',
  CONSUMER_INFO: '$JS.API.CONSUMER.INFO.*.*',
  CONSUMER_DELETE: '$JS.API.CONSUMER.DELETE.*.*',
  CONSUMER_MSG_NEXT: '$JS.API.CONSUMER.MSG.NEXT.*.*',
  CONSUMER_LEADER_STEPDOWN: '$JS.API.CONSUMER.LEADER.STEPDOWN.*.*',
  ACCOUNT_PURGE: '$JS.API.ACCOUNT.PURGE.*',
  META_LEADER_STEPDOWN: '$JS.API.META.LEADER.STEPDOWN',
  SERVER_REMOVE: '$JS.API.SERVER.REMOVE',
} as const;

/** Ack subject of a delivered message: `$JS.ACK.<stream>.<consumer>.<delivered count>.<stream seq>.<consumer seq>.<timestamp ns>.<pending>`. */
export const JS_ACK_PREFIX = '$JS.ACK';
/** Reply subject of a push consumer's flow control request: `$JS.FC.<stream>.<consumer>.<random>`; answer with an empty message. */
export const JS_FLOW_CONTROL_PREFIX = '$JS.FC';

/** Acknowledgement bodies sent to a `$JS.ACK...` subject (an empty body is +ACK). */
export const AckKind = {
  Ack: '+ACK',
  Nak: '-NAK', // optionally followed by ` {"delay": <ns>}`
  Term: '+TERM',
  InProgress: '+WPI',
  Next: '+NXT', // ack, then deliver the next message(s) to the ack's reply subject; optionally ` {"batch": n}` or a number
} as const;

// ---- API response types ------------------------------------------------------------------------

/** The `type` field of every API response (`io.nats.jetstream.api.v1.<name>`). */
export const JsApiTypes = {
  AccountInfo: 'io.nats.jetstream.api.v1.account_info_response',
  StreamCreate: 'io.nats.jetstream.api.v1.stream_create_response',
  StreamUpdate: 'io.nats.jetstream.api.v1.stream_update_response',
  StreamInfo: 'io.nats.jetstream.api.v1.stream_info_response',
  StreamNames: 'io.nats.jetstream.api.v1.stream_names_response',
  StreamList: 'io.nats.jetstream.api.v1.stream_list_response',
  StreamDelete: 'io.nats.jetstream.api.v1.stream_delete_response',
  StreamPurge: 'io.nats.jetstream.api.v1.stream_purge_response',
  StreamMsgGet: 'io.nats.jetstream.api.v1.stream_msg_get_response',
  StreamMsgDelete: 'io.nats.jetstream.api.v1.stream_msg_delete_response',
  StreamSnapshot: 'io.nats.jetstream.api.v1.stream_snapshot_response',
  StreamRestore: 'io.nats.jetstream.api.v1.stream_restore_response',
  StreamLeaderStepdown: 'io.nats.jetstream.api.v1.stream_leader_stepdown_response',
  StreamRemovePeer: 'io.nats.jetstream.api.v1.stream_remove_peer_response',
  ConsumerCreate: 'io.nats.jetstream.api.v1.consumer_create_response',
  ConsumerInfo: 'io.nats.jetstream.api.v1.consumer_info_response',
  ConsumerNames: 'io.nats.jetstream.api.v1.consumer_names_response',
  ConsumerList: 'io.nats.jetstream.api.v1.consumer_list_response',
  ConsumerDelete: 'io.nats.jetstream.api.v1.consumer_delete_response',
  ConsumerLeaderStepdown: 'io.nats.jetstream.api.v1.consumer_leader_stepdown_response',
  AccountPurge: 'io.nats.jetstream.api.v1.account_purge_response',
  MetaLeaderStepdown: 'io.nats.jetstream.api.v1.meta_leader_stepdown_response',
  MetaServerRemove: 'io.nats.jetstream.api.v1.meta_server_remove_response',
} as const;

/** Page sizes nats-server uses (`limit` in NAMES/LIST responses; STREAM.INFO with subjects_filter pages subjects by 100000). */
export const JS_API_NAMES_LIMIT = 1024;
export const JS_API_LIST_LIMIT = 256;
export const JS_STREAM_INFO_SUBJECTS_LIMIT = 100_000;

// ---- headers -----------------------------------------------------------------------------------

/** Headers a publisher sets (checked when the stream stores the message). */
export const JsPublishHeaders = {
  MsgId: 'Nats-Msg-Id',
  ExpectedStream: 'Nats-Expected-Stream',
  ExpectedLastSequence: 'Nats-Expected-Last-Sequence',
  ExpectedLastSubjectSequence: 'Nats-Expected-Last-Subject-Sequence',
  ExpectedLastMsgId: 'Nats-Expected-Last-Msg-Id',
  /** "sub" (purge the subject) or "all" (purge the stream) after storing; needs allow_rollup_hdrs. */
  Rollup: 'Nats-Rollup',
  /** later (2.11): per-message TTL. */
  TTL: 'Nats-TTL',
} as const;

export const ROLLUP_SUBJECT = 'sub';
export const ROLLUP_ALL = 'all';

/** Headers the server adds: direct get replies, republished messages, headers_only deliveries, heartbeats, status replies. */
export const JsServerHeaders = {
  Stream: 'Nats-Stream',
  Sequence: 'Nats-Sequence',
  /** RFC 3339 with nanoseconds, UTC. */
  TimeStamp: 'Nats-Time-Stamp',
  Subject: 'Nats-Subject',
  /** Republish: the previous sequence on that subject. */
  LastSequence: 'Nats-Last-Sequence',
  /** headers_only consumers and republish with headers_only: the size of the omitted payload. */
  MsgSize: 'Nats-Msg-Size',
  /** Idle heartbeats: the last delivered consumer and stream sequences. */
  LastConsumer: 'Nats-Last-Consumer',
  LastStream: 'Nats-Last-Stream',
  /** Push consumer stalled on flow control: the reply subject to answer. */
  ConsumerStalled: 'Nats-Consumer-Stalled',
  /** Pull status replies (408/409): what the request still had left. */
  PendingMessages: 'Nats-Pending-Messages',
  PendingBytes: 'Nats-Pending-Bytes',
} as const;

/** Order of the headers nats-server appends to a direct get reply (after the stored message's own headers). */
export const DIRECT_GET_HEADER_ORDER = ['Nats-Stream', 'Nats-Subject', 'Nats-Sequence', 'Nats-Time-Stamp'] as const;

// ---- status lines ------------------------------------------------------------------------------

/** The first line of a header block. */
export const HDR_LINE = 'NATS/1.0';

/**
 * Status replies, exactly as the header block's first line (`NATS/1.0 <code> <description>`). Pull statuses go to the
 * pull request's reply subject; 408/409 pull statuses also carry Nats-Pending-Messages / Nats-Pending-Bytes.
 */
export const JsStatus = {
  /** no_wait pull with nothing to deliver (also batch 0 or negative). */
  NoMessages: 'NATS/1.0 404 No Messages',
  /** pull `expires` elapsed, or no_wait after delivering fewer than `batch` messages. */
  RequestTimeout: 'NATS/1.0 408 Request Timeout',
  InterestExpired: 'NATS/1.0 408 Interest Expired',
  /** the next message is bigger than what is left of the pull request's max_bytes. */
  MessageSizeExceedsMaxBytes: 'NATS/1.0 409 Message Size Exceeds MaxBytes',
  /** a pull request was waiting when the consumer was deleted. */
  ConsumerDeleted: 'NATS/1.0 409 Consumer Deleted',
  ConsumerIsPushBased: 'NATS/1.0 409 Consumer is push based',
  /** more waiting pull requests than the consumer's max_waiting: the new request is refused. */
  ExceededMaxWaiting: 'NATS/1.0 409 Exceeded MaxWaiting',
  ServerShutdown: 'NATS/1.0 409 Server Shutdown',
  /** later (2.10+). */
  LeadershipChange: 'NATS/1.0 409 Leadership Change',
  IdleHeartbeat: 'NATS/1.0 100 Idle Heartbeat',
  FlowControlRequest: 'NATS/1.0 100 FlowControl Request',
  /** a request nobody subscribes to (no stream on a published subject, unknown API subjects get no reply at all). */
  NoResponders: 'NATS/1.0 503',
  /** DIRECT.GET: no such message / empty body / unparsable body / contradictory fields (seq with last_by_subj...). */
  DirectNotFound: 'NATS/1.0 404 Message Not Found',
  DirectEmptyRequest: 'NATS/1.0 408 Empty Request',
  DirectMalformedRequest: 'NATS/1.0 408 Malformed Request',
  DirectBadRequest: 'NATS/1.0 408 Bad Request',
} as const;

/** Statuses whose text carries the consumer's limit (Go formatting: batch as an integer, durations like "1s", "1.5s", "2m0s"). */
export function exceededMaxRequestBatch(limit: number): string {
  return `NATS/1.0 409 Exceeded MaxRequestBatch of ${limit}`;
}
export function exceededMaxRequestExpires(goDuration: string): string {
  return `NATS/1.0 409 Exceeded MaxRequestExpires of ${goDuration}`;
}
export function exceededMaxRequestMaxBytes(limit: number): string {
  return `NATS/1.0 409 Exceeded MaxRequestMaxBytes of ${limit}`;
}
