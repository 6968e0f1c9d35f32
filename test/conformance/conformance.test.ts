// Plays every raw-protocol scenario against nats-server and natrium-server and requires the same transcripts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comparable, selectedServers, type ScenarioResult } from './harness.js';
import { runScenario, stopSharedServers } from './run-scenario.js';
import { allScenarios } from './scenarios/index.js';
import { diffLines } from './transcript-diff.js';

/** How many scenarios run at once (each starts its own server per kind). CONFORMANCE_CONCURRENCY overrides. */
const CONCURRENCY = Number(process.env.CONFORMANCE_CONCURRENCY ?? 8);
/** CONFORMANCE_FILTER=text runs only scenarios whose name or group contains it. */
const FILTER = process.env.CONFORMANCE_FILTER;

function describeResult(result: ScenarioResult): string {
  return [`--- ${result.server} transcript (${result.durationMs} ms) ---`, ...result.transcript, ...result.failures.map((failure) => `!! ${failure}`)].join('\n');
}

function assertOwnExpectations(result: ScenarioResult): void {
  if (result.error) assert.fail(`${result.server}: ${result.error}`);
  if (result.failures.length > 0) {
    assert.fail(`${result.server} did not meet the scenario's expectations:\n${result.failures.map((failure) => `  - ${failure}`).join('\n')}\n${describeResult(result)}`);
  }
}

const servers = selectedServers();
const scenarios = allScenarios.filter((scenario) => !FILTER || scenario.name.includes(FILTER) || scenario.group === FILTER);

describe(`conformance (${servers.join(' vs ')})`, { concurrency: CONCURRENCY }, () => {
  after(stopSharedServers);
  for (const scenario of scenarios) {
    const skip = scenario.knownDifferences?.find((difference) => difference.skipComparison);
    it(`[${scenario.group}] ${scenario.name}`, async (t) => {
      const results = await Promise.all(servers.map((kind) => runScenario(scenario, kind)));
      const nats = results.find((result) => result.server === 'nats');
      const natrium = results.find((result) => result.server === 'natrium');
      // The scenario's expectations describe nats-server: if they fail there, the scenario itself is wrong.
      if (nats) assertOwnExpectations(nats);
      if (!nats && natrium) assertOwnExpectations(natrium);
      if (!nats || !natrium) return;
      if (natrium.error) assert.fail(`natrium: ${natrium.error}`);
      if (skip) {
        t.skip(`not compared: ${skip.reason}`);
        return;
      }
      const expected = comparable(scenario, nats.transcript);
      const actual = comparable(scenario, natrium.transcript);
      assert.deepEqual(actual, expected, `natrium-server's transcript differs from nats-server's ("-" nats only, "+" natrium only):\n${diffLines(expected, actual)}`);
    });
  }
});
