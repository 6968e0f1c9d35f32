// One account's reports over NATS: `$SYS.REQ.ACCOUNT.<acc>.<CONNZ|SUBSZ|LEAFZ|JSZ|INFO|STATZ|CONNS>` and `$SYS.REQ.ACCOUNT.PING.STATZ`, shaped as nats-server 2.9.10's.

import type { Account } from '../core/account.js';
import { eventId } from '../core/system-account.js';
import { goJson, resultData, type MonitorServer } from './monitor-server.js';
import { accountStat, accountz, accstatz } from './accountz.js';
import { goTime } from './go-format.js';
import { BadRequestBody, REPORTS, parseOptions, serverInfo, toQuery, type SystemReport } from './sys-requests.js';

/** A report's answer: its data, an error text (code 500, as nats-server sends a report's failure), or no answer at all. */
type Outcome = { data: unknown } | { error: string } | null;

/** Reports that are the server-wide report narrowed to the account; the option the account sets, and options forced on. */
const NARROWED: Record<string, { report: SystemReport; accParam: string; forced: Record<string, string> }> = {
  CONNZ: { report: REPORTS.CONNZ!, accParam: 'acc', forced: {} },
  SUBSZ: { report: REPORTS.SUBSZ!, accParam: 'acc', forced: { subs: 'true' } },
  LEAFZ: { report: REPORTS.LEAFZ!, accParam: 'acc', forced: {} },
  JSZ: { report: REPORTS.JSZ!, accParam: 'acc', forced: { accounts: 'true' } },
};

export function serveAccountRequests(monitor: MonitorServer): void {
  const system = monitor.server.system;
  if (system === null) return;
  const on = (subject: string, handle: (account: string, options: Record<string, unknown>) => Promise<Outcome> | Outcome) => {
    system.account.subscribeInternal(subject, (_sub, subjectSeen, reply, headerSize, message) => {
      if (reply === '') return;
      const body = message.subarray(Math.max(0, headerSize)).toString('utf8');
      void respond(monitor, reply, body, (options) => handle(subjectSeen.split('.')[3]!, options));
    });
  };
  for (const [name, narrowed] of Object.entries(NARROWED)) {
    on(`$SYS.REQ.ACCOUNT.*.${name}`, async (account, options) => {
      const query = toQuery(narrowed.report, options);
      query.set(narrowed.accParam, account);
      for (const [key, value] of Object.entries(narrowed.forced)) query.set(key, value);
      const result = await monitor.invoke(narrowed.report.path, query);
      if (result === undefined) return name === 'JSZ' ? { error: 'jetstream not enabled' } : null;
      if ((result.status ?? 200) >= 400) return { error: String(result.body) };
      return name === 'JSZ' ? jszAccount(monitor, account, result.body) : { data: resultData(result) };
    });
  }
  on('$SYS.REQ.ACCOUNT.*.INFO', (account) => {
    const report = accountz(monitor.server, account);
    return { data: report.account_detail };
  });
  // The account's statz; nothing when it has no connections, unless `include_unused`. The PING form is served below.
  on('$SYS.REQ.ACCOUNT.*.STATZ', (account, options) => (account === 'PING' ? null : statz(monitor, [account], options)));
  on('$SYS.REQ.ACCOUNT.PING.STATZ', (_account, options) => statz(monitor, stringList(options.accounts), options));
  system.account.subscribeInternal('$SYS.REQ.ACCOUNT.*.CONNS', (_sub, subject, reply) => {
    const account = monitor.server.accounts.get(subject.split('.')[3]!);
    // As nats-server: only a server where the account has connections answers.
    if (reply === '' || account === undefined || account.clients.size === 0) return;
    publish(monitor, reply, accountConnections(monitor, account));
  });
}

function statz(monitor: MonitorServer, accounts: string[], options: Record<string, unknown>): Outcome {
  const unused = options.include_unused === true;
  const report = accstatz(monitor.server, accounts, unused);
  if ((report.account_statz as unknown[]).length === 0 && !unused) return null;
  return { data: report };
}

/** JSZ for one account is that account's detail alone, as nats-server's JszAccount answers. */
function jszAccount(monitor: MonitorServer, name: string, report: unknown): Outcome {
  const details = (report as { account_details?: { name: string }[] }).account_details ?? [];
  const detail = details.find((d) => d.name === name);
  if (detail !== undefined) return { data: detail };
  return { error: monitor.server.accounts.has(name) ? `account "${name}" not jetstream enabled` : `account "${name}" not found` };
}

/** The account_connections event nats-server sends in answer to CONNS (the same body as its periodic one). */
function accountConnections(monitor: MonitorServer, account: Account): Record<string, unknown> {
  return {
    type: 'io.nats.server.advisory.v1.account_connections',
    id: eventId(),
    timestamp: goTime(new Date()),
    server: serverInfo(monitor.server),
    ...accountStat(account),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** nats-server's zReq envelope: a bad body is a 400 without `data`; a failed report is `data: null` and a 500. */
async function respond(monitor: MonitorServer, reply: string, body: string, handle: (options: Record<string, unknown>) => Promise<Outcome> | Outcome): Promise<void> {
  const server = monitor.server;
  let envelope: Record<string, unknown>;
  try {
    const outcome = await handle(parseOptions(body));
    if (outcome === null) return;
    envelope = 'data' in outcome
      ? { server: serverInfo(server), data: outcome.data }
      : { server: serverInfo(server), data: null, error: { code: 500, description: outcome.error } };
  } catch (err) {
    const message = (err as Error).message;
    envelope = err instanceof BadRequestBody
      ? { server: serverInfo(server), error: { code: 400, description: message } }
      : { server: serverInfo(server), data: null, error: { code: 500, description: message } };
  }
  publish(monitor, reply, envelope);
}

function publish(monitor: MonitorServer, reply: string, body: Record<string, unknown>): void {
  const system = monitor.server.system;
  if (system !== null) monitor.server.publish(system.account, reply, '', null, Buffer.from(goJson(body, false)));
}
