// Tests for certificate-to-user mapping: DN parsing and comparison, Go's subject string, a real certificate.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { dnEqual, dnRdnsMatch, findTlsMappedUser, parseDn, pkixSubjectString, tlsIdentityFromCertificate } from '../../src/auth/tls-map.js';

test('tls map - DNs parse with escapes and multi-valued RDNs', () => {
  assert.deepEqual(parseDn('CN=alice,OU=a+OU=b,O=Acme\\, Inc.'), [[['CN', 'alice']], [['OU', 'a'], ['OU', 'b']], [['O', 'Acme, Inc.']]]);
  assert.deepEqual(parseDn(' cn = x ; o=\\41cme'), [[['cn', 'x']], [['o', 'Acme']]]);
  for (const bad of ['', 'alice', 'CN=a,', '=x', 'CN=a,,O=b']) assert.equal(parseDn(bad), null, bad);
  const a = parseDn('CN=a,O=b')!;
  assert.equal(dnEqual(a, parseDn('cn=a,o=b')!), true, 'attribute types are case-insensitive');
  assert.equal(dnEqual(a, parseDn('CN=A,O=b')!), false, 'values are not');
  assert.equal(dnEqual(a, parseDn('O=b,CN=a')!), false);
  assert.equal(dnRdnsMatch(a, parseDn('O=b,CN=a')!), true);
});

test('tls map - the subject string follows Go pkix RDNSequence.String (standard attributes, CN first)', () => {
  const subject: [string, string][][] = [[['DC', 'org']], [['C', 'US']], [['O', 'Acme, Inc.']], [['OU', 'a'], ['OU', 'b']], [['CN', ' alice ']], [['emailAddress', 'x@y']]];
  assert.equal(pkixSubjectString(subject), 'CN=\\ alice\\ ,OU=a+OU=b,O=Acme\\, Inc.,C=US');
});

test('tls map - users are found by email, DNS, URI, DN and subject string with DCs, in that order', () => {
  const identity = { subject: [[['DC', 'org']], [['DC', 'example']], [['O', 'Acme']], [['CN', 'svc']]] as [string, string][][], emails: ['svc@example.org'], dnsNames: ['svc.example.org'], uris: ['spiffe://example.org/svc'] };
  const pick = (names: string[]) => findTlsMappedUser(identity, new Map(names.map((n) => [n, n])))?.name ?? null;
  assert.equal(pick(['svc@example.org', 'svc.example.org']), 'svc@example.org');
  assert.equal(pick(['svc.example.org', 'spiffe://example.org/svc']), 'svc.example.org');
  assert.equal(pick(['spiffe://example.org/svc']), 'spiffe://example.org/svc');
  assert.equal(pick(['CN=svc,O=Acme,DC=example,DC=org']), 'CN=svc,O=Acme,DC=example,DC=org');
  assert.equal(pick(['CN=svc,O=Acme']), 'CN=svc,O=Acme', 'the subject string without domain components');
  assert.equal(pick(['CN=other']), null);
  const none = findTlsMappedUser(identity, new Map([['svc@example.org', 1]]), () => false);
  assert.equal(none, null, 'ineligible users (connection types) are skipped');
});

test('tls map - identities come from real certificates', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'natrium-cert-'));
  try {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1',
        '-subj', '/DC=org/DC=example/C=US/O=Acme, Inc./OU=a+OU=b/CN=alice smith', '-addext', 'subjectAltName=DNS:alice.example.com,email:alice@example.com,URI:spiffe://example.org/alice'], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available');
      return;
    }
    const identity = tlsIdentityFromCertificate(new X509Certificate(readFileSync(path.join(dir, 'c.pem'))));
    assert.deepEqual(identity.emails, ['alice@example.com']);
    assert.deepEqual(identity.dnsNames, ['alice.example.com']);
    assert.deepEqual(identity.uris, ['spiffe://example.org/alice']);
    assert.deepEqual(identity.subject, [[['DC', 'org']], [['DC', 'example']], [['C', 'US']], [['O', 'Acme, Inc.']], [['OU', 'a'], ['OU', 'b']], [['CN', 'alice smith']]]);
    const found = findTlsMappedUser({ ...identity, emails: [], dnsNames: [], uris: [] }, new Map([['CN=alice smith,OU=b+OU=a,O=Acme\\, Inc.,C=US,DC=example,DC=org', 'x']]));
    assert.equal(found?.user, 'x');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
