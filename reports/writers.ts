// Report writers: a JSON document and a Markdown summary of a run, into a report folder; and
// the file writes of every command (traces, reports, reproducers), whose failures are one line.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
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
 */
export function makeDirs(dir: string): void {
  for (const p of nearestFolder(dir).missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      if (code(e) !== 'EEXIST') throw new OutputError(`cannot make folder ${dir}: ${code(e)} on ${p}`);
    }
  }
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

/** Writes <dir>/<command>.json and <dir>/<command>.md; returns the two paths. */
export function writeReport(dir: string, report: Report, markdown: string): string[] {
  const json = join(dir, `${report.command}.json`);
  const md = join(dir, `${report.command}.md`);
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
