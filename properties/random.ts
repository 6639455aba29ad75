// Random checking with fast-check. State-dependent generation without fc.commands: a run is an
// array of choice tuples, and each tuple is decoded against the state reached so far
// (Alphabet.decode picks among the ops that state offers). Every tuple decodes to some valid op,
// so fast-check's shrinking (shorter arrays, smaller numbers) always yields runnable sequences.
import fc from 'fast-check';
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { Alphabet, bindNames, NO_NAMES } from './alphabet.ts';
import type { Bounds, Names } from './alphabet.ts';
import { Checker } from './harness.ts';
import type { Violation } from './harness.ts';
import { minimize, runOps } from './shrink.ts';

export interface CheckOptions {
  runs?: number;
  seed?: number;
  /** fast-check replay path of a failing run. */
  path?: string;
  maxOps?: number;
  bounds?: Partial<Bounds>;
}

export interface Counterexample {
  property: string;
  detail: string;
  /** The minimal trace (ops), and its length before trace-level shrinking. */
  ops: Op[];
  shrunkFrom: number;
  seed: number;
  path: string;
}

export interface CheckResult {
  ok: boolean;
  runs: number;
  ops: number;
  ms: number;
  seed: number;
  counterexample?: Counterexample;
}

type Choice = [number, number, number, number, number];

/** The arbitrary of a run: up to maxOps choice tuples (size 'max': lengths spread over 0..maxOps). */
export function runArbitrary(maxOps: number): fc.Arbitrary<Choice[]> {
  const n = fc.nat({ max: 0xffff });
  return fc.array(fc.tuple(n, n, n, n, n), { maxLength: maxOps, size: 'max' });
}

/** Decodes choices into ops, running them; stops at the first violation. */
export function play(profile: Profile, alphabet: Alphabet, choices: readonly Choice[]): { ops: Op[]; violation: Violation | null } {
  const checker = new Checker(profile);
  let names: Names = NO_NAMES;
  const ops: Op[] = [];
  for (const c of choices) {
    const op = alphabet.decode(c, checker.spec, names);
    ops.push(op);
    const r = checker.apply(op);
    if (r.violation) return { ops, violation: r.violation };
    names = bindNames(names, op, r.spec);
  }
  return { ops, violation: null };
}

export function check(profile: Profile, opts: CheckOptions = {}): CheckResult {
  const runs = opts.runs ?? 200;
  const seed = opts.seed ?? 42;
  const alphabet = new Alphabet(profile, opts.bounds);
  let ops = 0;
  let last: { ops: Op[]; violation: Violation | null } | null = null;
  const t0 = performance.now();
  const prop = fc.property(runArbitrary(opts.maxOps ?? 60), (choices) => {
    const r = play(profile, alphabet, choices);
    ops += r.ops.length;
    if (r.violation) {
      last = r;
      return false;
    }
    return true;
  });
  const details = fc.check(prop, { numRuns: runs, seed, ...(opts.path ? { path: opts.path } : {}), endOnFailure: false });
  const ms = performance.now() - t0;
  if (!details.failed || !details.counterexample) return { ok: true, runs: details.numRuns, ops, ms, seed };
  // replay the shrunk counterexample to get its ops and violation
  const final = play(profile, alphabet, details.counterexample[0]);
  const v = final.violation ?? (last as { violation: Violation | null } | null)?.violation;
  if (!v) return { ok: true, runs: details.numRuns, ops, ms, seed };
  const minimal = minimize(profile, final.ops, v.property);
  const again = runOps(profile, minimal).violation ?? v;
  return {
    ok: false,
    runs: details.numRuns,
    ops,
    ms: performance.now() - t0,
    seed,
    counterexample: {
      property: again.property,
      detail: again.detail,
      ops: minimal,
      shrunkFrom: final.ops.length,
      seed,
      path: details.counterexamplePath ?? '',
    },
  };
}
