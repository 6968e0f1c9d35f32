// Character-level scanning of the nats-server config format: keys, scalar values, include paths, comments.
//
// The format is context sensitive (a key and a value are read by different rules), so this is not a
// token stream: the parser asks for "a key here" or "a value here". The rules follow nats-server's
// conf/lex.go so that a file nats-server accepts reads the same way here; the few places where we are
// deliberately stricter or more lenient are noted where they happen. Problems are thrown as
// ConfigError with the position where scanning stopped; the parser catches them and recovers.
import { ConfigError, type ConfigPosition } from './config-error.js';

export type ValueToken =
  | { type: 'string'; value: string; position: ConfigPosition }
  | { type: 'integer'; text: string; position: ConfigPosition }
  | { type: 'float'; text: string; position: ConfigPosition }
  | { type: 'bool'; value: boolean; position: ConfigPosition }
  | { type: 'datetime'; text: string; position: ConfigPosition }
  | { type: 'variable'; name: string; position: ConfigPosition }
  | { type: 'arrayStart'; position: ConfigPosition }
  | { type: 'mapStart'; position: ConfigPosition };

export interface KeyToken {
  key: string;
  position: ConfigPosition;
  quoted: boolean;
}

export interface IncludeToken {
  path: string;
  position: ConfigPosition;
}

interface ScannerMark {
  index: number;
  line: number;
  lineStart: number;
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, yes: true, on: true, false: false, no: false, off: false };
/** Letters that turn a number into a size (`1k`, `2MB`, `3GiB`); see sizeSuffixMultiplier. */
const SIZE_LETTERS = 'kKmMgGtTpPeE';
const DATE_SHAPE = '00-00T00:00:00Z'; // what follows "YYYY-"; '0' stands for any digit

/** Go's unicode.IsSpace: ASCII blanks and newlines plus the Unicode spaces. */
export function isSpace(char: string): boolean {
  switch (char) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
    case '\u0085': case '\u00a0': case '\u1680': case '\u2028': case '\u2029':
    case '\u202f': case '\u205f': case '\u3000':
      return true;
    default:
      return char >= '\u2000' && char <= '\u200a';
  }
}

export function isNewline(char: string): boolean {
  return char === '\n' || char === '\r';
}

function isBlank(char: string): boolean {
  return char === ' ' || char === '\t';
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9' && char.length === 1;
}

/** How a character is shown inside an error message. */
function show(char: string): string {
  if (char === '') return 'EOF';
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  return char;
}

export class ConfScanner {
  readonly text: string;
  readonly file: string;
  private index = 0;
  private line = 1;
  private lineStart = 0;

  constructor(text: string, file: string) {
    // A UTF-8 byte order mark is not content.
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.file = file;
  }

  get atEnd(): boolean {
    return this.index >= this.text.length;
  }

  /** The character `offset` places ahead, or '' past the end. */
  peek(offset = 0): string {
    return this.text[this.index + offset] ?? '';
  }

  advance(): string {
    const char = this.text[this.index] ?? '';
    if (char === '') return char;
    this.index++;
    if (char === '\n') {
      this.line++;
      this.lineStart = this.index;
    }
    return char;
  }

  position(): ConfigPosition {
    return { file: this.file, line: this.line, column: this.index - this.lineStart + 1 };
  }

  fail(reason: string, position: ConfigPosition = this.position()): never {
    throw new ConfigError(reason, position);
  }

  private mark(): ScannerMark {
    return { index: this.index, line: this.line, lineStart: this.lineStart };
  }

  private reset(mark: ScannerMark): void {
    this.index = mark.index;
    this.line = mark.line;
    this.lineStart = mark.lineStart;
  }

  /** Spaces and tabs only (a value must start on its key's line, as in nats-server). */
  skipBlanks(): void {
    while (isBlank(this.peek())) this.advance();
  }

  /** Any white space, newlines included. */
  skipSpaces(): void {
    while (!this.atEnd && isSpace(this.peek())) this.advance();
  }

  atComment(): boolean {
    const char = this.peek();
    return char === '#' || (char === '/' && this.peek(1) === '/');
  }

  /** From `#` or `//` to the end of the line; the newline itself is left for the caller. */
  skipComment(): void {
    while (!this.atEnd && !isNewline(this.peek())) this.advance();
  }

  skipSpaceAndComments(): void {
    for (;;) {
      this.skipSpaces();
      if (!this.atComment()) return;
      this.skipComment();
    }
  }

  /**
   * Error recovery: drop the rest of the current line (always consumes at least one character). With
   * `close` (`]` or `}`), stop right after the first unmatched one on that line instead and return
   * true, so that a one-line array or map with a mistake in it does not swallow the lines after it.
   */
  skipToNextLine(close?: ']' | '}'): boolean {
    const open = close === ']' ? '[' : '{';
    let depth = 0;
    while (!this.atEnd) {
      const char = this.advance();
      if (char === '\n') return false;
      if (close === undefined) continue;
      if (char === open) depth++;
      else if (char === close && depth-- === 0) return true;
    }
    return false;
  }

  /** A key: quoted ("..." or '...', no escapes) or bare, which runs until white space, `:` or `=`. */
  readKey(): KeyToken {
    const position = this.position();
    const quote = this.peek();
    if (quote === '"' || quote === "'") {
      this.advance();
      let key = '';
      while (this.peek() !== quote) {
        if (this.atEnd) this.fail('Unexpected EOF: this quoted key is never closed', position);
        key += this.advance();
      }
      this.advance();
      return { key, position, quoted: true };
    }
    let key = '';
    for (let char = this.peek(); char !== '' && !isSpace(char) && char !== ':' && char !== '='; char = this.peek()) {
      key += this.advance();
    }
    return { key, position, quoted: false };
  }

  /** The path after the `include` keyword: quoted (no escapes) or bare up to white space, `;` or `}`. */
  readIncludePath(): IncludeToken {
    const position = this.position();
    const char = this.peek();
    if (char === "'" || char === '"') {
      this.advance();
      let path = '';
      while (this.peek() !== char) {
        if (this.atEnd) this.fail('Unexpected EOF in quoted include path', position);
        path += this.advance();
      }
      this.advance();
      return { path, position };
    }
    if (char === '') this.fail('Expected include value but found end of file');
    if (isNewline(char)) this.fail('Expected include value but found new line');
    if (char === '[') this.fail('Expected include value but found start of an array');
    if (char === '{') this.fail('Expected include value but found start of a map');
    if (char === '(') this.fail('Expected include value but found start of a block');
    if (isDigit(char) || char === '-') this.fail('Expected include value but found start of a number');
    if (char === '\\') this.fail('Expected include value but found escape sequence');
    let path = '';
    for (let next = this.peek(); next !== '' && !isNewline(next) && !isBlank(next) && next !== ';' && next !== '}'; next = this.peek()) {
      this.advance();
      if (next === "'") break; // nats-server ends a bare path at a quote and drops the quote
      path += next;
    }
    return { path, position };
  }

  /** One value, starting at the current character (blanks already skipped by the caller). */
  readValue(): ValueToken {
    const position = this.position();
    const char = this.peek();
    if (char === '') this.fail('Expected a value but found end of file');
    if (isNewline(char)) this.fail('Expected value but found new line');
    switch (char) {
      case '[':
        this.advance();
        return { type: 'arrayStart', position };
      case '{':
        this.advance();
        return { type: 'mapStart', position };
      case "'":
        return this.readSingleQuoted(position);
      case '"':
        return this.readDoubleQuoted(position);
      case '(':
        return this.readBlock(position);
      case '-':
        return this.readNegativeNumber(position);
      case '.':
        this.fail('Floats must start with a digit');
    }
    if (isDigit(char)) return this.readNumberOrWord(position);
    return this.readBareString(position);
  }

  /** '...' is taken literally, newlines included. */
  private readSingleQuoted(position: ConfigPosition): ValueToken {
    this.advance();
    let value = '';
    while (this.peek() !== "'") {
      if (this.atEnd) this.fail('Unexpected EOF: this string is never closed', position);
      value += this.advance();
    }
    this.advance();
    return { type: 'string', value, position };
  }

  /** "..." understands \t \n \r \" \\ and \xHH; newlines are kept. */
  private readDoubleQuoted(position: ConfigPosition): ValueToken {
    this.advance();
    let value = '';
    for (;;) {
      const char = this.peek();
      if (char === '') this.fail('Unexpected EOF: this string is never closed', position);
      this.advance();
      if (char === '"') return { type: 'string', value, position };
      value += char === '\\' ? this.readEscape() : char;
    }
  }

  /** After a backslash (already consumed). Problems point at the character after the backslash. */
  private readEscape(): string {
    const at = this.position();
    const char = this.advance();
    switch (char) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case '"': return '"';
      case '\\': return '\\';
      case 'x': {
        const digits = this.peek() + this.peek(1);
        if (isNewline(this.peek()) || isNewline(this.peek(1))) {
          this.fail("Expected two hexadecimal digits after '\\x', but hit end of line");
        }
        if (!/^[0-9a-fA-F]{2}$/.test(digits)) this.fail(`Expected two hexadecimal digits after '\\x', but got '${digits}'`);
        this.advance();
        this.advance();
        return String.fromCharCode(parseInt(digits, 16));
      }
    }
    return this.fail(
      `Invalid escape character '${show(char)}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.`,
      at,
    );
  }

  /**
   * `( ... )` is a raw multi-line string that ends at a `)` alone at the start of a line. The value is
   * everything between `(` and the newline before that `)`.
   */
  private readBlock(position: ConfigPosition): ValueToken {
    this.advance();
    const start = this.index;
    for (;;) {
      if (this.atEnd) this.fail("Unexpected EOF processing block: it ends with a ')' alone at the start of a line", position);
      const char = this.advance();
      if (char !== ')') continue;
      const closeIndex = this.index - 1;
      const after = this.peek();
      // nats-server wants "\n)" then "\n" or end of file; we also accept "\r\n" after it.
      const alone = this.text[closeIndex - 1] === '\n' && (after === '' || after === '\n' || (after === '\r' && this.peek(1) === '\n'));
      if (alone && closeIndex - 1 >= start) {
        return { type: 'string', value: this.text.slice(start, closeIndex - 1), position };
      }
    }
  }

  /** A character that may follow a number (anything else makes the word a string, or an error). */
  private endsNumber(char: string): boolean {
    // nats-server 2.9 also needs this list to hold ']', otherwise `[1]` is a parse error there.
    return char === '' || isNewline(char) || isBlank(char) || char === '}' || char === ']' || char === ';' || char === ',';
  }

  /** After the size letter: any run of b/B/i/I, then the number must end, or the word is a string. */
  private finishSizeOrWord(start: ScannerMark, position: ConfigPosition): ValueToken {
    this.advance();
    while ('bBiI'.includes(this.peek()) && this.peek() !== '') this.advance();
    if (this.endsNumber(this.peek()) || isDigit(this.peek())) {
      return { type: 'integer', text: this.text.slice(start.index, this.index), position };
    }
    this.reset(start);
    return this.readBareString(position);
  }

  /** Digits: an integer (maybe with a size suffix), a float, an IPv4 address, a datetime, or a word like `1x`. */
  private readNumberOrWord(position: ConfigPosition): ValueToken {
    const start = this.mark();
    while (isDigit(this.peek())) this.advance();
    const char = this.peek();
    if (char === '-') {
      if (this.index - start.index !== 4) this.fail('All ISO8601 dates must be in full Zulu form.');
      return this.readDateAfterYear(start, position);
    }
    if (char === '.') return this.readFloatOrAddress(start, position);
    if (char !== '' && SIZE_LETTERS.includes(char)) return this.finishSizeOrWord(start, position);
    if (this.endsNumber(char)) return { type: 'integer', text: this.text.slice(start.index, this.index), position };
    this.reset(start);
    return this.readBareString(position);
  }

  private readNegativeNumber(position: ConfigPosition): ValueToken {
    const start = this.mark();
    this.advance();
    const first = this.peek();
    if (!isDigit(first)) {
      if (first === '.') this.fail("Floats must start with a digit, not '.'.");
      this.fail(`Expected a digit but got '${show(first)}'.`);
    }
    while (isDigit(this.peek())) this.advance();
    const char = this.peek();
    if (char === '.') return this.readFloatOrAddress(start, position);
    if (char !== '' && SIZE_LETTERS.includes(char)) return this.finishSizeOrWord(start, position);
    return { type: 'integer', text: this.text.slice(start.index, this.index), position };
  }

  /** At the '.' after some digits. A second '.' makes it an address such as 127.0.0.1:4222 (a string). */
  private readFloatOrAddress(start: ScannerMark, position: ConfigPosition): ValueToken {
    this.advance();
    if (!isDigit(this.peek())) this.fail(`Floats must have a digit after the '.', but got '${show(this.peek())}' instead.`);
    while (isDigit(this.peek())) this.advance();
    if (this.peek() !== '.') return { type: 'float', text: this.text.slice(start.index, this.index), position };
    for (let char = this.peek(); isDigit(char) || char === '.' || char === ':' || char === '-'; char = this.peek()) {
      this.advance();
    }
    return { type: 'string', value: this.text.slice(start.index, this.index), position };
  }

  /** At the '-' after a four digit year: the rest must be exactly MM-DDTHH:MM:SSZ. */
  private readDateAfterYear(start: ScannerMark, position: ConfigPosition): ValueToken {
    this.advance();
    for (const expected of DATE_SHAPE) {
      const char = this.peek();
      if (expected === '0') {
        if (!isDigit(char)) this.fail(`Expected digit in ISO8601 datetime, but found '${show(char)}' instead.`);
      } else if (char !== expected) {
        this.fail(`Expected '${expected}' in ISO8601 datetime, but found '${show(char)}' instead.`);
      }
      this.advance();
    }
    return { type: 'datetime', text: this.text.slice(start.index, this.index), position };
  }

  /**
   * An unquoted word. It ends at white space, `,` `;` `]` `}` or a single quote (dropped, as nats-server
   * does). Backslash escapes work as in double quotes. Without escapes, true/false/yes/no/on/off (any
   * case) are booleans and `$name` is a variable reference.
   */
  private readBareString(position: ConfigPosition): ValueToken {
    let value = '';
    let escaped = false;
    let endedByQuote = false;
    for (;;) {
      const char = this.peek();
      if (char === '' || isNewline(char) || isBlank(char) || char === ',' || char === ';' || char === ']' || char === '}') break;
      this.advance();
      if (char === "'") {
        endedByQuote = true;
        break;
      }
      if (char === '\\') {
        value += this.readEscape();
        escaped = true;
      } else {
        value += char;
      }
    }
    if (!escaped && !endedByQuote) {
      const bool = BOOLEAN_WORDS[value.toLowerCase()];
      if (bool !== undefined) return { type: 'bool', value: bool, position };
      if (value.startsWith('$')) return { type: 'variable', name: value.slice(1), position };
    }
    return { type: 'string', value, position };
  }
}
