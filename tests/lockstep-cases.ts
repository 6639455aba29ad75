// Named op sequences with fixed expected outcomes, run on spec and simulation in lockstep (the
// Checker): every step must break no property, and the steps must print what is written (fmt,
// with each namespace an `nsid ... as: 'N'` step bound printed as `ns N`). A lockstep check alone
// cannot kill a mutant in what spec and simulation share (a profile field); a fixed outcome can.
import { describe, expect, it } from 'vitest';
import type { Op } from '../model/types.ts';
import { PROFILES } from '../model/profiles.ts';
import type { ProfileName } from '../model/profiles.ts';
import { Checker, fmt } from '../properties/harness.ts';

/** `last`: the printed outcome of the last op, or null when only the lockstep is checked; `at`: of earlier steps. */
export type Case = { profile: ProfileName; ops: Op[]; last: string | null; at?: Record<number, string> };

/** The spec's outcome, with every namespace a trace name binds printed by that name. */
export function show(c: Checker, o: string): string {
  const byId = new Map<string, string>();
  for (const [name, [spec]] of c.names) if (!byId.has(spec)) byId.set(spec, name);
  return o.replace(/\bns (\d+)/g, (m, id: string) => (byId.has(id) ? `ns ${byId.get(id)!}` : m));
}

/** Runs a trace in lockstep: the violations (as text), the spec's printed outcomes and the simulation's last. */
export function runLockstep(profile: ProfileName, ops: readonly Op[]): { bad: string[]; outs: string[]; sim: string } {
  const c = new Checker(PROFILES[profile]);
  const bad: string[] = [];
  const outs: string[] = [];
  let sim = '';
  ops.forEach((op, i) => {
    const r = c.apply(op);
    if (r.violation) bad.push(`step ${i} ${op.op}: ${r.violation.property}: ${r.violation.detail} (sim ${fmt(r.sim)})`);
    outs.push(show(c, fmt(r.spec)));
    sim = fmt(r.sim);
  });
  return { bad, outs, sim };
}

/** One test per case: no violation at any step, and the outcomes as written. */
export function lockstepCases(title: string, cases: Record<string, Case>): void {
  describe(title, () => {
    for (const [name, { profile, ops, last, at }] of Object.entries(cases)) {
      it(`${name} (${profile})`, () => {
        const r = runLockstep(profile, ops);
        expect(r.bad).toEqual([]);
        if (at) expect(Object.fromEntries(Object.keys(at).map((i) => [i, r.outs[Number(i)]]))).toEqual(at);
        if (last !== null) expect(r.outs[r.outs.length - 1]).toBe(last);
      });
    }
  });
}
