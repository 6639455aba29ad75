// Report writers: a JSON document and a Markdown summary of a run, into a report folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Report {
  command: string;
  [key: string]: unknown;
}

/** Writes <dir>/<command>.json and <dir>/<command>.md; returns the two paths. */
export function writeReport(dir: string, report: Report, markdown: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${report.command}.json`);
  const md = join(dir, `${report.command}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
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
