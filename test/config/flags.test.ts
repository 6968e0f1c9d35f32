// Tests of nats-server compatible command-line flags, flags over the config file, and reload.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOptions, parseCommandLine, reloadOptions, usageText, type LoaderHooks } from '../../src/config/flags.js';
import { defaultOptions } from '../../src/config/options.js';

const CERTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/config/fixtures/security/certs');
const CERT = path.join(CERTS, 'server-cert.pem');
const KEY = path.join(CERTS, 'server-key.pem');
const CA = path.join(CERTS, 'ca.pem');

function parsed(...argv: string[]) {
  const commandLine = parseCommandLine(argv);
  assert.deepEqual(commandLine.errors.map((error) => error.message), []);
  return commandLine;
}

function flagErrors(...argv: string[]): string[] {
  return parseCommandLine(argv).errors.map((error) => error.message);
}

/** In-memory config files, changeable between load and reload. */
function memoryFiles(files: Record<string, string>): LoaderHooks {
  return {
    env: {},
    readFile: (file) => {
      const text = files[file];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
      return text;
    },
  };
}

describe('flags - Go flag syntax', () => {
  for (const argv of [['-p', '5555'], ['--p', '5555'], ['-port', '5555'], ['--port', '5555'], ['-port=5555'], ['--port=5555'], ['-p=5555']]) {
    it(`${argv.join(' ')} sets the port`, () => {
      assert.equal(parsed(...argv).options.port, 5555);
    });
  }

  it('takes a value that starts with a dash from the next argument: -p -1', () => {
    assert.equal(parsed('-p', '-1').options.port, -1);
    assert.equal(parsed('--port=-1').options.port, -1);
  });

  it('reads integers as Go does (hex, octal)', () => {
    assert.equal(parsed('-p', '0x10').options.port, 16);
    assert.equal(parsed('-p', '010').options.port, 8);
  });

  it('sets booleans with -flag or -flag=value only', () => {
    assert.equal(parsed('-D').options.debug, true);
    assert.equal(parsed('--debug=true').options.debug, true);
    assert.equal(parsed('-D', '-D=0').options.debug, false);
    assert.equal(parsed('-T=false').options.logtime, false);
    assert.equal(parsed('--logtime=F').options.logtime, false);
    assert.deepEqual(flagErrors('-T', 'false'), ['unrecognized command: "false"']);
    assert.deepEqual(flagErrors('-D=yes'), ['invalid boolean value "yes" for -D: parse error']);
  });

  it('combines debug and trace as -DV, -VV, -DVV', () => {
    const pick = (...argv: string[]) => {
      const options = parsed(...argv).options;
      return [options.debug, options.trace, options.traceVerbose];
    };
    assert.deepEqual(pick('-V'), [false, true, false]);
    assert.deepEqual(pick('--trace'), [false, true, false]);
    assert.deepEqual(pick('-DV'), [true, true, false]);
    assert.deepEqual(pick('-VV'), [false, true, true]);
    assert.deepEqual(pick('-DVV'), [true, true, true]);
    assert.deepEqual(pick('-DV', '-DV=false'), [false, false, false]);
  });

  it('stops at -- and at the first non-flag; only "version" and "help" may follow', () => {
    assert.deepEqual(flagErrors('-D', '--', '-p', '1'), ['unrecognized command: "-p"', 'unrecognized command: "1"']);
    assert.equal(parsed('version').showVersion, true);
    assert.equal(parsed('-D', 'help').showHelp, true);
    assert.deepEqual(flagErrors('start'), ['unrecognized command: "start"']);
  });

  it('reports malformed flags like Go does', () => {
    assert.deepEqual(flagErrors('-bogus'), ['flag provided but not defined: -bogus']);
    assert.deepEqual(flagErrors('--no-such=1'), ['flag provided but not defined: -no-such']);
    assert.deepEqual(flagErrors('-p'), ['flag needs an argument: -p']);
    assert.deepEqual(flagErrors('-p', 'abc'), ['invalid value "abc" for flag -p: parse error']);
    assert.deepEqual(flagErrors('-p='), ['invalid value "" for flag -p: parse error']);
    assert.deepEqual(flagErrors('---port', '1'), ['bad flag syntax: ---port']);
    assert.deepEqual(flagErrors('--log_size_limit', '1MB'), ['invalid value "1MB" for flag -log_size_limit: parse error']);
  });
});

describe('flags - every nats-server flag', () => {
  it('server options', () => {
    const commandLine = parsed(
      '-a', '127.0.0.1', '-n', 'n1', '-P', 'nats.pid', '-m', '8222', '-c', 'x.conf', '-t',
      '--client_advertise', 'example.com:4222', '--ports_file_dir', '/tmp/ports',
    );
    const options = commandLine.options;
    assert.equal(options.host, '127.0.0.1');
    assert.equal(options.serverName, 'n1');
    assert.equal(options.pidFile, 'nats.pid');
    assert.deepEqual(options.http, { host: '', port: 8222 });
    assert.equal(commandLine.configFile, 'x.conf');
    assert.equal(commandLine.checkOnly, true);
    assert.equal(options.clientAdvertise, 'example.com:4222');
    assert.equal(options.portsFileDir, '/tmp/ports');
    assert.equal(parsed('--addr', 'h1').options.host, 'h1');
    assert.equal(parsed('--net=h2').options.host, 'h2');
    assert.equal(parsed('--name', 'n2').options.serverName, 'n2');
    assert.equal(parsed('-server_name', 'n3').options.serverName, 'n3');
    assert.equal(parsed('--server_name=n4').options.serverName, 'n4');
    assert.equal(parsed('--pid', 'p').options.pidFile, 'p');
    assert.deepEqual(parsed('--http_port=-1').options.http, { host: '', port: -1 });
    assert.equal(parsed('--config', 'y.conf').configFile, 'y.conf');
  });

  it('logging options', () => {
    const options = parsed('-l', 'nats.log', '--log_size_limit', '1048576', '--max_traced_msg_len', '100').options;
    assert.equal(options.logFile, 'nats.log');
    assert.equal(options.logSizeLimit, 1_048_576);
    assert.equal(options.maxTracedMsgLen, 100);
    assert.equal(parsed('--log', 'b.log').options.logFile, 'b.log');
  });

  it('JetStream options, including Natrium\'s --no_js', () => {
    assert.equal(parsed('-js').options.jetstream.enabled, true);
    assert.equal(parsed('--jetstream=false').options.jetstream.enabled, false);
    assert.equal(parsed('--no_js').options.jetstream.enabled, false);
    assert.equal(parsed('-sd', '/var/js').options.jetstream.storeDir, '/var/js');
    assert.equal(parsed('--store_dir=/var/js2').options.jetstream.storeDir, '/var/js2');
  });

  it('authorization options', () => {
    assert.deepEqual(parsed('--user', 'u', '--pass', 'p').options.authorization, { user: 'u', password: 'p' });
    assert.deepEqual(parsed('--auth', 't').options.authorization, { token: 't' });
  });

  it('help, version and signals', () => {
    assert.equal(parsed('-h').showHelp, true);
    assert.equal(parsed('--help').showHelp, true);
    assert.equal(parsed('-v').showVersion, true);
    assert.equal(parsed('--version').showVersion, true);
    assert.deepEqual(parsed('-sl', 'reload=1234').signal, { command: 'reload', pid: '1234' });
    assert.deepEqual(parsed('--signal=ldm').signal, { command: 'ldm' });
    assert.deepEqual(flagErrors('-sl', 'explode'), ['flag -sl: unknown signal "explode" (expected one of ldm, stop, quit, term, reopen, reload)']);
    assert.match(usageText(), /--no_js/);
  });

  it('recognizes flags of features not built yet and says so', () => {
    assert.deepEqual(flagErrors('--routes', 'nats://a:6222', '--cluster', 'nats://0.0.0.0:6222', '--cluster_name', 'c', '--no_advertise', '--connect_retries', '3', '--cluster_advertise', 'x', '--cluster_listen', 'y'), [
      'flag -routes: Clustering (routes) is not supported yet by Natrium',
      'flag -cluster: Clustering (routes) is not supported yet by Natrium',
      'flag -cluster_name: Clustering (routes) is not supported yet by Natrium',
      'flag -no_advertise: Clustering (routes) is not supported yet by Natrium',
      'flag -connect_retries: Clustering (routes) is not supported yet by Natrium',
      'flag -cluster_advertise: Clustering (routes) is not supported yet by Natrium',
      'flag -cluster_listen: Clustering (routes) is not supported yet by Natrium',
    ]);
    assert.deepEqual(flagErrors('-ms', '8443', '-s', '-r', 'udp://h:514', '--profile', '6060', '--help_tls'), [
      'flag -s: syslog is not supported yet by Natrium',
      'flag -r: syslog is not supported yet by Natrium',
      'flag -profile: the profiling port is not supported yet by Natrium',
      'flag -help_tls: TLS help is not supported yet by Natrium',
    ]);
    assert.deepEqual(flagErrors('--tls=false', '-s=false'), []);
  });
});

describe('flags - loading with a config file', () => {
  it('flags override the file, wherever they are on the command line', () => {
    const hooks = memoryFiles({ 'a.conf': 'port: 4333\ndebug: true\nlogtime: true\nmax_payload: 2MB' });
    const result = loadOptions(['-p', '5555', '-c', 'a.conf', '-T=false'], hooks);
    assert.deepEqual(result.errors, []);
    assert.equal(result.options.port, 5555);
    assert.equal(result.options.logtime, false);
    assert.equal(result.options.debug, true); // no flag: the file wins over the default
    assert.equal(result.options.maxPayload, 2_097_152);
    assert.equal(result.options.configFile, 'a.conf');
  });

  it('flags override parts of blocks: --user over authorization, -sd over jetstream, --no_js over jetstream {}', () => {
    const hooks = memoryFiles({ 'a.conf': 'authorization { user: a, password: b }\njetstream { store_dir: "/file" }' });
    const options = loadOptions(['-c', 'a.conf', '--user', 'x', '-sd', '/flag', '--no_js'], hooks).options;
    assert.deepEqual(options.authorization, { user: 'x', password: 'b' });
    assert.deepEqual(options.jetstream, { enabled: false, storeDir: '/flag', maxMemoryStore: -1, maxFileStore: -1 });
  });

  it('returns defaults with flags when there is no file', () => {
    const result = loadOptions(['-p', '-1', '-a', '127.0.0.1', '-m', '-1']);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.options, { ...defaultOptions(), port: -1, host: '127.0.0.1', http: { host: '127.0.0.1', port: -1 } });
  });

  it('refuses -t without -c, like nats-server', () => {
    assert.deepEqual(loadOptions(['-t']).errors.map((error) => error.message), [
      'must specify [-c, --config] option to check configuration file syntax',
    ]);
  });

  it('reports a missing config file', () => {
    const errors = loadOptions(['-c', 'missing.conf'], memoryFiles({})).errors.map((error) => error.message);
    assert.deepEqual(errors, ["error opening config file: ENOENT: no such file or directory, open 'missing.conf'"]);
  });

  it('does not read the file for -h, -v or a flag error', () => {
    const read: string[] = [];
    const hooks: LoaderHooks = { readFile: (file) => { read.push(file); return ''; } };
    loadOptions(['-c', 'a.conf', '-h'], hooks);
    loadOptions(['-c', 'a.conf', 'version'], hooks);
    loadOptions(['-c', 'a.conf', '-bogus'], hooks);
    assert.deepEqual(read, []);
  });

  it('reload re-reads the file and the start flags still win', () => {
    const files: Record<string, string> = { 'a.conf': 'port: 4333\ndebug: false\nmax_payload: 1MB' };
    const hooks = memoryFiles(files);
    const start = loadOptions(['-c', 'a.conf', '-p', '5555'], hooks);
    assert.equal(start.options.port, 5555);
    files['a.conf'] = 'port: 6666\ndebug: true\nmax_payload: 2MB';
    const reloaded = reloadOptions('a.conf', start.commandLine, hooks);
    assert.deepEqual(reloaded.errors, []);
    assert.equal(reloaded.options.port, 5555);
    assert.equal(reloaded.options.debug, true);
    assert.equal(reloaded.options.maxPayload, 2_097_152);
    files['a.conf'] = 'port: [';
    assert.equal(reloadOptions('a.conf', start.commandLine, hooks).errors.length, 1);
  });
});

describe('flags - TLS (nats-server semantics)', () => {
  it('--tlscert and --tlskey turn TLS on; --tlsverify verifies; --tlscacert names the CA', () => {
    assert.deepEqual(parsed('--tlscert', CERT, '--tlskey', KEY).options.tls, { certFile: CERT, keyFile: KEY, verify: false, verifyAndMap: false });
    assert.deepEqual(parsed('--tlsverify', '--tlscert', CERT, '--tlskey', KEY, '--tlscacert', CA).options.tls, {
      certFile: CERT, keyFile: KEY, caFile: CA, verify: true, verifyAndMap: false,
    });
    assert.equal(parsed('--tls', '--tlscert', CERT, '--tlskey', KEY).options.tls?.verify, false);
  });

  it('any tls flag implies TLS and then needs a certificate and a key', () => {
    assert.deepEqual(flagErrors('--tlsverify'), ['TLS Server certificate must be present and valid']);
    assert.deepEqual(flagErrors('--tls'), ['TLS Server certificate must be present and valid']);
    assert.deepEqual(flagErrors('--tlscacert', CA, '--tlscert', CERT), ['TLS Server private key must be present and valid']);
    assert.match(flagErrors('--tlscert', path.join(CERTS, 'nope.pem'), '--tlskey', KEY)[0] ?? '', /nope\.pem/);
  });

  it('--tls=false turns TLS off, whatever the other tls flags or the file say', () => {
    assert.deepEqual(flagErrors('--tls=false', '--tlsverify'), []);
    const hooks = memoryFiles({ 'a.conf': `tls { cert_file: "${CERT}", key_file: "${KEY}" }` });
    const result = loadOptions(['-c', 'a.conf', '--tls=false'], hooks);
    assert.deepEqual(result.errors, []);
    assert.equal(result.options.tls, undefined);
    assert.equal(loadOptions(['-c', 'a.conf'], hooks).options.tls?.certFile, CERT);
  });

  it('replace the file\'s tls {} entirely; its timeout and verify_and_map stay', () => {
    const hooks = memoryFiles({ 'a.conf': `tls { cert_file: "${CERT}", key_file: "${KEY}", ca_file: "${CA}", verify_and_map: true, timeout: 4 }` });
    const result = loadOptions(['-c', 'a.conf', '--tlsverify', '--tlscert', CERT, '--tlskey', KEY], hooks);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.options.tls, { certFile: CERT, keyFile: KEY, verify: true, verifyAndMap: false, timeoutMs: 4000 });
    assert.equal(result.options.tlsMap, true);
    assert.equal(result.options.authTimeoutMs, 5000);
  });

  it('are described in the help text', () => {
    assert.match(usageText(), /--tlsverify\s+Enable TLS, verify client certificates/);
  });
});
