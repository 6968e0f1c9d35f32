// `natrium pub SUBJECT [BODY]`: publishes one or more messages, as `nats pub` does.
import { setTimeout as sleep } from 'node:timers/promises';
import { connectWith, drainOnInterrupt, listOption, parseCount, parseDuration, positionalArgs, stringOption, type CommandSpec } from './command.js';
import { buildHeaders, expandTemplate } from './template.js';
import { log, quote } from './output.js';

/** Above this many messages, one summary line replaces a line per message (where `nats` shows a progress bar). */
const PER_MESSAGE_LINES_UP_TO = 20;

export const pubCommand: CommandSpec = {
  name: 'pub',
  aliases: ['publish'],
  summary: 'Generic data publish utility',
  usage: '<subject> [<body>]',
  details: [
    'Body and header values may use templates to create unique messages:',
    '',
    '   natrium pub test --count 10 "Message {{Count}} @ {{Time}}"',
    '',
    'Available: Count (1-based), TimeStamp, Unix, UnixNano, Time, ID, UUID, Random MIN MAX',
  ].join('\n'),
  options: {
    reply: { type: 'string', placeholder: 'SUBJECT', description: 'Sets a custom reply to subject' },
    header: { type: 'string', short: 'H', multiple: true, placeholder: 'K:V', description: 'Adds headers to the message using K:V format' },
    count: { type: 'string', placeholder: 'N', description: 'Publish multiple messages (default 1)' },
    sleep: { type: 'string', placeholder: 'DURATION', description: 'When publishing multiple messages, sleep between publishes' },
    quiet: { type: 'boolean', short: 'q', description: 'Print nothing on success' },
  },
  async run(parsed) {
    const [subject, bodyArg] = positionalArgs(parsed, ['subject'], ['body']);
    const { values } = parsed;
    const count = parseCount(stringOption(values, 'count'), 'count', 1, 1);
    const sleepText = stringOption(values, 'sleep');
    const sleepMs = sleepText === undefined ? 0 : parseDuration(sleepText, 'sleep');
    const reply = stringOption(values, 'reply');
    const headerSpecs = listOption(values, 'header');
    const quiet = values['quiet'] === true;
    const perMessage = !quiet && count <= PER_MESSAGE_LINES_UP_TO;
    buildHeaders(headerSpecs, { count: 1 }); // reject malformed headers before connecting

    const nc = await connectWith(values);
    drainOnInterrupt(nc);
    const encoder = new TextEncoder();
    let totalBytes = 0;
    for (let n = 1; n <= count; n++) {
      const body = encoder.encode(expandTemplate(bodyArg ?? '', { count: n }));
      const messageHeaders = buildHeaders(headerSpecs, { count: n });
      nc.publish(expandTemplate(subject!, { count: n }), body, {
        ...(reply !== undefined ? { reply } : {}),
        ...(messageHeaders ? { headers: messageHeaders } : {}),
      });
      totalBytes += body.byteLength;
      if (perMessage) {
        await nc.flush();
        log(`Published ${body.byteLength} bytes to ${quote(subject!)}`);
      }
      if (sleepMs > 0 && n < count) await sleep(sleepMs);
    }
    await nc.flush();
    if (!quiet && !perMessage) log(`Published ${count} messages (${totalBytes} bytes) to ${quote(subject!)}`);
    await nc.close();
    return 0;
  },
};
