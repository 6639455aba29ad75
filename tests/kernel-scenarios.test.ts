// Every scenarios/*.json of profile v6.18 replayed on the live kernel (each outcome must meet its
// expect), and emitted C reproducers of several scenarios compiled with cc and run: PASS.
// Skipped (with the reason) where the oracle cannot run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelBackend } from '../oracle/kernel.ts';
import { findCompiler } from '../oracle/build.ts';
import { emitC } from '../oracle/repro.ts';
import { parseTrace } from '../model/trace.ts';
import { fmt } from '../properties/harness.ts';
import { replayKernel } from '../properties/conform.ts';
import type { Trace } from '../model/types.ts';

const probe = await KernelBackend.probe();
const skip = !probe.ok;
const why = probe.ok ? '' : ` (skipped: ${probe.reason})`;
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const traces: Array<[string, Trace]> = files.map((f) => [f, parseTrace(readFileSync(join(dir, f), 'utf8'))]);
const v618 = traces.filter(([, t]) => (t.profile ?? 'v6.18') === 'v6.18');
const work = mkdtempSync(join(tmpdir(), 'procns-kscen-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`scenarios on the live kernel${why}`, () => {
  it('there are v6.18 scenarios to replay', () => {
    expect(v618.length).toBeGreaterThan(0);
  });

  it.skipIf(skip)(`every v6.18 scenario meets its expects on the kernel (${v618.length} files)${why}`, async () => {
    const failures: string[] = [];
    for (const [f, t] of v618) {
      const r = await replayKernel(t);
      for (const i of r.mismatches) {
        const s = r.steps[i]!;
        failures.push(`${f} step ${i} ${JSON.stringify(s.step)}: kernel ${fmt(s.outcome)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  // the model fixes found by `procns conform`, as standalone C programs
  const reproduced = v618.filter(([f]) => f.startsWith('kernel-')).slice(0, 3);
  it.skipIf(skip || !findCompiler() || reproduced.length === 0)(`emitted C reproducers compile with cc and print PASS${why}`, () => {
    const cc = findCompiler()!;
    for (const [f, t] of reproduced) {
      const src = join(work, f.replace(/\.json$/, '.c'));
      const bin = src.replace(/\.c$/, '');
      writeFileSync(src, emitC(t));
      const build = spawnSync(cc, ['-O0', '-w', '-o', bin, src], { encoding: 'utf8' });
      expect(build.status, `${f}: ${build.stderr}`).toBe(0);
      const run = spawnSync(bin, [], { encoding: 'utf8', timeout: 30_000 });
      expect(run.status, `${f}:\n${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout.trimEnd().split('\n').pop()).toBe('PASS');
    }
  }, 60_000);
});
