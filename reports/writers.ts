// Report writers: a JSON document and a Markdown summary of a run, into a report folder; and
// the file writes of every command (traces, reports, reproducers), whose failures are one line.
import { accessSync, closeSync, constants, mkdirSync, openSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A file or folder that could not be written: one line naming it and the errno (the CLI exits 2). */
export class OutputError extends Error {}

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * The nearest folder that exists on the way up from `dir`, and the folders below it that are
 * not there yet (the top one first). OutputError `<dir>: <why>` when a file or an errno is in
 * the way.
 */
export function nearestFolder(dir: string): { folder: string; missing: string[] } {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    let folder: boolean;
    try {
      folder = statSync(p).isDirectory();
    } catch (e) {
      if ((code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') || dirname(p) === p) throw new OutputError(`${dir}: ${code(e)} on ${p}`);
      missing.push(p);
      continue;
    }
    if (!folder) throw new OutputError(`${dir}: ${p} is not a folder`);
    return { folder: p, missing: missing.reverse() };
  }
}

/**
 * mkdir -p, one level at a time: Node 20's `mkdirSync(dir, { recursive: true })` never returns
 * for a path under /proc (it retries the ENOENT that procfs answers), which a typo can give.
 * Each folder it makes is pushed on `made` as soon as it exists (so a caller can take them back).
 */
export function makeDirs(dir: string, made: string[] = []): void {
  for (const p of nearestFolder(dir).missing) {
    try {
      mkdirSync(p);
      made.push(p);
    } catch (e) {
      if (code(e) !== 'EEXIST') throw new OutputError(`cannot make folder ${dir}: ${code(e)} on ${p}`);
    }
  }
}

/** Whether a path names a folder by its spelling: a trailing slash, or a last component . or .. */
const namesFolder = (path: string): boolean => /(^|\/)(\.\.?)?$/.test(path);

/**
 * Checks that `path` (a file, or a folder that files of names not known yet go into) can be
 * written, by doing what the write will do and taking it back: make the missing folders,
 * create the file (a probe file in a folder; an existing file is opened for appending, which
 * changes nothing), then remove what it made. access(W_OK) cannot tell: as root it says yes
 * for /proc and /sys, which refuse the create. OutputError naming the path and the errno.
 */
export function probeWrite(path: string, kind: 'file' | 'folder'): void {
  if (kind === 'file' && namesFolder(path)) throw new OutputError(`${path}: names a folder, not a file`);
  const made: string[] = [];
  try {
    makeDirs(kind === 'file' ? dirname(path) : path, made);
    if (kind === 'folder') return createAndRemove(join(path, `.procns-probe-${process.pid}`), `cannot write in ${path}`);
    let st;
    try {
      st = statSync(path);
    } catch {
      return createAndRemove(path, `cannot write ${path}`);
    }
    if (st.isDirectory()) throw new OutputError(`${path}: is a folder, not a file`);
    try {
      if (st.isFile()) closeSync(openSync(path, 'a'));
      // a named FIFO is refused: with no reader the write waits for ever, and a reader would take
      // a probe's open and close for the end of its input. A pipe this process holds (/dev/stdout
      // | jq, which resolves into /proc) stays open: opening it without blocking is a safe probe
      else if (st.isFIFO()) {
        if (!realpathSync(path).startsWith('/proc/')) throw new OutputError(`${path}: is a FIFO, not a file`);
        closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      }
      else accessSync(path, constants.W_OK); // a device may act on open: its permission bits are all one may ask
    } catch (e) {
      if (e instanceof OutputError) throw e;
      throw new OutputError(`cannot write ${path}: ${code(e)}`);
    }
  } finally {
    for (const p of made.reverse()) {
      try {
        rmdirSync(p);
      } catch { /* something else wrote into it meanwhile: then it is not ours to remove */ }
    }
  }
}

/** Creates `file` (it must not exist) and removes it again; OutputError `<what>: <errno>`. */
function createAndRemove(file: string, what: string): void {
  try {
    closeSync(openSync(file, 'wx'));
  } catch (e) {
    throw new OutputError(`${what}: ${code(e)}`);
  }
  unlinkSync(file);
}

/** Writes `text` to `file`, making its folder first. */
export function writeText(file: string, text: string, mode?: number): void {
  makeDirs(dirname(file));
  try {
    writeFileSync(file, text, mode === undefined ? {} : { mode });
  } catch (e) {
    throw new OutputError(`cannot write ${file}: ${code(e)}`);
  }
}

export interface Report {
  command: string;
  [key: string]: unknown;
}

/** The names of a report's two files in its folder. */
export const reportNames = (command: string): [string, string] => [`${command}.json`, `${command}.md`];

/** Writes <dir>/<command>.json and <dir>/<command>.md; returns the two paths. */
export function writeReport(dir: string, report: Report, markdown: string): string[] {
  const [json, md] = reportNames(report.command).map((n) => join(dir, n)) as [string, string];
  writeText(json, `${JSON.stringify(report, null, 2)}\n`);
  writeText(md, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [json, md];
}

/** A Markdown table from rows of cells. */
export function mdTable(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const esc = (v: unknown) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
