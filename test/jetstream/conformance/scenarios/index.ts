// All JetStream conformance scenarios, each tagged with its group (the file it lives in).
import type { Scenario } from '../harness.js';
import { scenarios as account } from './account.js';
import { scenarios as acks } from './acks.js';
import { scenarios as badJson } from './bad-json.js';
import { scenarios as consumerCreate } from './consumer-create.js';
import { scenarios as consumerInfoList } from './consumer-info-list.js';
import { scenarios as consumerInvalid } from './consumer-invalid.js';
import { scenarios as directGet } from './direct-get.js';
import { scenarios as messages } from './messages.js';
import { scenarios as publish } from './publish.js';
import { scenarios as pull } from './pull.js';
import { scenarios as push } from './push.js';
import { scenarios as streamCreate } from './stream-create.js';
import { scenarios as streamInfoList } from './stream-info-list.js';
import { scenarios as streamInvalid } from './stream-invalid.js';
import { scenarios as streamPurgeDelete } from './stream-purge-delete.js';
import { scenarios as streamUpdate } from './stream-update.js';

const groups: Record<string, Scenario[]> = {
  account,
  'stream-create': streamCreate,
  'stream-invalid': streamInvalid,
  'stream-update': streamUpdate,
  'stream-info-list': streamInfoList,
  'stream-purge-delete': streamPurgeDelete,
  messages,
  'direct-get': directGet,
  publish,
  'consumer-create': consumerCreate,
  'consumer-invalid': consumerInvalid,
  'consumer-info-list': consumerInfoList,
  pull,
  acks,
  push,
  'bad-json': badJson,
};

export const allScenarios: Scenario[] = Object.entries(groups).flatMap(([group, scenarios]) => scenarios.map((scenario) => ({ ...scenario, group })));

const names = new Set<string>();
for (const scenario of allScenarios) {
  if (names.has(scenario.name)) throw new Error(`duplicate JetStream conformance scenario name: ${scenario.name}`);
  names.add(scenario.name);
}
