// A line diff of two transcripts (longest common subsequence), readable in a failed assertion.

/** Lines of `expected` missing from `actual` start with "-", extra lines of `actual` with "+", shared lines with " ". */
export function diffLines(expected: string[], actual: string[], context = 4): string {
  const rows = expected.length;
  const columns = actual.length;
  // lengths[i][j] = LCS length of expected[i..] and actual[j..]
  const lengths: Uint32Array[] = Array.from({ length: rows + 1 }, () => new Uint32Array(columns + 1));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = columns - 1; j >= 0; j--) {
      lengths[i]![j] = expected[i] === actual[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && expected[i] === actual[j]) {
      lines.push({ mark: ' ', text: expected[i]! });
      i++;
      j++;
    } else if (i < rows && (j >= columns || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      lines.push({ mark: '-', text: expected[i]! });
      i++;
    } else {
      lines.push({ mark: '+', text: actual[j]! });
      j++;
    }
  }
  // Keep changed lines and `context` lines around them.
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.mark === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      if (!skipped) out.push('  …');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${line.mark} ${line.text}`);
  });
  return out.join('\n');
}
