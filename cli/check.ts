// procns check: random checking of a profile with fast-check; a violation is shrunk, printed
// as a trace of format v1, and written to a file that `procns replay` reproduces.
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { check, runAt } from '../properties/random.ts';
import type { Counterexample, Replay } from '../properties/random.ts';
import { counterexampleTrace } from '../properties/counterexample.ts';
import { INVARIANT_DOCS } from '../properties/invariants.ts';
import { VIOLATION_KEYS, violationKey } from '../properties/harness.ts';
import { activate, findMutant, MUTANTS } from '../model/mutants/index.ts';
import { mdTable, reportNames, writeReport } from '../reports/writers.ts';
import { EXIT, UsageError, checkOutputs, intOpt, printJson, profileOpt, samePath, say, shellWord, traceLine, writeTrace } from './common.ts';
import { LifecycleTracker, coverageLines, coverageMarkdown } from '../model/lifecycle/index.ts';
import { replayCorpus } from '../model/lifecycle/corpus.ts';

export interface CheckCliOptions {
  profile?: string; runs?: string; seed?: string; mutant?: string; json?: boolean; report?: string;
  path?: string; mask?: string; maxOps?: string; out?: string; timing?: boolean; maxViolations?: string;
}

const MAX_RUNS = 10_000_000;

export function runCheck(o: CheckCliOptions): number {
  const profile = profileOpt(o.profile);
  const runs = intOpt('runs', o.runs, 1000, 1, MAX_RUNS);
  const seed = intOpt('seed', o.seed, 42, -(2 ** 31), 2 ** 31 - 1);
  const maxOps = intOpt('max-ops', o.maxOps, 60, 1, 10_000);
  const maxViolations = intOpt('max-violations', o.maxViolations, 8, 1, 100);
  if (o.mutant !== undefined && !findMutant(o.mutant)) {
    throw new UsageError(`unknown mutant "${o.mutant}" (see procns mutants; one of ${MUTANTS.map((m) => m.name).join(', ')})`);
  }
  const replay = o.path === undefined ? undefined : pathOpt(o.path, seed, maxOps);
  const mask = o.mask === undefined ? [] : maskOpt(o.mask);
  // the other violations' traces go beside --out's file: its folder is checked with it
  checkOutputs([{ flag: '--out', file: o.out }, { flag: '--report', folder: o.report, files: reportNames('check') }]);
  activate(o.mutant ?? null);
  let r;
  // lifecycle coverage of the random runs, then of the committed covering traces replayed on this profile
  const random = new LifecycleTracker(profile);
  const all = new LifecycleTracker(profile);
  let corpus = 0;
  try {
    r = check(profile, { runs, seed, maxOps, maxViolations, observer: random, mask, ...(replay ? { replay } : {}) });
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
    seed, ...(replay ? { path: replay.path } : {}), ...(mask.length ? { mask } : {}),
    runs: r.runs, ops: r.ops, properties, result: r.ok ? 'pass' : 'fail', lifecycle,
  };
  if (o.timing) Object.assign(doc, { ms: Math.round(r.ms), opsPerSecond });
  const violations: Record<string, unknown>[] = [];
  for (const cx of r.all ?? []) {
    const origin = { seed: cx.seed, path: cx.path, ...(o.mutant ? { mutant: o.mutant } : {}), shrunkFrom: cx.shrunkFrom };
    const trace = counterexampleTrace(profile, cx.ops, cx.property, cx.detail, origin);
    const key = violationKey(cx.property, cx.detail).replace(/[()]/g, '-').replace(/-$/, '');
    const named = join(o.out ? dirname(o.out) : 'procns-out', `check-${profile.name}${o.mutant ? `-${o.mutant}` : ''}-seed${seed}-${key}.json`);
    // the first trace goes to --out; another whose own name is --out's file takes a suffix (it overwrote the first)
    const traceFile = violations.length === 0 && o.out ? o.out : o.out && samePath(named, o.out) ? named.replace(/\.json$/, '-2.json') : named;
    violations.push({
      property: cx.property, detail: cx.detail, steps: cx.ops.length, shrunkFrom: cx.shrunkFrom,
      seed: cx.seed, path: cx.path, ...writeTrace(traceFile, trace, 'sim'),
      masked: cx.masked, rerun: rerunCommand(profile.name, maxOps, cx, o.mutant),
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
    if (replay) say(`  replayed the one run that --path ${replay.path} names${mask.length ? `, masking ${mask.join(', ')}` : ''}`);
    if (r.ok) {
      say(`  result: PASS (every invariant and the refinement held after every op${replay ? ' of that run' : ''})`);
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

/**
 * The one run a --path names, from the same seed and --max-ops as the search that printed it.
 * Its first number is the run's index, which no search reaches past MAX_RUNS: a larger one
 * would have fast-check skip runs for ever.
 */
function pathOpt(path: string, seed: number, maxOps: number): Replay {
  if (!/^\d+(:\d+)*$/.test(path)) throw new UsageError(`--path must look like 3:0:1, got "${path}"`);
  const run = Number(path.split(':')[0]);
  if (run >= MAX_RUNS) throw new UsageError(`--path must start with a run index below ${MAX_RUNS} (the most --runs), got ${path.split(':')[0]}`);
  const found = runAt(seed, maxOps, path);
  if (!found) throw new UsageError(`--path ${path} names no run of seed ${seed} with --max-ops ${maxOps}: a shrink index in it is past the last shrink at its step`);
  return found;
}

function maskOpt(list: string): string[] {
  const keys = list.split(',');
  const bad = keys.find((k) => !VIOLATION_KEYS.includes(k));
  if (bad !== undefined) {
    throw new UsageError(`--mask "${bad}" is not a violation key (one of ${VIOLATION_KEYS.filter((k) => !k.startsWith('refinement(')).join(', ')}, or refinement(<op>) such as refinement(open))`);
  }
  return keys;
}

/** The command that checks one counterexample's run alone, with the keys its round had masked: it reproduces that violation. */
function rerunCommand(profile: string, maxOps: number, cx: Counterexample, mutant: string | undefined): string {
  const words = ['procns', 'check', '--profile', profile, '--seed', String(cx.seed), '--max-ops', String(maxOps), '--path', cx.path,
    ...(cx.masked.length ? ['--mask', cx.masked.join(',')] : []), ...(mutant ? ['--mutant', mutant] : [])];
  return words.map(shellWord).join(' ');
}

export function registerCheck(program: Command, run: (code: () => number) => void): void {
  program.command('check')
    .description('random checking of one profile: every invariant and the refinement after every op')
    .option('--profile <P>', 'kernel profile: seed, v3.0, v3.8, v6.18', 'v6.18')
    .option('--runs <N>', 'random runs (each up to --max-ops ops)', '1000')
    .option('--seed <S>', 'fast-check seed', '42')
    .option('--path <P>', 'check only the one run this fast-check path names among the runs of --seed and --max-ops, instead of searching (each violation\'s rerun gives it)')
    .option('--mask <KEYS>', 'violation keys to let pass, comma-separated: ptrace-gate, refinement(open), ... (a rerun gives those its search round had masked)')
    .option('--max-ops <N>', 'most ops per run', '60')
    .option('--mutant <M>', 'switch on a seeded bug from the catalog')
    .option('--max-violations <N>', 'distinct violations to look for before stopping', '8')
    .option('--out <FILE>', 'where to write the first counterexample trace (others beside it)')
    .option('--report <DIR>', 'write check.json and check.md there')
    .option('--timing', 'include elapsed time and ops/s in --json output')
    .option('--json', 'print one JSON document')
    .action((opts: CheckCliOptions) => run(() => runCheck(opts)));
}
