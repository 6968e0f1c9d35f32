// `natrium passwd`: a bcrypt hash of a password or token, for `password:` and `token:` in the config file.

import bcrypt from 'bcryptjs';
import { UsageError, type CommandSpec } from './client/command.js';

/** nats-server's `nats server passwd` uses cost 11; below 10 is too cheap for a secret kept in a file. */
const DEFAULT_COST = 11;

export const passwdCommand: CommandSpec = {
  name: 'passwd',
  aliases: [],
  summary: 'Creates a bcrypt hash of a password or token for the configuration file',
  usage: '[<secret>]',
  details: 'Reads the secret from the argument, else from the first line of standard input.\n\n   echo -n "s3cr3t" | natrium passwd',
  options: {
    cost: { type: 'string', placeholder: 'N', description: `bcrypt cost, 10 to 16 (default ${DEFAULT_COST})` },
  },
  async run(parsed) {
    if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument '${parsed.positionals[1]}', try --help`);
    const costText = parsed.values.cost;
    const cost = typeof costText === 'string' ? Number(costText) : DEFAULT_COST;
    if (!Number.isInteger(cost) || cost < 10 || cost > 16) throw new UsageError('--cost must be an integer from 10 to 16');
    const secret = parsed.positionals[0] ?? (await firstLineOfStdin());
    if (secret.length === 0) throw new UsageError('expected a secret as argument or on standard input');
    process.stdout.write(`${bcrypt.hashSync(secret, cost)}\n`);
    return 0;
  },
};

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
