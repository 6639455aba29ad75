// Shared CLI plumbing: usage errors (exit 2, one line), option parsing, output.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Profile } from '../model/profiles.ts';
import { getProfile, PROFILE_NAMES } from '../model/profiles.ts';
import type { Trace } from '../model/types.ts';
import { parseTrace, TraceError } from '../model/trace.ts';
import { OutputError, probeWrite, writeText } from '../reports/writers.ts';

/** Bad usage or bad input: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, violation: 1, usage: 2, bound: 3 } as const;

/** An option's value that names a path must not be empty (commander passes `--out ''` on as ''). */
export function notEmpty(flag: string, v: string | undefined): void {
  if (v === '') throw new UsageError(`${flag} must not be empty`);
}

/**
 * A path a run will write, given by `flag` (undefined: the flag was not given): a file, or a
 * folder with the names of the files the run writes there (`files`), or, left out, names not
 * known before the run.
 */
export type Output = { flag: string; file: string | undefined } | { flag: string; folder: string | undefined; files?: readonly string[] };

/** One path of an Output, with what it is. */
interface Target { flag: string; path: string; kind: 'file' | 'folder' }

/**
 * Checks before a run every path it will write (a bad one found only after a long run would
 * lose the run): none empty, no file that another output also writes or needs as its folder,
 * and each one writable, found by trying (reports/writers.ts probeWrite, which leaves nothing
 * behind). UsageError naming the flag.
 */
export function checkOutputs(outputs: readonly Output[]): void {
  const targets = outputs.flatMap(targetsOf);
  for (const f of targets.filter((t) => t.kind === 'file')) {
    for (const t of targets) if (t !== f) clash(f, t);
  }
  for (const t of targets) {
    try {
      probeWrite(t.path, t.kind);
    } catch (e) {
      if (e instanceof OutputError) throw new UsageError(`${t.flag} ${e.message}`);
      throw e;
    }
  }
}

/** The paths an output names: none when its flag was not given; UsageError when it is empty. */
function targetsOf(o: Output): Target[] {
  const given = 'file' in o ? o.file : o.folder;
  if (given === undefined) return [];
  notEmpty(o.flag, given);
  if ('file' in o) return [{ flag: o.flag, path: given, kind: 'file' }];
  if (!o.files) return [{ flag: o.flag, path: given, kind: 'folder' }];
  return o.files.map((n) => ({ flag: o.flag, path: join(given, n), kind: 'file' }));
}

/** UsageError when target `t` is the file `f` or lies under it (one would overwrite or block the other). */
function clash(f: Target, t: Target): void {
  if (samePath(f.path, t.path)) throw new UsageError(`${f.flag} ${f.path}: ${t.flag} writes that file too (give them different paths)`);
  if (resolve(t.path).startsWith(`${resolve(f.path)}${sep}`)) throw new UsageError(`${f.flag} ${f.path}: ${t.flag} writes ${t.path}, which needs a folder there`);
}

/** Whether two paths name one file, also where a link leads one to the other's folder (either may not exist yet). */
export function samePath(a: string, b: string): boolean {
  return resolve(a) === resolve(b) || realPath(a) === realPath(b);
}

/** A path with its links resolved as far as it exists (realpath of the nearest existing folder, then the rest). */
function realPath(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const up = dirname(abs);
  return up === abs ? abs : join(realPath(up), basename(abs));
}

/**
 * Writes a counterexample trace; returns what was written (its path, the replay command) or,
 * where it cannot be written, why (the run's result stands: its trace is in the output).
 */
export function writeTrace(file: string, trace: unknown, backend: string, text = `${JSON.stringify(trace, null, 2)}\n`): { traceFile: string; replay: string } | { traceFile: null; traceError: string } {
  try {
    writeText(file, text);
    return { traceFile: file, replay: `procns replay ${shellWord(file)} --backend ${backend}` };
  } catch (e) {
    if (e instanceof OutputError) return { traceFile: null, traceError: e.message };
    throw e;
  }
}

/** A word as a POSIX shell reads it back: quoted where it has more than letters, digits and -_.,:/=@+% (refinement(open), a path with a space). */
export function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The line after a printed counterexample: where its trace went and how to replay it, or why it was not written. */
export function traceLine(v: Record<string, unknown>): string {
  return v.traceFile ? `  trace written to ${v.traceFile}; replay it: ${v.replay}` : `  trace not written (${v.traceError}); the steps above are the trace`;
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

/** The most an input file (a trace, a config) may hold: far more than any real one. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads an input file as text; `what` prefixes the name in a read error ("config "). Only a
 * regular file of at most MAX_INPUT_BYTES: a FIFO waits for a writer and a device may never end.
 * Opened without blocking (a FIFO opens at once) and checked through the open fd, then read
 * in chunks so that even a file whose size says 0 (procfs) stops at the cap.
 */
export function readInput(file: string, what = ''): string {
  if (file === '') throw new UsageError(`the ${what || 'input '}file name is empty`);
  const cannot = (e: unknown) => new UsageError(`cannot read ${what}${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw cannot(e);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`${file}: not a regular file`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, buf);
      if (n === 0) return Buffer.concat(chunks).toString('utf8');
      total += n;
      if (total > MAX_INPUT_BYTES) throw new UsageError(`${file}: larger than ${MAX_INPUT_BYTES >> 20} MiB, too large for an input file`);
      chunks.push(buf.subarray(0, n));
    }
  } catch (e) {
    throw e instanceof UsageError ? e : cannot(e);
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates a trace file; every problem is a UsageError naming the file. */
export function readTrace(file: string): Trace {
  const text = readInput(file, 'trace ');
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
