// Random checking with fast-check. State-dependent generation without fc.commands: a run is an
// array of choice tuples, and each tuple is decoded against the state reached so far
// (Alphabet.decode picks among the ops that state offers). Every tuple decodes to some valid op,
// so fast-check's shrinking (shorter arrays, smaller numbers) always yields runnable sequences.
import fc from 'fast-check';
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { Alphabet, bindNames, NO_NAMES } from './alphabet.ts';
import type { Bounds, Names } from './alphabet.ts';
import { Checker, violationKey } from './harness.ts';
import type { StepResult, Violation } from './harness.ts';
import { minimize, runOps } from './shrink.ts';

export interface CheckOptions {
  runs?: number;
  seed?: number;
  /** One run to replay instead of searching (see runAt): a rerun of one printed counterexample. */
  replay?: Replay;
  /** Violation keys (see violationKey) to let pass from the start, as the round that found a counterexample had. */
  mask?: readonly string[];
  maxOps?: number;
  bounds?: Partial<Bounds>;
  /** Sees every run's start and every applied op (e.g. lifecycle coverage); off the hot path when absent. */
  observer?: RunObserver;
}

/** An optional watcher of runs: called at the start of each run and after each op. */
export interface RunObserver {
  start(checker: Checker): void;
  step(checker: Checker, op: Op, result: StepResult): void;
}

export interface Counterexample {
  property: string;
  detail: string;
  /** The minimal trace (ops), and its length before trace-level shrinking. */
  ops: Op[];
  shrunkFrom: number;
  seed: number;
  path: string;
  /** The keys masked in the round that found it: replaying `path` with them reproduces it. */
  masked: string[];
}

/** One run of a seed, named by its fast-check path, and the choices that run is made of. */
export interface Replay {
  path: string;
  choices: Choice[];
}

export interface CheckResult {
  ok: boolean;
  runs: number;
  ops: number;
  ms: number;
  seed: number;
  counterexample?: Counterexample;
  /** Every distinct violation found, most severe first. */
  all?: Counterexample[];
}

type Choice = [number, number, number, number, number];

/** The arbitrary of a run: up to maxOps choice tuples (size 'max': lengths spread over 0..maxOps). */
export function runArbitrary(maxOps: number): fc.Arbitrary<Choice[]> {
  const n = fc.nat({ max: 0xffff });
  return fc.array(fc.tuple(n, n, n, n, n), { maxLength: maxOps, size: 'max' });
}

/**
 * The run that a fast-check path names among the runs of `seed` (a run index, then the shrink
 * taken at each step), or undefined when the path names none (a shrink index past the last
 * shrink). Generation does not depend on the property, so an always-failing one walks the path.
 */
export function runAt(seed: number, maxOps: number, path: string): Replay | undefined {
  const walk = fc.property(runArbitrary(maxOps), (_run: Choice[]) => false);
  try {
    const details = fc.check(walk, { seed, path, numRuns: 1, endOnFailure: true });
    return details.failed && details.counterexample ? { path, choices: details.counterexample[0] } : undefined;
  } catch {
    return undefined; // fast-check's "Unable to replay, got wrong path": a shrink index past the last, mid-path
  }
}

/** Decodes choices into ops, running them; stops at the first violation. */
export function play(profile: Profile, alphabet: Alphabet, choices: readonly Choice[], ignore?: ReadonlySet<string>, observer?: RunObserver): { ops: Op[]; violation: Violation | null } {
  const checker = new Checker(profile, ignore && ignore.size ? { ignore } : {});
  let names: Names = NO_NAMES;
  const ops: Op[] = [];
  observer?.start(checker);
  for (const c of choices) {
    const op = alphabet.decode(c, checker.spec, names);
    ops.push(op);
    const r = checker.apply(op);
    observer?.step(checker, op, r);
    if (r.violation) return { ops, violation: r.violation.masked ? null : r.violation };
    names = bindNames(names, op, r.spec);
  }
  return { ops, violation: null };
}

/** The order in which a run's distinct violations are reported (the first is the verdict). */
export const PRIORITY = ['no-use-after-put', 'ptrace-gate', 'ptrace-gate(errno)', 'identity', 'refcount-exact',
  'alive-while-pinned', 'freed-when-unpinned', 'ns-fd-only', 'refinement'];
const rank = (c: Counterexample): number => {
  const k = violationKey(c.property, c.detail);
  const i = PRIORITY.indexOf(k.startsWith('refinement') ? 'refinement' : k);
  return i < 0 ? PRIORITY.length : i;
};

/**
 * Random checking. When a run fails, its violation is shrunk and recorded, its key is masked,
 * and the search goes on (same seed, fresh runs) for other distinct violations, up to
 * `maxViolations`. Deterministic for a given seed. With `replay`, that one run is checked
 * instead (with `mask`, the keys its round had masked, it gives the same counterexample).
 */
export function check(profile: Profile, opts: CheckOptions & { maxViolations?: number } = {}): CheckResult {
  const runs = opts.runs ?? 200;
  const seed = opts.seed ?? 42;
  const alphabet = new Alphabet(profile, opts.bounds);
  const maxOps = opts.maxOps ?? 60;
  const found: Counterexample[] = [];
  const ignore = new Set<string>(opts.mask);
  let ops = 0;
  let runsDone = 0;
  const t0 = performance.now();
  const holds = (choices: Choice[]): boolean => {
    const r = play(profile, alphabet, choices, ignore, opts.observer);
    ops += r.ops.length;
    return r.violation === null;
  };
  // a failing run (fast-check has shrunk it) is shrunk at the trace level, recorded with the keys masked so far, then masked
  const record = (choices: Choice[], path: string): void => {
    const final = play(profile, alphabet, choices, ignore);
    const v = final.violation!; // play is deterministic: the run fails again
    const key = violationKey(v.property, v.detail);
    const minimal = minimize(profile, final.ops, key, ignore);
    const again = runOps(profile, minimal, ignore).violation ?? v;
    found.push({ property: again.property, detail: again.detail, ops: minimal, shrunkFrom: final.ops.length, seed, path, masked: [...ignore] });
    ignore.add(key);
  };
  if (opts.replay) {
    runsDone = 1;
    if (!holds(opts.replay.choices)) record(opts.replay.choices, opts.replay.path);
  } else {
    for (let round = 0; round < (opts.maxViolations ?? 1); round++) {
      const details = fc.check(fc.property(runArbitrary(maxOps), holds), { numRuns: runs, seed, endOnFailure: false });
      runsDone += details.numRuns;
      if (!details.failed || !details.counterexample) break;
      record(details.counterexample[0], details.counterexamplePath ?? '');
    }
  }
  const ms = performance.now() - t0;
  found.sort((a, b) => rank(a) - rank(b));
  return { ok: found.length === 0, runs: runsDone, ops, ms, seed, ...(found.length ? { counterexample: found[0]!, all: found } : {}) };
}
