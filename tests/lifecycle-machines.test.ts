// The statecharts of model/lifecycle/machines.ts, read against their committed config
// (tests/snapshots/lifecycle-machines.json, which lifecycle-report.test.ts pins to the machines):
// each machine moves exactly along its configured transitions (the `to` guard: the observed
// target, and the profile when the event names one), the edges, states and state profiles that
// coverage, projection and the covering traces use are read back from the machines faithfully,
// and findLifecycle finds a chart by its id. Everything is built inside the tests (lifecycles()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine, getNextSnapshot } from 'xstate';
import { findLifecycle, lifecycles, machineEdges } from '../model/lifecycle/machines.ts';
import { PROFILE_NAMES } from '../model/profiles.ts';

interface Transition {
  target: string;
  guard: { type: string; params: { state: string; profiles?: string[] } };
  description: string;
  meta?: { profiles: string[] };
}
interface Config {
  id: string;
  initial: string;
  description: string;
  states: Record<string, { description: string; type?: string; on?: Record<string, Transition[]> }>;
}

/** The committed machine configs, by chart id. */
function committed(): Record<string, Config> {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'snapshots', 'lifecycle-machines.json'), 'utf8')) as Record<string, Config>;
}

/** Every configured transition of a config, in declaration order. */
function transitions(c: Config): { from: string; event: string; t: Transition }[] {
  return Object.entries(c.states).flatMap(([from, st]) => Object.entries(st.on ?? {}).flatMap(([event, ts]) => ts.map((t) => ({ from, event, t }))));
}

describe('lifecycle statecharts against their committed config', () => {
  it('there is one chart per committed config, in order, with its id, title and states', () => {
    const cfg = committed();
    const ls = lifecycles();
    expect(ls.map((l) => l.id)).toEqual(Object.keys(cfg));
    for (const l of ls) {
      const c = cfg[l.id]!;
      expect(l.title).toBe(c.description);
      expect(l.states).toEqual(Object.keys(c.states));
      expect(l.states[0]).toBe('unborn');
      expect(l.objects).toMatch(/^KState\.\w+\[i\]/);
      expect(l.profiles.length).toBeGreaterThan(0);
      for (const p of l.profiles) expect(PROFILE_NAMES).toContain(p);
    }
  });

  it('a machine moves on {type, to, profile} exactly when a configured transition has that target and allows the profile (or the event names none)', () => {
    const cfg = committed();
    for (const l of lifecycles()) {
      const c = cfg[l.id]!;
      const events = [...new Set(transitions(c).map((x) => x.event))];
      for (const from of l.states) {
        const snap = l.machine.resolveState({ value: from } as never);
        for (const event of events) {
          for (const to of l.states) {
            for (const profile of [undefined, ...PROFILE_NAMES]) {
              const allowed = (c.states[from]!.on?.[event] ?? []).some((t) =>
                t.target === to && (profile === undefined || t.guard.params.profiles === undefined || t.guard.params.profiles.includes(profile)));
              const next = getNextSnapshot(l.machine, snap, { type: event, to, ...(profile ? { profile } : {}) } as never);
              expect(next.value, `${l.id} ${from} --${event}--> ${to} on ${profile ?? 'any profile'}`).toBe(allowed ? to : from);
            }
          }
        }
      }
    }
  });

  it('the edges read back are the configured transitions, with their why and the chart\'s profiles among the transition\'s (all when it names none)', () => {
    const cfg = committed();
    for (const l of lifecycles()) {
      const want = transitions(cfg[l.id]!).map(({ from, event, t }) => ({
        from, event, to: t.target, description: t.description,
        profiles: l.profiles.filter((p) => (t.meta?.profiles ?? PROFILE_NAMES).includes(p)),
      }));
      expect(l.edges.map((e) => ({ ...e }))).toEqual(want);
      for (const e of l.edges) expect(e.description.length, `${l.id} ${e.from} --${e.event}--> ${e.to}`).toBeGreaterThan(0);
      // the raw reading (Mermaid uses it) keeps every profile a transition names, all four when none
      expect(machineEdges(l.machine).map((e) => [e.from, e.event, e.to, e.description, [...e.profiles]]))
        .toEqual(transitions(cfg[l.id]!).map(({ from, event, t }) => [from, event, t.target, t.description, t.meta?.profiles ?? [...PROFILE_NAMES]]));
    }
  });

  it('a state exists on a profile when it is unborn or some edge of that profile enters it; only states no transition leaves are final', () => {
    const cfg = committed();
    for (const l of lifecycles()) {
      expect(Object.keys(l.stateProfiles)).toEqual(l.states);
      expect(l.stateProfiles.unborn).toEqual(l.profiles);
      for (const s of l.states.slice(1)) {
        expect(l.stateProfiles[s], `${l.id} ${s}`).toEqual(l.profiles.filter((p) => l.edges.some((e) => e.to === s && e.profiles.includes(p))));
      }
      for (const s of l.states) {
        const leaves = Object.keys(cfg[l.id]!.states[s]!.on ?? {}).length > 0;
        expect(l.machine.root.states[s]!.type, `${l.id} ${s}`).toBe(leaves ? 'atomic' : 'final');
      }
    }
  });

  it('machineEdges of any machine: a transition without a description reads as \'\', one without profiles as every profile', () => {
    const m = createMachine({ id: 'm', initial: 'a', states: { a: { on: { go: [{ target: 'b' }, { target: 'c', description: 'why', meta: { profiles: ['v3.0'] } }] } }, b: {}, c: {} } });
    expect(machineEdges(m).map((e) => ({ ...e, profiles: [...e.profiles] }))).toEqual([
      { from: 'a', event: 'go', to: 'b', description: '', profiles: [...PROFILE_NAMES] },
      { from: 'a', event: 'go', to: 'c', description: 'why', profiles: ['v3.0'] },
    ]);
  });

  it('findLifecycle finds a chart by its id, and nothing for any other id', () => {
    for (const l of lifecycles()) {
      const f = findLifecycle(l.id);
      expect(f?.id).toBe(l.id);
      expect(f?.edges.map((e) => ({ ...e }))).toEqual(l.edges.map((e) => ({ ...e })));
      const own = lifecycles();
      expect(findLifecycle(l.id, own)).toBe(own.find((x) => x.id === l.id));
    }
    expect(findLifecycle('nope')).toBeUndefined();
    expect(findLifecycle('')).toBeUndefined();
  });
});
