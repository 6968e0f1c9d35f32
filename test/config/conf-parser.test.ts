// Tests of the config format parser: syntax, units, variables, includes, positions and error recovery.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigFile, parseConfigText, type ParseOptions } from '../../src/config/conf-parser.js';
import { toPlainValue, parseGoDuration, type ConfMapNode } from '../../src/config/conf-values.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../../test/config/fixtures');

function parse(text: string, options: ParseOptions = {}) {
  return parseConfigText(text, { file: 't.conf', env: {}, ...options });
}

/** The plain value of a text that must parse without problems. */
function plain(text: string, options: ParseOptions = {}): Record<string, unknown> {
  const result = parse(text, options);
  assert.deepEqual(result.errors.map((error) => error.message), []);
  return toPlainValue(result.value) as Record<string, unknown>;
}

/** "file:line:col: reason" of every problem. */
function problems(text: string, options: ParseOptions = {}): string[] {
  return parse(text, options).errors.map((error) => error.message);
}

describe('config parser - syntax', () => {
  it('reads the syntax fixture: separators, quoting, escapes, comments, arrays, maps, blocks', () => {
    const result = parseConfigFile(path.join(FIXTURES, 'syntax.conf'), { env: {} });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(toPlainValue(result.value), {
      a: 1,
      b: 2,
      c: 3,
      'quoted key': 'single "raw" \\n',
      'single key': 'esc \t"\\ A',
      bare: 'hello/world#not-a-comment',
      bools: [true, false, true, false, true, false],
      numbers: [
        -12, 3.25, -0.5, 1000, 1000, 1024, 1024, 1024, 2_000_000, 2_097_152, 3_000_000_000, 3_221_225_472,
        1e12, 1_099_511_627_776, 1e15, 1e18, 1_073_741_824,
      ],
      words: ['1x', '10.0.0.1:4222', new Date('2020-01-02T03:04:05Z')],
      nested: { inner: { deep: [{ x: 1 }, [2, 3]] }, sep1: 1, sep2: 2, sep3: 3 },
      empty_map: {},
      empty_array: [],
      trailing_comma: [1, 2],
      multiline: ['one', 'two', 'three'],
      block: '\nline one\n  line "two" $notavar',
      newline_separated: 'value',
    });
  });

  it('accepts every comment style in every place', () => {
    const text = [
      '# hash at the top',
      '// slashes at the top',
      'a: 1 # after a value',
      'b: 2 // after a value',
      'm {',
      '  # in a map',
      '  // also in a map',
      '  c: 3 # after a map value',
      '}',
      'l: [ # after the bracket',
      '  4 // after an item',
      '  # between items',
      '  5',
      ']',
    ].join('\n');
    assert.deepEqual(plain(text), { a: 1, b: 2, m: { c: 3 }, l: [4, 5] });
  });

  it('takes ; and , as value terminators, and CRLF line ends', () => {
    assert.deepEqual(plain('a: 1; b: 2, c: 3\r\nd: 4\r\n'), { a: 1, b: 2, c: 3, d: 4 });
  });

  it('keeps the last value of a repeated key', () => {
    assert.deepEqual(plain('port: 1\nport: 2'), { port: 2 });
  });

  it('reads a word starting with digits as a string (1x, 0x10), and an IP:port as a string', () => {
    assert.deepEqual(plain('a: 1x\nb: 0x10\nc: 127.0.0.1:4222\nd: 1kx'), { a: '1x', b: '0x10', c: '127.0.0.1:4222', d: '1kx' });
  });

  it('accepts a number right before ] (nats-server 2.9.10 does not, a lexer bug there)', () => {
    assert.deepEqual(plain('a: [1]\nb: [1k]'), { a: [1], b: [1000] });
  });

  it('treats booleans case-insensitively but never inside quotes', () => {
    assert.deepEqual(plain('a: TRUE\nb: "true"\nc: Off'), { a: true, b: 'true', c: false });
  });

  it('reads quoted keys and keys followed by a newline before the value', () => {
    assert.deepEqual(plain('"a b": 1\n\'c\' = 2\nport\n4222'), { 'a b': 1, c: 2, port: 4222 });
  });

  it('lets top-level keys sit inside braces', () => {
    assert.deepEqual(plain('{\n  port: 4222\n}\n'), { port: 4222 });
  });

  it('records positions of keys and values (1-based lines and columns)', () => {
    const result = parse('a: 1\n  nested {\n    inner: "x"\n  }\n');
    const nested = result.value.entries.get('nested');
    assert.deepEqual(nested?.keyPosition, { file: 't.conf', line: 2, column: 3 });
    assert.deepEqual(nested?.value.position, { file: 't.conf', line: 2, column: 10 });
    const inner = (nested?.value as ConfMapNode).entries.get('inner');
    assert.deepEqual(inner?.keyPosition, { file: 't.conf', line: 3, column: 5 });
    assert.deepEqual(inner?.value.position, { file: 't.conf', line: 3, column: 12 });
  });

  it('keeps the source text of sizes', () => {
    const entry = parse('max_payload: 2MB').value.entries.get('max_payload');
    assert.equal(entry?.value.kind, 'integer');
    assert.equal(entry?.value.kind === 'integer' && entry.value.text, '2MB');
  });
});

describe('config parser - units', () => {
  const cases: [string, number][] = [
    ['1', 1], ['1K', 1000], ['1k', 1000], ['1KB', 1024], ['1kb', 1024], ['1Kb', 1024], ['1KiB', 1024], ['1Ki', 1024],
    ['1ki', 1024], ['1M', 1_000_000], ['1MB', 1_048_576], ['1MiB', 1_048_576], ['1Mi', 1_048_576], ['2mb', 2_097_152],
    ['1G', 1e9], ['1GB', 2 ** 30], ['1GiB', 2 ** 30], ['1T', 1e12], ['1TB', 2 ** 40], ['1P', 1e15], ['1PB', 2 ** 50],
    ['1E', 1e18], ['7EB', 7 * 2 ** 60], ['-1MB', -1_048_576], ['-1', -1], ['007', 7], ['9223372036854775807', 2 ** 63 - 1],
  ];
  for (const [text, value] of cases) {
    it(`${text} = ${value}`, () => {
      assert.deepEqual(plain(`v: ${text}`), { v: value });
    });
  }

  it('rejects suffixes nats-server lexes but gives no meaning (it silently drops the key)', () => {
    assert.deepEqual(problems('v: 1kbb'), [
      "t.conf:1:4: '1kbb' has an unknown size suffix 'kbb': use K, M, G, T, P, E (powers of 1000) or KB, KiB, MB, MiB, GB, GiB... (powers of 1024)",
    ]);
  });

  it('rejects integers and sizes past the int64 range (nats-server wraps 8EB to a negative number)', () => {
    assert.deepEqual(problems('a: 9223372036854775808\nb: 8EB'), [
      "t.conf:1:4: Integer '9223372036854775808' is out of range.",
      "t.conf:2:4: Size '8EB' is too large.",
    ]);
  });

  it('does not give a float a unit', () => {
    assert.deepEqual(problems('v: 1.5MB'), [
      "t.conf:1:7: Expected a top-level value to end with a new line, comment or EOF, but got 'M' instead.",
    ]);
  });
});

describe('config parser - Go durations', () => {
  const cases: [string, number][] = [
    ['2m', 120_000], ['1h30m', 5_400_000], ['500ms', 500], ['1.5s', 1500], ['-2s', -2000], ['0', 0],
    ['1us', 0.001], ['1µs', 0.001], ['100ns', 0.0001], ['.5s', 500], ['1h1m1s1ms', 3_661_001],
  ];
  for (const [text, milliseconds] of cases) {
    it(`${text} = ${milliseconds} ms`, () => {
      const result = parseGoDuration(text);
      assert.ok(result.ok);
      assert.ok(Math.abs(result.milliseconds - milliseconds) < 1e-9);
    });
  }
  for (const [text, error] of [
    ['5', 'time: missing unit in duration "5"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['', 'time: invalid duration ""'],
    ['s', 'time: invalid duration "s"'],
  ]) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseGoDuration(text as string), { ok: false, error });
    });
  }
});

describe('config parser - variables', () => {
  it('resolves a key defined earlier, from inner maps outwards', () => {
    assert.deepEqual(plain('x: 1\nm { y: $x, n { z: $y } }\nw: $x'), { x: 1, m: { y: 1, n: { z: 1 } }, w: 1 });
  });

  it('does not see keys of a map from outside it, nor keys defined later', () => {
    assert.deepEqual(problems('m { a: 1 }\nb: $a'), [
      "t.conf:2:4: Variable reference for 'a' can not be found: no key 'a' earlier in this file's enclosing maps and no environment variable a",
    ]);
    assert.equal(problems('b: $later\nlater: 1').length, 1);
  });

  it('is case-sensitive', () => {
    assert.equal(problems('a: 1\nb: $A').length, 1);
  });

  it('reads environment variables as config values (numbers, sizes, booleans, strings)', () => {
    const env = { PORT: '4333', SIZE: '1MB', FLAG: 'yes', NAME: 'natrium', QUOTED: '"two words"', EMPTY: '', REF: '$PORT' };
    assert.deepEqual(plain('a: $PORT\nb: $SIZE\nc: $FLAG\nd: $NAME\ne: $QUOTED\nf: $EMPTY\ng: $REF', { env }), {
      a: 4333, b: 1_048_576, c: true, d: 'natrium', e: 'two words', f: '', g: 4333,
    });
  });

  it('prefers a key in the file over the environment', () => {
    assert.deepEqual(plain('PORT: 1\np: $PORT', { env: { PORT: '2' } }), { PORT: 1, p: 1 });
  });

  it('reports an environment value that is not one config value (as nats-server does)', () => {
    assert.deepEqual(problems('a: $WORDS', { env: { WORDS: 'two words' } }), [
      "t.conf:1:4: Variable reference for 'WORDS' could not be parsed from the environment: Expected a top-level value to end with a new line, comment or EOF, but got 'w' instead.",
    ]);
  });

  it('reports an environment variable that refers to itself', () => {
    assert.deepEqual(problems('a: $LOOP', { env: { LOOP: '$LOOP' } }), [
      "t.conf:1:4: Variable reference for 'LOOP' could not be parsed from the environment: Variable reference for 'LOOP' refers to itself through the environment",
    ]);
  });

  it('marks referenced entries and positions the value at the reference', () => {
    const result = parse('v: 5\nport: $v');
    assert.equal(result.value.entries.get('v')?.referenced, true);
    assert.equal(result.value.entries.get('port')?.referenced, false);
    assert.deepEqual(result.value.entries.get('port')?.value.position, { file: 't.conf', line: 2, column: 7 });
  });

  it('leaves bcrypt hashes ($2a$...) alone', () => {
    assert.deepEqual(plain('password: $2a$11$abcdefghijklmnopqrstuv'), { password: '$2a$11$abcdefghijklmnopqrstuv' });
  });

  it('does not expand variables inside quotes or blocks', () => {
    assert.deepEqual(plain('a: "$x"\nb: \'$x\''), { a: '$x', b: '$x' });
  });
});

describe('config parser - includes', () => {
  it('reads includes relative to the including file, nested, and shares their keys as variables', () => {
    const result = parseConfigFile(path.join(FIXTURES, 'full.conf'), { env: {} });
    assert.deepEqual(result.errors, []);
    const value = toPlainValue(result.value) as Record<string, unknown>;
    assert.equal(value['max_subscriptions'], 100);
    assert.equal(value['lame_duck_grace_period'], '5s');
    assert.equal(value['lame_duck_duration'], '45s');
    const grace = result.value.entries.get('lame_duck_grace_period');
    assert.equal(grace?.keyPosition.file, path.join(FIXTURES, 'includes/nested/more.conf'));
    assert.equal(grace?.keyPosition.line, 1);
  });

  function memoryFiles(files: Record<string, string>): ParseOptions {
    return {
      readFile: (file) => {
        const text = files[path.resolve(file)];
        if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
        return text;
      },
    };
  }

  it('merges an include into the map it appears in', () => {
    const files = { [path.resolve('/c/users.conf')]: 'user: a\npassword: b\n' };
    assert.deepEqual(plain('authorization {\n  include users.conf\n  timeout: 2\n}', { file: '/c/main.conf', ...memoryFiles(files) }), {
      authorization: { user: 'a', password: 'b', timeout: 2 },
    });
  });

  it('accepts quoted include paths and the keyword in any case', () => {
    const files = { [path.resolve('/c/a.conf')]: 'a: 1', [path.resolve('/c/b.conf')]: 'b: 2', [path.resolve('/c/c.conf')]: 'c: 3' };
    assert.deepEqual(plain('include "a.conf"\ninclude \'b.conf\'\nINCLUDE c.conf', { file: '/c/main.conf', ...memoryFiles(files) }), { a: 1, b: 2, c: 3 });
  });

  it('does not let an included file see the includer\'s variables (nats-server parses it on its own)', () => {
    const files = { [path.resolve('/c/inc.conf')]: 'port: $p\n' };
    assert.deepEqual(problems('p: 1\ninclude inc.conf', { file: '/c/main.conf', ...memoryFiles(files) }), [
      "/c/inc.conf:1:7: Variable reference for 'p' can not be found: no key 'p' earlier in this file's enclosing maps and no environment variable p",
    ]);
  });

  it('reports a missing include at the include, and positions errors inside includes in their own file', () => {
    const files = { [path.resolve('/c/bad.conf')]: 'ok: 1\nlist: [1,,2]\n' };
    assert.deepEqual(problems('include nothere.conf\ninclude bad.conf', { file: '/c/main.conf', ...memoryFiles(files) }), [
      "/c/main.conf:1:9: Error parsing include file 'nothere.conf': ENOENT: no such file or directory, open '/c/nothere.conf'",
      "/c/bad.conf:2:10: Unexpected array value terminator ','.",
    ]);
  });

  it('reports include cycles instead of recursing', () => {
    const files = { [path.resolve('/c/main.conf')]: 'include other.conf', [path.resolve('/c/other.conf')]: 'include main.conf' };
    const result = parseConfigFile('/c/main.conf', { env: {}, ...memoryFiles(files) });
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]?.message ?? '', /^\/c\/other\.conf:1:9: Include cycle: .*main\.conf -> .*other\.conf -> .*main\.conf$/);
  });

  it('reports an include with no path', () => {
    assert.deepEqual(problems('include \nport: 1'), ['t.conf:1:9: Expected include value but found new line']);
  });
});

describe('config parser - errors with line and column', () => {
  const cases: [string, string[]][] = [
    ['port:\nhost: x', ['t.conf:1:6: Expected value but found new line']],
    ['a: [1,,2]', ["t.conf:1:7: Unexpected array value terminator ','."]],
    ['a: [1 2]', ["t.conf:1:7: Expected an array value terminator ',' or an array terminator ']', but got '2' instead."]],
    ['m {\n  a: 1 2\n}', ["t.conf:2:8: Expected a map value terminator ',' or a map terminator '}', but got '2' instead."]],
    ['a: "abc', ['t.conf:1:4: Unexpected EOF: this string is never closed']],
    ["a: 'abc\n\nb: 1", ['t.conf:1:4: Unexpected EOF: this string is never closed']],
    ['a: "x\\qy"', ["t.conf:1:7: Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\."]],
    ['a: "\\x4g"', ["t.conf:1:7: Expected two hexadecimal digits after '\\x', but got '4g'"]],
    ['a: (\nno end', ["t.conf:1:4: Unexpected EOF processing block: it ends with a ')' alone at the start of a line"]],
    ['a: .5', ['t.conf:1:4: Floats must start with a digit']],
    ['a: 1.', ["t.conf:1:6: Floats must have a digit after the '.', but got 'EOF' instead."]],
    ['a: -x', ["t.conf:1:5: Expected a digit but got 'x'."]],
    ['a: 202-01-01', ['t.conf:1:7: All ISO8601 dates must be in full Zulu form.']],
    ['a: 2020-01-01', ["t.conf:1:14: Expected 'T' in ISO8601 datetime, but found 'EOF' instead."]],
    ['a: 2020-13-01T00:00:00Z', ["t.conf:1:4: Expected Zulu formatted DateTime, but got '2020-13-01T00:00:00Z'."]],
    ['a: 2020-02-31T00:00:00Z', ["t.conf:1:4: Expected Zulu formatted DateTime, but got '2020-02-31T00:00:00Z'."]],
    ['m {\n  a: 1\n', ['t.conf:3:1: Unexpected EOF processing map (opened at line 1)']],
    ['a: [1,\n 2', ['t.conf:2:3: Unexpected EOF processing array (opened at line 1)']],
    ['m { a: 1 ] }', ["t.conf:1:10: Expected a map value terminator ',' or a map terminator '}', but got ']' instead."]],
    ['m { a: }', ['t.conf:1:8: Missing value for key "a"']],
    [': 1', ["t.conf:1:1: Unexpected key separator ':'."]],
    ['}', ["t.conf:1:1: Unexpected '}' outside of any map"]],
    ['x: $nope', ["t.conf:1:4: Variable reference for 'nope' can not be found: no key 'nope' earlier in this file's enclosing maps and no environment variable nope"]],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      assert.deepEqual(problems(text), expected);
    });
  }

  it('goes on after an error and reports the next ones too', () => {
    const text = 'a: [1,,2]\nb: 2\nc: "bad \\q"\nd { e: 1 2 }\nf: 6\n';
    const result = parse(text);
    assert.deepEqual(result.errors.map((error) => `${error.line}:${error.column}`), ['1:7', '3:10', '4:10']);
    assert.deepEqual(toPlainValue(result.value), { a: [1], b: 2, d: { e: 1 }, f: 6 });
  });

  it('warns (nats-server accepts it) when a top-level brace is never closed', () => {
    const result = parse('{ port: 1');
    assert.deepEqual(result.errors.map((error) => [error.severity, error.message]), [
      ['warning', "t.conf:1:10: a top-level '{' is never closed; nats-server accepts this"],
    ]);
  });

  it('stops after maxErrors', () => {
    const result = parse(Array.from({ length: 50 }, () => 'a: [1,,2]').join('\n'), { maxErrors: 10 });
    assert.equal(result.errors.length, 10);
  });

  it('reports a config file it can not open', () => {
    const result = parseConfigFile(path.join(FIXTURES, 'does-not-exist.conf'));
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]?.message ?? '', /^error opening config file: ENOENT/);
  });
});
