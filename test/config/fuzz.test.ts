// Fuzzing: random and mutated config text and command lines must only ever yield ConfigErrors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/conf-parser.js';
import { applyConfigTree, finalizeOptions } from '../../src/config/option-table.js';
import { parseCommandLine } from '../../src/config/flags.js';
import { defaultOptions } from '../../src/config/options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../../test/config/fixtures');
/** Iterations per test; raise with NATRIUM_FUZZ_ITERATIONS for a longer run. */
const ITERATIONS = Number(process.env['NATRIUM_FUZZ_ITERATIONS'] ?? 3000);

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  readFileSync(path.join(FIXTURES, 'full.conf'), 'utf8'),
  readFileSync(path.join(FIXTURES, 'syntax.conf'), 'utf8'),
  readFileSync(path.join(FIXTURES, 'varz.conf'), 'utf8'),
  'port: 4222\nauthorization { users: [ {user: a, password: b} ] }\njetstream { store_dir: x, max_mem: 1G }',
  'websocket { listen: "127.0.0.1:-1", no_tls: true }\ncluster { name: c, port: -1 }\nleafnodes { port: -1 }',
  'v: $ENV_A\nw: $ENV_SELF\nx: $ENV_WORDS\ninclude inc.conf\ninclude "loop.conf"',
];

/** Pieces that exercise every branch of the lexer. */
const PIECES = [
  '{', '}', '[', ']', '(', ')', '\n)', '\n)\n', '"', "'", '\\', '\\x', '\\x4', '$', '$a', '$2a$', '#', '//', '/', ':', '=', ',', ';',
  '\n', '\r\n', '\r', ' ', '\t', 'include ', 'INCLUDE "', '1', '-', '.', '1MB', '1kbb', '9223372036854775808', '8EB', '1.5',
  '127.0.0.1:4222', '2020-01-01T00:00:00Z', '2020-', 'true', 'no', 'x', 'port', 'max_payload', 'jetstream', 'authorization',
  'users', 'timeout', 'tls', '\u00a0', '\u2028', '\ufeff', '\u{1F600}', '\0',
];

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  let out = text;
  const edits = 1 + Math.floor(next() * 6);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(next() * (out.length + 1));
    switch (Math.floor(next() * 5)) {
      case 0: out = out.slice(0, at) + pick(PIECES) + out.slice(at); break;
      case 1: out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 20)); break;
      case 2: {
        const length = Math.floor(next() * 40);
        out = out.slice(0, at) + out.slice(at, at + length) + out.slice(at);
        break;
      }
      case 3: out = out.slice(0, at); break;
      default: out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 0x3000)) + out.slice(at);
    }
  }
  return out;
}

function randomText(next: () => number): string {
  let out = '';
  const count = Math.floor(next() * 60);
  for (let index = 0; index < count; index++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

const ENV = { ENV_A: '1MB', ENV_SELF: '$ENV_SELF', ENV_WORDS: 'a b c', ENV_MAP: '{ a: [1, 2] }' };

/** Parses, then applies to Options: nothing may throw, and every problem must be well formed. */
function check(text: string, seed: number): void {
  const readFile = (file: string): string => {
    if (file.endsWith('loop.conf')) return 'include loop.conf';
    if (file.endsWith('inc.conf')) return text.slice(0, 200);
    throw new Error('ENOENT');
  };
  const started = Date.now();
  let result;
  try {
    result = parseConfigText(text, { file: '/fuzz/t.conf', env: ENV, readFile });
    const options = defaultOptions();
    applyConfigTree(result.value, options, result.errors);
    finalizeOptions(options, result.errors);
  } catch (error) {
    assert.fail(`seed ${seed}: threw ${(error as Error).stack}\ninput: ${JSON.stringify(text)}`);
  }
  assert.ok(Date.now() - started < 2000, `seed ${seed}: took ${Date.now() - started} ms`);
  for (const error of result.errors) {
    assert.ok(error instanceof ConfigError, `seed ${seed}: not a ConfigError`);
    if (error.line !== undefined) {
      assert.ok(error.line >= 1 && (error.column ?? 0) >= 1, `seed ${seed}: bad position in ${error.message}`);
    }
  }
}

describe('config fuzzing', { timeout: 300_000 }, () => {
  it('mutated fixtures only ever produce ConfigErrors', () => {
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const next = random(seed);
      check(mutate(SEEDS[seed % SEEDS.length] ?? '', next), seed);
    }
  });

  it('random text only ever produces ConfigErrors', () => {
    for (let seed = 1; seed <= ITERATIONS; seed++) check(randomText(random(seed * 7919)), seed);
  });

  it('deep nesting and long inputs stay bounded', () => {
    check('a: ' + '['.repeat(5000), 0);
    check('a: ' + '{b: '.repeat(5000), 0);
    check('a: "' + 'x'.repeat(200_000), 0);
    check(Array.from({ length: 5000 }, (_, index) => `k${index}: [1,,2]`).join('\n'), 0);
  });

  it('random command lines only ever produce ConfigErrors', () => {
    const words = ['-p', '--port', '-1', '4222', '-c', 'x.conf', '-D', '-DV=false', '-T=maybe', '--', 'version', 'help', 'x',
      '-sl', 'reload=1', '--tls', '-js', '--no_js', '-m', '=', '---', '-', '--user', '--http_port=-1', '-log_size_limit', '0x10'];
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const next = random(seed * 104729);
      const argv = Array.from({ length: Math.floor(next() * 8) }, () => words[Math.floor(next() * words.length)] ?? '');
      const commandLine = parseCommandLine(argv);
      for (const error of commandLine.errors) assert.ok(error instanceof ConfigError);
    }
  });
});
