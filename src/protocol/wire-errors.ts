// Every -ERR text a client can receive, exactly as nats-server 2.9 sends it, in one table.

export const WireError = {
  UnknownOp: 'Unknown Protocol Operation',
  AuthViolation: 'Authorization Violation',
  AuthTimeout: 'Authentication Timeout',
  AuthExpired: 'User Authentication Expired',
  MaxPayload: 'Maximum Payload Violation',
  MaxControlLine: 'maximum control line exceeded',
  MaxConnections: 'maximum connections exceeded',
  MaxAccountConnections: 'maximum account active connections exceeded',
  MaxSubscriptions: 'maximum subscriptions exceeded',
  InvalidSubject: 'Invalid Subject',
  InvalidPublishSubject: 'Invalid Publish Subject',
  StaleConnection: 'Stale Connection',
  NoRespondersRequiresHeaders: 'no responders requires headers support',
  InvalidClientProtocol: 'invalid client protocol',
  SlowConsumer: 'Slow Consumer',
} as const;

export type WireErrorText = (typeof WireError)[keyof typeof WireError];

/** Why a connection was closed; the names are the ones nats-server's /connz shows. */
export const ClosedReason = {
  ClientClosed: 'Client Closed',
  AuthenticationTimeout: 'Authentication Timeout',
  AuthenticationViolation: 'Authentication Failure',
  AuthenticationExpired: 'Authentication Expired',
  TLSHandshakeError: 'TLS Handshake Failure',
  SlowConsumerPendingBytes: 'Slow Consumer (Pending Bytes)',
  SlowConsumerWriteDeadline: 'Slow Consumer (Write Deadline)',
  WriteError: 'Write Error',
  ReadError: 'Read Error',
  ParseError: 'Parse Error',
  StaleConnection: 'Stale Connection',
  ProtocolViolation: 'Protocol Violation',
  BadClientProtocolVersion: 'Bad Client Protocol Version',
  MaxPayloadExceeded: 'Maximum Message Payload Exceeded',
  MaxControlLineExceeded: 'Maximum Control Line Exceeded',
  MaxConnectionsExceeded: 'Maximum Connections Exceeded',
  MaxAccountConnectionsExceeded: 'Maximum Account Connections Exceeded',
  MaxSubscriptionsExceeded: 'Maximum Subscriptions Exceeded',
  ServerShutdown: 'Server Shutdown',
  LameDuckMode: 'Lame Duck Mode',
  MissingAccount: 'Missing Account',
  Kicked: 'Kicked',
} as const;

export type ClosedReasonText = (typeof ClosedReason)[keyof typeof ClosedReason];
