// SIM.same and SPEC.same (model/kernel/state.ts sameKState, model/spec/state.ts sameSState):
// explore neither keys nor looks up a successor equal to its node, and applies the next op to
// that copy (Checker.rewind), which is sound only if `same` sees every field. Each field of each record kind is changed
// here, in the final states of every documented scenario. In npm test and the Stryker suites.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getProfile } from '../model/profiles.ts';
import { parseTrace } from '../model/trace.ts';
import { SIM, SPEC } from '../model/step.ts';
import { opOf } from '../properties/replay.ts';
import { Checker } from '../properties/harness.ts';

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');

describe('unchanged-state detection (SIM.same, SPEC.same)', () => {
  /** Final states of every documented scenario (all record kinds, both levels, four profiles). */
  const finalStates = (): { sim: object; spec: object }[] => readdirSync(SCENARIOS).filter((x) => x.endsWith('.json')).map((f) => {
    const trace = parseTrace(readFileSync(join(SCENARIOS, f), 'utf8'));
    const c = new Checker(getProfile(trace.profile ?? 'v6.18')!, { invariants: false });
    for (const s of trace.steps) c.apply(opOf(s));
    return { sim: c.sim, spec: c.spec };
  });

  /** A different value of the same type (Maps: an equal copy, which `same` must still tell apart). */
  const changed = (v: unknown): unknown => {
    if (typeof v === 'number') return v + 1;
    if (typeof v === 'boolean') return !v;
    if (typeof v === 'string') return `${v}x`;
    if (v instanceof Map) return new Map(v);
    if (Array.isArray(v)) return [...v, 12345];
    if (v === null) return [];
    throw new Error(`no change known for ${String(v)}`);
  };

  it('tells apart a change to any field of any record, and nothing else', () => {
    const seen = new Set<string>();
    for (const st of finalStates()) {
      for (const [name, level] of [['sim', SIM], ['spec', SPEC]] as const) {
        const s = st[name] as Record<string, unknown>;
        const same = level.same as (a: unknown, b: unknown) => boolean;
        const clone = level.clone as unknown as (a: unknown) => Record<string, unknown>;
        expect(same(s, clone(s))).toBe(true);
        for (const [field, v] of Object.entries(s)) {
          if (field === 'profile') continue;
          if (!Array.isArray(v)) {
            const t = clone(s);
            t[field] = changed(v);
            expect(same(s, t), `${name}.${field}`).toBe(false);
            seen.add(`${name}.${field}`);
            continue;
          }
          for (let i = 0; i < v.length; i++) {
            for (const k of Object.keys(v[i] as object)) {
              const t = clone(s);
              const rec = (t[field] as Record<string, unknown>[])[i]!;
              rec[k] = changed(rec[k]);
              expect(same(s, t), `${name}.${field}[${i}].${k}`).toBe(false);
              expect(same(t, s), `${name}.${field}[${i}].${k}, the other way round`).toBe(false);
              seen.add(`${name}.${field}.${k}`);
            }
            const t = clone(s);
            (t[field] as unknown[]).push((t[field] as unknown[])[i]);
            expect(same(s, t), `${name}.${field} one longer`).toBe(false);
          }
        }
      }
    }
    // every field of every record kind was changed somewhere in the corpus
    for (const kind of ['tasks', 'pids', 'nsproxies', 'ns', 'files', 'dentries', 'inodes', 'mounts']) expect([...seen].some((x) => x.startsWith(`sim.${kind}.`)), kind).toBe(true);
    for (const kind of ['tasks', 'ns', 'handles', 'mounts']) expect([...seen].some((x) => x.startsWith(`spec.${kind}.`)), kind).toBe(true);
  });
});
