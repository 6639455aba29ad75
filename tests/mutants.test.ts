// The mutant catalog (model/mutants) and the campaign engines of `procns mutants`: every
// entry names a hook that exists in model/kernel, the faithful model is untouched when every
// switch is off, the random engine catches every mutant with a trace that the faithful model
// passes, and short lockstep checks of each clean profile (also the killer suite that Stryker
// runs, see stryker.config.mjs).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS, NOT_EXPRESSIBLE, activate, findMutant, switchesOf, withMutant } from '../model/mutants/index.ts';
import { activeMutants } from '../model/kernel/mutant-hooks.ts';
import { getProfile, PROFILES } from '../model/profiles.ts';
import { check } from '../properties/random.ts';
import { runOps } from '../properties/shrink.ts';
import { noTraceReason, randomEngine, summarize } from '../cli/mutants.ts';
import { wellFormed } from '../model/trace.ts';
import type { MutantRow } from '../cli/mutants.ts';

const KERNEL = join(import.meta.dirname, '..', 'model', 'kernel');
const source = readdirSync(KERNEL).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(KERNEL, f), 'utf8')).join('\n');

describe('mutant catalog', () => {
  it('has at least 20 distinct mutants covering every category, each with a kernel function and a profile', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    expect(new Set(MUTANTS.map((m) => m.category))).toEqual(new Set(['history', 'refcount', 'access', 'type', 'lifetime']));
    for (const m of MUTANTS) {
      expect(m.fn, m.name).toBeTruthy();
      expect(m.description, m.name).toBeTruthy();
      expect(getProfile(m.profile), m.name).toBeDefined();
    }
    for (const n of NOT_EXPRESSIBLE) expect(n.reason.length, n.name).toBeGreaterThan(40);
  });

  // (Stryker's instrumented sources no longer contain the hook text verbatim)
  it.skipIf(process.env.PROCNS_STRYKER === '1')('every switch is a mutant() hook in model/kernel (one mechanism, no copies)', () => {
    for (const m of MUTANTS) for (const sw of switchesOf(m)) expect(source, `${m.name}: hook ${sw}`).toContain(`mutant('${sw}')`);
  });

  it('activate / withMutant switch on exactly the entry and always off again', () => {
    expect(activeMutants()).toEqual([]);
    expect(withMutant('close-no-fput', () => activeMutants())).toEqual(['close-no-fput']);
    expect(activeMutants()).toEqual([]);
    expect(() => withMutant('dup-no-get-file', () => { throw new Error('boom'); })).toThrow('boom');
    expect(activeMutants()).toEqual([]);
    activate('v3.0-dcache-bypass'); // a profile-difference row switches nothing on
    expect(activeMutants()).toEqual([]);
    activate(null);
    expect(findMutant('nope')).toBeUndefined();
  });

  it('summarize reports survivors and the shrunk/shortest ratios', () => {
    const row = (name: string, caught: boolean, shrunk: number | null, shortest: number | null): MutantRow => ({
      mutant: name, fn: 'f', category: 'refcount', description: '', history: '', profile: 'v6.18',
      random: { caught, ms: 10, masked: [] }, exhaustive: { caught: true, ms: 1, masked: [] }, shrunkLength: shrunk, shortestLength: shortest,
    });
    const s = summarize([row('a', true, 2, 2), row('b', true, 3, 2), row('c', false, null, 1)]);
    expect(s.survivors).toEqual(['c']);
    expect(s.shrunkEqualsShortest).toBe('1/2');
    expect(s.worstShrunkOverShortest).toBe(1.5);
    expect(s.medianRandomMs).toBe(10);
  });

  it('a row without a trace file says whether the mutant survived or its counterexample is no v1 trace', () => {
    const row = (random: boolean, exhaustive: boolean): MutantRow => ({
      mutant: 'm', fn: 'f', category: 'refcount', description: '', history: '', profile: 'v6.18',
      random: { caught: random, ms: 1, masked: [] }, exhaustive: { caught: exhaustive, ms: 1, masked: [] }, shrunkLength: null, shortestLength: null,
    });
    expect(noTraceReason(row(false, false))).toBe('survived: no counterexample');
    expect(noTraceReason(row(true, false))).toBe('counterexample not expressible as a v1 trace');
    expect(noTraceReason(row(false, true))).toBe('counterexample not expressible as a v1 trace');
  });
});

// under Stryker (model mutated) only the faithful checks below matter; the catalog runs are skipped
describe.skipIf(process.env.PROCNS_STRYKER === '1')('random engine on every mutant', () => {
  for (const m of MUTANTS) {
    it(`${m.name} (${m.profile}) is caught with a minimal, well-formed trace (trace v1) that the faithful model passes`, () => {
      const r = randomEngine(m, { seed: 1, runs: 2000, maxOps: 30, rounds: 6, extra: 0 });
      expect(r.caught).toBe(true);
      expect(activeMutants()).toEqual([]);
      const profile = getProfile(m.profile)!;
      const ops = r.ops!;
      expect(wellFormed(ops), JSON.stringify(ops)).toBe(true);
      const on = withMutant(m.name, () => runOps(profile, ops).violation);
      expect(on).not.toBeNull();
      if (switchesOf(m).length > 0 && m.profile !== 'v3.0') expect(runOps(profile, ops).violation).toBeNull();
      if (m.target) expect(r.property).toBe(m.target);
    });
  }
});

describe('faithful profiles hold under short lockstep checks (the Stryker killer suite)', () => {
  for (const name of ['seed', 'v3.8', 'v6.18'] as const) {
    for (const seed of process.env.PROCNS_STRYKER === '1' ? [7] : [7, 8]) {
      it(`${name}, seed ${seed}`, () => {
        const r = check(PROFILES[name], { runs: process.env.PROCNS_STRYKER === '1' ? 100 : 150, seed, maxOps: 25 });
        expect(r.counterexample ?? null).toBeNull();
      });
    }
  }
});
