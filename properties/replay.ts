// Replaying a trace on a level of the model (spec or sim): each step's outcome beside its
// `expect`, with the invariants and the refinement checked on every step.
import type { Expect, Op, Outcome, Step, Trace } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { meets } from '../model/trace.ts';
import { Checker } from './harness.ts';
import type { Violation } from './harness.ts';

export interface ReplayStep {
  index: number;
  step: Step;
  outcome: Outcome;
  expect?: Expect;
  met: boolean;
}

export interface ReplayResult {
  backend: string;
  profile: string;
  steps: ReplayStep[];
  /** Steps whose outcome differs from their expect. */
  mismatches: number[];
  /** The first invariant or refinement breach, if any. */
  violation: Violation | null;
  ok: boolean;
}

/** The op of a step (without expect and note). */
export function opOf(step: Step): Op {
  const { expect: _e, note: _n, ...op } = step as Step & Record<string, unknown>;
  return op as Op;
}

export function replayModel(trace: Trace, backend: 'spec' | 'sim', profile: Profile): ReplayResult {
  const checker = new Checker(profile);
  const steps: ReplayStep[] = [];
  const mismatches: number[] = [];
  let violation: Violation | null = null;
  trace.steps.forEach((step, index) => {
    const r = checker.apply(opOf(step));
    const outcome = backend === 'spec' ? r.spec : r.sim;
    const met = meets(step.expect, outcome, (name) => checker.nsIdentity(name, backend));
    if (!met) mismatches.push(index);
    if (r.violation && !violation) violation = r.violation;
    steps.push({ index, step, outcome, ...(step.expect !== undefined ? { expect: step.expect } : {}), met });
  });
  return { backend, profile: profile.name, steps, mismatches, violation, ok: mismatches.length === 0 && violation === null };
}

/** The outcome as an `expect` value of trace format v1 (namespaces by their bound names). */
export function asExpect(o: Outcome, nameOf: (id: string) => string | undefined): Expect {
  if (o.errno) return o.errno;
  if (o.value !== undefined && o.ns === undefined && o.names === undefined && typeof o.value === 'boolean') return o.value;
  const e: { ok?: boolean; ns?: string; names?: string[]; value?: number | boolean; text?: string } = {};
  if (o.ns !== undefined) {
    const n = nameOf(o.ns);
    if (n !== undefined) e.ns = n;
  }
  if (o.names) e.names = o.names;
  if (o.value !== undefined) e.value = o.value;
  if (o.text !== undefined) e.text = o.text;
  return Object.keys(e).length === 0 ? 'ok' : e;
}
