// Atomic JSON files (temp file, fsync, rename) for stream configs and consumer state.

import fs from 'node:fs';
import path from 'node:path';

/** fsyncs a directory so a rename or unlink in it survives a power loss (ignored where unsupported). */
export function syncDirectory(directory: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/** Writes bytes so that the file holds either its old or its new content, never a mix, even after a crash. */
export function writeFileAtomic(file: string, content: Buffer | string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  syncDirectory(path.dirname(file));
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** The parsed file, or null if it does not exist. Throws on unreadable or invalid JSON. */
export function readJson<T = unknown>(file: string): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return JSON.parse(text) as T;
}
