// procns mutants: the mutation campaign. Every catalogued seeded bug (model/mutants) runs
// through random checking (fast-check, fixed seed) and exhaustive search (explore/, when
// present); a mutant is caught when an engine finds a violation that the faithful model does
// not have. Prints a table (or --json), writes mutants.json / mutants.md to the report folder,
// exits 1 when a mutant survives an engine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { Command } from 'commander';
import type { Op, Trace } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { getProfile } from '../model/profiles.ts';
import type { Mutant } from '../model/mutants/index.ts';
import { MUTANTS, NOT_EXPRESSIBLE, activate, findMutant, withMutant } from '../model/mutants/index.ts';
import { Alphabet, DEFAULT_BOUNDS, NO_NAMES, bindNames } from '../properties/alphabet.ts';
import type { Bounds, Names } from '../properties/alphabet.ts';
import { play, runArbitrary } from '../properties/random.ts';
import { minimize, runOps } from '../properties/shrink.ts';
import { Checker, violationKey } from '../properties/harness.ts';
import { wellFormed } from '../model/trace.ts';
import { counterexampleTrace } from '../properties/counterexample.ts';
import { mdTable, reportNames, writeReport } from '../reports/writers.ts';
import { EXIT, UsageError, checkOutputs, intOpt, printJson, say, writeTrace } from './common.ts';

/** What one engine found for one mutant. */
export interface EngineResult {
  caught: boolean;
  property?: string;
  detail?: string;
  /** Minimal (random) or shortest (exhaustive) counterexample. */
  ops?: Op[];
  /** Random: length before trace-level shrinking. */
  shrunkFrom?: number;
  ms: number;
  /** Random: time including the extra searches for a shorter counterexample. */
  totalMs?: number;
  /** Violation keys that the faithful model also has (masked, not counted). */
  masked: string[];
  /** Exhaustive: states explored, whether the bounded space was covered, or why it did not run. */
  states?: number;
  complete?: boolean;
  note?: string;
}

export interface MutantRow {
  mutant: string;
  fn: string;
  category: string;
  description: string;
  history: string;
  profile: string;
  random: EngineResult;
  exhaustive: EngineResult;
  shrunkLength: number | null;
  shortestLength: number | null;
}

export interface RandomOpts { seed: number; runs: number; maxOps: number; rounds: number; extra: number }
export interface ExploreOpts { depth: number; maxStates: number }

/** The alphabet bounds of a catalog entry. */
function boundsOf(m: Mutant): Bounds {
  // resolved in full: explore's defaults for missing fields differ from random checking's
  return { ...DEFAULT_BOUNDS, ...(m.bounds as Partial<Bounds>) };
}

function profileOf(m: Mutant): Profile {
  const p = getProfile(m.profile);
  if (!p) throw new Error(`mutant ${m.name}: unknown profile ${m.profile}`);
  return p;
}

/** Whether `ops` also breaks `key` on the faithful model (so the mutant is not what breaks it). */
function faithfulFails(profile: Profile, ops: readonly Op[], key: string, ignore: ReadonlySet<string>): boolean {
  activate(null);
  const v = runOps(profile, ops, ignore).violation;
  return v !== null && violationKey(v.property, v.detail) === key;
}

/** One minimal counterexample of a random search. */
interface Found { property: string; detail: string; ops: Op[]; shrunkFrom: number }

/**
 * One fast-check search for the mutant (fixed seed), its fast-check shrinking, then
 * trace-level minimisation (properties/shrink.ts) and tighten(). A violation whose minimal
 * trace also breaks the faithful model is masked (added to `ignore`) and the search goes on
 * (fresh round, same seed), as is one that is not the entry's `target`.
 */
function hunt(m: Mutant, profile: Profile, alphabet: Alphabet, seed: number, o: RandomOpts, ignore: Set<string>): Found | null {
  const profileRow = m.switches !== undefined && m.switches.length === 0;
  for (let round = 0; round < o.rounds; round++) {
    activate(m.name);
    const prop = fc.property(runArbitrary(o.maxOps), (choices) => play(profile, alphabet, choices, ignore).violation === null);
    const details = fc.check(prop, { numRuns: o.runs, seed, endOnFailure: false });
    if (!details.failed || !details.counterexample) return null;
    const final = play(profile, alphabet, details.counterexample[0], ignore);
    const v = final.violation;
    if (!v) return null;
    const key = violationKey(v.property, v.detail);
    const first = minimize(profile, final.ops, key, ignore);
    if ((!profileRow && faithfulFails(profile, first, key, ignore)) || (m.target !== undefined && key !== m.target)) {
      ignore.add(key);
      continue;
    }
    const ops = tighten(m, profile, alphabet, first, ignore, profileRow);
    activate(m.name);
    const again = runOps(profile, ops, ignore).violation ?? v;
    return { property: again.property, detail: again.detail, ops, shrunkFrom: final.ops.length };
  }
  return null;
}

/**
 * Random checking of one mutant. The time to the first counterexample is that of the first
 * search (seed o.seed, including shrinking). Then `o.extra` more searches with seeds
 * o.seed+1.. look for a shorter minimal counterexample (shrinking by deletion keeps the shape
 * of the first failure; independent failures give other shapes); the shortest is reported.
 * Deterministic per seed.
 */
export function randomEngine(m: Mutant, o: RandomOpts): EngineResult {
  const profile = profileOf(m);
  const alphabet = new Alphabet(profile, boundsOf(m));
  const ignore = new Set<string>();
  const t0 = performance.now();
  try {
    const best = hunt(m, profile, alphabet, o.seed, o, ignore);
    const ms = performance.now() - t0;
    if (!best) return { caught: false, ms, masked: [...ignore] };
    let shortest = best;
    for (let k = 1; k <= o.extra && shortest.ops.length > 1; k++) {
      const f = hunt(m, profile, alphabet, o.seed + k, o, ignore);
      if (f && f.ops.length < shortest.ops.length) shortest = f;
    }
    return { caught: true, ...shortest, ms, totalMs: performance.now() - t0, masked: [...ignore] };
  } finally {
    activate(null);
  }
}

/** The op sequences reachable by replacing ops[i] and ops[i+1] with one op the alphabet offers after ops[0..i). */
function* merges(profile: Profile, alphabet: Alphabet, ops: readonly Op[], ignore: ReadonlySet<string>): Generator<Op[]> {
  const c = new Checker(profile, ignore.size ? { ignore } : {});
  let names: Names = NO_NAMES;
  for (let i = 0; i + 1 < ops.length; i++) {
    for (const x of alphabet.enumerate(c.spec, names)) yield [...ops.slice(0, i), x, ...ops.slice(i + 2)];
    const r = c.apply(ops[i]!);
    names = bindNames(names, ops[i]!, r.spec);
  }
}

/**
 * Trace-level shrinking past deletion: while some pair of adjacent ops can be replaced by one
 * op of the alphabet (e.g. `spawn; cred uid` by `spawn newns user`) and the shorter trace still
 * breaks a property that the faithful model keeps (any key, not only the first one's: the
 * same bug may show first as a count and then as a use after put), take it and minimize again.
 * Bounded: at most ops.length rounds over at most a few thousand candidates each.
 */
export function tighten(m: Mutant, profile: Profile, alphabet: Alphabet, ops: Op[], ignore: ReadonlySet<string>, profileRow: boolean): Op[] {
  let cur = ops;
  for (let round = 0; round < ops.length && cur.length > 1; round++) {
    let better: Op[] | null = null;
    for (const cand of merges(profile, alphabet, cur, ignore)) {
      // a merge can drop the op that bound a name a later op uses (trace v1 refuses that)
      if (!wellFormed(cand)) continue;
      activate(m.name);
      const v = runOps(profile, cand, ignore).violation;
      if (!v) continue;
      const key = violationKey(v.property, v.detail);
      if (m.target !== undefined && key !== m.target) continue;
      if (!profileRow && faithfulFails(profile, cand, key, ignore)) continue;
      activate(m.name);
      better = minimize(profile, cand, key, ignore);
      break;
    }
    activate(m.name);
    if (!better || better.length >= cur.length) break;
    cur = better;
  }
  return cur;
}

/** The explore() entry point of explore/index.ts, when that module exists. */
type ExploreFn = (profile: Profile, opts?: { depth?: number; maxStates?: number; workers?: number; bounds?: Partial<Bounds>; ignore?: ReadonlySet<string> }) => unknown;
interface ExploreViolation { property: string; detail: string; ops: Op[] }
interface ExploreOut { ok: boolean; complete: boolean; distinctStates: number; violations: ExploreViolation[] }

let exploreFn: ExploreFn | null | undefined;

/** Loads explore/index.ts lazily (it may not exist in every checkout). */
export async function loadExplore(): Promise<ExploreFn | null> {
  if (exploreFn !== undefined) return exploreFn;
  const file = join(fileURLToPath(new URL('..', import.meta.url)), 'explore', 'index.ts');
  if (!existsSync(file)) return (exploreFn = null);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { explore?: ExploreFn };
    exploreFn = typeof mod.explore === 'function' ? mod.explore : null;
  } catch {
    exploreFn = null;
  }
  return exploreFn;
}

const baselines = new Map<string, Promise<Set<string>>>();

/** Violation keys that exhaustive search finds on the faithful profile within the same bounds and depth. */
function exploreBaseline(explore: ExploreFn, m: Mutant, depth: number, maxStates: number): Promise<Set<string>> {
  const id = `${m.profile}|${JSON.stringify(m.bounds)}|${depth}|${maxStates}`;
  let p = baselines.get(id);
  if (!p) {
    p = (async () => {
      activate(null);
      const r = (await explore(profileOf(m), { depth, maxStates, bounds: boundsOf(m) })) as ExploreOut;
      return new Set(r.violations.map((v) => violationKey(v.property, v.detail)));
    })();
    baselines.set(id, p);
  }
  return p;
}

/**
 * Exhaustive search of one mutant: breadth-first over the same alphabet and bounds, deepened
 * one level at a time up to the depth bound, with the faithful profile's own violation keys
 * (same bounds, same depth) masked. Caught when a violation remains; its trace is the shortest
 * counterexample within the bounds (BFS).
 */
export async function exhaustiveEngine(m: Mutant, o: ExploreOpts): Promise<EngineResult> {
  const explore = await loadExplore();
  if (!explore) return { caught: false, ms: 0, masked: [], note: 'explore/index.ts not available' };
  const profileRow = m.switches !== undefined && m.switches.length === 0;
  const t0 = performance.now();
  let states = 0;
  let complete = true;
  let masked: string[] = [];
  for (let depth = 1; depth <= o.depth; depth++) {
    // a profile-difference row compares against nothing: the faithful profile is the subject
    const base = profileRow ? new Set<string>() : await exploreBaseline(explore, m, depth, o.maxStates);
    masked = [...base];
    activate(m.name);
    let r: ExploreOut;
    try {
      r = (await explore(profileOf(m), { depth, maxStates: o.maxStates, bounds: boundsOf(m), ignore: base })) as ExploreOut;
    } finally {
      activate(null);
    }
    states = r.distinctStates;
    complete = r.complete;
    let found = r.violations.filter((v) => !base.has(violationKey(v.property, v.detail)));
    if (m.target !== undefined) found = found.filter((v) => violationKey(v.property, v.detail) === m.target);
    found.sort((a, b) => a.ops.length - b.ops.length);
    const best = found[0];
    if (best) {
      return { caught: true, property: best.property, detail: best.detail, ops: best.ops, ms: performance.now() - t0, masked, states, complete };
    }
    if (!r.complete) break;
  }
  return { caught: false, ms: performance.now() - t0, masked, states, complete };
}

/** Runs one catalog entry through both engines. */
export async function runMutant(m: Mutant, ro: RandomOpts, eo: ExploreOpts, engines: { random: boolean; exhaustive: boolean }): Promise<MutantRow> {
  const skipped = (note: string): EngineResult => ({ caught: false, ms: 0, masked: [], note });
  const random = engines.random ? randomEngine(m, ro) : skipped('not run');
  const exhaustive = engines.exhaustive ? await exhaustiveEngine(m, eo) : skipped('not run');
  return {
    mutant: m.name, fn: m.fn, category: m.category, description: m.description, history: m.history, profile: m.profile,
    random, exhaustive,
    shrunkLength: random.ops ? random.ops.length : null,
    shortestLength: exhaustive.ops ? exhaustive.ops.length : null,
  };
}

/** Caught, or deliberately not run (--engine). */
const ranOk = (e: EngineResult): boolean => e.caught || e.note === 'not run';
/** An exhaustive search that a bound stopped before it caught the mutant: not caught, not cleared either. */
const stopped = (e: EngineResult): boolean => !e.caught && e.complete === false;

/** Summary figures of a campaign (the acceptance measures). */
export function summarize(rows: readonly MutantRow[]): Record<string, unknown> {
  const both = rows.filter((r) => r.random.caught && r.exhaustive.caught);
  const pairs = rows.filter((r) => r.shrunkLength !== null && r.shortestLength !== null);
  const equal = pairs.filter((r) => r.shrunkLength === r.shortestLength).length;
  const worst = pairs.reduce((a, r) => Math.max(a, r.shrunkLength! / r.shortestLength!), 0);
  const times = rows.filter((r) => r.random.caught).map((r) => r.random.ms).sort((a, b) => a - b);
  const median = times.length === 0 ? null : times.length % 2 ? times[times.length >> 1]! : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2;
  return {
    mutants: rows.length,
    caughtByRandom: rows.filter((r) => r.random.caught).length,
    caughtByExhaustive: rows.filter((r) => r.exhaustive.caught).length,
    caughtByBoth: both.length,
    survivors: rows.filter((r) => !ranOk(r.random) || !ranOk(r.exhaustive)).map((r) => r.mutant),
    // of those, the ones whose exhaustive search a bound (--max-states) stopped before it caught them
    stoppedByBound: rows.filter((r) => stopped(r.exhaustive) && ranOk(r.random)).map((r) => r.mutant),
    shrunkEqualsShortest: pairs.length ? `${equal}/${pairs.length}` : 'n/a',
    shrunkEqualsShortestRatio: pairs.length ? equal / pairs.length : null,
    worstShrunkOverShortest: pairs.length ? Number(worst.toFixed(2)) : null,
    medianRandomMs: median === null ? null : Math.round(median),
    notExpressible: NOT_EXPRESSIBLE.map((n) => n.name),
  };
}

const yes = (e: EngineResult) => (e.caught ? 'yes' : e.note ? `no (${e.note})` : stopped(e) ? 'no (stopped by --max-states)' : 'NO');

/** The campaign as Markdown (the table of the issue, plus the not-expressible list). */
export function markdown(rows: readonly MutantRow[], summary: Record<string, unknown>, ro: RandomOpts, eo: ExploreOpts): string {
  const table = mdTable(
    ['mutant', 'kernel function', 'description', 'history', 'profile', 'random', 'exhaustive', 'property (random / exhaustive)', 'first cx (ms)', 'shrunk (from)', 'shortest'],
    rows.map((r) => [r.mutant, r.fn, r.description, r.history || '-', r.profile, yes(r.random), yes(r.exhaustive),
      `${r.random.property ?? '-'} / ${r.exhaustive.property ?? '-'}`, r.random.caught ? Math.round(r.random.ms) : '-',
      r.shrunkLength === null ? '-' : `${r.shrunkLength} (${r.random.shrunkFrom})`, r.shortestLength ?? '-']),
  );
  const ne = mdTable(['bug', 'kernel function', 'history', 'why the model cannot express it'],
    NOT_EXPRESSIBLE.map((n) => [n.name, n.fn, n.history || '-', n.reason]));
  return [
    '# procns mutants', '',
    `Random: seed ${ro.seed}, ${ro.runs} runs per round, at most ${ro.maxOps} ops per run. Exhaustive: depth ${eo.depth}, at most ${eo.maxStates} states.`, '',
    table, '',
    '## Summary', '', mdTable(['measure', 'value'], Object.entries(summary).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') || '-' : v ?? '-'])), '',
    '## Not expressible in the model', '', ne, '',
  ].join('\n');
}

/**
 * The shortest counterexample of a row as a trace of format v1 (expects = spec outcomes, the
 * note on the step the mutant breaks), with `origin` {mutant, property, key, masked}: the
 * data of tests/mutant-traces.test.ts (scenarios/mutants/). Null when no engine caught it.
 */
export function mutantTrace(m: Mutant, row: MutantRow): Trace | null {
  // a search may name an fd no step binds (setns on "f1" for EBADF): trace v1 refuses that
  const cands = [row.random, row.exhaustive].filter((e) => e.caught && e.ops && wellFormed(e.ops));
  cands.sort((a, b) => a.ops!.length - b.ops!.length);
  const e = cands[0];
  if (!e) return null;
  const key = violationKey(e.property!, e.detail!);
  const origin = { mutant: m.name, key, masked: e.masked.filter((k) => k !== key).sort(), engine: e === row.random ? 'random' : 'exhaustive' };
  const t = withMutant(m.name, () => counterexampleTrace(profileOf(m), e.ops!, e.property!, e.detail!, origin));
  return { ...t, title: `mutant ${m.name} (${m.fn}) breaks ${key}`, description: m.description };
}

/** Why a row has no trace file: the mutant survived, or no counterexample of it is a valid v1 trace. */
export function noTraceReason(row: MutantRow): string {
  return row.random.caught || row.exhaustive.caught ? 'counterexample not expressible as a v1 trace' : 'survived: no counterexample';
}

/** Writes the row's trace to DIR/<mutant>.json as every command writes a trace (cli/common.ts writeTrace); what the report says of it. */
function writeMutantTrace(dir: string, row: MutantRow): ReturnType<typeof writeTrace> | { traceFile: null; traceNote: string } {
  const t = mutantTrace(findMutant(row.mutant)!, row);
  if (!t) return { traceFile: null, traceNote: noTraceReason(row) };
  return writeTrace(join(dir, `${row.mutant}.json`), t, 'sim', traceJson(t));
}

export interface MutantsCliOptions {
  json?: boolean; only?: string; seed?: string; runs?: string; maxOps?: string; depth?: string; maxStates?: string;
  report?: string; engine?: string; traces?: boolean; extraSeeds?: string; writeTraces?: string;
}

export async function runMutants(o: MutantsCliOptions): Promise<number> {
  const ro: RandomOpts = {
    seed: intOpt('seed', o.seed, 1, -(2 ** 31), 2 ** 31 - 1),
    runs: intOpt('runs', o.runs, 2000, 1, 1_000_000),
    maxOps: intOpt('max-ops', o.maxOps, 30, 1, 1000),
    rounds: 6,
    extra: intOpt('extra-seeds', o.extraSeeds, 4, 0, 100),
  };
  const eo: ExploreOpts = { depth: intOpt('depth', o.depth, 6, 1, 100), maxStates: intOpt('max-states', o.maxStates, 200_000, 1, 100_000_000) };
  const engine = o.engine ?? 'both';
  if (!['both', 'random', 'exhaustive'].includes(engine)) throw new UsageError(`--engine must be both, random or exhaustive, got "${engine}"`);
  let list = MUTANTS;
  if (o.only !== undefined) {
    const names = o.only.split(',');
    for (const n of names) if (!findMutant(n)) throw new UsageError(`unknown mutant "${n}" (one of ${MUTANTS.map((m) => m.name).join(', ')})`);
    list = MUTANTS.filter((m) => names.includes(m.name));
  }
  // the report is written whatever the campaign finds; a trace file for each mutant that has one
  checkOutputs([
    { flag: '--report', folder: o.report ?? 'procns-out', files: reportNames('mutants') },
    { flag: '--write-traces', folder: o.writeTraces, files: list.map((m) => `${m.name}.json`) },
  ]);
  const rows: MutantRow[] = [];
  for (const m of list) {
    const row = await runMutant(m, ro, eo, { random: engine !== 'exhaustive', exhaustive: engine !== 'random' });
    rows.push(row);
    if (!o.json) {
      say(`${m.name.padEnd(26)} random ${yes(row.random).padEnd(4)} ${String(row.random.property ?? '-').padEnd(18)} ${row.random.caught ? `${Math.round(row.random.ms)} ms`.padStart(8) : '       -'}`
        + `  shrunk ${String(row.shrunkLength ?? '-').padStart(2)}  | exhaustive ${yes(row.exhaustive)} ${row.exhaustive.property ?? '-'} shortest ${row.shortestLength ?? '-'}`);
    }
  }
  const summary = summarize(rows);
  const dir = o.writeTraces;
  const files = rows.map((row) => (dir === undefined ? {} : writeMutantTrace(dir, row)));
  const doc = {
    command: 'mutants', seed: ro.seed, runs: ro.runs, maxOps: ro.maxOps, depth: eo.depth, maxStates: eo.maxStates,
    engines: engine, summary,
    mutants: rows.map((r, i) => ({
      ...r,
      random: { ...r.random, ms: Math.round(r.random.ms), ...(o.traces ? {} : { ops: undefined }) },
      exhaustive: { ...r.exhaustive, ms: Math.round(r.exhaustive.ms), ...(o.traces ? {} : { ops: undefined }) },
      ...files[i],
    })),
    notExpressible: NOT_EXPRESSIBLE,
  };
  writeReport(o.report ?? 'procns-out', doc, markdown(rows, summary, ro, eo));
  if (o.json) printJson(doc);
  else {
    for (const [i, f] of files.entries()) {
      if ('traceNote' in f) say(`${rows[i]!.mutant}: ${f.traceNote}; ${rows[i]!.mutant}.json not written`);
      if ('traceError' in f) say(`${rows[i]!.mutant}: trace not written (${f.traceError})`);
    }
    say('');
    for (const [k, v] of Object.entries(summary)) say(`  ${k}: ${Array.isArray(v) ? v.join(', ') || '-' : v}`);
    say(`  report: ${join(o.report ?? 'procns-out', 'mutants.md')}`);
  }
  // a mutant that got away only because a bound stopped the search is exit 3 (the bound), not 1
  const survivors = summary.survivors as string[];
  const bound = new Set(summary.stoppedByBound as string[]);
  if (survivors.some((m) => !bound.has(m))) return EXIT.violation;
  return survivors.length > 0 ? EXIT.bound : EXIT.ok;
}

/** A trace as JSON with one step per line (the layout of scenarios/). */
function traceJson(t: Trace): string {
  const { steps, ...head } = t;
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${top},\n  "steps": [\n${steps.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]\n}\n`;
}

export function registerMutants(program: Command, run: (code: () => number | Promise<number>) => void): void {
  program.command('mutants')
    .description('mutation campaign: every catalogued seeded bug through random checking and exhaustive search')
    .option('--only <M,...>', 'run only these mutants')
    .option('--engine <E>', 'both, random or exhaustive', 'both')
    .option('--seed <S>', 'fast-check seed (fixed: results are deterministic)', '1')
    .option('--runs <N>', 'random runs per search round', '2000')
    .option('--max-ops <N>', 'most ops per random run', '30')
    .option('--extra-seeds <N>', 'more random searches (seeds S+1..S+N) for a shorter minimal counterexample', '4')
    .option('--depth <D>', 'exhaustive search depth', '6')
    .option('--max-states <N>', 'exhaustive search state bound', '200000')
    .option('--report <DIR>', 'where mutants.json and mutants.md go', 'procns-out')
    .option('--traces', 'include the counterexample traces in --json')
    .option('--write-traces <DIR>', 'write each mutant\'s shortest counterexample as a trace file DIR/<mutant>.json')
    .option('--json', 'print one JSON document')
    .action((opts: MutantsCliOptions) => run(() => runMutants(opts)));
}
