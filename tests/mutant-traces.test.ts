// Every catalog mutant's shortest counterexample, stored as a trace of format v1 in
// scenarios/mutants/<mutant>.json (written by `procns mutants --write-traces scenarios/mutants`):
// replayed in lockstep with the mutant switched on it breaks exactly the recorded property, and
// with every switch off it passes. `<mutant>.<k>.json` are extra traces for a hook site that the
// shortest trace does not reach (a second hook of the same switch, another profile). Milliseconds per mutant, so it is also the Stryker killer of
// the hook lines (`mutant('x')`) and of the use-after-put detector (model/mutants/README.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS, findMutant, switchesOf, withMutant } from '../model/mutants/index.ts';
import { activeMutants, setMutants } from '../model/kernel/mutant-hooks.ts';
import { getProfile, PROFILES } from '../model/profiles.ts';
import { parseTrace } from '../model/trace.ts';
import type { Profile } from '../model/profiles.ts';
import type { Trace } from '../model/types.ts';
import { Checker, violationKey } from '../properties/harness.ts';
import { opOf, replayModel } from '../properties/replay.ts';

const DIR = join(import.meta.dirname, '..', 'scenarios', 'mutants');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
// parsed (validated) inside the tests, so that trace validation runs inside a test (Stryker's per-test coverage)
const read = (f: string): string => readFileSync(join(DIR, `${f}.json`), 'utf8');
const raw = new Map(files.map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Trace]));
const base = (file: string): string => file.replace(/\.\d+$/, '');

interface Origin { mutant: string; key: string; masked: string[] }

/** The first unmasked violation of the trace in lockstep, as "key at step i", or 'pass'. */
function verdict(profile: Profile, t: Trace, ignore: ReadonlySet<string>): string {
  const c = new Checker(profile, { ignore });
  for (const step of t.steps) {
    const v = c.apply(opOf(step)).violation;
    if (v) return v.masked ? 'pass' : `${violationKey(v.property, v.detail)} at step ${v.step}`;
  }
  return 'pass';
}

describe('stored mutant counterexamples (scenarios/mutants)', () => {
  it('one trace per catalog mutant, each naming its mutant and the key it breaks', () => {
    expect([...raw.keys()].filter((f) => base(f) === f)).toEqual(MUTANTS.map((m) => m.name).sort());
    for (const file of raw.keys()) {
      const t = parseTrace(read(file));
      const o = t.origin as unknown as Origin;
      const m = findMutant(base(file));
      expect(o.mutant, file).toBe(m?.name);
      if (base(file) === file) expect(t.profile, file).toBe(m!.profile);
      expect(o.key.split('(')[0], file).toBe(m!.property);
    }
  });

  for (const [file, r] of raw) {
    const m = findMutant(base(file));
    if (!m) continue;
    const o = r.origin as unknown as Origin;
    it(`${file}: on, the trace breaks ${o.key} at its last step; off, it passes; the spec meets every expect`, () => {
      const t = parseTrace(read(file));
      const profile = getProfile(t.profile!)!;
      const ignore = new Set(o.masked);
      const last = t.steps.length - 1;
      expect(withMutant(m.name, () => verdict(profile, t, ignore))).toBe(`${o.key} at step ${last}`);
      expect(activeMutants()).toEqual([]);
      if (switchesOf(m).length > 0) {
        expect(verdict(profile, t, new Set())).toBe('pass');
      } else {
        // a profile-difference row: the faithful profile is the mutant; the fix (v3.8) passes, and
        // so does the profile itself with its dentry cache switched off (the `no-dcache` hook)
        expect(verdict(PROFILES['v3.8'], t, new Set())).toBe('pass');
        setMutants(['no-dcache']);
        try {
          expect(verdict(profile, t, new Set())).toBe('pass');
        } finally {
          setMutants(null);
        }
      }
      expect(replayModel(t, 'spec', profile).mismatches).toEqual([]);
    });
  }
});
