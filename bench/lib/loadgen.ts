// Builds natrium-loadgen from its C source when needed and runs it, returning its one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type LoadgenResult = Record<string, unknown> & { ok: boolean };

/** Compiles the generator (every .c in its folder) if the binary is missing or older than a source. Returns the binary's path. */
export function buildLoadgen(sourceDir: string, binary: string, log: (text: string) => void): string {
  const names = fs.readdirSync(sourceDir).filter((name) => name.endsWith('.c') || name.endsWith('.h')).sort();
  const sourceTime = Math.max(...names.map((name) => fs.statSync(path.join(sourceDir, name)).mtimeMs));
  const binaryTime = fs.existsSync(binary) ? fs.statSync(binary).mtimeMs : 0;
  if (binaryTime >= sourceTime) return binary;
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  log(`building ${path.relative(process.cwd(), binary)}`);
  const sources = names.filter((name) => name.endsWith('.c')).map((name) => path.join(sourceDir, name));
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-pthread', '-o', binary, ...sources], { stdio: 'inherit' });
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
