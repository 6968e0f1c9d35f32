// Differential tests: the same config files given to nats-server (-t, /varz) and to our loader.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATS_SERVER_BIN, freePort } from '../helpers/server-process.js';
import { loadOptions } from '../../src/config/flags.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../../test/config/fixtures');
const skip = NATS_SERVER_BIN === undefined ? 'nats-server is not installed' : false;

/** nats-server -t: does it accept the file? (It also fails on warnings, as we count them here.) */
function natsAccepts(file: string, env: Record<string, string> = {}): { accepted: boolean; output: string } {
  const run = spawnSync(NATS_SERVER_BIN as string, ['-c', file, '-t'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 10_000 });
  const output = `${run.stdout}${run.stderr}`;
  return { accepted: run.status === 0 && output.includes('is valid'), output };
}

function weAccept(file: string, env: Record<string, string> = {}): { accepted: boolean; output: string } {
  const result = loadOptions(['-c', file, '-t'], { env });
  const problems = [...result.errors, ...result.warnings];
  return { accepted: problems.length === 0, output: problems.map((problem) => problem.message).join('\n') };
}

/** Files both must accept or both must reject. */
const AGREE: { name: string; text: string; files?: Record<string, string>; env?: Record<string, string> }[] = [
  { name: 'plain port', text: 'port: 4222' },
  { name: 'listen host:port', text: 'listen: "127.0.0.1:4333"' },
  { name: 'listen without quotes', text: 'listen: 127.0.0.1:4333' },
  { name: 'sizes', text: 'max_payload: 1MB\nmax_pending: 2MB\nmax_control_line: 4KB' },
  { name: 'braces around the file', text: '{ port: 4222 }' },
  { name: 'variables', text: 'base = 4333\nport: $base' },
  { name: 'environment variable', text: 'port: $DIFF_PORT\nmax_payload: $DIFF_SIZE', env: { DIFF_PORT: '4333', DIFF_SIZE: '2MB' } },
  { name: 'users', text: 'authorization { users: [ {user: a, password: b}, {user: c, password: d} ] }' },
  { name: 'authorization timeout as float', text: 'authorization {\n  user: a\n  password: b\n  timeout: 1.5\n}' },
  { name: 'jetstream block', text: 'jetstream { store_dir: "/tmp/natrium-diff", max_mem: 1G, max_file: "2G" }' },
  { name: 'jetstream word', text: 'jetstream: enabled' },
  { name: 'booleans', text: 'debug: yes\ntrace: off\nlogtime: TRUE' },
  { name: 'durations', text: 'ping_interval: "30s"\nwrite_deadline: "1s"\nlame_duck_duration: "45s"\nlame_duck_grace_period: "5s"' },
  { name: 'monitoring', text: 'http: 8222\nhttp_base_path: "/x"' },
  { name: 'listener blocks', text: 'websocket { port: -1, no_tls: true }\ncluster { name: c, listen: "127.0.0.1:-1" }\nleafnodes { port: -1 }' },
  { name: 'strings every way', text: "server_name: 'x'\nclient_advertise: \"a:1\"\nlogfile = /tmp/n.log" },
  { name: 'server tags', text: 'server_tags: [a, "b"\n  c ]' },
  { name: 'include', text: 'include "inc/users.conf"\nport: $p', files: { 'inc/users.conf': 'p: 4333\nauthorization { user: a, password: b }' } },
  { name: 'comments', text: '# a\n// b\nport: 1 # c\ndebug: true // d' },
  { name: 'unknown field', text: 'prot: 4222' },
  { name: 'unused variable', text: 'base: 1' },
  { name: 'unknown field in a block', text: 'authorization { bogus: 1 }' },
  { name: 'unknown field in cluster', text: 'cluster { bogus: 1 }' },
  { name: 'syntax: double comma', text: 'server_tags: [a,,b]' },
  { name: 'syntax: unterminated string', text: 'server_name: "abc' },
  { name: 'syntax: bad escape', text: 'server_name: "a\\qb"' },
  { name: 'syntax: two values', text: 'm {\n  a: 1 2\n}' },
  { name: 'syntax: unit on a float', text: 'max_payload: 1.5MB' },
  { name: 'syntax: value on the next line', text: 'port:\n4222' },
  { name: 'bad date', text: 'a: 2020-13-01T00:00:00Z' },
  { name: 'undefined variable', text: 'port: $nope' },
  { name: 'environment value that is not a value', text: 'server_name: $DIFF_WORDS', env: { DIFF_WORDS: 'two words' } },
  { name: 'size as a string', text: 'max_payload: "1MB"' },
  { name: 'too big', text: 'max_payload: 3GB' },
  { name: 'boolean as a number', text: 'debug: 1' },
  { name: 'duration without unit', text: 'ping_interval: "5"' },
  { name: 'duration as seconds (a warning; -t fails)', text: 'ping_interval: 5' },
  { name: 'short lame duck', text: 'lame_duck_duration: "1s"' },
  { name: 'listen without port', text: 'listen: "127.0.0.1"' },
  { name: 'jetstream bad word', text: 'jetstream: maybe' },
  { name: 'jetstream lowercase unit string', text: 'jetstream { max_mem: "1g" }' },
  { name: 'store_dir twice', text: 'store_dir: a\njetstream { store_dir: b }' },
  { name: 'user and token', text: 'authorization { user: a, token: b }' },
  { name: 'duplicate user', text: 'authorization { users: [ {user: a, password: b}, {user: a, password: c} ] }' },
  { name: 'a user without password', text: 'authorization { users: [ {user: a} ] }' },
  { name: 'missing include', text: 'include nothere.conf' },
];

/** Where Natrium is knowingly different (nats-server -t accepts, we refuse). */
const DIVERGE: { name: string; text: string; ours: RegExp }[] = [
  { name: 'a feature not built yet', text: 'mqtt { port: 1883 }', ours: /"mqtt" is not supported yet/ },
  { name: 'a size suffix with no meaning (nats-server drops the key)', text: 'port: 1kbb', ours: /unknown size suffix/ },
  { name: 'a negative size', text: 'max_pending: -1', ours: /can not be negative/ },
  { name: 'a port out of range', text: 'port: 99999', ours: /out of range/ },
  { name: 'a negative duration', text: 'write_deadline: "-1s"', ours: /can not be negative/ },
  { name: 'an unclosed top-level brace (a warning here)', text: '{ port: 1', ours: /never closed/ },
];

describe('differential with nats-server -t', { skip }, () => {
  let directory = '';
  before(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'natrium-config-'));
  });
  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function write(name: string, text: string, files: Record<string, string> = {}): string {
    const caseDirectory = path.join(directory, name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(caseDirectory, { recursive: true });
    for (const [relative, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(caseDirectory, relative)), { recursive: true });
      writeFileSync(path.join(caseDirectory, relative), content);
    }
    const file = path.join(caseDirectory, 'test.conf');
    writeFileSync(file, text);
    return file;
  }

  it('both accept the full fixture', () => {
    const file = path.join(FIXTURES, 'full.conf');
    assert.equal(natsAccepts(file).accepted, true);
    assert.deepEqual(weAccept(file), { accepted: true, output: '' });
  });

  for (const example of AGREE) {
    it(`agree on: ${example.name}`, () => {
      const file = write(example.name, example.text, example.files);
      const nats = natsAccepts(file, example.env);
      const ours = weAccept(file, example.env);
      assert.equal(ours.accepted, nats.accepted, `nats-server: ${nats.output.trim()}\nnatrium: ${ours.output}`);
    });
  }

  for (const example of DIVERGE) {
    it(`differ on purpose: ${example.name}`, () => {
      const file = write(example.name, example.text);
      assert.equal(natsAccepts(file).accepted, true);
      const ours = weAccept(file);
      assert.equal(ours.accepted, false);
      assert.match(ours.output, example.ours);
    });
  }
});

describe('differential with nats-server /varz', { skip }, () => {
  it('reads sizes, durations and timeouts to the same values', async () => {
    const file = path.join(FIXTURES, 'varz.conf');
    const monitorPort = await freePort();
    const child = spawn(NATS_SERVER_BIN as string, ['-c', file, '-a', '127.0.0.1', '-p', '-1', '-m', String(monitorPort)], { stdio: 'ignore' });
    try {
      let varz: Record<string, number> | undefined;
      for (let attempt = 0; attempt < 100 && !varz; attempt++) {
        try {
          const response = await fetch(`http://127.0.0.1:${monitorPort}/varz`);
          varz = (await response.json()) as Record<string, number>;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      assert.ok(varz, 'nats-server did not answer /varz');
      const result = loadOptions(['-c', file], { env: {} });
      assert.deepEqual(result.errors, []);
      const ours = result.options;
      assert.deepEqual(
        {
          max_payload: ours.maxPayload,
          max_pending: ours.maxPending,
          max_control_line: ours.maxControlLine,
          max_connections: ours.maxConnections,
          ping_interval: ours.pingIntervalMs * 1e6,
          write_deadline: ours.writeDeadlineMs * 1e6,
          ping_max: ours.pingMax,
          max_subscriptions: ours.maxSubscriptions,
          auth_timeout: ours.authTimeoutMs / 1000,
        },
        {
          max_payload: varz['max_payload'],
          max_pending: varz['max_pending'],
          max_control_line: varz['max_control_line'],
          max_connections: varz['max_connections'],
          ping_interval: varz['ping_interval'],
          write_deadline: varz['write_deadline'],
          ping_max: varz['ping_max'],
          max_subscriptions: varz['max_subscriptions'],
          auth_timeout: varz['auth_timeout'],
        },
      );
    } finally {
      child.kill();
    }
  });
});
