// Shared CLI plumbing: usage errors (exit 2, one line), option parsing, output.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Profile } from '../model/profiles.ts';
import { getProfile, PROFILE_NAMES } from '../model/profiles.ts';
import type { Trace } from '../model/types.ts';
import { parseTrace, TraceError } from '../model/trace.ts';
import { makeDirs, nearestFolder, OutputError, writeText } from '../reports/writers.ts';

/** Bad usage or bad input: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, violation: 1, usage: 2, bound: 3 } as const;

/**
 * Checks before a run that `dir` is, or can be made, a folder this process may write (its
 * nearest existing ancestor is a writable folder). A bad output path found only after a long
 * run would lose the run. With `make` (a folder the run writes whatever it finds) the folder is
 * made now, which also catches what only mkdir tells (procfs refuses one as root). UsageError
 * naming the flag.
 */
export function checkOutDir(flag: string, dir: string, make = false): void {
  try {
    const { folder } = nearestFolder(dir);
    if (!writable(folder)) throw new OutputError(`${dir}: ${folder} is not writable`);
    if (make) makeDirs(dir);
  } catch (e) {
    if (e instanceof OutputError) throw new UsageError(`${flag} ${e.message}`);
    throw e;
  }
}

/**
 * Writes a counterexample trace; returns what was written (its path, the replay command) or,
 * where it cannot be written, why (the run's result stands: its trace is in the output).
 */
export function writeTrace(file: string, trace: unknown, backend: string): { traceFile: string; replay: string } | { traceFile: null; traceError: string } {
  try {
    writeText(file, `${JSON.stringify(trace, null, 2)}\n`);
    return { traceFile: file, replay: `procns replay ${file} --backend ${backend}` };
  } catch (e) {
    if (e instanceof OutputError) return { traceFile: null, traceError: e.message };
    throw e;
  }
}

/** The line after a printed counterexample: where its trace went and how to replay it, or why it was not written. */
export function traceLine(v: Record<string, unknown>): string {
  return v.traceFile ? `  trace written to ${v.traceFile}; replay it: ${v.replay}` : `  trace not written (${v.traceError}); the steps above are the trace`;
}

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** checkOutDir for a file: its folder, and the file is not a folder itself. */
export function checkOutFile(flag: string, file: string): void {
  let folder = false;
  try {
    folder = statSync(file).isDirectory();
  } catch { /* not there yet: its folder decides */ }
  if (folder) throw new UsageError(`${flag} ${file}: is a folder, not a file`);
  checkOutDir(flag, dirname(file));
}

export function profileOpt(name: string | undefined, fallback = 'v6.18'): Profile {
  const p = getProfile(name ?? fallback);
  if (!p) throw new UsageError(`unknown profile "${name}" (one of ${PROFILE_NAMES.join(', ')})`);
  return p;
}

export function intOpt(name: string, v: string | undefined, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${name} must be an integer, got "${v}"`);
  const n = Number(v);
  // past 2^53 Number() rounds: compare and quote what was given, never the rounded value
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (n < min ? `at least ${min}` : `at most ${max}`) : `between ${min} and ${max}`;
    throw new UsageError(`--${name} must be ${range}, got ${v}`);
  }
  return n;
}

/** Reads and validates a trace file; every problem is a UsageError naming the file. */
export function readTrace(file: string): Trace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseTrace(text);
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

export function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}
