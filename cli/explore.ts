// procns explore: exhaustive bounded model checking of one profile (explore/). Prints progress
// on stderr, the states per depth, and the shortest trace of each distinct violation, which it
// also writes to a file that `procns replay` reproduces. Exit 0 / 1 / 2 / 3 (bound hit first).
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Bounds } from '../properties/alphabet.ts';
import { counterexampleTrace } from '../properties/counterexample.ts';
import { activate, findMutant, MUTANTS } from '../model/mutants/index.ts';
import { mdTable, reportNames, writeReport } from '../reports/writers.ts';
import { explore, exploreBounds, exploreDepth } from '../explore/index.ts';
import type { ExploreOptions, ExploreResult, Progress } from '../explore/index.ts';
import { keyWarnings } from '../explore/key.ts';
import { COVER_BOUNDS, COVER_DEFAULTS, coverSearch } from '../explore/cover.ts';
import type { CoverResult, SpliceProgress } from '../explore/cover.ts';
import { LifecycleTracker, coverageJson, coverageLines, coverageMarkdown } from '../model/lifecycle/index.ts';
import { coveringLengths } from '../model/lifecycle/corpus.ts';
import { EXIT, UsageError, checkOutputs, intOpt, notEmpty, printJson, profileOpt, readInput, say, traceLine, writeTrace } from './common.ts';
import { checkOpValue, parseJson, TraceError } from '../model/trace.ts';
import { ENTRY_NAMES, OP_NAMES } from '../model/types.ts';

export interface ExploreCliOptions {
  profile?: string; mutant?: string; depth?: string; maxStates?: string; maxMemory?: string; workers?: string;
  exact?: boolean; config?: string; json?: boolean; report?: string; symmetry?: boolean; out?: string;
  maxTasks?: string; maxFds?: string; maxNsNames?: string;
  cover?: boolean; coverDepth?: string; coverBeam?: string; coverMembers?: string; coverSeed?: string; coverSplice?: string;
}

const CONFIG_KEYS = ['depth', 'maxStates', 'maxMemoryMb', 'workers', 'exact', 'symmetry', 'bounds', 'cover'];
const COVER_KEYS = ['depth', 'beam', 'members', 'seed', 'splice', 'bounds'];

/** [least, most] of a number that a flag or the config sets: one table, so both take the same values. */
type Range = readonly [number, number];
const TOP = Number.MAX_SAFE_INTEGER;
const RUN_LIMITS = { depth: [0, 1000], maxStates: [1, TOP], maxMemoryMb: [16, TOP], workers: [1, 64] } as const satisfies Record<string, Range>;
const BOUND_LIMITS = { maxTasks: [0, 16], maxFds: [0, 64], maxNsNames: [0, 64] } as const satisfies Record<string, Range>;
const COVER_LIMITS = {
  depth: [1, 1000], beam: [1, 1_000_000], members: [1, 1000], seed: [0, TOP], splice: [0, 1_000_000_000],
} as const satisfies Record<string, Range>;

/** A config number within its range, or a UsageError naming the file, the key and the range. */
function checkInt(file: string, where: string, v: unknown, [min, max]: Range): void {
  if (v === undefined || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) return;
  throw new UsageError(`${file}: ${where} must be an integer ${max === TOP ? `of at least ${min}` : `from ${min} to ${max}`}, got ${shown(v)}`);
}

/** A config value as the user wrote it, near enough: JSON, but a number too big for a double (1e400) is Infinity, not null. */
function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** The config's `cover`: false, or {depth?, beam?, members?, seed?, splice?, bounds?} over the cover defaults. */
export type CoverConfig = false | Partial<typeof COVER_DEFAULTS> & { bounds?: Partial<Bounds> };
const LIST_BOUNDS = ['mounts', 'entries', 'ops', 'flagSets', 'creds'] as const satisfies readonly (keyof Bounds)[];
const BOUND_KEYS: (keyof Bounds)[] = ['maxTasks', 'maxFds', 'maxNsNames', ...LIST_BOUNDS];

/** Reads --config FILE.json: {depth?, maxStates?, maxMemoryMb?, workers?, exact?, symmetry?, bounds?, cover?}. */
export function readConfig(file: string): Partial<ExploreOptions> & { bounds?: Partial<Bounds>; cover?: CoverConfig } {
  const text = readInput(file, 'config ');
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`${file}: a config is a JSON object`);
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!CONFIG_KEYS.includes(k)) throw new UsageError(`${file}: unknown key "${k}" (one of ${CONFIG_KEYS.join(', ')})`);
  for (const [k, r] of Object.entries(RUN_LIMITS)) checkInt(file, `"${k}"`, o[k], r);
  for (const k of ['exact', 'symmetry']) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new UsageError(`${file}: "${k}" must be true or false`);
  if (o.bounds !== undefined) checkBounds(file, 'bounds', o.bounds);
  if (o.cover !== undefined && o.cover !== false) {
    if (typeof o.cover !== 'object' || o.cover === null || Array.isArray(o.cover)) throw new UsageError(`${file}: "cover" must be false or an object`);
    const c = o.cover as Record<string, unknown>;
    for (const k of Object.keys(c)) if (!COVER_KEYS.includes(k)) throw new UsageError(`${file}: unknown cover key "${k}" (one of ${COVER_KEYS.join(', ')})`);
    for (const [k, r] of Object.entries(COVER_LIMITS)) checkInt(file, `cover.${k}`, c[k], r);
    if (c.bounds !== undefined) checkBounds(file, 'cover.bounds', c.bounds);
  }
  return o as Partial<ExploreOptions>;
}

/** Checks a config's bounds object (`where` names it in the message). */
function checkBounds(file: string, where: string, bounds: unknown): void {
  if (typeof bounds !== 'object' || bounds === null || Array.isArray(bounds)) throw new UsageError(`${file}: "${where}" must be an object`);
  const b = bounds as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!(BOUND_KEYS as string[]).includes(k)) throw new UsageError(`${file}: unknown bound "${k}" in ${where} (one of ${BOUND_KEYS.join(', ')})`);
  for (const [k, r] of Object.entries(BOUND_LIMITS)) checkInt(file, `${where}.${k}`, b[k], r);
  for (const k of LIST_BOUNDS) if (b[k] !== undefined && !Array.isArray(b[k])) throw new UsageError(`${file}: ${where}.${k} must be a list`);
  /** The first element of list `k` that `why` refuses: a UsageError naming it and why. */
  const each = (k: string, why: (v: unknown, i: number) => string): void => {
    ((b[k] ?? []) as unknown[]).forEach((v, i) => {
      const w = why(v, i);
      if (w) throw new UsageError(`${file}: ${where}.${k}[${i}]${w}`);
    });
  };
  const not = (ok: boolean, v: unknown, what: string): string => (ok ? '' : ` is ${shown(v)}, not ${what}`);
  each('mounts', (m) => not(typeof m === 'string' && /^@[A-Za-z0-9_.-]+$/.test(m), m, 'a mount name like "@m1"'));
  // an entry is the last component of a /proc/<task>/ns/<entry> path of a trace (model/trace.ts)
  each('entries', (e) => not(typeof e === 'string' && /^[a-z_]+$/.test(e), e, `an entry name of a-z and _ (${ENTRY_NAMES.join(', ')}, or one no profile has, like bogus)`));
  if (Array.isArray(b.ops) && b.ops.length === 0) throw new UsageError(`${file}: ${where}.ops is empty: list op families, or leave it out for all the profile has`);
  each('ops', (f) => not((OP_NAMES as readonly unknown[]).includes(f), f, `an op family (${OP_NAMES.join(', ')})`));
  each('flagSets', (f) => {
    const w = opValue('open', 'flags', f);
    return w ? `: ${w}` : '';
  });
  each('creds', (c) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c) || Object.keys(c).length === 0) {
      return not(false, c, 'a credential change like {"uid": 1000} or {"caps": ["CAP_SYS_ADMIN"], "dumpable": false}');
    }
    for (const [k, v] of Object.entries(c)) {
      const w = opValue('cred', k, v);
      if (w) return `: ${w}`;
    }
    return '';
  });
  // each list is a set: an element twice (a flag set or credential change in another order too)
  // only makes the same transitions again
  for (const k of LIST_BOUNDS) {
    const seen = new Map<string, number>();
    each(k, (v, i) => {
      const key = asSet(v);
      const j = seen.get(key);
      if (j !== undefined) return ` is ${shown(v)}, the same as ${where}.${k}[${j}]`;
      seen.set(key, i);
      return '';
    });
  }
}

/** A bound list's element as a set sees it: lists and object keys in any order are the same. */
function asSet(v: unknown): string {
  if (Array.isArray(v)) return JSON.stringify(v.map(asSet).sort());
  if (typeof v === 'object' && v !== null) return JSON.stringify(Object.entries(v).map(([k, x]) => `${k}=${asSet(x)}`).sort());
  return JSON.stringify(v);
}

/** Why `v` is not a value of `field` of `op` (model/trace.ts checks it as in a trace step), '' when it is. */
function opValue(op: 'open' | 'cred', field: string, v: unknown): string {
  try {
    checkOpValue(op, field, v);
    return '';
  } catch (e) {
    if (e instanceof TraceError) return e.message;
    throw e;
  }
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A progress line on stderr; on a TTY one redrawn line with a bar over the current level. */
function progressPrinter(): { onProgress: (p: Progress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  return {
    onProgress(p) {
      const frac = p.levelSize > 0 ? p.levelDone / p.levelSize : 1;
      const text = `explore: depth ${p.depth}, ${fmtInt(p.distinct)} distinct states, queue ${fmtInt(p.queue)}, `
        + `${fmtInt(p.transitions)} transitions, ${fmtInt(p.statesPerSec)} states/s, ${(p.ms / 1000).toFixed(1)} s`;
      if (tty) {
        const w = 20;
        const bar = `[${'#'.repeat(Math.round(frac * w)).padEnd(w, '-')}] ${(frac * 100).toFixed(0).padStart(3)}% of level`;
        process.stderr.write(`\r\x1b[K${bar} ${text}`);
        drawn = true;
      } else {
        process.stderr.write(`${text}\n`);
      }
    },
    end() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

export async function runExplore(o: ExploreCliOptions): Promise<number> {
  const profile = profileOpt(o.profile);
  notEmpty('--config', o.config);
  const cfg = o.config !== undefined ? readConfig(o.config) : {};
  if (o.mutant !== undefined && !findMutant(o.mutant)) {
    throw new UsageError(`unknown mutant "${o.mutant}" (see procns mutants; one of ${MUTANTS.map((m) => m.name).join(', ')})`);
  }
  const bounds: Partial<Bounds> = exploreBounds(profile, cfg.bounds ?? {});
  if (o.maxTasks !== undefined) bounds.maxTasks = intOpt('max-tasks', o.maxTasks, 1, ...BOUND_LIMITS.maxTasks);
  if (o.maxFds !== undefined) bounds.maxFds = intOpt('max-fds', o.maxFds, 2, ...BOUND_LIMITS.maxFds);
  if (o.maxNsNames !== undefined) bounds.maxNsNames = intOpt('max-ns-names', o.maxNsNames, 1, ...BOUND_LIMITS.maxNsNames);
  const depth = intOpt('depth', o.depth, cfg.depth ?? exploreDepth(profile), ...RUN_LIMITS.depth);
  const maxStates = o.maxStates !== undefined ? intOpt('max-states', o.maxStates, 0, ...RUN_LIMITS.maxStates) : cfg.maxStates;
  const maxMemoryMb = o.maxMemory !== undefined ? intOpt('max-memory (MB)', o.maxMemory, 0, ...RUN_LIMITS.maxMemoryMb) : cfg.maxMemoryMb;
  let workers = intOpt('workers', o.workers, cfg.workers ?? 1, ...RUN_LIMITS.workers);
  const exact = o.exact ?? cfg.exact ?? false;
  const symmetry = o.symmetry === false ? false : (cfg.symmetry ?? true);
  const notes: string[] = [];
  // flags that contradict each other are refused; a config's contradictions are noted (below)
  if (o.exact && o.workers !== undefined && workers > 1) throw new UsageError(`--exact keeps full keys in one thread: it cannot take --workers ${workers}`);
  const coverFlag = (['coverDepth', 'coverBeam', 'coverMembers', 'coverSeed', 'coverSplice'] as const).find((k) => o[k] !== undefined);
  if (coverFlag) {
    const flag = `--${coverFlag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (o.cover === false || cfg.cover === false) throw new UsageError(`${flag} sets the cover phase, which ${o.cover === false ? '--no-cover' : 'the config ("cover": false)'} turns off`);
  }
  if (exact && workers > 1) {
    notes.push('--exact keeps full keys in one thread: --workers ignored');
    workers = 1;
  }
  const coverCfg = cfg.cover === false ? null : (cfg.cover ?? {});
  const coverOpts = {
    depth: intOpt('cover-depth', o.coverDepth, coverCfg?.depth ?? COVER_DEFAULTS.depth, ...COVER_LIMITS.depth),
    beam: intOpt('cover-beam', o.coverBeam, coverCfg?.beam ?? COVER_DEFAULTS.beam, ...COVER_LIMITS.beam),
    members: intOpt('cover-members', o.coverMembers, coverCfg?.members ?? COVER_DEFAULTS.members, ...COVER_LIMITS.members),
    seed: intOpt('cover-seed', o.coverSeed, coverCfg?.seed ?? COVER_DEFAULTS.seed, ...COVER_LIMITS.seed),
    splice: intOpt('cover-splice', o.coverSplice, coverCfg?.splice ?? COVER_DEFAULTS.splice, ...COVER_LIMITS.splice),
    // the user's bounds (families, entries, mounts...), widened to the cover phase's tasks and fds
    bounds: { ...bounds, ...COVER_BOUNDS, ...(coverCfg?.bounds ?? {}) },
  };
  // a default --out folder is only checked once written to (a trace it cannot take is still printed)
  checkOutputs([{ flag: '--out', folder: o.out }, { flag: '--report', folder: o.report, files: reportNames('explore') }]);
  const pp = o.json ? null : progressPrinter();
  // lifecycle coverage of every explored transition (with workers, each thread counts its share);
  // the cover phase that follows runs in this thread
  const tracker = new LifecycleTracker(profile);
  const coverWanted = o.cover !== false && coverCfg !== null;
  activate(o.mutant ?? null);
  let r: ExploreResult;
  let cover: CoverResult | null = null;
  let exhaustivePercent = 0;
  try {
    r = await explore(profile, {
      depth, workers, exact, symmetry, bounds, lifecycle: tracker,
      ...(maxStates !== undefined ? { maxStates } : {}), ...(maxMemoryMb !== undefined ? { maxMemoryMb } : {}),
      ...(pp ? { onProgress: pp.onProgress } : {}),
    });
    exhaustivePercent = tracker.summary().percent;
    if (coverWanted && !r.complete) notes.push('the cover phase did not run: the exhaustive phase was stopped by a bound');
    if (coverWanted && r.complete && !tracker.full()) {
      pp?.end();
      cover = coverSearch(profile, {
        ...coverOpts, ignore: new Set(r.violations.map((v) => v.key)), tracker,
        ...(pp ? {
          onMember: (k: number, pct: number) => process.stderr.write(`explore: cover phase, beam ${k + 1} of ${coverOpts.members} done, lifecycle coverage ${pct}%\n`),
          onSplice: (p: SpliceProgress) => process.stderr.write(`explore: cover phase, splice ${p.done ? 'done' : 'running'}: ${fmtInt(p.pairs)} pairs, `
            + `${fmtInt(p.transitions)} of ${fmtInt(p.budget)} transitions, lifecycle coverage ${p.percent}%\n`),
        } : {}),
      });
    }
  } finally {
    activate(null);
    pp?.end();
  }
  const loud = keyWarnings.filter((w) => w.includes('WARNING'));
  if (!o.json) for (const w of [...notes, ...loud]) process.stderr.write(`${w}\n`);

  const statesPerSecond = Math.round((r.distinctStates / r.ms) * 1000);
  const transitionsPerSecond = Math.round((r.transitions / r.ms) * 1000);
  const violations: Record<string, unknown>[] = [];
  // the exhaustive phase's traces are shortest; the cover phase's are short, not proven shortest
  const found = [...r.violations.map((v) => ({ ...v, phase: 'exhaustive' })), ...(cover?.violations ?? []).map((v) => ({ ...v, phase: 'cover' }))];
  for (const v of found) {
    const origin = { engine: v.phase === 'cover' ? 'explore-cover' : 'explore', depth: v.phase === 'cover' ? coverOpts.depth : r.depthBound, ...(o.mutant ? { mutant: o.mutant } : {}) };
    const trace = counterexampleTrace(profile, v.ops, v.property, v.detail, origin);
    const slug = v.key.replace(/[^A-Za-z0-9.]+/g, '-').replace(/-$/, '');
    const dir = o.out ?? 'procns-out';
    const traceFile = join(dir, `explore-${profile.name}${o.mutant ? `-${o.mutant}` : ''}-${slug}.json`);
    violations.push({ property: v.property, key: v.key, detail: v.detail, steps: v.ops.length, phase: v.phase, shortest: v.phase === 'exhaustive',
      ...writeTrace(traceFile, trace, 'sim'), trace });
  }
  const lifecycle = tracker.summary();
  // how long the committed covering trace of each transition never taken is (a depth to try)
  const lengths = coveringLengths(profile);
  const missedOps: Record<string, number> = {};
  for (const m of lifecycle.machines) {
    for (const e of m.transitions.missed) {
      const l = lengths.get(`${m.id}: ${e}`);
      if (l) missedOps[`${m.id}: ${e}`] = l.ops;
    }
  }
  const disagrees = lifecycle.disagreements.length > 0;
  const result = violations.length > 0 || disagrees ? 'fail' : r.complete ? 'pass' : 'incomplete';
  const coverDoc = cover ? {
    depth: coverOpts.depth, beam: coverOpts.beam, members: coverOpts.members, seed: coverOpts.seed, spliceBudget: coverOpts.splice, bounds: coverOpts.bounds,
    transitions: cover.transitions, keptStates: cover.kept, ms: Math.round(cover.ms), full: cover.full,
    violations: cover.violations.length,
    swarm: cover.members.map((m) => ({ ops: m.ops, entries: m.entries, transitions: m.transitions, newLifecycleTransitions: m.newTransitions })),
    splice: { witnesses: cover.splice.witnesses, pairs: cover.splice.pairs, transitions: cover.splice.transitions, newLifecycleTransitions: cover.splice.newTransitions },
    lookahead: { bases: cover.lookahead.bases, transitions: cover.lookahead.transitions, newLifecycleTransitions: cover.lookahead.newTransitions },
  } : null;
  const doc: Record<string, unknown> = {
    command: 'explore', profile: profile.name, ...(o.mutant ? { mutant: o.mutant } : {}), result,
    complete: r.complete, ...(r.stoppedBy ? { stoppedBy: r.stoppedBy } : {}), fixpoint: r.fixpoint,
    depth: r.depthBound, maxDepth: r.maxDepth, distinctStates: r.distinctStates, transitions: r.transitions,
    statesPerDepth: r.statesPerDepth, ms: Math.round(r.ms), statesPerSecond, transitionsPerSecond,
    bytesPerState: Number(r.bytesPerState.toFixed(2)), collisionProbability: r.collisionProbability,
    workers: r.workers, exact: r.exact, symmetry: r.symmetry, bounds: r.bounds,
    violations, ...(loud.length ? { warnings: loud } : {}), ...(notes.length ? { notes } : {}),
    ...(coverDoc ? { cover: coverDoc } : {}),
    lifecycle: { ...coverageJson(lifecycle), exhaustivePercent, missedCoveringTraceOps: missedOps },
  };
  if (o.report) {
    const md = [
      `# procns explore: ${profile.name}${o.mutant ? ` with mutant ${o.mutant}` : ''}`, '',
      mdTable(['depth bound', 'distinct states', 'transitions', 'states/s', 'bytes/state', 'collision probability', 'result'],
        [[r.depthBound, r.distinctStates, r.transitions, statesPerSecond, r.bytesPerState.toFixed(1), r.collisionProbability.toExponential(2), result]]), '',
      '## States per depth', '', mdTable(['depth', 'new distinct states'], r.statesPerDepth.map((n, d) => [d, n])), '',
      ...(coverDoc ? ['', '## Cover phase (directed, not exhaustive)', '',
        mdTable(['depth', 'beam', 'beams', 'spliced pairs', 'transitions', 'lifecycle coverage before', 'after'],
          [[coverDoc.depth, coverDoc.beam, coverDoc.members, coverDoc.splice.pairs, coverDoc.transitions, `${exhaustivePercent}%`, `${lifecycle.percent}%`]])] : []),
      '', ...coverageMarkdown(lifecycle, mdTable),
      ...(violations.length ? ['## Violations (exhaustive phase: shortest trace each; cover phase: short, not proven shortest)', '',
        mdTable(['property', 'detail', 'steps', 'phase', 'trace file'], violations.map((v) => [v.property, v.detail, v.steps, v.phase, v.traceFile ?? 'not written']))] : []),
    ].join('\n');
    writeReport(o.report, doc as { command: string }, md);
  }
  if (o.json) {
    printJson(doc);
  } else {
    say(`procns explore: profile ${profile.name}${o.mutant ? `, mutant ${o.mutant}` : ''}, depth ${r.depthBound}, ${r.workers} worker(s)${r.exact ? ', exact keys' : ''}${r.symmetry ? '' : ', no symmetry reduction'}`);
    say(`  ${fmtInt(r.distinctStates)} distinct states, ${fmtInt(r.transitions)} transitions in ${(r.ms / 1000).toFixed(2)} s `
      + `(${fmtInt(statesPerSecond)} states/s, ${fmtInt(transitionsPerSecond)} transitions/s)`);
    say(`  states per depth: ${r.statesPerDepth.map((n, d) => `${d}:${n}`).join(' ')}${r.fixpoint ? ' (fixpoint: nothing new beyond)' : ''}`);
    say(`  ${r.bytesPerState.toFixed(1)} bytes per stored state; ${r.exact ? 'exact keys, no collisions' : `fingerprint collision probability ${r.collisionProbability.toExponential(2)}`}`);
    if (!r.complete) say(`  INCOMPLETE: stopped by --${r.stoppedBy} (the statistics are partial)`);
    if (coverDoc) {
      say(`  cover phase (directed, not exhaustive): ${coverDoc.members} beams of ${coverDoc.beam} states to depth ${coverDoc.depth}, up to ${coverOpts.bounds.maxTasks} tasks, `
        + `then ${fmtInt(coverDoc.splice.pairs)} spliced pairs of ${coverDoc.splice.witnesses} witness traces (${coverDoc.splice.newLifecycleTransitions} new transitions), `
        + `then ${coverDoc.lookahead.bases} witness ends looked ahead two ops (${coverDoc.lookahead.newLifecycleTransitions} new transitions); `
        + `${fmtInt(coverDoc.transitions)} transitions in ${(coverDoc.ms / 1000).toFixed(2)} s: lifecycle coverage ${exhaustivePercent}% -> ${lifecycle.percent}%`);
    }
    for (const line of coverageLines(lifecycle, '  ', (m, e) => {
      const l = lengths.get(`${m}: ${e}`);
      return l ? ` (its covering trace has ${l.ops} ops: ${l.file})` : '';
    })) say(line);
    const need = Object.values(missedOps);
    if (need.length > 0) say(`    the transitions never taken have covering traces of ${Math.min(...need)} to ${Math.max(...need)} ops; the exhaustive phase went to depth ${r.depthBound}${cover ? `, the cover phase to ${coverOpts.depth}` : ''}`);
    if (violations.length === 0 && disagrees) {
      say(`  result: FAIL, ${lifecycle.disagreements.length} lifecycle disagreement(s) above: a statechart and the model disagree on a move (a bug in one of them)`);
    } else if (violations.length === 0) {
      say(r.complete ? `  result: PASS (no invariant or refinement breaks within depth ${r.depthBound} and the bounds${cover ? ', nor in the cover phase' : ''})` : '  result: no violation found before the bound (exit 3)');
    } else {
      say(`  result: FAIL, ${violations.length} distinct violation(s)${cover?.violations.length ? ` (${cover.violations.length} from the cover phase, with short but not proven shortest traces)` : ', each with a shortest trace'}`);
      for (const v of violations) {
        say('');
        say(`  ${v.property}: ${v.detail}`);
        say(`  ${v.shortest ? 'shortest' : 'cover-phase'} trace (${v.steps} steps):`);
        for (const [i, st] of (v.trace as { steps: unknown[] }).steps.entries()) say(`    ${String(i).padStart(2)} ${JSON.stringify(st)}`);
        say(traceLine(v));
      }
    }
  }
  return result === 'fail' ? EXIT.violation : r.complete ? EXIT.ok : EXIT.bound;
}

export function registerExplore(program: Command, run: (code: () => number | Promise<number>) => void): void {
  program.command('explore')
    .description('exhaustive bounded model checking: every state within the bounds, shortest trace per violation')
    .option('--profile <P>', 'kernel profile: seed, v3.0, v3.8, v6.18', 'v6.18')
    .option('--mutant <M>', 'switch on a seeded bug from the catalog')
    .option('--depth <D>', 'most ops per trace (default: 4 on seed/v3.0, 3 on v3.8/v6.18)')
    .option('--max-states <N>', 'stop (exit 3) after N distinct states')
    .option('--max-memory <MB>', 'stop (exit 3) when the process uses more than MB megabytes')
    .option('--workers <N>', 'workers for the exhaustive phase: the main thread and N-1 threads (level-synchronous; the same states, traces and lifecycle coverage as 1; the cover phase runs in the main thread; default 1)')
    .option('--exact', 'keep full state keys instead of 64-bit fingerprints')
    .option('--no-symmetry', 'no symmetry reduction over task, fd, nsid and mount names')
    .option('--max-tasks <N>', 'bound: tasks a trace may spawn')
    .option('--max-fds <N>', 'bound: distinct fd names')
    .option('--max-ns-names <N>', 'bound: namespace names (nsid ... as)')
    .option('--no-cover', 'skip the cover phase (directed search for the lifecycle transitions the exhaustive phase missed)')
    .option('--cover-depth <D>', `cover phase: most ops per trace (default ${COVER_DEFAULTS.depth})`)
    .option('--cover-beam <N>', `cover phase: states each beam keeps per depth (default ${COVER_DEFAULTS.beam})`)
    .option('--cover-members <N>', `cover phase: beams in the swarm (default ${COVER_DEFAULTS.members})`)
    .option('--cover-seed <S>', `cover phase: seed of the swarm's alphabet subsets (default ${COVER_DEFAULTS.seed})`)
    .option('--cover-splice <N>', `cover phase: most transitions of the splice step after the beams, 0 for none (default ${COVER_DEFAULTS.splice})`)
    .option('--config <FILE>', 'JSON: {depth, maxStates, maxMemoryMb, workers, exact, symmetry, bounds: {...}, cover: false | {depth, beam, members, seed, bounds}}')
    .option('--out <DIR>', 'where to write counterexample traces (default: procns-out)')
    .option('--report <DIR>', 'write explore.json and explore.md there')
    .option('--json', 'print one JSON document')
    .action((opts: ExploreCliOptions) => run(() => runExplore(opts)));
}
