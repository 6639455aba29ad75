// The foundation's promises to users: the v6.18 and v3.8 models hold every property; the
// v3.0 model exhibits the bf056bfa flaw on its own, as a short replayable trace; runs are
// deterministic per seed; step() is pure.
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { PROFILES } from '../model/profiles.ts';
import { SIM, SPEC, step } from '../model/step.ts';
import { check, runArbitrary } from '../properties/random.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Names } from '../properties/alphabet.ts';
import { Checker } from '../properties/harness.ts';
import { counterexampleTrace } from '../properties/counterexample.ts';
import { replayModel } from '../properties/replay.ts';
import { parseTrace } from '../model/trace.ts';

describe('random checking', () => {
  it.each(['v6.18', 'v3.8', 'seed'] as const)('every invariant and the refinement hold on %s (400 runs)', (p) => {
    const r = check(PROFILES[p], { runs: 400, seed: 7 });
    expect(r.counterexample?.detail ?? 'none').toBe('none');
    expect(r.ok).toBe(true);
    expect(r.ops).toBeGreaterThan(400 * 20); // runs reach 30+ ops on average
  });

  it('finds the v3.0 cached-dentry ptrace bypass (bf056bfa) as a trace of at most 6 steps that replays', () => {
    const profile = PROFILES['v3.0'];
    const r = check(profile, { runs: 1000, seed: 42, maxViolations: 8 });
    const gate = (r.all ?? []).find((c) => c.property === 'ptrace-gate' && !c.detail.includes(' answered '));
    expect(gate, 'a ptrace-gate violation that reached a namespace').toBeDefined();
    expect(gate!.ops.length).toBeLessThanOrEqual(6);
    // the written trace (format v1, JSON round trip) replays to the same violation on sim
    const trace = parseTrace(JSON.stringify(counterexampleTrace(profile, gate!.ops, gate!.property, gate!.detail, { seed: 42 })));
    const sim = replayModel(trace, 'sim', profile);
    expect(sim.violation?.property).toBe('ptrace-gate');
    expect(sim.mismatches).toEqual([trace.steps.length - 1]);
    // and the spec, which the expects come from, meets every expect
    expect(replayModel(trace, 'spec', profile).mismatches).toEqual([]);
  });

  it('is deterministic for a seed: the same counterexamples twice', () => {
    const a = check(PROFILES['v3.0'], { runs: 300, seed: 3, maxViolations: 3 });
    const b = check(PROFILES['v3.0'], { runs: 300, seed: 3, maxViolations: 3 });
    expect(JSON.stringify(a.all)).toBe(JSON.stringify(b.all));
  });
});

describe('step()', () => {
  const profile = PROFILES['v6.18'];
  const alphabet = new Alphabet(profile);
  fcTest.prop([runArbitrary(25)], { numRuns: 60 })('leaves its input state untouched, on both levels', (choices) => {
    const checker = new Checker(profile);
    let names: Names = NO_NAMES;
    let spec = SPEC.init(profile);
    let sim = SIM.init(profile);
    for (const c of choices) {
      const op = alphabet.decode(c, checker.spec, names);
      const specBefore = JSON.stringify(spec, replacer);
      const simBefore = JSON.stringify(sim, replacer);
      // `alive` names a namespace by its trace name; each level knows it by its own identity
      const forLevel = (l: 'spec' | 'sim') => (op.op === 'alive' ? { op: 'alive' as const, ns: checker.nsIdentity(op.ns, l) ?? '-1' } : op);
      const a = step(SPEC, spec, forLevel('spec'));
      const b = step(SIM, sim, forLevel('sim'));
      expect(JSON.stringify(spec, replacer)).toBe(specBefore);
      expect(JSON.stringify(sim, replacer)).toBe(simBefore);
      spec = a.state;
      sim = b.state;
      const r = checker.apply(op);
      expect(a.outcome).toEqual(r.spec);
      expect(b.outcome).toEqual(r.sim);
      names = bindNames(names, op, r.spec);
    }
  });
});

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v instanceof Set) return [...v];
  if (typeof v === 'object' && v !== null && 'entries' in v && 'newnsKinds' in v) return (v as unknown as { name: string }).name;
  return v;
}

export { fc };
