// Plays every JetStream API scenario against nats-server and natrium-server and requires the same normalized transcripts.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines } from '../../conformance/transcript-diff.js';
import type { Scenario, ScenarioResult } from './harness.js';
import { jetStreamMissing, runScenario, selectedServers } from './run.js';
import { allScenarios } from './scenarios/index.js';

/*
 * JS_CONFORMANCE_ONLY=nats      nats-server alone: each scenario's own expectations (err codes, statuses...).
 * JS_CONFORMANCE_ONLY=natrium   natrium-server alone, against the same expectations.
 * (unset)                       both, and natrium's transcript must equal nats-server's.
 * JS_CONFORMANCE_FILTER=text    only scenarios whose name or group contains the text.
 * JS_CONFORMANCE_CONCURRENCY=n  scenarios at once (each starts its own servers); 6 by default.
 * While natrium-server has no JetStream ($JS.API.INFO gets no responders), its half is skipped with that reason.
 */
const CONCURRENCY = Number(process.env.JS_CONFORMANCE_CONCURRENCY ?? 6);
const FILTER = process.env.JS_CONFORMANCE_FILTER;

function describeResult(result: ScenarioResult): string {
  return [`--- ${result.server} transcript (${result.durationMs} ms) ---`, ...result.transcript, ...result.failures.map((failure) => `!! ${failure}`)].join('\n');
}

function assertOwnExpectations(result: ScenarioResult): void {
  if (result.error) assert.fail(`${result.server}: ${result.error}`);
  if (result.failures.length > 0) {
    assert.fail(`${result.server} did not meet the scenario's expectations:\n${result.failures.map((failure) => `  - ${failure}`).join('\n')}\n${describeResult(result)}`);
  }
}

function comparable(scenario: Scenario, transcript: string[]): string[] {
  const normalizers = (scenario.knownDifferences ?? []).flatMap((difference) => (difference.normalize ? [difference.normalize] : []));
  return transcript.map((line) => normalizers.reduce((current, normalize) => normalize(current), line));
}

const servers = selectedServers();
const scenarios = allScenarios.filter((scenario) => !FILTER || scenario.name.includes(FILTER) || scenario.group === FILTER);
/** Why natrium's half is skipped (no JetStream yet), or undefined when it runs. */
let natriumSkipped: string | undefined;

describe(`JetStream API conformance (${servers.join(' vs ')})`, { concurrency: CONCURRENCY }, () => {
  before(async () => {
    if (!servers.includes('natrium')) return;
    natriumSkipped = await jetStreamMissing('natrium');
    if (natriumSkipped) console.log(`# natrium side of the JetStream conformance suite skipped: ${natriumSkipped}`);
  });

  for (const scenario of scenarios) {
    it(`[${scenario.group}] ${scenario.name}`, async (t) => {
      const runNatrium = servers.includes('natrium') && !natriumSkipped;
      const [nats, natrium] = await Promise.all([
        servers.includes('nats') ? runScenario(scenario, 'nats') : undefined,
        runNatrium ? runScenario(scenario, 'natrium') : undefined,
      ]);
      // The expectations describe nats-server: if they fail there, the scenario itself is wrong.
      if (nats) assertOwnExpectations(nats);
      if (!nats && natrium) assertOwnExpectations(natrium);
      if (servers.includes('natrium') && natriumSkipped) {
        t.skip(`natrium side skipped: ${natriumSkipped}`);
        return;
      }
      if (!nats || !natrium) return;
      if (natrium.error) assert.fail(`natrium: ${natrium.error}`);
      const skip = scenario.knownDifferences?.find((difference) => difference.skipComparison);
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
