// Who may use the dashboard's write API: the loopback / monitoring-auth rule, Origin and Host checks.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { defaultOptions } from '../../src/config/options.js';
import { writeAccessDenied } from '../../src/monitor/api-access.js';

/** The request fields the rule reads; anything else of an IncomingMessage is irrelevant to it. */
function requestWith(headers: Record<string, string>): http.IncomingMessage {
  return { headers } as unknown as http.IncomingMessage;
}

function optionsWith(host: string, httpAuth?: { token?: string; user?: string; password?: string }) {
  return { ...defaultOptions(), http: { host, port: 8222 }, httpAuth };
}

describe('dashboard write-API access rule', () => {
  it('allows a loopback listener, including ::1, when the Host header is loopback too', () => {
    assert.equal(writeAccessDenied(optionsWith('127.0.0.1'), requestWith({ host: '127.0.0.1:8222' })), null);
    assert.equal(writeAccessDenied(optionsWith('localhost'), requestWith({ host: 'localhost:8222' })), null);
    assert.equal(writeAccessDenied(optionsWith('::1'), requestWith({ host: '[::1]:8222' })), null);
  });

  it('refuses a non-loopback listener without auth, and a rebound Host name on a loopback one', () => {
    assert.match(writeAccessDenied(optionsWith('0.0.0.0'), requestWith({ host: '10.0.0.5:8222' })) ?? '', /loopback/);
    assert.match(writeAccessDenied(optionsWith('127.0.0.1'), requestWith({ host: 'evil.example:8222' })) ?? '', /Host/);
  });

  it('with monitoring auth (checked by the listener first), allows any address', () => {
    assert.equal(writeAccessDenied(optionsWith('0.0.0.0', { token: 's3cret' }), requestWith({ host: '10.0.0.5:8222' })), null);
    assert.equal(writeAccessDenied(optionsWith('0.0.0.0', { user: 'ops', password: 'pw' }), requestWith({ host: 'nats.example:8222' })), null);
  });

  it('refuses cross-origin browsers even when otherwise allowed', () => {
    const options = optionsWith('127.0.0.1');
    assert.equal(writeAccessDenied(options, requestWith({ host: '127.0.0.1:8222', origin: 'http://127.0.0.1:8222' })), null);
    assert.notEqual(writeAccessDenied(options, requestWith({ host: '127.0.0.1:8222', origin: 'http://evil.example' })), null);
    assert.notEqual(writeAccessDenied(options, requestWith({ host: '127.0.0.1:8222', origin: 'null' })), null);
  });
});
