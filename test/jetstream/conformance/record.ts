// Records every JetStream conformance scenario against nats-server only and prints readable transcripts (usage: record.js [--twice] [filter]).
import { ELAPSED_KEYS, SERVER_KEYS, TIME_KEYS } from './normalize.js';
import { runPool, runScenario } from './run.js';
import { allScenarios } from './scenarios/index.js';

async function main(): Promise<void> {
  const twice = process.argv.includes('--twice');
  const filter = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const scenarios = allScenarios.filter((scenario) => !filter || scenario.name.includes(filter) || scenario.group === filter);
  const started = Date.now();
  const concurrency = Number(process.env.JS_CONFORMANCE_CONCURRENCY ?? 6);
  const results = await runPool(scenarios, concurrency, (scenario) => runScenario(scenario, 'nats'));
  const again = twice ? await runPool(scenarios, concurrency, (scenario) => runScenario(scenario, 'nats')) : undefined;
  const out: string[] = [];
  out.push('# nats-server 2.9.10 JetStream API transcripts (test/jetstream/conformance, recorded by dist/test/jetstream/conformance/record.js)');
  out.push('# Each scenario runs on a fresh `nats-server -js -sd <tmp>`, one connection, steps in order.');
  out.push('# Legend: "> SUBJECT [headers] BODY" request sent with a reply inbox; "< [hdr=...] JSON" its reply (keys sorted);');
  out.push('#         "> pub" plain publish; "> pull SUBJECT BODY" a pull request (replies collected on its own inbox);');
  out.push('#         "< #n SUBJECT reply=... hdr=... data=..." the n-th message received (header lines joined by " | ");');
  out.push('#         "> ack #n" acknowledgement of message n; "= ..." harness note.');
  out.push(`# Masked: ${[...TIME_KEYS].join(', ')} -> <time> (zero time kept); ${[...SERVER_KEYS].join(', ')} -> <server>; ${[...ELAPSED_KEYS].join(', ')} -> <ns>;`);
  out.push('#         _INBOX.* -> <inbox>; the timestamp token of $JS.ACK subjects -> <ts>; Nats-Time-Stamp -> <time>; captured names -> <name>.');
  out.push(`# ${scenarios.length} scenarios, recorded in ${Date.now() - started} ms`);
  let failed = 0;
  for (let i = 0; i < scenarios.length; i++) {
    const scenario = scenarios[i]!;
    const result = results[i]!;
    out.push('', `### [${scenario.group}] ${scenario.name}`);
    if (scenario.description) out.push(`# ${scenario.description}`);
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
