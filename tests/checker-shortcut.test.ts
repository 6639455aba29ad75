// The Checker's state-invariant shortcut (properties/harness.ts): a clone whose op leaves the
// simulation equal to its parent's does not check the state invariants again. Not in the Stryker
// suites (properties/ is not mutated, and this property would run for every model mutant).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getProfile } from '../model/profiles.ts';
import { Checker } from '../properties/harness.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Names } from '../properties/alphabet.ts';
import { runArbitrary } from '../properties/random.ts';
import { findMutant, MUTANTS, withMutant } from '../model/mutants/index.ts';

describe('the state-invariant shortcut of a cloned Checker', () => {
  // A clone whose op leaves the simulation equal to its parent's skips the state invariants
  // (the parent passed them; they read the simulation only). Explore's hot path relies on it,
  // so it must report exactly what a checker that checks every state reports, with every
  // catalogued bug switched on too (they are what breaks the state invariants).
  it('reports the same violations as a checker applied in place, on every mutant and profile', () => {
    const rows: [string | null, string][] = [[null, 'seed'], [null, 'v3.0'], [null, 'v3.8'], [null, 'v6.18'],
      ...MUTANTS.map((m) => [m.name, m.profile] as [string, string])];
    for (const [mutant, profileName] of rows) {
      const profile = getProfile(profileName)!;
      const alphabet = new Alphabet(profile, { ...(mutant ? findMutant(mutant)!.bounds : {}), ops: undefined });
      withMutant(mutant, () => fc.assert(fc.property(runArbitrary(12), (choices) => {
        const inPlace = new Checker(profile);
        let branch = new Checker(profile);
        let names: Names = NO_NAMES;
        for (const c of choices) {
          const op = alphabet.decode(c, inPlace.spec, names);
          const a = inPlace.apply(op);
          const next = branch.clone(); // explore's way: a clone per successor
          const b = next.apply(op);
          expect(b.violation, `${mutant ?? profileName}: ${JSON.stringify(op)}`).toEqual(a.violation);
          if (a.violation) return;
          branch = next;
          names = bindNames(names, op, a.spec);
        }
      }), { seed: 7, numRuns: 60 }));
    }
  });
});
