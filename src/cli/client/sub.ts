// `natrium sub SUBJECT`: prints every message received, as `nats sub` does.
import type { Msg } from '@nats-io/transport-node';
import { connectWith, drainOnInterrupt, finish, parseCount, positionalArgs, stringOption, type CommandSpec } from './command.js';
import { headerLines, log, print, printBody, quote } from './output.js';

/** One message in the nats CLI's pretty format: a title line, headers and a blank line, the body. */
export function printMessage(counter: number, msg: Msg, headersOnly: boolean): void {
  const title = msg.reply ? `[#${counter}] Received on ${quote(msg.subject)} with reply ${quote(msg.reply)}` : `[#${counter}] Received on ${quote(msg.subject)}`;
  const lines = headerLines(msg.headers);
  let text = `${title}\n`;
  if (lines.length > 0) text += `${lines.map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n`;
  print(text);
  if (!headersOnly) printBody(msg.data);
}

export const subCommand: CommandSpec = {
  name: 'sub',
  aliases: ['subscribe'],
  summary: 'Generic subscription client',
  usage: '<subject>',
  options: {
    queue: { type: 'string', placeholder: 'QUEUE', description: 'Subscribe to a named queue group' },
    raw: { type: 'boolean', short: 'r', description: 'Show the raw data received' },
    count: { type: 'string', placeholder: 'N', description: 'Quit after receiving this many messages' },
    'headers-only': { type: 'boolean', description: 'Do not render any data, shows only headers' },
  },
  async run(parsed) {
    const [subject] = positionalArgs(parsed, ['subject']);
    const { values } = parsed;
    const queue = stringOption(values, 'queue');
    const limit = parseCount(stringOption(values, 'count'), 'count', 0, 0);
    const raw = values['raw'] === true;
    const headersOnly = values['headers-only'] === true;

    const nc = await connectWith(values);
    drainOnInterrupt(nc);
    const sub = nc.subscribe(subject!, {
      ...(queue !== undefined ? { queue } : {}),
      ...(limit > 0 ? { max: limit } : {}),
    });
    await nc.flush(); // the server has the subscription before we say so
    if (!raw) log(`Subscribing on ${subject}`);

    let counter = 0;
    for await (const msg of sub) {
      counter++;
      if (raw) print(`${Buffer.from(msg.data).toString('utf8')}\n`);
      else printMessage(counter, msg, headersOnly);
    }
    await finish(nc);
    return 0;
  },
};
