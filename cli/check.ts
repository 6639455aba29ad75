// procns check: random checking of a profile with fast-check; a violation is shrunk, printed
// as a trace of format v1, and written to a file that `procns replay` reproduces.
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { check } from '../properties/random.ts';
import { counterexampleTrace } from '../properties/counterexample.ts';
import { INVARIANT_DOCS } from '../properties/invariants.ts';
import { violationKey } from '../properties/harness.ts';
import { activate, findMutant, MUTANTS } from '../model/mutants/index.ts';
import { mdTable, writeReport } from '../reports/writers.ts';
import { EXIT, UsageError, checkOutDir, checkOutFile, intOpt, printJson, profileOpt, say, traceLine, writeTrace } from './common.ts';
import { LifecycleTracker, coverageLines, coverageMarkdown } from '../model/lifecycle/index.ts';
import { replayCorpus } from '../model/lifecycle/corpus.ts';

export interface CheckCliOptions {
  profile?: string; runs?: string; seed?: string; mutant?: string; json?: boolean; report?: string;
  path?: string; maxOps?: string; out?: string; timing?: boolean; maxViolations?: string;
}

export function runCheck(o: CheckCliOptions): number {
  const profile = profileOpt(o.profile);
  const runs = intOpt('runs', o.runs, 1000, 1, 10_000_000);
  const seed = intOpt('seed', o.seed, 42, -(2 ** 31), 2 ** 31 - 1);
  const maxOps = intOpt('max-ops', o.maxOps, 60, 1, 10_000);
  const maxViolations = intOpt('max-violations', o.maxViolations, 8, 1, 100);
  if (o.mutant !== undefined && !findMutant(o.mutant)) {
    throw new UsageError(`unknown mutant "${o.mutant}" (see procns mutants; one of ${MUTANTS.map((m) => m.name).join(', ')})`);
  }
  if (o.path !== undefined && !/^\d+(:\d+)*$/.test(o.path)) throw new UsageError(`--path must look like 3:0:1, got "${o.path}"`);
  if (o.out !== undefined) checkOutFile('--out', o.out);
  if (o.report !== undefined) checkOutDir('--report', o.report, true);
  activate(o.mutant ?? null);
  let r;
  // lifecycle coverage of the random runs, then of the committed covering traces replayed on this profile
  const random = new LifecycleTracker(profile);
  const all = new LifecycleTracker(profile);
  let corpus = 0;
  try {
    r = check(profile, { runs, seed, maxOps, maxViolations, observer: random, ...(o.path ? { path: o.path } : {}) });
    corpus = replayCorpus(profile, all);
  } finally {
    activate(null);
  }
  all.merge(random);
  const lifecycle = { ...all.summary(), randomRunsPercent: random.summary().percent, coveringTraces: corpus };
  if (lifecycle.disagreements.length > 0) r.ok = false;
  const properties = Object.keys(INVARIANT_DOCS);
  const opsPerSecond = Math.round((r.ops / r.ms) * 1000);
  const doc: Record<string, unknown> = {
    command: 'check', profile: profile.name, ...(o.mutant ? { mutant: o.mutant } : {}),
    seed, runs: r.runs, ops: r.ops, properties, result: r.ok ? 'pass' : 'fail', lifecycle,
  };
  if (o.timing) Object.assign(doc, { ms: Math.round(r.ms), opsPerSecond });
  const violations: Record<string, unknown>[] = [];
  for (const cx of r.all ?? []) {
    const origin = { seed: cx.seed, path: cx.path, ...(o.mutant ? { mutant: o.mutant } : {}), shrunkFrom: cx.shrunkFrom };
    const trace = counterexampleTrace(profile, cx.ops, cx.property, cx.detail, origin);
    const key = violationKey(cx.property, cx.detail).replace(/[()]/g, '-').replace(/-$/, '');
    const traceFile = violations.length === 0 && o.out ? o.out
      : join(o.out ? dirname(o.out) : 'procns-out', `check-${profile.name}${o.mutant ? `-${o.mutant}` : ''}-seed${seed}-${key}.json`);
    violations.push({
      property: cx.property, detail: cx.detail, steps: cx.ops.length, shrunkFrom: cx.shrunkFrom,
      seed: cx.seed, path: cx.path, ...writeTrace(traceFile, trace, 'sim'),
      rerun: `procns check --profile ${profile.name} --seed ${seed} --path ${cx.path}${o.mutant ? ` --mutant ${o.mutant}` : ''}`,
      trace,
    });
  }
  if (violations.length > 0) {
    doc.violation = violations[0];
    doc.violations = violations.map(({ trace: _t, ...rest }) => rest);
  }
  if (o.report) {
    const md = [
      `# procns check: ${profile.name}${o.mutant ? ` with mutant ${o.mutant}` : ''}`, '',
      mdTable(['profile', 'seed', 'runs', 'ops', 'result'], [[profile.name, seed, r.runs, r.ops, r.ok ? 'pass' : 'FAIL']]), '',
      '## Properties', '', mdTable(['property', 'what it protects'], properties.map((p) => [p, INVARIANT_DOCS[p]])), '',
      ...(r.counterexample ? ['## Violation', '', `**${r.counterexample.property}**: ${r.counterexample.detail}`, '',
        mdTable(['property', 'detail', 'steps', 'trace file'], violations.map((v) => [v.property, v.detail, v.steps, v.traceFile ?? 'not written'])), '',
        `Seed ${seed}; the first one's trace:`, '', '```json',
        JSON.stringify((doc.violation as { trace: unknown }).trace, null, 2), '```'] : []),
      '', ...coverageMarkdown(lifecycle, mdTable),
      `Random runs alone: ${lifecycle.randomRunsPercent}%; then ${corpus} covering traces (scenarios/generated) replayed on ${profile.name}.`,
    ].join('\n');
    writeReport(o.report, doc as { command: string }, md);
  }
  if (o.json) {
    printJson(doc);
  } else {
    say(`procns check: profile ${profile.name}${o.mutant ? `, mutant ${o.mutant}` : ''}, seed ${seed}`);
    say(`  runs ${r.runs}, ops ${r.ops}, properties ${properties.length}, ${opsPerSecond.toLocaleString('en-US')} ops/s (${(r.ms / 1000).toFixed(2)} s)`);
    for (const line of coverageLines(lifecycle)) say(line);
    say(`    (random runs alone: ${lifecycle.randomRunsPercent}%; then ${corpus} covering traces replayed)`);
    if (r.ok) {
      say('  result: PASS (every invariant and the refinement held after every op)');
    } else {
      say(`  result: FAIL, ${violations.length} distinct violation(s)${lifecycle.disagreements.length ? ` and ${lifecycle.disagreements.length} lifecycle disagreement(s)` : ''}, most severe first`);
      for (const v of violations) {
        say('');
        say(`  ${v.property}: ${v.detail}`);
        say(`  minimal trace (${v.steps} steps, shrunk from ${v.shrunkFrom}):`);
        const trace = v.trace as { steps: unknown[] };
        for (const [i, st] of trace.steps.entries()) say(`    ${String(i).padStart(2)} ${JSON.stringify(st)}`);
        say(`  seed ${seed}, path ${v.path}; rerun: ${v.rerun}`);
        say(traceLine(v));
      }
    }
  }
  return r.ok ? EXIT.ok : EXIT.violation;
}

export function registerCheck(program: Command, run: (code: () => number) => void): void {
  program.command('check')
    .description('random checking of one profile: every invariant and the refinement after every op')
    .option('--profile <P>', 'kernel profile: seed, v3.0, v3.8, v6.18', 'v6.18')
    .option('--runs <N>', 'random runs (each up to --max-ops ops)', '1000')
    .option('--seed <S>', 'fast-check seed', '42')
    .option('--path <P>', 'fast-check path of a failing run, to replay it')
    .option('--max-ops <N>', 'most ops per run', '60')
    .option('--mutant <M>', 'switch on a seeded bug from the catalog')
    .option('--max-violations <N>', 'distinct violations to look for before stopping', '8')
    .option('--out <FILE>', 'where to write the first counterexample trace (others beside it)')
    .option('--report <DIR>', 'write check.json and check.md there')
    .option('--timing', 'include elapsed time and ops/s in --json output')
    .option('--json', 'print one JSON document')
    .action((opts: CheckCliOptions) => run(() => runCheck(opts)));
}
