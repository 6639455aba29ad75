// procns conform: the differential conformance campaign (properties/conform.ts): random traces
// on the v6.18 model and on this machine's kernel; every divergence shrunk to a minimal trace
// and shown with both outcomes. Exit 0 none, 1 divergence(s), 2 bad usage; "skipped: <reason>"
// (exit 0) when the kernel backend cannot run here.
import { join } from 'node:path';
import type { Command } from 'commander';
import { KernelBackend, LIVE_PROFILE } from '../oracle/kernel.ts';
import { conform } from '../properties/conform.ts';
import { fmt } from '../properties/harness.ts';
import { EXIT, UsageError, checkOutputs, intOpt, printJson, profileOpt, say, traceLine, writeTrace } from './common.ts';
import { describeStep } from './replay.ts';
import { reportSkipped } from './kernel-replay.ts';

export interface ConformCliOptions {
  runs?: string; seed?: string; maxOps?: string; profile?: string; json?: boolean; out?: string; settleMs?: string; timing?: boolean;
}

export async function runConform(o: ConformCliOptions): Promise<number> {
  const profile = profileOpt(o.profile);
  if (profile.name !== LIVE_PROFILE) throw new UsageError(`conform compares the live kernel with profile ${LIVE_PROFILE} only, got "${profile.name}"`);
  const runs = intOpt('runs', o.runs, 200, 1, 1_000_000);
  const seed = intOpt('seed', o.seed, 42, -(2 ** 31), 2 ** 31 - 1);
  const maxOps = intOpt('max-ops', o.maxOps, 12, 1, 1000);
  const settleMs = intOpt('settle-ms', o.settleMs, 1000, 0, 10_000);
  const json = o.json ?? false;
  checkOutputs([{ flag: '--out', folder: o.out }]); // a default folder is only checked once written to
  const probe = await KernelBackend.probe();
  if (!probe.ok) return reportSkipped('conform', probe.reason, json);
  const r = await conform(profile, { runs, seed, maxOps, settleMs });
  const outDir = o.out ?? 'procns-out';
  const files = r.divergences.map((d, i) => writeTrace(join(outDir, `conform-seed${seed}-${i + 1}-${d.op.op}.json`), d.trace, 'kernel'));
  if (json) {
    printJson({
      command: 'conform', profile: profile.name, kernel: 'live', seed, runs: r.runs, maxOps, ops: r.ops,
      ...(o.timing ? { ms: Math.round(r.ms) } : {}),
      result: r.ok ? 'pass' : 'fail', excluded: r.excluded,
      divergences: r.divergences.map((d, i) => ({
        key: d.key, step: d.step, op: d.op, model: d.model, sim: d.sim, kernel: d.kernel, diff: d.diff,
        ...(d.violation ? { violation: d.violation } : {}), runs: d.count, firstRun: d.run, shrunkFrom: d.shrunkFrom,
        ...files[i], trace: d.trace,
      })),
    });
  } else {
    say(`procns conform: profile ${profile.name} vs the live kernel, seed ${seed}, ${r.runs} runs of <= ${maxOps} ops`);
    say(`  ops ${r.ops}, ${(r.ms / 1000).toFixed(1)} s; left out: ${Object.keys(r.excluded).join(', ') || 'nothing'} (oracle/README.md "Out of scope")`);
    if (r.ok) say('  result: PASS (the kernel and the model agreed on every step)');
    else say(`  result: FAIL, ${r.divergences.length} distinct divergence(s)`);
    for (const [i, d] of r.divergences.entries()) {
      say('');
      say(`  ${i + 1}. ${d.key}  (${d.count} run(s); minimal trace ${d.ops.length} steps, shrunk from ${d.shrunkFrom})`);
      for (const [j, op] of d.ops.entries()) {
        const mark = j === d.step ? '→' : ' ';
        say(`   ${mark}${String(j).padStart(2)} ${describeStep(op)}`);
      }
      say(`      model: ${fmt(d.model)}${fmt(d.sim) !== fmt(d.model) ? ` (simulation: ${fmt(d.sim)})` : ''}`);
      say(`      kernel: ${fmt(d.kernel)}${d.violation ? `   model invariant: ${d.violation}` : ''}`);
      say(`    ${traceLine(files[i]!)}`);
    }
  }
  return r.ok ? EXIT.ok : EXIT.violation;
}

export function registerConform(program: Command, run: (code: () => number | Promise<number>) => void): void {
  program.command('conform')
    .description('differential campaign: random traces on the v6.18 model and on the live kernel')
    .option('--runs <N>', 'random traces', '200')
    .option('--seed <S>', 'fast-check seed', '42')
    .option('--max-ops <N>', 'most ops per trace', '12')
    .option('--profile <P>', 'model profile (only v6.18: the kernel of this machine)', 'v6.18')
    .option('--out <DIR>', 'where to write divergence traces (default: procns-out)')
    .option('--settle-ms <MS>', 'how long `alive` waits for asynchronously freed user/pid namespaces', '1000')
    .option('--timing', 'include elapsed time in --json output')
    .option('--json', 'print one JSON document')
    .action((opts: ConformCliOptions) => run(() => runConform(opts)));
}
