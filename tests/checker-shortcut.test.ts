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

const ROWS: [string | null, string][] = [[null, 'seed'], [null, 'v3.0'], [null, 'v3.8'], [null, 'v6.18'],
  ...MUTANTS.map((m) => [m.name, m.profile] as [string, string])];

/** Both levels and every binding as text (Maps as entry lists), to compare checkers that share no objects. */
const stateText = (c: Checker): string => JSON.stringify([c.spec, c.sim, c.names, c.renaming()],
  (k, v: unknown) => (k === 'profile' ? undefined : v instanceof Map ? [...v] : v));

describe('the state-invariant shortcut of a cloned Checker', () => {
  // A clone whose op leaves the simulation equal to its parent's skips the state invariants
  // (the parent passed them; they read the simulation only). Explore's hot path relies on it,
  // so it must report exactly what a checker that checks every state reports, with every
  // catalogued bug switched on too (they are what breaks the state invariants).
  it('reports the same violations as a checker applied in place, on every mutant and profile', () => {
    for (const [mutant, profileName] of ROWS) {
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

  // explore's expand applies with the state invariants deferred to settle() (called only for a
  // successor it has not seen) and applies the next op to a copy that the last op left as it
  // was (rewind() instead of a new clone): neither may change a verdict, an outcome or a state
  it('apply(op, true) then settle() and a rewound copy give what apply(op) on a new clone gives, on every mutant and profile', () => {
    let deferred = 0;
    let rewound = 0;
    for (const [mutant, profileName] of ROWS) {
      const profile = getProfile(profileName)!;
      const alphabet = new Alphabet(profile, { ...(mutant ? findMutant(mutant)!.bounds : {}), ops: undefined });
      withMutant(mutant, () => fc.assert(fc.property(runArbitrary(24), (choices) => {
        let parent = new Checker(profile);
        let names: Names = NO_NAMES;
        for (let k = 0; k + 1 < choices.length; k += 2) {
          const probe = alphabet.decode(choices[k]!, parent.spec, names);
          const op = alphabet.decode(choices[k + 1]!, parent.spec, names);
          const ref = parent.clone();
          const a = ref.apply(op);
          // a copy that a first op (the probe) left unchanged is rewound and takes the op
          let c = parent.clone();
          const p = c.apply(probe, true);
          if (!p.violation && c.settle() === null && bindNames(names, probe, p.spec) === names && c.sameAs(parent)) {
            c.rewind(parent);
            rewound++;
          } else {
            c = parent.clone();
          }
          const b = c.apply(op, true);
          const settled = b.violation ? null : c.settle();
          if (!b.violation && settled === null && !c.sameAs(parent)) deferred++;
          expect(b.violation ?? settled, `${mutant ?? profileName}: ${JSON.stringify(op)}`).toEqual(a.violation);
          expect([b.spec, b.sim]).toEqual([a.spec, a.sim]);
          if (a.violation) return;
          expect(stateText(c)).toBe(stateText(ref));
          parent = ref;
          names = bindNames(names, op, a.spec);
        }
      }), { seed: 11, numRuns: 40 }));
    }
    expect(rewound).toBeGreaterThan(1000); // both paths are taken, often
    expect(deferred).toBeGreaterThan(1000);
  });
});
