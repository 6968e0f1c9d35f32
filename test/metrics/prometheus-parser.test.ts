// The strict Prometheus text parser used by the /metrics tests: it reads valid expositions and rejects malformed ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-parser.js';

describe('metrics - the test parser for the Prometheus text format', () => {
  it('reads families, escaped labels, special values and timestamps', () => {
    const families = parsePrometheusText([
      '# HELP a_total Things \\\\ counted\\nover time',
      '# TYPE a_total counter',
      'a_total{x="q\\"uo\\\\te\\nnl",y=""} 1.5e3 1700000000000',
      'a_total 7',
      '# a comment',
      '# TYPE g gauge',
      'g NaN',
      'h +Inf',
      '',
    ].join('\n'));
    assert.equal(families.get('a_total')?.type, 'counter');
    assert.equal(families.get('a_total')?.help, 'Things \\ counted\nover time');
    assert.equal(sampleValue(families, 'a_total', { x: 'q"uo\\te\nnl' }), 1500);
    assert.equal(families.get('a_total')?.samples[0]?.timestampMs, 1_700_000_000_000);
    assert.ok(Number.isNaN(sampleValue(families, 'g')));
    assert.equal(sampleValue(families, 'h'), Infinity);
    assert.equal(families.get('h')?.type, 'untyped');
  });

  for (const [why, text] of [
    ['no final newline', 'a 1'],
    ['a bad name', '9a 1\n'],
    ['a missing value', 'a\n'],
    ['a bad value', 'a one\n'],
    ['an unquoted label value', 'a{x=1} 1\n'],
    ['an unterminated label value', 'a{x="1} 1\n'],
    ['a trailing comma', 'a{x="1",} 1\n'],
    ['a repeated label', 'a{x="1",x="2"} 1\n'],
    ['an unknown escape', 'a{x="\\t"} 1\n'],
    ['an unknown type', '# TYPE a thing\na 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['two TYPE lines', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
    ['two HELP lines', '# HELP a x\n# HELP a y\na 1\n'],
    ['a duplicate series', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['a family split in two', 'a 1\nb 1\na{x="2"} 1\n'],
    ['two spaces before the value', 'a  1\n'],
  ] as const) {
    it(`rejects ${why}`, () => {
      assert.throws(() => parsePrometheusText(text));
    });
  }
});
