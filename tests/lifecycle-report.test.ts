// What a user reads about lifecycles: the diagrams and machine JSON that `procns spec` prints
// (pinned to tests/snapshots: a change detector, like spec-reference.test.ts for the rules), and
// the coverage that `check` and `explore` report (properties of the tracker: what it counts, how
// it merges, what its text says), and the realiser's hand-written seeds (each does what it is for).
// In npm test and in the Stryker suites (vitest.stryker.config.ts). No model code runs at
// collection time.
import { describe, expect, it } from 'vitest';
import { PROFILES, PROFILE_NAMES } from '../model/profiles.ts';
import type { Profile } from '../model/profiles.ts';
import { Checker } from '../properties/harness.ts';
import { opOf } from '../properties/replay.ts';
import { SIM } from '../model/step.ts';
import { lifecycles, LifecycleTracker, coverageJson, coverageLines, coverageMarkdown, edgeLabel, lifecycleJson, lifecycleMermaid } from '../model/lifecycle/index.ts';
import { applies, lifecycleSignature, project } from '../model/lifecycle/projection.ts';
import { coveringTraces, coveringLengths, replayCorpus } from '../model/lifecycle/corpus.ts';
import { realiserSeeds, wholeSeeds } from '../model/lifecycle/seeds.ts';
import { coveringFileName, coveringTargets, coveringTrace, realise, traceCovers } from '../model/lifecycle/traces.ts';
import { replayModel } from '../properties/replay.ts';
import type { Op } from '../model/types.ts';
import { wellFormed } from '../model/trace.ts';

const md = (h: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  [h.join(' | '), ...rows.map((r) => r.join(' | '))].join('\n');

/** The applicable transitions of a profile, as the tracker lists them, per statechart. */
function applicable(p: Profile): { id: string; edges: string[]; states: string[] }[] {
  return lifecycles().filter((l) => applies(l, p)).map((l) => ({
    id: l.id,
    edges: l.edges.filter((e) => e.profiles.includes(p.name)).map(edgeLabel),
    states: l.states.filter((s) => l.stateProfiles[s]!.includes(p.name)),
  }));
}

/** Feeds ops to a tracker as a random run does (start, then step after every op). */
function feed(t: LifecycleTracker, ops: readonly Op[]): void {
  const c = new Checker(t.profile, { invariants: false });
  t.start(c);
  for (const op of ops) t.step(c, op, c.apply(op));
}

describe('procns spec: the printed statecharts', () => {
  it('the Mermaid diagrams and state tables match tests/snapshots/spec-lifecycle.md', async () => {
    await expect(`${lifecycleMermaid()}\n`).toMatchFileSnapshot('snapshots/spec-lifecycle.md');
  });

  it('the Stately machine JSON (every transition with its guard, profiles and why) matches tests/snapshots/lifecycle-machines.json', async () => {
    await expect(`${JSON.stringify(lifecycleJson(), null, 2)}\n`).toMatchFileSnapshot('snapshots/lifecycle-machines.json');
    for (const l of lifecycles()) expect(Object.keys(lifecycleJson(l.id))).toEqual([l.id]);
  });
});

describe('lifecycle coverage as check and explore report it', () => {
  it.each(PROFILE_NAMES)('%s: a fresh tracker has reached nothing and lists every applicable transition as never taken', (name) => {
    const p = PROFILES[name];
    const t = new LifecycleTracker(p);
    const s = t.summary();
    const want = applicable(p);
    expect(s.machines.map((m) => m.id)).toEqual(want.map((w) => w.id));
    expect(s.machines.map((m) => m.transitions.missed)).toEqual(want.map((w) => w.edges));
    expect(s.machines.map((m) => m.states.missed)).toEqual(want.map((w) => w.states));
    expect(t.edgesTotal).toBe(want.reduce((a, w) => a + w.edges.length, 0));
    expect({ percent: s.percent, reached: t.edgesReached, full: t.full(), runs: s.runs, steps: s.steps }).toEqual({ percent: 0, reached: 0, full: false, runs: 0, steps: 0 });
    const lines = coverageLines(s, '> ', (m, e) => ` [${m}|${e}]`);
    expect(lines[0]).toBe(`> lifecycle coverage: 0% of transitions (${want.length} statecharts, 0 steps)`);
    const never = lines.filter((l) => l.startsWith('>     never taken: '));
    expect(never).toEqual(want.flatMap((w) => w.edges.map((e) => `>     never taken: ${e} [${w.id}|${e}]`)));
  });

  it('v6.18: the committed covering traces reach every transition; the percentages, lists and texts say so', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p);
    const n = replayCorpus(p, t);
    const s = t.summary();
    expect(n).toBe(coveringTraces().length);
    expect(s.runs).toBe(n);
    expect(s.steps).toBe(coveringTraces().reduce((a, c) => a + c.trace.steps.length, 0));
    expect(s.disagreements).toEqual([]);
    expect({ percent: s.percent, full: t.full(), reached: t.edgesReached }).toEqual({ percent: 100, full: true, reached: t.edgesTotal });
    for (const m of s.machines) {
      expect(m.transitions).toEqual({ reached: m.transitions.total, total: m.transitions.total, percent: 100, missed: [] });
      expect(m.states).toEqual({ reached: m.states.total, total: m.states.total, percent: 100, missed: [] });
    }
    const lines = coverageLines(s);
    expect(lines).toHaveLength(1 + s.machines.length);
    expect(lines[0]).toBe(`  lifecycle coverage: 100% of transitions (${s.machines.length} statecharts, ${s.steps} steps)`);
    const ns = s.machines.find((m) => m.id === 'namespace')!;
    expect(lines[1]).toBe(`    namespace  states ${ns.states.total}/${ns.states.total} (100%), transitions ${ns.transitions.total}/${ns.transitions.total} (100%)`);
    const mdText = coverageMarkdown(s, md);
    expect(mdText.slice(0, 3)).toEqual(['## Lifecycle coverage', '', `100% of the statecharts' transitions reached (${s.steps} steps). See \`procns spec\` for the diagrams.`]);
    expect(mdText[4]!.split('\n')).toEqual(['statechart | states | transitions | never reached',
      ...s.machines.map((m) => `${m.id} | ${m.states.total}/${m.states.total} (100%) | ${m.transitions.total}/${m.transitions.total} (100%) | -`)]);
    expect(mdText.some((l) => l.startsWith('### Disagreements'))).toBe(false);
    expect(coverageJson(s)).toEqual({ ...s });
  });

  it('coverageLengths names, for each transition, its shortest committed trace on that profile', () => {
    const p = PROFILES['v6.18'];
    const lens = coveringLengths(p);
    const labels = new Set(applicable(p).flatMap((w) => w.edges.map((e) => `${w.id}: ${e}`)));
    expect([...lens.keys()].every((k) => labels.has(k))).toBe(true);
    for (const { file, trace } of coveringTraces()) {
      const o = trace.origin as { lifecycle: string; transition: string };
      if (trace.profile !== 'v6.18') continue;
      const got = lens.get(`${o.lifecycle}: ${o.transition}`)!;
      expect(got.ops).toBeLessThanOrEqual(trace.steps.length);
      if (got.ops === trace.steps.length) expect(got.file).toBe(`scenarios/generated/${file}`);
    }
    // the seed's own traces: for the transitions no v6.18 or v3.0 trace takes when replayed on the seed
    expect(coveringLengths(PROFILES.seed).size).toBe(coveringTraces().filter((t) => t.trace.profile === 'seed').length);
  });

  it('a partial run: percentages are floored to a tenth, and what was missed is listed, per statechart and in all', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p);
    feed(t, [{ op: 'spawn', task: 'a', parent: 'init', newns: ['net'] }, { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1' }, { op: 'exit', task: 'a' }]);
    const s = t.summary();
    let reached = 0;
    let total = 0;
    for (const m of s.machines) {
      const tr = m.transitions;
      expect(tr.reached + tr.missed.length).toBe(tr.total);
      expect(tr.percent).toBe(Math.floor((1000 * tr.reached) / tr.total) / 10);
      expect(m.states.reached + m.states.missed.length).toBe(m.states.total);
      reached += tr.reached;
      total += tr.total;
    }
    expect(reached).toBe(t.edgesReached);
    expect(reached).toBeGreaterThan(3);
    expect(s.percent).toBe(Math.floor((1000 * reached) / total) / 10);
    expect(s.percent).toBeGreaterThan(0);
    expect(s.percent).toBeLessThan(100);
    const ns = s.machines.find((m) => m.id === 'namespace')!;
    expect(ns.transitions.missed).not.toContain('unborn --spawn--> inUse');
    expect(ns.transitions.missed).not.toContain('inUse --exit--> held');
    expect(ns.states.missed).toEqual(['cached', 'freed'].filter((x) => applicable(p).find((w) => w.id === 'namespace')!.states.includes(x)));
    const lines = coverageLines(s, '');
    expect(lines).toContain(`  namespace  states ${ns.states.reached}/${ns.states.total} (${ns.states.percent}%), transitions ${ns.transitions.reached}/${ns.transitions.total} (${ns.transitions.percent}%)`);
    expect(lines).toContain(`    never reached states: ${ns.states.missed.join(', ')}`);
    const row = coverageMarkdown(s, md)[4]!.split('\n').find((r) => r.startsWith('namespace |'))!;
    expect(row).toBe(`namespace | ${ns.states.reached}/${ns.states.total} (${ns.states.percent}%) | ${ns.transitions.reached}/${ns.transitions.total} (${ns.transitions.percent}%) | ${[...ns.states.missed.map((x) => `state ${x}`), ...ns.transitions.missed].join('; ')}`);
  });

  it.each(['v3.0', 'v6.18'] as const)('%s: transition() per edge (exhaustive search) counts what start()/step() per run counts', (name) => {
    const p = PROFILES[name];
    const byRun = new LifecycleTracker(p);
    const byEdge = new LifecycleTracker(p);
    for (const { trace } of coveringTraces()) {
      if (trace.profile !== name) continue;
      const ops = trace.steps.map(opOf);
      feed(byRun, ops);
      // as explore does: each successor is a clone of its parent, which stays as it was
      let c = new Checker(p, { invariants: false });
      for (const op of ops) {
        const next = c.clone();
        const r = next.apply(op);
        byEdge.transition(c.sim, next.sim, op, r);
        c = next;
      }
    }
    const reached = (t: LifecycleTracker): string[][] => t.edgeHits.map((h, l) => [...h].flatMap((v, k) => (v > 0 ? [edgeLabel(t.lifecycles[l]!.edges[k]!)] : [])));
    expect(reached(byEdge)).toEqual(reached(byRun));
    expect(byEdge.edgesReached).toBe(byRun.edgesReached);
    expect(byEdge.edgesReached).toBeGreaterThan(10);
  });

  it('merge adds counts: two trackers over halves of the corpus report what one tracker over all of it does', () => {
    const p = PROFILES['v6.18'];
    const traces = coveringTraces().filter((c) => c.trace.profile === 'v6.18').map((c) => c.trace.steps.map(opOf));
    const half = traces.length >> 1;
    const all = new LifecycleTracker(p);
    const a = new LifecycleTracker(p);
    const b = new LifecycleTracker(p);
    traces.forEach((ops, i) => { feed(all, ops); feed(i < half ? a : b, ops); });
    expect(a.edgesReached).toBeLessThan(all.edgesReached);
    a.merge(b);
    expect(a.summary()).toEqual(all.summary());
    expect(a.edgesReached).toBe(all.edgesReached);
    expect(a.stateHits).toEqual(all.stateHits);
    expect(a.edgeHits).toEqual(all.edgeHits);
  });

  it('a transition taken out of a statechart: one disagreement per distinct move, with the ops that led there, up to the cap, merged the same way', () => {
    const p = PROFILES['v6.18'];
    const drop = (l: string, e: { from: string; event: string; to: string }): boolean => l === 'file' && e.from === 'open' && e.event === 'close' && e.to === 'closed';
    const openClose: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' }];
    const t = new LifecycleTracker(p, 8, drop);
    feed(t, openClose);
    feed(t, [...openClose, ...openClose]);
    expect(t.disagreements).toHaveLength(1);
    const d = t.disagreements[0]!;
    expect({ lifecycle: d.lifecycle, from: d.from, event: d.event, to: d.to, ops: d.ops }).toEqual({ lifecycle: 'file', from: 'open', event: 'close', to: 'closed', ops: openClose });
    expect(d.detail).toMatch(/^file 0: open --close--> closed.*: the file statechart has no such transition on v6.18$/);
    const s = t.summary();
    // a disallowed move is not counted as taking the transition
    expect(s.machines.find((m) => m.id === 'file')!.transitions.missed).toContain('open --close--> closed');
    expect(coverageLines(s).at(-1)).toBe(`    DISAGREEMENT ${d.detail} (after 2 ops)`);
    expect(coverageMarkdown(s, md).slice(-4)).toEqual(['### Disagreements between the statecharts and the model', '', `- ${d.detail} (after 2 ops)`, '']);

    const capped = new LifecycleTracker(p, 1, (l) => l === 'file');
    feed(capped, [...openClose, { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f2' }, { op: 'dup', task: 'init', fd: 'f2', as: 'f3' }]);
    expect(capped.disagreements).toHaveLength(1);
    const other = new LifecycleTracker(p, 8, drop);
    feed(other, openClose);
    const dupOnly = new LifecycleTracker(p, 8, (l, e) => l === 'file' && e.event === 'dup');
    feed(dupOnly, [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f2' }, { op: 'dup', task: 'init', fd: 'f2', as: 'f3' }]);
    t.merge(other);
    expect(t.disagreements).toHaveLength(1);
    t.merge(dupOnly);
    expect(t.disagreements.map((x) => `${x.lifecycle} ${x.from} --${x.event}--> ${x.to}`)).toEqual(['file open --close--> closed', 'file open --dup--> shared']);
  });
});

describe("the realiser's hand-written seeds (model/lifecycle/seeds.ts)", () => {
  // a literal, not computed: no model code runs at collection time (Stryker's static mutants)
  const seeded = ['v3.0', 'v3.8', 'v6.18'] as const;

  it('v3.0, v3.8 and v6.18 have seeds; every profile has whole traces', () => {
    expect(PROFILE_NAMES.filter((n) => realiserSeeds(PROFILES[n]).length > 0)).toEqual(seeded);
    expect(PROFILE_NAMES.filter((n) => wholeSeeds(PROFILES[n]).length > 0)).toEqual(PROFILE_NAMES);
  });

  it.each(seeded)('%s: every seed and whole trace is a well-formed trace v1 (names, kinds, paths), as every realised trace must be', (name) => {
    const p = PROFILES[name];
    for (const ops of [...realiserSeeds(p), ...wholeSeeds(p)]) expect(wellFormed(ops), JSON.stringify(ops)).toBe(true);
  });

  it.each(seeded)('%s: every op of every seed succeeds with no violation, and none can be dropped without changing the state it ends in', (name) => {
    const p = PROFILES[name];
    const end = (ops: readonly Op[]): Checker => { const c = new Checker(p); for (const op of ops) c.apply(op); return c; };
    for (const [i, ops] of realiserSeeds(p).entries()) {
      const c = new Checker(p);
      for (const [j, op] of ops.entries()) {
        const r = c.apply(op);
        expect({ seed: i, step: j, errno: r.spec.errno, violation: r.violation?.property }).toEqual({ seed: i, step: j, errno: undefined, violation: undefined });
      }
      for (let j = 0; j < ops.length; j++) {
        expect(SIM.same(end(ops.filter((_, k) => k !== j)).sim, c.sim), `seed ${i} without step ${j}`).toBe(false);
      }
    }
  });

  it('what each seed sets up (its end state, as lifecycle states and what they hang on) matches tests/snapshots/lifecycle-seeds.txt', async () => {
    // a change detector: a seed edited so that it still sets up the same objects passes; one
    // that sets up something else must be accepted by rewriting the file (vitest -u)
    const lines: string[] = [];
    for (const name of seeded) {
      const p = PROFILES[name];
      for (const [i, ops] of realiserSeeds(p).entries()) {
        const c = new Checker(p);
        for (const op of ops) c.apply(op);
        lines.push(`${name} seed ${i} (${ops.length} ops): ${lifecycleSignature(c.sim, project(c.sim)).join(' ')}`);
      }
    }
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('snapshots/lifecycle-seeds.txt');
  });

  it.each(['v3.8', 'v6.18'] as const)('%s: each whole trace takes the mount transition it is written for, which random extension leaves', (name) => {
    const p = PROFILES[name];
    const [busyUmount, spawnFails] = wholeSeeds(p) as [Op[], Op[]];
    expect(traceCovers(p, busyUmount, 'mount', ['bind>mounted', 'open>busy', 'umount>detached'])).toBe(true);
    expect(traceCovers(p, busyUmount.slice(0, -1), 'mount', ['bind>mounted', 'open>busy', 'umount>detached'])).toBe(false);
    expect(traceCovers(p, spawnFails, 'mount', ['spawn>unmounted'])).toBe(true);
    expect(traceCovers(p, spawnFails.slice(0, -1), 'mount', ['spawn>unmounted'])).toBe(false);
    const c = new Checker(p);
    const outcomes = spawnFails.map((op) => c.apply(op).spec.errno ?? 'ok');
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ENOMEM']);
  });
});

describe('the realiser (model/lifecycle/traces.ts) on a few targets', () => {
  it('finds, shrinks and writes a replayable covering trace for each, deterministically for a seed', () => {
    const p = PROFILES['v6.18'];
    const names = ['namespace:unborn --spawn--> inUse', 'task:running --exit--> zombie', 'namespace:inUse --exit--> held',
      'file:open --close--> closed', 'mount:unborn --spawn--> unmounted'];
    const targets = coveringTargets(p).filter((t) => names.includes(`${t.lifecycle.id}:${edgeLabel(t.edge)}`));
    expect(targets).toHaveLength(names.length);
    const r = realise(p, targets, { runs: 300, seed: 1 });
    expect(r.missing).toEqual([]);
    expect(r.found.map((f) => `${f.target.lifecycle.id}:${edgeLabel(f.target.edge)}`).sort()).toEqual([...names].sort());
    const again = realise(p, targets, { runs: 300, seed: 1 });
    expect(again.found.map((f) => f.ops)).toEqual(r.found.map((f) => f.ops));
    for (const f of r.found) {
      const path = f.target.path.map((x) => `${x.event}>${x.to}`);
      expect(path.at(-1)).toBe(`${f.target.edge.event}>${f.target.edge.to}`);
      expect(traceCovers(p, f.ops, f.target.lifecycle.id, path)).toBe(true);
      // shrunk: no single op can go
      for (let j = 0; j < f.ops.length; j++) expect(traceCovers(p, f.ops.filter((_, k) => k !== j), f.target.lifecycle.id, path), `${names} without ${j}`).toBe(false);
      const t = coveringTrace(p, f);
      expect(t.title).toBe(`${f.target.lifecycle.id}: ${edgeLabel(f.target.edge)}`);
      expect(t.origin).toEqual({ generator: 'model/lifecycle/generate.ts', lifecycle: f.target.lifecycle.id, transition: edgeLabel(f.target.edge), path });
      expect(t.description).toContain(`statechart transition ${edgeLabel(f.target.edge)} (${f.target.edge.description})`);
      expect(t.steps.map(opOf)).toEqual(f.ops);
      for (const level of ['spec', 'sim'] as const) expect(replayModel(t, level, p).mismatches, level).toEqual([]);
      expect(coveringFileName(f.target)).toBe(`${f.target.lifecycle.id}--${f.target.edge.from}--${f.target.edge.event}--${f.target.edge.to}.json`);
    }
    // the one that random extension leaves is the hand-written whole trace, shrunk
    expect(r.found.find((f) => f.target.lifecycle.id === 'mount')!.ops).toHaveLength(6);
    // with no runs at all, exactly what some whole trace takes is found
    const none = realise(p, targets, { runs: 0 });
    const byWhole = targets.filter((t) => wholeSeeds(p).some((ops) => traceCovers(p, ops, t.lifecycle.id, t.path.map((x) => `${x.event}>${x.to}`))));
    expect(none.found.map((f) => f.target)).toEqual(byWhole);
    expect(none.missing).toEqual(targets.filter((t) => !byWhole.includes(t)));
    expect(none.missing.length).toBeGreaterThan(0);
    expect(byWhole.map((t) => t.lifecycle.id)).toContain('mount');
  });
});
