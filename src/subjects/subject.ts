// Subject rules: validation of subjects and wildcards, literal checks, and wildcard matching of two subjects.

const DOT = 46;
const STAR = 42;
const GT = 62;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12;
}

/**
 * A subject a subscription may use: non-empty tokens separated by '.', no whitespace,
 * '*' and '>' only as whole tokens, '>' only as the last token.
 */
export function isValidSubject(subject: string): boolean {
  const length = subject.length;
  if (length === 0) return false;
  let tokenStart = 0;
  let sawFullWildcard = false;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? subject.charCodeAt(i) : DOT;
    if (code === DOT) {
      const tokenLength = i - tokenStart;
      if (tokenLength === 0 || sawFullWildcard) return false;
      if (tokenLength === 1 && subject.charCodeAt(tokenStart) === GT) sawFullWildcard = true;
      tokenStart = i + 1;
    } else if (isWhitespace(code)) {
      return false;
    }
  }
  return true;
}

/** A subject a message may be published to: valid and without wildcard tokens. */
export function isValidLiteralSubject(subject: string): boolean {
  return isValidSubject(subject) && isLiteral(subject);
}

/** Whether no token is exactly '*' or '>'. Assumes a valid subject. */
export function isLiteral(subject: string): boolean {
  const length = subject.length;
  for (let i = 0; i < length; i++) {
    const code = subject.charCodeAt(i);
    if ((code === STAR || code === GT) && (i === 0 || subject.charCodeAt(i - 1) === DOT) && (i + 1 === length || subject.charCodeAt(i + 1) === DOT)) {
      return false;
    }
  }
  return true;
}

/** Whether the literal subject `subject` is matched by the (possibly wildcard) subject `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  const last = patternTokens.length - 1;
  for (let i = 0; i <= last; i++) {
    const token = patternTokens[i];
    if (token === '>' && i === last) return subjectTokens.length > i;
    if (i >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[i]) return false;
  }
  return subjectTokens.length === patternTokens.length;
}

/**
 * Whether two subjects, either of which may hold wildcards, can match a common literal subject.
 * Used to keep a match cache correct when a wildcard subscription comes or goes.
 */
export function subjectsCollide(a: string, b: string): boolean {
  const aTokens = a.split('.');
  const bTokens = b.split('.');
  const n = Math.min(aTokens.length, bTokens.length);
  for (let i = 0; i < n; i++) {
    const x = aTokens[i];
    const y = bTokens[i];
    if (x === '>' || y === '>') return true;
    if (x !== y && x !== '*' && y !== '*') return false;
  }
  return aTokens.length === bTokens.length;
}
