// Compiles oracle/executor.c on first use into a cache directory keyed by a hash of the
// source, so `npm ci` needs no install script. Concurrent builders race harmlessly: each
// compiles to a private temporary name and renames it into place.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXECUTOR_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'executor.c');
export const EXECUTOR_NAME = 'procns-executor';

function cacheDirs(): string[] {
  const repo = dirname(dirname(EXECUTOR_SOURCE));
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return [join(repo, 'node_modules', '.cache', 'procns-oracle'), join(tmpdir(), `procns-oracle-${uid}`)];
}

/** Finds a C compiler: $CC, then cc, gcc, clang. */
export function findCompiler(): string | undefined {
  const cands = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c): c is string => !!c);
  for (const c of cands) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return c;
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

/** Path of the compiled executor, building it if needed. Throws with the compiler output on failure. */
export function buildExecutor(): string {
  const src = readFileSync(EXECUTOR_SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const name = `${EXECUTOR_NAME}-${hash}`;
  for (const d of cacheDirs()) {
    const bin = join(d, name);
    if (existsSync(bin)) return bin;
  }
  const cc = findCompiler();
  if (!cc) throw new Error('no C compiler (cc, gcc or clang) found');
  let lastErr: unknown;
  for (const d of cacheDirs()) {
    const bin = join(d, name);
    const tmp = `${bin}.${process.pid}.tmp`;
    try {
      mkdirSync(d, { recursive: true });
      execFileSync(cc, ['-O2', '-Wall', '-o', tmp, EXECUTOR_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
      renameSync(tmp, bin);
      return bin;
    } catch (e) {
      lastErr = e;
      rmSync(tmp, { force: true });
    }
  }
  const msg = lastErr instanceof Error ? lastErr.message : String(lastErr);
  throw new Error(`cannot build the executor: ${msg}`);
}
