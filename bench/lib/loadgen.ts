// Builds natrium-loadgen from its C source when needed and runs it, returning its one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type LoadgenResult = Record<string, unknown> & { ok: boolean };

/** Compiles the generator if the binary is missing or older than the source. Returns the binary's path. */
export function buildLoadgen(source: string, binary: string, log: (text: string) => void): string {
  const sourceTime = fs.statSync(source).mtimeMs;
  const binaryTime = fs.existsSync(binary) ? fs.statSync(binary).mtimeMs : 0;
  if (binaryTime >= sourceTime) return binary;
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  log(`building ${path.relative(process.cwd(), binary)}`);
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-pthread', '-o', binary, source], { stdio: 'inherit' });
  const check = execFileSync(binary, ['selftest'], { encoding: 'utf8' });
  if (!check.includes('"ok":true')) throw new Error(`natrium-loadgen selftest failed: ${check}`);
  return binary;
}

/**
 * Runs the generator. Exit 0 and 1 both print a JSON line (1 = the run finished but is invalid);
 * anything else becomes `{ ok: false, error }` with what it wrote on stderr.
 */
export function runLoadgen(binary: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<LoadgenResult> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if ((code === 0 || code === 1) && line.startsWith('{')) {
        try {
          const json = JSON.parse(line) as LoadgenResult;
          if (code === 1 && stderr.trim()) json.notes = stderr.trim().slice(-500);
          resolve(json);
          return;
        } catch {
          // fall through: report it as an error
        }
      }
      resolve({ ok: false, error: `loadgen ${args[0]} exited with ${code ?? signal}: ${stderr.trim().slice(-500)}` });
    });
  });
}
