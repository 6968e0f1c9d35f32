// TLS options - the tls {} block checked with nats-server's wording, buildTlsContext on a real Node TLS server, peer certificate names.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import {
  TLS_WIRE, TlsConfigError, buildTlsContext, describePeerCertificate, opensslCipherList, tlsConfigFromBlock, tlsServerOptions, type TlsConfig,
} from '../../src/transport/tls-options.js';
import { makeCertSet, openssl, type CertSet } from './tls-fixtures.js';

let certs: CertSet;
before(async () => { certs = await makeCertSet(); });
after(() => certs?.cleanup());

function baseConfig(extra: Partial<TlsConfig> = {}): TlsConfig {
  return { certFile: certs.main.server.certFile, keyFile: certs.main.server.keyFile, caFile: certs.main.caFile, verify: false, verifyAndMap: false, ...extra };
}

function problemsOf(config: TlsConfig): string[] {
  try {
    buildTlsContext(config);
  } catch (err) {
    assert.ok(err instanceof TlsConfigError);
    return err.problems;
  }
  return [];
}

describe('tls options - tls {} block', () => {
  it('fields - every key parsed; verify_and_map implies verify; timeout in seconds or as a duration', () => {
    const { config, problems } = tlsConfigFromBlock({
      cert_file: 'c.pem', key_file: 'k.pem', ca_file: 'ca.pem', verify_and_map: true, timeout: 0.5, min_version: '1.3',
      cipher_suites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], curve_preferences: ['CurveP256'], handshake_first: '300ms', insecure: true,
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', verify: true, verifyAndMap: true, timeoutMs: 500, minVersion: '1.3',
      cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], curvePreferences: ['CurveP256'], handshakeFirst: 300, insecure: true,
    });
    assert.equal(tlsConfigFromBlock({ timeout: '2s' }).config.timeoutMs, 2000);
    assert.equal(tlsConfigFromBlock({ handshake_first: true }).config.handshakeFirst, true);
    assert.match(tlsConfigFromBlock({ insecure: true }).warnings[0]!, /"insecure" only applies to connections this server makes/);
  });

  it('problems - nats-server 2.9.10\'s texts for unknown fields, wrong types, unknown ciphers and curves', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ foo: 1 }, 'error parsing tls config, unknown field ["foo"]'],
      [{ verify: 'yes' }, "error parsing tls config, expected 'verify' to be a boolean"],
      [{ cert_file: 1 }, "error parsing tls config, expected 'cert_file' to be filename"],
      [{ cipher_suites: ['TLS_FOO'] }, 'unrecognized cipher TLS_FOO'],
      [{ cipher_suites: [] }, "error parsing tls config, 'cipher_suites' cannot be empty"],
      [{ cipher_suites: ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'] }, 'unrecognized cipher TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
      [{ curve_preferences: ['CurveP999'] }, 'unrecognized curve preference CurveP999'],
      [{ timeout: 'abc' }, 'error parsing tls config, \'timeout\' time: invalid duration "abc"'],
      [{ timeout: true }, "error parsing tls config, 'timeout' wrong type"],
      [{ min_version: '1.1' }, 'error parsing tls config: unsupported TLS version: TLS 1.1'],
      [{ min_version: '2.0' }, 'error parsing tls config: unknown version: 2.0'],
    ];
    for (const [block, expected] of cases) assert.deepEqual(tlsConfigFromBlock(block).problems, [expected], JSON.stringify(block));
    assert.match(tlsConfigFromBlock({ cipher_suites: ['TLS_RSA_WITH_RC4_128_SHA'] }).problems[0]!, /not supported by Natrium/);
    assert.match(tlsConfigFromBlock({ pinned_certs: ['ab'] }).problems[0]!, /"pinned_certs" in tls \{\} is not supported yet/);
  });

  it('ciphers - Go names become OpenSSL names; TLS 1.3 suites stay on; TLS 1.3 names are accepted', () => {
    assert.equal(opensslCipherList(['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256']),
      'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES256-GCM-SHA384');
    assert.deepEqual(tlsConfigFromBlock({ cipher_suites: ['TLS_AES_128_GCM_SHA256'] }).problems, []);
  });
});

describe('tls options - buildTlsContext file checks', () => {
  it('defaults - TLS 1.2 minimum, 2 s timeout, no client certificate asked without verify', () => {
    const context = buildTlsContext(baseConfig());
    assert.equal(context.minVersion, 'TLSv1.2');
    assert.equal(context.timeoutMs, TLS_WIRE.defaultTimeoutMs);
    assert.equal(context.requestCert, false);
    assert.equal(context.rejectUnauthorized, false);
    assert.equal(context.handshakeFirst, false);
    assert.deepEqual(buildTlsContext(baseConfig({ verifyAndMap: true })).requestCert, true);
    assert.deepEqual(buildTlsContext(baseConfig({ verify: true, caFile: undefined })).warnings.length, 1);
  });

  it('missing and unreadable files - named, in Go\'s words', () => {
    assert.deepEqual(problemsOf(baseConfig({ certFile: '' })), ["missing 'cert_file' in TLS configuration"]);
    assert.deepEqual(problemsOf(baseConfig({ keyFile: '' })), ["missing 'key_file' in TLS configuration"]);
    assert.deepEqual(problemsOf(baseConfig({ certFile: '/nonexistent.pem' })),
      ['error parsing X509 certificate/key pair: open /nonexistent.pem: no such file or directory']);
    assert.deepEqual(problemsOf(baseConfig({ caFile: '/nonexistent-ca.pem' })), ['open /nonexistent-ca.pem: no such file or directory']);
    assert.deepEqual(problemsOf(baseConfig({ certFile: certs.root })), [`error parsing X509 certificate/key pair: read ${certs.root}: is a directory`]);
    if (process.getuid?.() !== 0) {
      const locked = path.join(certs.root, 'locked.pem');
      writeFileSync(locked, readFileSync(certs.main.server.certFile));
      chmodSync(locked, 0o000);
      assert.deepEqual(problemsOf(baseConfig({ certFile: locked })), [`error parsing X509 certificate/key pair: open ${locked}: permission denied`]);
    }
  });

  it('bad PEM and mismatched key - clear problems, all listed at once', () => {
    const junk = path.join(certs.root, 'junk.pem');
    writeFileSync(junk, 'hello\n');
    assert.match(problemsOf(baseConfig({ certFile: junk }))[0]!, /failed to find any PEM data in certificate input \(cert_file .*junk\.pem\)/);
    assert.match(problemsOf(baseConfig({ keyFile: junk }))[0]!, /failed to find any PEM data in key input/);
    assert.match(problemsOf(baseConfig({ keyFile: certs.main.server.certFile }))[0]!, /found a certificate rather than a key in the PEM for the private key/);
    assert.match(problemsOf(baseConfig({ caFile: junk }))[0]!, /^failed to parse root ca certificate/);
    assert.match(problemsOf(baseConfig({ keyFile: certs.client('alice').keyFile }))[0]!,
      /^error parsing X509 certificate\/key pair: tls: private key does not match public key \(cert_file .*server\.pem, key_file .*alice-key\.pem\)$/);
    assert.equal(problemsOf(baseConfig({ certFile: '/nonexistent.pem', caFile: junk, curvePreferences: ['CurveP999'] })).length, 3);
  });
});

/** A Node TLS server using the built context the way a NATS listener will: plain socket first, then injected into a tls.Server. */
async function withServer(config: TlsConfig, run: (port: number) => Promise<void>): Promise<void> {
  const context = buildTlsContext(config);
  const tlsServer = tls.createServer(tlsServerOptions(context));
  tlsServer.on('secureConnection', (secure) => {
    const peer = secure.getPeerCertificate();
    secure.on('error', () => undefined);
    secure.write(`hello ${peer.raw ? describePeerCertificate(peer).subject : 'anonymous'}\n`);
  });
  tlsServer.on('tlsClientError', () => undefined);
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    tlsServer.emit('connection', socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as net.AddressInfo).port);
  } finally {
    server.close();
  }
}

/** Connects and resolves to the server's greeting, or to `refused: <code>`. */
function greet(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ...options });
    let text = '';
    let error = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString(); if (text.endsWith('\n')) socket.end(); });
    socket.on('error', (err: NodeJS.ErrnoException) => { error ||= err.code ?? err.message; });
    socket.on('close', () => resolve(text !== '' ? text.trim() : `refused: ${error || 'closed'}`));
  });
}

describe('tls options - buildTlsContext on a Node TLS server', () => {
  const ca = () => readFileSync(certs.main.caFile);
  const as = (name: string, set: 'main' | 'other' = 'main') => {
    const files = certs.client(name, set);
    return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  };

  it('verify off - a client without a certificate is served', async () => {
    await withServer(baseConfig(), async (port) => assert.equal(await greet(port, { ca: ca() }), 'hello anonymous'));
  });

  it('verify on - a client certificate from the CA is accepted and its subject read', async () => {
    await withServer(baseConfig({ verify: true }), async (port) => {
      assert.equal(await greet(port, { ca: ca(), ...as('alice') }), 'hello CN=alice,O=Natrium Development');
      assert.match(await greet(port, { ca: ca() }), /^refused: /);
    });
  });

  it('wrong CA - a client certificate from another CA is refused; a client trusting another CA refuses the server', async () => {
    await withServer(baseConfig({ verify: true }), async (port) => {
      assert.match(await greet(port, { ca: ca(), ...as('client', 'other') }), /^refused: /);
      // nats-server (Go) sends only its certificate: UNABLE_TO_VERIFY_LEAF_SIGNATURE. OpenSSL adds the CA from ca_file to the
      // chain it sends, so a Node server gives SELF_SIGNED_CERT_IN_CHAIN: refused either way.
      assert.match(await greet(port, { ca: readFileSync(certs.other.caFile), ...as('alice') }), /^refused: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
    });
  });

  it('min_version 1.3 - a TLS 1.2 client is refused, a TLS 1.3 one served; default accepts TLS 1.2', async () => {
    await withServer(baseConfig({ minVersion: '1.3' }), async (port) => {
      assert.match(await greet(port, { ca: ca(), maxVersion: 'TLSv1.2' }), /^refused: /);
      assert.equal(await greet(port, { ca: ca(), minVersion: 'TLSv1.3' }), 'hello anonymous');
    });
    await withServer(baseConfig(), async (port) => assert.equal(await greet(port, { ca: ca(), maxVersion: 'TLSv1.2' }), 'hello anonymous'));
  });

  it('cipher_suites and curve_preferences - TLS 1.2 limited to the listed suites and curves', async () => {
    const config = baseConfig({ cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'], curvePreferences: ['CurveP384'] });
    await withServer(config, async (port) => {
      const tls12 = { ca: ca(), maxVersion: 'TLSv1.2' as const };
      assert.equal(await greet(port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }), 'hello anonymous');
      assert.match(await greet(port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), /^refused: /);
      assert.match(await greet(port, { ...tls12, ecdhCurve: 'P-256' }), /^refused: /);
    });
  });
});

describe('tls options - describePeerCertificate', () => {
  it('names - subject in Go\'s order and escaping, DCs, email/DNS/URI/IP SANs', () => {
    const key = path.join(certs.root, 'odd-key.pem');
    const csr = path.join(certs.root, 'odd.csr');
    const pem = path.join(certs.root, 'odd.pem');
    const ext = path.join(certs.root, 'odd.ext');
    writeFileSync(ext, 'subjectAltName=email:w@example.com,DNS:w.example.com,URI:spiffe://example.org/w,IP:::1,IP:10.0.0.1\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr,
      '-subj', '/DC=org/DC=example/C=US/O=Acme, Inc./OU=b/OU=a/CN=#weird/serialNumber=42']);
    openssl(['x509', '-req', '-in', csr, '-CA', certs.main.caFile, '-CAkey', certs.main.caKeyFile, '-set_serial', '7', '-days', '1', '-extfile', ext, '-out', pem]);
    const names = describePeerCertificate(readFileSync(pem, 'utf8'));
    // As nats-server 2.9.10 logged it for this certificate: `User in cert ["SERIALNUMBER=42,CN=\#weird,OU=b+OU=a,O=Acme\, Inc.,C=US"]`.
    assert.equal(names.subject, 'SERIALNUMBER=42,CN=\\#weird,OU=b+OU=a,O=Acme\\, Inc.,C=US');
    assert.equal(names.subjectWithDomainComponents, `${names.subject},DC=org,DC=example`);
    assert.equal(names.commonName, '#weird');
    assert.deepEqual(names.emails, ['w@example.com']);
    assert.deepEqual(names.dnsNames, ['w.example.com']);
    assert.deepEqual(names.uris, ['spiffe://example.org/w']);
    assert.deepEqual(names.ipAddresses, ['::1', '10.0.0.1']);
    assert.deepEqual(names.rdns.map((rdn) => rdn.map((attribute) => attribute.type).join('+')), ['DC', 'DC', 'C', 'O', 'OU', 'OU', 'CN', 'SERIALNUMBER']);
  });

  it('inputs - PEM text, DER buffer and crypto.X509Certificate give the same names', () => {
    const pem = readFileSync(certs.client('bob@example.com').certFile, 'utf8');
    const names = describePeerCertificate(pem);
    assert.deepEqual(names.emails, ['bob@example.com']);
    assert.equal(names.subject, 'CN=bob@example.com,O=Natrium Development');
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    assert.deepEqual(describePeerCertificate(der), names);
  });
});
