// procns check on the command line: the rerun command printed for each violation, run as
// printed, checks that one run and reports exactly that violation again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerCheck } from '../cli/check.ts';

const dir = mkdtempSync(join(tmpdir(), 'procns-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Violation { property: string; detail: string; path: string; masked: string[]; rerun: string }

/** `procns check <args> --json`, in this process through the command's own option parsing; the exit code and the document. */
function procnsCheck(args: string[]): { code: number; doc: { runs: number; violations?: Violation[] } } {
  const program = new Command().exitOverride();
  let code = -1;
  registerCheck(program, (body) => { code = body(); });
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  try {
    program.parse(['check', ...args, '--json', '--out', join(dir, 'cx.json')], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return { code, doc: JSON.parse(out) };
}

/** The arguments a POSIX shell gives `procns check` for a printed rerun command (words are bare or '-quoted whole). */
function rerunArgs(command: string): string[] {
  const words = command.match(/'[^']*'|[^\s']+/g)!.map((w) => w.replace(/^'(.*)'$/, '$1'));
  expect(words.slice(0, 2)).toEqual(['procns', 'check']);
  return words.slice(2);
}

describe('procns check: a violation\'s rerun', () => {
  // v3.0 has several distinct violations, so later ones are found with earlier ones masked;
  // the mutant breaks v6.18, which holds on its own
  const searches: [string, string[]][] = [
    ['v3.0 seed 2', ['--profile', 'v3.0', '--seed', '2']],
    ['v3.0 seed 3, --max-ops 40', ['--profile', 'v3.0', '--seed', '3', '--max-ops', '40']],
    ['mutant readlink-double-put', ['--mutant', 'readlink-double-put', '--seed', '1']],
  ];
  it.each(searches)('%s: every printed rerun checks one run and reports that violation again', (_name, args) => {
    const search = procnsCheck([...args, '--runs', '100']);
    expect(search.code).toBe(1);
    const found = search.doc.violations!;
    expect(found.length).toBeGreaterThan(1);
    for (const v of found) {
      const again = procnsCheck(rerunArgs(v.rerun));
      expect(again.code, v.rerun).toBe(1);
      expect(again.doc.runs).toBe(1);
      expect(again.doc.violations!.map((w) => [w.property, w.detail]), v.rerun).toEqual([[v.property, v.detail]]);
      expect(again.doc.violations![0]!.rerun).toBe(v.rerun);
    }
    expect(found.some((v) => v.masked.length > 0), 'a violation found with others masked').toBe(true);
  }, 30_000);

  it('a --path whose run holds every property passes, as one run', () => {
    const { code, doc } = procnsCheck(['--path', '5']);
    expect(code).toBe(0);
    expect(doc).toMatchObject({ runs: 1, path: '5', result: 'pass' });
  });
});
