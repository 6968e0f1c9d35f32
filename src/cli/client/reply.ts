// `natrium reply SUBJECT [BODY]`: answers every request with BODY (or echoes it), as `nats reply` does.
import { headers } from '@nats-io/transport-node';
import { connectWith, drainOnInterrupt, finish, listOption, parseCount, positionalArgs, stringOption, type CommandSpec } from './command.js';
import { buildHeaders, expandTemplate } from './template.js';
import { headerLines, log, print, quote } from './output.js';

/** The nats CLI's default queue group for `reply`, so that several repliers share the load. */
export const DEFAULT_REPLY_QUEUE = 'NATS-RPLY-22';

export const replyCommand: CommandSpec = {
  name: 'reply',
  aliases: [],
  summary: 'Generic service reply utility',
  usage: '<subject> [<body>]',
  details: [
    'The body may use the templates of `natrium pub --help`, plus {{Request}} for the request body.',
    'As with `nats reply`, {{Count}} and the [#N] counter start at 0. Without a body, requests are echoed.',
  ].join('\n'),
  options: {
    queue: { type: 'string', short: 'q', placeholder: 'QUEUE', description: `Queue group name (default ${DEFAULT_REPLY_QUEUE})` },
    header: { type: 'string', short: 'H', multiple: true, placeholder: 'K:V', description: 'Adds headers to the message using K:V format' },
    count: { type: 'string', placeholder: 'N', description: 'Quit after receiving this many messages' },
    echo: { type: 'boolean', description: 'Echo back what is received' },
  },
  async run(parsed) {
    const [subject, bodyArg] = positionalArgs(parsed, ['subject'], ['body']);
    const { values } = parsed;
    const queue = stringOption(values, 'queue') ?? DEFAULT_REPLY_QUEUE;
    const limit = parseCount(stringOption(values, 'count'), 'count', 0, 0);
    const headerSpecs = listOption(values, 'header');
    buildHeaders(headerSpecs, { count: 0 }); // reject malformed headers before connecting
    let echo = values['echo'] === true;
    if (bodyArg === undefined && !echo) {
      log('No body or command supplied, enabling echo mode');
      echo = true;
    }

    const nc = await connectWith(values);
    drainOnInterrupt(nc);
    const sub = nc.subscribe(subject!, { queue, ...(limit > 0 ? { max: limit } : {}) });
    await nc.flush();
    log(`Listening on ${quote(subject!)} in group ${quote(queue)}`);

    let counter = 0;
    for await (const msg of sub) {
      log(`[#${counter}] Received on subject ${quote(msg.subject)}:`);
      for (const [name, value] of headerLines(msg.headers)) log(`${name}: ${value}`);
      const request = Buffer.from(msg.data).toString('utf8');
      print(`\n${request}\n`);

      const replyHeaders = buildHeaders(headerSpecs, { count: counter }) ?? headers();
      let data: Uint8Array;
      if (echo) {
        for (const [name, value] of headerLines(msg.headers)) replyHeaders.append(name, value);
        replyHeaders.append('NATS-Reply-Counter', String(counter));
        data = msg.data;
      } else {
        data = new TextEncoder().encode(expandTemplate(bodyArg!, { count: counter, request }));
      }
      const hasHeaders = headerLines(replyHeaders).length > 0;
      if (!msg.respond(data, hasHeaders ? { headers: replyHeaders } : undefined)) {
        log('Could not publish reply: nats: message does not have a reply');
      }
      counter++;
    }
    await finish(nc);
    return 0;
  },
};
