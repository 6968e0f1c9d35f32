// Turns JetStream on for a server: one JetStreamAccount per account (the global one for now), INFO and shutdown wiring.

import type { Server } from '../core/server.js';
import type { Account } from '../core/account.js';
import type { AccountJetStreamOption } from '../config/options.js';
import { JetStreamAccount } from './js-account.js';
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
  server.setInfoField('jetstream', true);
  server.onShutdown(async () => {
    await Promise.all([...accounts.values()].map((js) => js.stop()));
  });
  server.logger.notice('Starting JetStream');
  server.logger.notice(`    Store Directory: "${options.storeDir}"`);
  return { accounts, forAccount: (account) => accounts.get(account) };
}
