// Checks the JetStream API error table (src/jetstream/api-errors.ts) and apiError(): unique codes, templates, lookups.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiError, apiErrorName, apiErrorResponse, JsApiErrors, LAST_ERR_CODE_IN_2_9_10, type JsApiErrorName } from '../../../src/jetstream/api-errors.js';
import { checkAgainstErrorTable } from './runner.js';

describe('JetStream API error table', () => {
  it('has unique err_codes and holds every 2.9.10 code from 10002 to 10133', () => {
    const codes = Object.values(JsApiErrors).map((entry) => entry.err_code);
    assert.equal(new Set(codes).size, codes.length);
    const old = codes.filter((code) => code <= LAST_ERR_CODE_IN_2_9_10);
    assert.equal(old.length, 132); // 10002..10133, every one
    assert.equal(Math.min(...old), 10002);
  });

  it('fills placeholders and leaves unknown ones', () => {
    assert.deepEqual(apiError('StreamNotFound'), { code: 404, err_code: 10059, description: 'stream not found' });
    assert.deepEqual(apiError('StreamWrongLastSequence', { seq: 7 }), { code: 400, err_code: 10071, description: 'wrong last sequence: 7' });
    assert.equal(apiError('StreamCreate', { err: 'subjects overlap' }).description, 'subjects overlap');
    assert.equal(apiError('StreamExternalApiOverlap', { prefix: 'x' }).description, 'stream external api prefix x must not overlap with {subject}');
    assert.deepEqual(apiErrorResponse('io.nats.jetstream.api.v1.stream_info_response', 'StreamNotFound'), {
      type: 'io.nats.jetstream.api.v1.stream_info_response',
      error: { code: 404, err_code: 10059, description: 'stream not found' },
    });
  });

  it('returns fresh objects (callers may mutate them)', () => {
    const a = apiError('BadRequest');
    a.description = 'changed';
    assert.equal(apiError('BadRequest').description, 'bad request');
  });

  it('looks names up by err_code', () => {
    assert.equal(apiErrorName(10014), 'ConsumerNotFound' satisfies JsApiErrorName);
    assert.equal(apiErrorName(1), undefined);
  });

  it('matches server errors against the templates', () => {
    assert.equal(checkAgainstErrorTable({ code: 400, err_code: 10071, description: 'wrong last sequence: 2' }), undefined);
    assert.equal(checkAgainstErrorTable({ code: 500, err_code: 10052, description: 'duplicate subjects detected' }), undefined);
    assert.match(checkAgainstErrorTable({ code: 404, err_code: 10059, description: 'stream gone' }) ?? '', /does not match/);
    assert.match(checkAgainstErrorTable({ code: 400, err_code: 99999, description: 'x' }) ?? '', /not in the api-errors table/);
  });
});
