// `natrium req SUBJECT [BODY]`: sends one request and prints the response, as `nats req` does.
import { connectWith, drainOnInterrupt, listOption, positionalArgs, timeoutOption, type CommandSpec } from './command.js';
import { buildHeaders, expandTemplate } from './template.js';
import { goDuration, headerLines, log, print, printBody, quote } from './output.js';

export const reqCommand: CommandSpec = {
  name: 'req',
  aliases: ['request'],
  summary: 'Generic request-reply request utility',
  usage: '<subject> [<body>]',
  details: 'The body and header values may use the templates described in `natrium pub --help`.',
  options: {
    header: { type: 'string', short: 'H', multiple: true, placeholder: 'K:V', description: 'Adds headers to the message using K:V format' },
    raw: { type: 'boolean', short: 'r', description: 'Show just the output received' },
  },
  async run(parsed) {
    const [subject, bodyArg] = positionalArgs(parsed, ['subject'], ['body']);
    const { values } = parsed;
    const raw = values['raw'] === true;
    const timeout = timeoutOption(values);
    const requestHeaders = buildHeaders(listOption(values, 'header'), { count: 1 });
    const body = new TextEncoder().encode(expandTemplate(bodyArg ?? '', { count: 1 }));

    const nc = await connectWith(values);
    drainOnInterrupt(nc);
    try {
      if (!raw) log(`Sending request on ${quote(subject!)}`);
      const started = performance.now();
      const response = await nc.request(expandTemplate(subject!, { count: 1 }), body, {
        timeout,
        ...(requestHeaders ? { headers: requestHeaders } : {}),
      });
      const rtt = performance.now() - started;
      if (raw) {
        print(`${Buffer.from(response.data).toString('utf8')}\n`);
      } else {
        log(`Received with rtt ${goDuration(rtt)}`);
        const lines = headerLines(response.headers);
        for (const [name, value] of lines) log(`${name}: ${value}`);
        if (lines.length > 0) log('');
        printBody(response.data, true);
      }
    } finally {
      await nc.close();
    }
    return 0;
  },
};
