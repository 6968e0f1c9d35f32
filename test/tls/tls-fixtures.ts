// TLS test fixtures: development certificates in a temp folder, server configs, and raw plain/TLS probes of a port.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createDevelopmentCertificates, type CertsResult } from '../../src/cli/certs.js';

export const OPENSSL = '/usr/bin/openssl';

export interface CertSet {
  root: string;
  /** The main CA with server.pem and clients alice, bob@example.com, carol. */
  main: CertsResult;
  /** Another CA, with a client certificate `client` that the main CA did not sign. */
  other: CertsResult;
  /** Paths of a client's files in `main` (or `other`). */
  client(name: string, set?: 'main' | 'other'): { certFile: string; keyFile: string };
  cleanup(): void;
}

export async function makeCertSet(): Promise<CertSet> {
  const root = mkdtempSync(path.join(tmpdir(), 'natrium-tls-'));
  const main = await createDevelopmentCertificates({ dir: path.join(root, 'main'), hosts: [], clients: ['alice', 'bob@example.com', 'carol'], days: 2 });
  const other = await createDevelopmentCertificates({ dir: path.join(root, 'other'), hosts: [], clients: [], days: 2 });
  return {
    root, main, other,
    client(name, set = 'main') {
      const found = (set === 'main' ? main : other).clients.find((client) => client.name === name);
      if (!found) throw new Error(`no client certificate ${name}`);
      return { certFile: found.certFile, keyFile: found.keyFile };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Writes a nats-server config with a `tls {}` block (plus `extra` top-level text) and returns its path. */
export function writeTlsConfig(certs: CertSet, name: string, port: number, tlsFields: string, extra = ''): string {
  const file = path.join(certs.root, `${name}.conf`);
  writeFileSync(file, [
    `port: ${port}`,
    'host: "127.0.0.1"',
    'tls {',
    `  cert_file: ${JSON.stringify(certs.main.server.certFile)}`,
    `  key_file: ${JSON.stringify(certs.main.server.keyFile)}`,
    `  ca_file: ${JSON.stringify(certs.main.caFile)}`,
    `  ${tlsFields}`,
    '}',
    extra,
    '',
  ].join('\n'));
  return file;
}

export function openssl(args: string[]): string {
  return execFileSync(OPENSSL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PlainProbe {
  info: Record<string, unknown>;
  /** Everything after the INFO line until the server closed. */
  after: string;
  closedAfterMs: number;
}

/** A plain-text client: reads INFO, optionally sends `send`, then waits until the server closes (or `limitMs`). */
export function plainProbe(port: number, send: string | undefined, limitMs = 8000): Promise<PlainProbe> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let infoAt = 0;
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`server did not close within ${limitMs} ms; got ${JSON.stringify(text)}`)); }, limitMs);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (infoAt === 0 && text.includes('\r\n')) {
        infoAt = Date.now();
        if (send !== undefined) socket.write(send);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const end = text.indexOf('\r\n');
      if (!text.startsWith('INFO ') || end < 0) return reject(new Error(`no INFO: ${JSON.stringify(text)}`));
      resolve({ info: JSON.parse(text.slice(5, end)) as Record<string, unknown>, after: text.slice(end + 2), closedAfterMs: Date.now() - infoAt });
    });
  });
}

export interface TlsProbe {
  info: Record<string, unknown>;
  /** Whether the client saw its side of the handshake complete (TLS 1.3 reports failures of the client's certificate later). */
  secured: boolean;
  /** The protocol lines the server sent over TLS after CONNECT + PING. */
  received: string;
  /** The error the client saw, if any (code, e.g. ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE, or message). */
  error?: string;
}

/**
 * The NATS way to start TLS: read the plain INFO, upgrade the socket, send CONNECT + PING, and collect
 * what comes back until PONG, -ERR or the close.
 */
export function tlsProbe(port: number, options: tls.ConnectionOptions, limitMs = 8000): Promise<TlsProbe> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('tls probe timed out')); }, limitMs);
    socket.on('error', () => undefined);
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const result: TlsProbe = { info: JSON.parse(head.slice(5, end)) as Record<string, unknown>, secured: false, received: '' };
      const secure = tls.connect({ socket, servername: 'localhost', ...options });
      const finish = () => { clearTimeout(timer); secure.destroy(); resolve(result); };
      secure.on('secureConnect', () => {
        result.secured = true;
        secure.write('CONNECT {"verbose":false,"pedantic":false,"tls_required":true,"protocol":1}\r\nPING\r\n');
      });
      secure.on('data', (data: Buffer) => {
        result.received += data.toString('latin1');
        if (/PONG\r\n|-ERR [^\r]*\r\n/.test(result.received)) setTimeout(finish, 50);
      });
      secure.on('error', (err: NodeJS.ErrnoException) => { result.error ??= err.code ?? err.message; });
      secure.on('close', finish);
    };
    socket.on('data', onData);
  });
}
