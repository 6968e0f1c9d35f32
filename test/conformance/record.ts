// Records every conformance scenario against nats-server only and prints readable transcripts (usage: record.js [--twice] [filter]).
import { runPool } from './harness.js';
import { runScenario, stopSharedServers } from './run-scenario.js';
import { INFO_IGNORED_KEYS, INFO_VOLATILE_KEYS } from './normalize.js';
import { allScenarios } from './scenarios/index.js';

async function main(): Promise<void> {
  const twice = process.argv.includes('--twice');
  const filter = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const scenarios = allScenarios.filter((scenario) => !filter || scenario.name.includes(filter) || scenario.group === filter);
  const started = Date.now();
  const results = await runPool(scenarios, 8, (scenario) => runScenario(scenario, 'nats'));
  const out: string[] = [];
  out.push('# nats-server raw-protocol transcripts (test/conformance, recorded by dist/test/conformance/record.js)');
  out.push('# Legend: "= a: ..." harness action on connection a; "> a: ..." bytes sent (one line per CRLF);');
  out.push('#         "< a: ..." line received; "x a: closed by server"; non-printable bytes as \\xNN.');
  out.push(`# INFO: keys sorted; values shown as * for ${[...INFO_VOLATILE_KEYS].join(', ')}; ignored keys: ${[...INFO_IGNORED_KEYS.keys()].join(', ')}.`);
  out.push(`# ${scenarios.length} scenarios, recorded in ${Date.now() - started} ms`);
  // --twice: record again and report scenarios whose transcripts are not reproducible (flaky scenarios).
  const again = twice ? await runPool(scenarios, 8, (scenario) => runScenario(scenario, 'nats')) : undefined;
  let failed = 0;
  for (let i = 0; i < scenarios.length; i++) {
    const scenario = scenarios[i]!;
    const result = results[i]!;
    out.push('', `### [${scenario.group}] ${scenario.name}`);
    if (scenario.description) out.push(`# ${scenario.description}`);
    if (scenario.config) out.push(`# config: ${scenario.config.trim().replace(/\s*\n\s*/g, '; ')}`);
    if (scenario.args?.length) out.push(`# args: ${scenario.args.join(' ')}`);
    for (const difference of scenario.knownDifferences ?? []) out.push(`# natrium differs knowingly: ${difference.reason}`);
    out.push(...result.transcript);
    if (result.error) out.push(`!! error: ${result.error}`);
    for (const failure of result.failures) out.push(`!! expectation failed: ${failure}`);
    const second = again?.[i];
    if (second && JSON.stringify(second.transcript) !== JSON.stringify(result.transcript)) {
      out.push('!! not reproducible: a second recording differed:', ...second.transcript.map((line) => `!! ${line}`));
      failed++;
    } else if (result.error || result.failures.length) failed++;
  }
  await stopSharedServers();
  out.push('', `# ${failed} of ${scenarios.length} scenarios had failures`);
  process.stdout.write(out.join('\n') + '\n');
}

// node --test runs every .js under a test/ folder as a test file; recording is only for direct runs.
if (!process.env.NODE_TEST_CONTEXT) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
