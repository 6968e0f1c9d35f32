// All conformance scenarios, each tagged with its group (the file it lives in).
import type { Scenario } from '../harness.js';
import { scenarios as auth } from './auth.js';
import { scenarios as connect } from './connect.js';
import { scenarios as errors } from './errors.js';
import { scenarios as headers } from './headers.js';
import { scenarios as limits } from './limits.js';
import { scenarios as noRespondersEcho } from './no-responders-echo.js';
import { scenarios as ops } from './ops.js';
import { scenarios as queueGroups } from './queue-groups.js';
import { scenarios as splitFrames } from './split-frames.js';
import { scenarios as subjects } from './subjects.js';
import { scenarios as verbosePedantic } from './verbose-pedantic.js';

const groups: Record<string, Scenario[]> = {
  connect,
  ops,
  errors,
  subjects,
  'split-frames': splitFrames,
  headers,
  'queue-groups': queueGroups,
  'verbose-pedantic': verbosePedantic,
  'no-responders-echo': noRespondersEcho,
  limits,
  auth,
};

export const allScenarios: Scenario[] = Object.entries(groups).flatMap(([group, scenarios]) =>
  scenarios.map((scenario) => ({ ...scenario, group })),
);

const names = new Set<string>();
for (const scenario of allScenarios) {
  if (names.has(scenario.name)) throw new Error(`duplicate conformance scenario name: ${scenario.name}`);
  names.add(scenario.name);
}
