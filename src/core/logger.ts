// Log lines in nats-server's format: `[pid] 2006/01/02 15:04:05.000000 [INF] text`, to stderr or a file.

import fs from 'node:fs';

export interface LoggerOptions {
  debug: boolean;
  trace: boolean;
  /** Whether lines carry a timestamp (nats-server's -T, on by default). */
  logtime: boolean;
  logFile?: string;
  /** Rotate the log file past this many bytes; 0 = never. */
  logSizeLimit?: number;
}

export class Logger {
  debugEnabled: boolean;
  traceEnabled: boolean;
  private logtime: boolean;
  private readonly pidPrefix = `[${process.pid}] `;
  private fileDescriptor: number | null = null;
  private filePath: string | undefined;
  private fileBytes = 0;
  private sizeLimit = 0;

  constructor(options: LoggerOptions) {
    this.debugEnabled = options.debug;
    this.traceEnabled = options.trace;
    this.logtime = options.logtime;
    this.configure(options);
  }

  /** Applies new options (used on reload). */
  configure(options: LoggerOptions): void {
    this.debugEnabled = options.debug;
    this.traceEnabled = options.trace;
    this.logtime = options.logtime;
    this.sizeLimit = options.logSizeLimit ?? 0;
    if (options.logFile !== this.filePath) {
      this.closeFile();
      this.filePath = options.logFile;
      if (this.filePath !== undefined) this.openFile(this.filePath);
    }
  }

  info(text: string): void {
    this.write('[INF] ', text);
  }
  notice(text: string): void {
    this.write('[INF] ', text);
  }
  warn(text: string): void {
    this.write('[WRN] ', text);
  }
  error(text: string): void {
    this.write('[ERR] ', text);
  }
  fatal(text: string): void {
    this.write('[FTL] ', text);
  }
  debug(text: string): void {
    if (this.debugEnabled) this.write('[DBG] ', text);
  }
  trace(text: string): void {
    if (this.traceEnabled) this.write('[TRC] ', text);
  }

  close(): void {
    this.closeFile();
  }

  private write(level: string, text: string): void {
    const line = this.pidPrefix + (this.logtime ? timestamp() + ' ' : '') + level + text + '\n';
    if (this.fileDescriptor === null) {
      process.stderr.write(line);
      return;
    }
    try {
      this.fileBytes += fs.writeSync(this.fileDescriptor, line);
      if (this.sizeLimit > 0 && this.fileBytes > this.sizeLimit) this.rotate();
    } catch {
      process.stderr.write(line);
    }
  }

  private openFile(file: string): void {
    try {
      this.fileDescriptor = fs.openSync(file, 'a');
      this.fileBytes = fs.fstatSync(this.fileDescriptor).size;
    } catch (err) {
      this.fileDescriptor = null;
      process.stderr.write(`${this.pidPrefix}[ERR] cannot open log file ${file}: ${(err as Error).message}\n`);
    }
  }

  /** Like nats-server: the full file is renamed with a timestamp suffix and a new one started. */
  private rotate(): void {
    if (this.filePath === undefined) return;
    this.closeFile();
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '.').replace('Z', '');
    try {
      fs.renameSync(this.filePath, `${this.filePath}.${stamp}`);
    } catch {
      // keep appending to the old file if it cannot be renamed
    }
    this.openFile(this.filePath);
  }

  private closeFile(): void {
    if (this.fileDescriptor !== null) {
      try {
        fs.closeSync(this.fileDescriptor);
      } catch {
        // already closed
      }
      this.fileDescriptor = null;
    }
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Local time as nats-server prints it, to the microsecond: 2006/01/02 15:04:05.000000 */
export function timestamp(): string {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const d = new Date(Math.floor(micros / 1000));
  return `${d.getFullYear()}/${pad(d.getMonth() + 1, 2)}/${pad(d.getDate(), 2)} ${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(micros % 1_000_000, 6)}`;
}
