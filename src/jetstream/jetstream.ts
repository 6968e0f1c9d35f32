// Turns JetStream on for a server: one JetStreamAccount per account (the global one for now), INFO and shutdown wiring.

import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import type { AccountJetStreamOption } from '../config/options.js';
import type { AccountLimitsClaim } from '../auth/jwt-claims.js';
import { JetStreamAccount } from './js-account.js';
import { NotEnabledResponder } from './not-enabled.js';
import { registerBackupApi, registerStreamApi } from './api/stream-api.js';
import { registerConsumerApi } from './api/consumer-api.js';

export interface JetStream {
  readonly accounts: Map<Account, JetStreamAccount>;
  forAccount(account: Account): JetStreamAccount | undefined;
}

/** Hooks for capabilities that register more endpoints (consumers) on every JetStream account. */
const apiRegistrations: ((js: JetStreamAccount) => void)[] = [registerStreamApi, registerBackupApi, (js) => registerConsumerApi(js.router, js)];

export function addApiRegistration(register: (js: JetStreamAccount) => void): void {
  apiRegistrations.push(register);
}

export function enableJetStream(server: Server): JetStream {
  const options = server.options.jetstream;
  const accounts = new Map<Account, JetStreamAccount>();
  const enableFor = (account: Account, limits: AccountJetStreamOption | null) => {
    const js = new JetStreamAccount(server, account, options, limits);
    for (const register of apiRegistrations) register(js);
    js.start();
    accounts.set(account, js);
  };
  // The global account always has JetStream; configured accounts when they ask for it (`jetstream: enabled`
  // or limits), each with its own streams, API and store folder.
  enableFor(server.globalAccount, null);
  for (const [name, account] of Object.entries(server.options.accounts ?? {})) {
    if (account.jetstream !== undefined) enableFor(server.registerAccount(name), account.jetstream);
  }
  // Other accounts answer the API with "not enabled", as nats-server does (the system account excepted).
  const notEnabled = new NotEnabledResponder(server, accounts.get(server.globalAccount)!.router);
  for (const account of server.accounts.values()) {
    if (!accounts.has(account) && account !== server.system?.account) notEnabled.cover(account);
  }
  // Operator mode: a JWT account has JetStream when its claims give it storage; new claims update the limits.
  server.onAccountClaims((account, claims) => {
    const limits = jetStreamLimitsFromClaims(claims.limits);
    const existing = accounts.get(account);
    if (existing !== undefined) {
      existing.limits = limits ?? { maxMemory: 0, maxStore: 0, maxStreams: 0, maxConsumers: 0, maxBytesRequired: false };
    } else if (limits !== null) {
      notEnabled.uncover(account);
      enableFor(account, limits);
    } else if (account !== server.system?.account) {
      notEnabled.cover(account);
    }
  });
  server.setInfoField('jetstream', true);
  server.onShutdown(async () => {
    await Promise.all([...accounts.values()].map((js) => js.stop()));
  });
  server.logger.notice('Starting JetStream');
  server.logger.notice(`    Store Directory: "${options.storeDir}"`);
  return { accounts, forAccount: (account) => accounts.get(account) };
}

/**
 * The JetStream limits of an account JWT, or null when it gives the account no JetStream: both storage
 * limits 0 (or absent). nsc writes them at the top level, or per replication tier (`tiered_limits.R1`,
 * 2.10) — Natrium has replicas 1 only, so R1 is the tier that applies.
 */
export function jetStreamLimitsFromClaims(claim: AccountLimitsClaim): AccountJetStreamOption | null {
  const r1 = claim.tieredLimits['R1'];
  const pick = (key: string, flat: number): number => {
    if (flat !== 0 || r1 === undefined) return flat;
    const value = r1[key];
    return typeof value === 'number' && Number.isInteger(value) ? value : 0;
  };
  const maxMemory = pick('mem_storage', claim.memStorage);
  const maxStore = pick('disk_storage', claim.diskStorage);
  if (maxMemory === 0 && maxStore === 0) return null;
  const fromTier = claim.memStorage === 0 && claim.diskStorage === 0 && r1 !== undefined;
  // In a JWT, 0 streams or consumers means no limit (nats-server checks `> 0`).
  const orUnlimited = (value: number) => (value === 0 ? -1 : value);
  return {
    maxMemory,
    maxStore,
    maxStreams: orUnlimited(fromTier ? pick('streams', 0) : claim.streams),
    maxConsumers: orUnlimited(fromTier ? pick('consumer', 0) : claim.consumer),
    maxBytesRequired: fromTier ? r1['max_bytes_required'] === true : claim.maxBytesRequired,
  };
}
