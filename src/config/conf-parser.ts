// Parses nats-server configuration text into a tree of positioned values, with includes and variables.
//
// API: parseConfigText / parseConfigFile return `{ value, errors }`; they never throw for bad input.
// `errors` holds ConfigError objects (severity 'error' or 'warning'), each with file:line:column.
// After a syntax error the parser skips the rest of that line and goes on, so one run reports
// several problems.
//
// Semantics follow nats-server 2.9 (conf/parse.go):
//  - `$name` looks in the enclosing maps (innermost first) for a key defined earlier, then in the
//    environment; an environment value is read as a config value (so `4222` is a number, `1MB` a size).
//    `$2a$...` is a bcrypt hash, not a variable.
//  - `include path` reads a file relative to the including file and merges its top-level keys into
//    the current map. The included file is parsed on its own: it does not see the includer's
//    variables (only the environment), but the includer sees its keys afterwards.
//  - a key given twice keeps its last value.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigPosition } from './config-error.js';
import { ConfScanner, isSpace, isNewline, type IncludeToken } from './conf-lexer.js';
import {
  INT64_MAX,
  INT64_MIN,
  sizeSuffixMultiplier,
  type ConfArrayNode,
  type ConfMapNode,
  type ConfNode,
} from './conf-values.js';

export interface ParseOptions {
  /** Name used in positions and as the base of relative includes. Default `<config>` (includes from the cwd). */
  file?: string;
  /** Where `$NAME` falls back to. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads an included file. Default: fs.readFileSync as UTF-8. */
  readFile?: (file: string) => string;
  /** Stop after this many errors. Default 100. */
  maxErrors?: number;
}

export interface ParseResult {
  value: ConfMapNode;
  errors: ConfigError[];
}

const MAX_NESTING = 100;
const MAX_INCLUDE_DEPTH = 32;
/** Keys whose values are secrets: a syntax error in their value must not quote the value. */
const SECRET_KEYS = /^(pass|password|token)$/i;

/** The same problem with every 'quoted' piece of text replaced, so that a secret value is not printed. */
function redacted(error: ConfigError): ConfigError {
  return new ConfigError(error.reason.replace(/'[^']*'/g, "'[REDACTED]'"), error.position, error.severity);
}

/** State shared by a document and the documents it includes. */
interface SharedState {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (file: string) => string;
  errors: ConfigError[];
  maxErrors: number;
  /** Absolute paths of the files being parsed, outermost first, to catch include cycles. */
  includeStack: string[];
  /** Environment variables being expanded, to catch `A=$A`. */
  envStack: string[];
}

export function parseConfigText(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.file ?? '<config>';
  const shared: SharedState = {
    env: options.env ?? process.env,
    readFile: options.readFile ?? ((name) => readFileSync(name, 'utf8')),
    errors: [],
    maxErrors: options.maxErrors ?? 100,
    includeStack: file.startsWith('<') ? [] : [path.resolve(file)],
    envStack: [],
  };
  const value = new DocumentParser(text, file, shared).parseDocument();
  return { value, errors: shared.errors };
}

export function parseConfigFile(file: string, options: Omit<ParseOptions, 'file'> = {}): ParseResult {
  const readFile = options.readFile ?? ((name: string) => readFileSync(name, 'utf8'));
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const reason = `error opening config file: ${(error as Error).message}`;
    return { value: emptyMap({ file, line: 1, column: 1 }), errors: [new ConfigError(reason)] };
  }
  return parseConfigText(text, { ...options, file, readFile });
}

function emptyMap(position: ConfigPosition): ConfMapNode {
  return { kind: 'map', entries: new Map(), position };
}

/** The same value seen from another place (a `$variable` reference): positions name the reference. */
function valueAt(node: ConfNode, position: ConfigPosition): ConfNode {
  return { ...node, position };
}

function setEntry(map: ConfMapNode, key: string, keyPosition: ConfigPosition, value: ConfNode): void {
  map.entries.delete(key); // a repeated key moves to the end: last one wins, in file order
  map.entries.set(key, { key, keyPosition, value, referenced: false });
}

class DocumentParser {
  private readonly scanner: ConfScanner;
  private readonly file: string;
  private readonly shared: SharedState;
  /** Maps being filled, outermost first: where `$name` is looked up. */
  private readonly scopes: ConfMapNode[] = [];
  private readonly errorsAtStart: number;

  constructor(text: string, file: string, shared: SharedState) {
    this.scanner = new ConfScanner(text, file);
    this.file = file;
    this.shared = shared;
    this.errorsAtStart = shared.errors.length;
  }

  parseDocument(): ConfMapNode {
    const root = emptyMap({ file: this.file, line: 1, column: 1 });
    this.scopes.push(root);
    const scanner = this.scanner;
    // nats-server lets the whole file (or any run of top-level keys) sit inside braces.
    let braceDepth = 0;
    while (!this.tooManyErrors()) {
      try {
        scanner.skipSpaceAndComments();
        const char = scanner.peek();
        if (char === '') break;
        if (char === '{') {
          scanner.advance();
          braceDepth++;
          continue;
        }
        if (char === '}') {
          if (braceDepth === 0) scanner.fail("Unexpected '}' outside of any map");
          scanner.advance();
          braceDepth--;
          continue;
        }
        this.parseEntry(root, 'top', 0);
        scanner.skipBlanks();
        if (scanner.atComment()) scanner.skipComment();
        const end = scanner.peek();
        if (end === '') break;
        if (isNewline(end) || end === ';' || end === ',') {
          scanner.advance();
        } else if (end === '}') {
          scanner.advance();
          if (braceDepth > 0) braceDepth--;
          else this.warn("a '}' with no matching '{' ends this value; nats-server ignores it", scanner.position());
        } else {
          scanner.fail(`Expected a top-level value to end with a new line, comment or EOF, but got '${end}' instead.`);
        }
      } catch (error) {
        this.recover(error);
      }
    }
    if (braceDepth > 0 && !this.hadErrors()) {
      this.warn("a top-level '{' is never closed; nats-server accepts this", scanner.position());
    }
    this.scopes.pop();
    return root;
  }

  /** `key [:|=] value`, or `include path`, into `map`. */
  private parseEntry(map: ConfMapNode, context: 'top' | 'map', depth: number): void {
    const scanner = this.scanner;
    const first = scanner.peek();
    if (first === ':' || first === '=') scanner.fail(`Unexpected key separator '${first}'.`);
    const key = scanner.readKey();
    if (!key.quoted && key.key.toLowerCase() === 'include' && isSpace(scanner.peek())) {
      scanner.skipBlanks();
      this.includeFile(scanner.readIncludePath(), map);
      return;
    }
    // The separator is optional and may follow white space, even a newline ("port\n4222" is port=4222).
    scanner.skipSpaces();
    const separator = scanner.peek();
    if (separator === ':' || separator === '=') scanner.advance();
    if (context === 'top') {
      scanner.skipBlanks();
    } else {
      scanner.skipSpaces(); // inside a map the value may sit on the next line
      const char = scanner.peek();
      if (char === ',') scanner.fail("Unexpected map value terminator ','.");
      if (char === '}') scanner.fail(`Missing value for key "${key.key}"`);
    }
    if (scanner.atEnd) scanner.fail(`Missing value for key "${key.key}" at end of file`);
    if (!SECRET_KEYS.test(key.key)) {
      const value = this.parseValue(depth);
      if (value) setEntry(map, key.key, key.position, value);
      return;
    }
    const errors = this.shared.errors;
    const before = errors.length;
    let value: ConfNode | undefined;
    try {
      value = this.parseValue(depth);
    } catch (error) {
      throw error instanceof ConfigError ? redacted(error) : error;
    } finally {
      for (let index = before; index < errors.length; index++) errors[index] = redacted(errors[index] as ConfigError);
    }
    if (value) setEntry(map, key.key, key.position, value);
  }

  /** One value; undefined when it was reported as an error but parsing can go on (e.g. unknown variable). */
  private parseValue(depth: number): ConfNode | undefined {
    const token = this.scanner.readValue();
    switch (token.type) {
      case 'arrayStart':
        if (depth >= MAX_NESTING) this.scanner.fail(`Maps and arrays nested more than ${MAX_NESTING} deep`, token.position);
        return this.parseArray(token.position, depth + 1);
      case 'mapStart':
        if (depth >= MAX_NESTING) this.scanner.fail(`Maps and arrays nested more than ${MAX_NESTING} deep`, token.position);
        return this.parseMap(token.position, depth + 1);
      case 'string':
        return { kind: 'string', value: token.value, position: token.position };
      case 'bool':
        return { kind: 'bool', value: token.value, position: token.position };
      case 'integer':
        return this.integerNode(token.text, token.position);
      case 'float': {
        const value = Number(token.text);
        if (!Number.isFinite(value)) return this.error(`Float '${token.text}' is out of range.`, token.position);
        return { kind: 'float', value, position: token.position };
      }
      case 'datetime': {
        const value = new Date(token.text);
        // JS would roll 2020-02-31 over to March; Go (and so nats-server) rejects it.
        if (Number.isNaN(value.getTime()) || value.toISOString().slice(0, 19) + 'Z' !== token.text) {
          return this.error(`Expected Zulu formatted DateTime, but got '${token.text}'.`, token.position);
        }
        return { kind: 'datetime', value, position: token.position };
      }
      case 'variable':
        return this.resolveVariable(token.name, token.position);
    }
  }

  private parseMap(position: ConfigPosition, depth: number): ConfMapNode {
    const map = emptyMap(position);
    const scanner = this.scanner;
    this.scopes.push(map);
    try {
      while (!this.tooManyErrors()) {
        try {
          scanner.skipSpaceAndComments();
          const char = scanner.peek();
          if (char === '') {
            if (!this.hadErrors()) this.error(`Unexpected EOF processing map (opened at line ${position.line})`, scanner.position());
            break;
          }
          if (char === '}') {
            scanner.advance();
            break;
          }
          if (char === ']') scanner.fail("Unexpected array end ']' processing map.");
          if (char === ',' || char === ';') scanner.fail(`Unexpected '${char}' where a key was expected.`);
          this.parseEntry(map, 'map', depth);
          scanner.skipBlanks();
          if (scanner.atComment()) scanner.skipComment();
          const end = scanner.peek();
          if (end === ',' || end === ';' || isNewline(end)) {
            scanner.advance();
          } else if (end === '}') {
            scanner.advance();
            break;
          } else if (end !== '') {
            scanner.fail(`Expected a map value terminator ',' or a map terminator '}', but got '${end}' instead.`);
          }
        } catch (error) {
          if (this.recover(error, '}')) break;
        }
      }
    } finally {
      this.scopes.pop();
    }
    return map;
  }

  private parseArray(position: ConfigPosition, depth: number): ConfArrayNode {
    const array: ConfArrayNode = { kind: 'array', items: [], position };
    const scanner = this.scanner;
    while (!this.tooManyErrors()) {
      try {
        scanner.skipSpaceAndComments();
        const char = scanner.peek();
        if (char === '') {
          if (!this.hadErrors()) this.error(`Unexpected EOF processing array (opened at line ${position.line})`, scanner.position());
          break;
        }
        if (char === ']') {
          scanner.advance();
          break;
        }
        if (char === ',') scanner.fail("Unexpected array value terminator ','.");
        const value = this.parseValue(depth);
        if (value) array.items.push(value);
        scanner.skipBlanks();
        if (scanner.atComment()) scanner.skipComment();
        const end = scanner.peek();
        if (end === ',' || isNewline(end)) {
          scanner.advance();
        } else if (end === ']') {
          scanner.advance();
          break;
        } else if (end !== '') {
          scanner.fail(`Expected an array value terminator ',' or an array terminator ']', but got '${end}' instead.`);
        }
      } catch (error) {
        if (this.recover(error, ']')) break;
      }
    }
    return array;
  }

  /** `64MB` -> 67108864. Sizes past the int64 range are errors (nats-server silently wraps them). */
  private integerNode(text: string, position: ConfigPosition): ConfNode | undefined {
    const match = /^(-?\d+)(.*)$/.exec(text);
    if (!match) return this.error(`Expected integer, but got '${text}'.`, position);
    const number = BigInt(match[1] ?? '0');
    if (number > INT64_MAX || number < INT64_MIN) return this.error(`Integer '${text}' is out of range.`, position);
    const suffix = match[2] ?? '';
    const multiplier = sizeSuffixMultiplier(suffix);
    if (multiplier === undefined) {
      return this.error(
        `'${text}' has an unknown size suffix '${suffix}': use K, M, G, T, P, E (powers of 1000) or KB, KiB, MB, MiB, GB, GiB... (powers of 1024)`,
        position,
      );
    }
    const value = number * multiplier;
    if (value > INT64_MAX || value < INT64_MIN) return this.error(`Size '${text}' is too large.`, position);
    return { kind: 'integer', value: Number(value), text, position };
  }

  private resolveVariable(name: string, position: ConfigPosition): ConfNode | undefined {
    // Raw bcrypt hashes start with "$2a$"; they need no quoting.
    if (name.startsWith('2a$')) return { kind: 'string', value: '$' + name, position };
    for (let index = this.scopes.length - 1; index >= 0; index--) {
      const entry = this.scopes[index]?.entries.get(name);
      if (entry) {
        entry.referenced = true;
        return valueAt(entry.value, position);
      }
    }
    const fromEnvironment = this.shared.env[name];
    if (fromEnvironment !== undefined) return this.environmentValue(name, fromEnvironment, position);
    return this.error(
      `Variable reference for '${name}' can not be found: no key '${name}' earlier in this file's enclosing maps and no environment variable ${name}`,
      position,
    );
  }

  /** An environment value is parsed as if written `pk=<value>`, like nats-server does. */
  private environmentValue(name: string, text: string, position: ConfigPosition): ConfNode | undefined {
    if (this.shared.envStack.includes(name)) {
      return this.error(`Variable reference for '${name}' refers to itself through the environment`, position);
    }
    if (text.trim() === '') return { kind: 'string', value: '', position };
    const errors: ConfigError[] = [];
    const inner: SharedState = { ...this.shared, errors, maxErrors: 1, envStack: [...this.shared.envStack, name] };
    const parsed = new DocumentParser(`pk=${text}`, `<environment variable ${name}>`, inner).parseDocument();
    const value = parsed.entries.get('pk')?.value;
    if (errors.length > 0 || !value || parsed.entries.size !== 1) {
      const why = errors[0]?.reason ?? 'it is not a single value (quote it to use it as a string)';
      return this.error(`Variable reference for '${name}' could not be parsed from the environment: ${why}`, position);
    }
    return valueAt(value, position);
  }

  private includeFile(include: IncludeToken, target: ConfMapNode): void {
    const base = this.file.startsWith('<') ? process.cwd() : path.dirname(this.file);
    const file = path.isAbsolute(include.path) ? include.path : path.join(base, include.path);
    const absolute = path.resolve(file);
    const stack = this.shared.includeStack;
    if (stack.includes(absolute)) {
      this.error(`Include cycle: ${[...stack, absolute].map((name) => path.relative(process.cwd(), name) || name).join(' -> ')}`, include.position);
      return;
    }
    if (stack.length > MAX_INCLUDE_DEPTH) {
      this.error(`Includes nested more than ${MAX_INCLUDE_DEPTH} deep`, include.position);
      return;
    }
    let text: string;
    try {
      text = this.shared.readFile(file);
    } catch (error) {
      this.error(`Error parsing include file '${include.path}': ${(error as Error).message}`, include.position);
      return;
    }
    stack.push(absolute);
    try {
      const included = new DocumentParser(text, file, this.shared).parseDocument();
      for (const entry of included.entries.values()) setEntry(target, entry.key, entry.keyPosition, entry.value);
    } finally {
      stack.pop();
    }
  }

  /** Records a syntax error and skips ahead; true when the skip consumed the `close` of the current container. */
  private recover(error: unknown, close?: ']' | '}'): boolean {
    if (!(error instanceof ConfigError)) throw error;
    this.shared.errors.push(error);
    return this.scanner.skipToNextLine(close);
  }

  private error(reason: string, position: ConfigPosition): undefined {
    this.shared.errors.push(new ConfigError(reason, position));
    return undefined;
  }

  private warn(reason: string, position: ConfigPosition): void {
    this.shared.errors.push(new ConfigError(reason, position, 'warning'));
  }

  private hadErrors(): boolean {
    return this.shared.errors.length > this.errorsAtStart;
  }

  private tooManyErrors(): boolean {
    return this.shared.errors.length >= this.shared.maxErrors;
  }
}
