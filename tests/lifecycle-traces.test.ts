// The covering-trace realiser (model/lifecycle/traces.ts) and the lifecycle tracker
// (model/lifecycle/coverage.ts) beyond what lifecycle-report.test.ts covers: what counts as
// covering a statechart path (objects born in the run, no malformed trace, no violation), the
// realiser's options (only, runs, maxOps, seed), its PRNG and alphabet, the search pinned for a
// seed (the committed scenarios/generated depend on it), and the tracker's exact counts, its
// per-edge (explore) mode, its texts and its disagreement records.
// In npm test and in the Stryker suites (vitest.stryker.config.ts). No model code runs at
// collection time.
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PROFILES } from '../model/profiles.ts';
import type { Profile } from '../model/profiles.ts';
import type { Op } from '../model/types.ts';
import { Checker } from '../properties/harness.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import { activate } from '../model/mutants/index.ts';
import { lifecycles, LifecycleTracker, coverageLines, coverageMarkdown, edgeLabel } from '../model/lifecycle/index.ts';
import type { Lifecycle } from '../model/lifecycle/index.ts';
import { allowedTables, moves, project } from '../model/lifecycle/projection.ts';
import type { Projection } from '../model/lifecycle/projection.ts';
import { coveringTargets, coveringTrace, realise, realiserBounds, rng, traceCovers } from '../model/lifecycle/traces.ts';
import type { CoveringTarget } from '../model/lifecycle/traces.ts';
import { wholeSeeds } from '../model/lifecycle/seeds.ts';

/** The statecharts, built afresh for each test (built at import, their Stryker mutants would be static). */
let LIFECYCLES: readonly Lifecycle[] = [];
beforeEach(() => { LIFECYCLES = lifecycles(); });

const label = (t: CoveringTarget): string => `${t.lifecycle.id}:${edgeLabel(t.edge)}`;
const pathOf = (t: CoveringTarget): string[] => t.path.map((x) => `${x.event}>${x.to}`);
const target = (p: Profile, name: string): CoveringTarget => {
  const t = coveringTargets(p).find((x) => label(x) === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
};
const md = (h: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  [h.join(' | '), ...rows.map((r) => r.join(' | '))].join('\n');

/** mulberry32 as its author published it (the reference the realiser's rng must follow). */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    let t = (a += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random op sequence of the realiser's alphabet, decoded from choice tuples (state-dependent). */
function decodeOps(p: Profile, choices: readonly (readonly number[])[]): Op[] {
  const al = new Alphabet(p, realiserBounds(p));
  const c = new Checker(p, { invariants: false });
  let names = NO_NAMES;
  const ops: Op[] = [];
  for (const ch of choices) {
    const op = al.decode(ch, c.spec, names);
    const r = c.apply(op);
    names = bindNames(names, op, r.spec);
    ops.push(op);
  }
  return ops;
}
const choicesArb = fc.array(fc.array(fc.nat(0xffff), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 14 });

describe('coveringTargets and traceCovers: what covering a statechart path means', () => {
  it('`only` keeps exactly the targets it accepts, in order', () => {
    for (const name of ['v3.0', 'v6.18'] as const) {
      const p = PROFILES[name];
      const all = coveringTargets(p);
      const pick = (l: { id: string }, e: { event: string }): boolean => l.id === 'namespace' || e.event === 'close';
      const some = coveringTargets(p, pick);
      expect(some.map(label)).toEqual(all.filter((t) => pick(t.lifecycle, t.edge)).map(label));
      expect(some.length).toBeGreaterThan(0);
      expect(some.length).toBeLessThan(all.length);
      expect(coveringTargets(p, () => false)).toEqual([]);
    }
  });

  it('only objects born in the trace count: init changing its credentials covers no path from unborn', () => {
    const p = PROFILES['v6.18'];
    const cred: Op[] = [{ op: 'cred', task: 'init', uid: 1000 }];
    expect(traceCovers(p, cred, 'task', ['cred>credChanged'])).toBe(false);
    const child: Op[] = [{ op: 'spawn', task: 't1', parent: 'init' }, { op: 'cred', task: 't1', uid: 1000 }];
    expect(traceCovers(p, child, 'task', ['spawn>running', 'cred>credChanged'])).toBe(true);
    expect(traceCovers(p, child, 'task', ['cred>credChanged'])).toBe(false);
    // init's namespaces start mid-life too: leaving its net namespace is no path of a new one
    const leave: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'unshare', task: 'init', newns: ['net'] }];
    expect(traceCovers(p, leave, 'namespace', ['unshare>held'])).toBe(false);
    expect(traceCovers(p, leave, 'namespace', ['unshare>inUse'])).toBe(true);
  });

  it('a malformed trace (a name no earlier step bound) covers nothing, even if its moves would', () => {
    const p = PROFILES['v6.18'];
    const spawn: Op = { op: 'spawn', task: 't1', parent: 'init' };
    expect(traceCovers(p, [spawn], 'task', ['spawn>running'])).toBe(true);
    expect(traceCovers(p, [{ op: 'close', task: 'init', fd: 'f9' }, spawn], 'task', ['spawn>running'])).toBe(false);
    expect(traceCovers(p, [{ op: 'exit', task: 't7' }, spawn], 'task', ['spawn>running'])).toBe(false);
  });

  it('a trace covers nothing from its first violation on (under a seeded kernel bug)', () => {
    const p = PROFILES['v6.18'];
    const ops: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' },
      { op: 'spawn', task: 't1', parent: 'init' }];
    expect(traceCovers(p, ops, 'task', ['spawn>running'])).toBe(true);
    activate('close-no-fput');
    try {
      const c = new Checker(p);
      expect(ops.slice(0, 2).map((op) => c.apply(op).violation !== null)).toEqual([false, true]);
      expect(traceCovers(p, ops, 'task', ['spawn>running'])).toBe(false);
      expect(traceCovers(p, ops.slice(2), 'task', ['spawn>running'])).toBe(true);
    } finally {
      activate(null);
    }
  });
});

describe("the realiser's search: options, PRNG, alphabet", () => {
  it('rng is mulberry32: the same numbers as the reference, in [0, 1)', () => {
    fc.assert(fc.property(fc.nat(0xffffffff), (seed) => {
      const a = rng(seed);
      const b = mulberry32(seed);
      for (let i = 0; i < 8; i++) {
        const x = a();
        expect(x).toBe(b());
        expect(x >= 0 && x < 1).toBe(true);
      }
    }), { numRuns: 200 });
    const r = rng(1);
    expect([r(), r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('the alphabet: few tasks, fds and names, the five entries of the lifecycles the profile has, every op that can move an object', () => {
    const want = ['net', 'user', 'pid', 'mnt', 'uts'];
    for (const name of ['seed', 'v3.0', 'v3.8', 'v6.18'] as const) {
      const p = PROFILES[name];
      expect(realiserBounds(p)).toEqual({
        maxTasks: 3, maxFds: 4, maxNsNames: 1, mounts: ['@m1'],
        entries: p.entries.filter((e) => want.includes(e)),
        creds: [{ uid: 1000 }, { dumpable: false }, { dumpable: true }, { caps: [] }],
        flagSets: [[], ['O_PATH']],
        // all but the pure reads (lseek, read, alive), which move nothing
        ops: ['spawn', 'unshare', 'setns', 'exit', 'reap', 'cred', 'open', 'close', 'dup', 'pidfd', 'readdir', 'readlink', 'stat', 'nsid', 'ioctl', 'bind', 'umount', 'shrink'],
      });
    }
  });

  it('runs: 0 tries no random run: what is found is what the whole traces take, whatever the seed', () => {
    const p = PROFILES.seed;
    const targets = coveringTargets(p);
    const byWhole = targets.filter((t) => wholeSeeds(p).some((ops) => traceCovers(p, ops, t.lifecycle.id, pathOf(t))));
    expect(byWhole.length).toBeGreaterThan(0);
    for (let seed = 1; seed <= 6; seed++) {
      const r = realise(p, targets, { runs: 0, seed });
      expect(r.found.map((f) => f.target)).toEqual(byWhole);
      expect(r.missing).toEqual(targets.filter((t) => !byWhole.includes(t)));
    }
  });

  it('maxOps bounds a run: with 1 op only targets of one op are found, with 2 ops some of two', () => {
    const p = PROFILES['v3.0'];
    const targets = coveringTargets(p).filter((t) => t.lifecycle.id === 'task' || t.lifecycle.id === 'namespace');
    const one = realise(p, targets, { runs: 150, maxOps: 1, seed: 3 });
    expect(one.found.length).toBeGreaterThan(0);
    for (const f of one.found) expect(f.ops, label(f.target)).toHaveLength(1);
    const two = realise(p, targets, { runs: 150, maxOps: 2, seed: 3 });
    expect(two.found.some((f) => f.ops.length === 2)).toBe(true);
    for (const f of two.found) expect(f.ops.length, label(f.target)).toBeLessThanOrEqual(2);
  });

  it('a profile with no seeds is searched from the empty run alone', () => {
    const p = PROFILES.seed;
    const r = realise(p, coveringTargets(p), { runs: 40, seed: 1 });
    expect(r.found.length).toBeGreaterThan(3);
    for (const f of r.found) expect(traceCovers(p, f.ops, f.target.lifecycle.id, pathOf(f.target))).toBe(true);
  });

  it('random runs bind mounts too (all but mount namespace files)', () => {
    const p = PROFILES['v3.0'];
    const r = realise(p, [target(p, 'mount:unborn --bind--> mounted')], { runs: 40, seed: 1 });
    expect(r.found.map((f) => f.ops)).toHaveLength(1);
    expect(r.found[0]!.ops.at(-1)!.op).toBe('bind');
  });

  it('the seed chooses the search: the default is seed 1, other seeds find other things', () => {
    const p = PROFILES['v3.0'];
    const targets = coveringTargets(p);
    const sig = (r: ReturnType<typeof realise>): string[] => r.found.map((f) => `${label(f.target)} ${JSON.stringify(f.ops)}`);
    const one = sig(realise(p, targets, { runs: 12, seed: 1 }));
    expect(sig(realise(p, targets, { runs: 12 }))).toEqual(one);
    expect(sig(realise(p, targets, { runs: 12, seed: 2 }))).not.toEqual(one);
  });

  it('a target found only in a whole trace is shrunk there too: no op can go (the last one included)', () => {
    const p = PROFILES['v6.18'];
    const targets = ['namespace:unborn --spawn--> inUse', 'task:unborn --spawn--> running', 'mount:unborn --bind--> mounted'].map((n) => target(p, n));
    const r = realise(p, targets, { runs: 0 });
    expect(r.found.map((f) => label(f.target))).toEqual(targets.map(label));
    for (const f of r.found) {
      const path = pathOf(f.target);
      expect(traceCovers(p, f.ops, f.target.lifecycle.id, path)).toBe(true);
      for (let j = 0; j < f.ops.length; j++) expect(traceCovers(p, f.ops.filter((_, k) => k !== j), f.target.lifecycle.id, path), `${label(f.target)} without ${j}`).toBe(false);
    }
    expect(r.found.map((f) => f.ops.length)).toEqual([1, 1, 2]);
  });
});

describe('the search for a seed, pinned (generate.ts --check regenerates scenarios/generated only if it stays the same)', () => {
  // a change detector: a change to the search (its alphabet, PRNG use, corpus or seeds) changes
  // what is found first; accept it by updating these lists and regenerating the corpus
  // (npx tsx model/lifecycle/generate.ts)
  it.each([
    ['seed', 60, [
      'namespace:unborn --spawn--> inUse 1',
      'task:unborn --spawn--> running 1',
      'namespace:inUse --exit--> freed 2',
      'task:running --exit--> zombie 2',
      'task:zombie --reap--> reaped 3',
      'file:unborn --open--> open 2',
      'task:running --cred--> credChanged 2',
      'file:open --spawn--> shared 3',
      'file:shared --close--> open 5',
      'mount:unborn --bind--> mounted 1',
      'namespace:unborn --unshare--> inUse 2',
      'namespace:inUse --reap--> held 4',
      'file:open --close--> closed 5',
      'mount:mounted --umount--> unmounted 2',
      // then the targets no random run took, that a whole trace (model/lifecycle/seeds.ts) takes
      'namespace:inUse --exit--> held 4',
      'namespace:inUse --unshare--> freed 2',
      'namespace:held --close--> freed 5',
      'namespace:held --exit--> freed 6',
      'file:open --exit--> closed 5',
      'file:shared --exit--> open 4',
      'file:shared --exit--> closed 4',
      'mount:unborn --unshare--> mounted 3',
      'mount:mounted --open--> busy 3',
      'mount:mounted --unshare--> unmounted 3',
      'mount:busy --exit--> detached 6',
      'mount:busy --exit--> unmounted 4',
      'mount:busy --unshare--> detached 6',
      'mount:detached --close--> unmounted 7',
      'mount:detached --exit--> unmounted 7',
      'task:running --exit--> reaped 4',
    ]],
    ['v3.0', 60, [
      'file:unborn --open--> open 1',
      'procInode:unborn --open--> inUse 1',
      'namespace:unborn --spawn--> inUse 1',
      'task:unborn --spawn--> running 1',
      'procInode:unborn --stat--> cached 2',
      'mount:unborn --bind--> mounted 1',
      'namespace:inUse --exit--> freed 2',
      'task:running --exit--> zombie 2',
      'procInode:unborn --stat--> evicted 3',
      'namespace:inUse --exit--> held 4',
      'procInode:unborn --open--> evicted 5',
      'procInode:unborn --readlink--> cached 1',
      'procInode:unborn --readdir--> evicted 3',
      'namespace:inUse --unshare--> cached 3',
      'namespace:unborn --unshare--> inUse 2',
      'file:open --close--> closed 3',
      'task:zombie --reap--> reaped 3',
      'file:open --spawn--> shared 4',
      'namespace:inUse --exit--> cached 3',
      'namespace:held --exit--> cached 5',
      'file:open --exit--> closed 4',
      'procInode:inUse --exit--> cached 4',
      'procInode:unborn --bind--> inUse 2',
      'procInode:unborn --readdir--> cached 1',
      'file:open --dup--> shared 2',
      'procInode:unborn --nsid--> cached 1',
      'task:running --cred--> credChanged 2',
      'task:unborn --spawn--> credChanged 3',
      'namespace:cached --reap--> freed 4',
      'procInode:inUse --exit--> evicted 6',
      'procInode:inUse --close--> evicted 6',
      'namespace:inUse --setns--> cached 4',
      // then the targets no random run took, that a whole trace (model/lifecycle/seeds.ts) takes
      'namespace:inUse --unshare--> freed 2',
      'namespace:held --close--> freed 5',
      'namespace:held --exit--> freed 6',
      'namespace:held --umount--> freed 5',
      'namespace:cached --exit--> freed 5',
      'file:shared --exit--> open 4',
      'file:shared --exit--> closed 4',
      'mount:unborn --unshare--> mounted 3',
      'mount:mounted --open--> busy 3',
      'mount:mounted --umount--> unmounted 3',
      'mount:mounted --unshare--> unmounted 3',
      'mount:busy --exit--> detached 6',
      'mount:busy --exit--> unmounted 4',
      'mount:busy --unshare--> detached 6',
      'mount:detached --close--> unmounted 7',
      'mount:detached --exit--> unmounted 7',
      'task:running --exit--> reaped 4',
      'task:zombie --exit--> reaped 4',
      'procInode:unborn --open--> cached 4',
      'procInode:cached --bind--> inUse 4',
      'procInode:cached --reap--> evicted 5',
      'procInode:cached --exit--> evicted 5',
    ]],
    ['v6.18', 60, [
      'namespace:unborn --spawn--> inUse 1',
      'task:unborn --spawn--> running 1',
      'mount:unborn --bind--> mounted 2',
      'file:unborn --open--> open 2',
      'mount:mounted --open--> busy 3',
      'file:unborn --pidfd--> open 2',
      'task:running --cred--> credChanged 2',
      'file:open --spawn--> shared 2',
      'namespace:inUse --exit--> freed 2',
      'file:shared --exit--> open 3',
      'mount:busy --exit--> detached 7',
      'task:running --exit--> zombie 2',
      'task:unborn --spawn--> credChanged 1',
      'file:shared --close--> open 4',
      'namespace:inUse --exit--> held 3',
      'mount:busy --close--> mounted 6',
      'namespace:unborn --unshare--> inUse 3',
      'task:zombie --reap--> reaped 3',
      'mount:unborn --unshare--> mounted 4',
      'task:credChanged --exit--> zombie 4',
      'namespace:held --exit--> freed 5',
      'mount:mounted --exit--> unmounted 4',
      'task:running --unshare--> credChanged 2',
      'namespace:inUse --unshare--> freed 2',
      'file:open --dup--> shared 3',
      'file:open --close--> closed 3',
      'namespace:unborn --spawn--> freed 5',
      'namespace:held --umount--> freed 4',
      'namespace:held --unshare--> freed 5',
      'mount:unborn --spawn--> unmounted 6',
      'mount:mounted --umount--> unmounted 3',
      'mount:mounted --unshare--> unmounted 4',
      'mount:busy --umount--> detached 9',
    ]],
  ] as const)('%s, %i runs, seed 1: the targets found, in the order found, and their shrunk lengths', (name, runs, want) => {
    const p = PROFILES[name];
    const r = realise(p, coveringTargets(p), { runs, seed: 1 });
    expect(r.found.map((f) => `${label(f.target)} ${f.ops.length}`)).toEqual(want);
  });
});

describe('coveringTrace: the text of a covering trace', () => {
  it('the description names the transition, why it exists, and the statechart path step by step', () => {
    const p = PROFILES['v6.18'];
    const t = target(p, 'task:running --exit--> zombie');
    const ops: Op[] = [{ op: 'spawn', task: 't1', parent: 'init' }, { op: 'exit', task: 't1' }];
    const tr = coveringTrace(p, { target: t, ops });
    expect(tr.description).toBe(`Covers the task statechart transition running --exit--> zombie (${t.edge.description}). `
      + 'Shortest path of the statechart: --spawn--> running --exit--> zombie.');
    expect(tr.steps.map((s) => Object.keys(s).includes('note'))).toEqual([false, false]);
  });
});

/** Per lifecycle and state, what the definition counts: the objects of the initial state, then both ends of every move. */
function expectedHits(p: Profile, ops: readonly Op[]): { states: number[][]; edges: number[][] } {
  const allowed = allowedTables(p);
  const c = new Checker(p, { invariants: false });
  let prev: Projection = project(c.sim);
  const states = LIFECYCLES.map((l) => l.states.map(() => 0));
  const edges = LIFECYCLES.map((l) => l.edges.map(() => 0));
  prev.forEach((a, l) => a.forEach((st) => { if (st < l0(l)) states[l]![st]!++; }));
  for (const op of ops) {
    c.apply(op);
    const next = project(c.sim);
    for (const m of moves(prev, next, op, allowed)) {
      expect(m.edge).toBeGreaterThanOrEqual(0);
      edges[m.lifecycle]![m.edge]!++;
      states[m.lifecycle]![m.from]!++;
      states[m.lifecycle]![m.to]!++;
    }
    prev = next;
  }
  return { states, edges };
}
const l0 = (l: number): number => LIFECYCLES[l]!.states.length;

describe('LifecycleTracker: exact counts, the per-edge mode, texts, disagreements', () => {
  it.each(['v3.0', 'v6.18'] as const)('%s: stateHits and edgeHits count every visit and every move exactly; steps return no disallowed move', (name) => {
    const p = PROFILES[name];
    fc.assert(fc.property(choicesArb, fc.boolean(), (choices, withResult) => {
      const ops = decodeOps(p, choices);
      const t = new LifecycleTracker(p);
      const c = new Checker(p, { invariants: false });
      t.start(c);
      for (const op of ops) {
        const r = c.apply(op);
        expect(withResult ? t.step(c, op, r) : t.step(c, op)).toEqual([]);
      }
      const want = expectedHits(p, ops);
      expect(t.stateHits.map((h) => [...h])).toEqual(want.states);
      expect(t.edgeHits.map((h) => [...h])).toEqual(want.edges);
      expect(t.last()).toEqual(project(c.sim));
    }), { numRuns: 40 });
  });

  it('a pure read moves nothing: step returns no move for lseek, read and alive', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p);
    const c = new Checker(p, { invariants: false });
    t.start(c);
    for (const op of [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'nsid', task: 'init', fd: 'f1', as: 'N1' },
      { op: 'lseek', task: 'init', fd: 'f1' }, { op: 'read', task: 'init', fd: 'f1' }, { op: 'alive', ns: 'N1' }] as Op[]) {
      expect(t.step(c, op, c.apply(op))).toEqual([]);
    }
    expect(t.steps).toBe(5);
  });

  it('before any run the tracker has no projection', () => {
    expect(new LifecycleTracker(PROFILES['v6.18']).last()).toEqual([]);
  });

  it('transition() along one run counts what start()/step() count, state by state', () => {
    for (const name of ['v3.0', 'v6.18'] as const) {
      const p = PROFILES[name];
      fc.assert(fc.property(choicesArb, (choices) => {
        const ops = decodeOps(p, choices);
        const byRun = new LifecycleTracker(p);
        const byEdge = new LifecycleTracker(p);
        let c = new Checker(p, { invariants: false });
        byRun.start(c);
        const run = new Checker(p, { invariants: false });
        for (const op of ops) {
          byRun.step(run, op, run.apply(op));
          const next = c.clone();
          const r = next.apply(op);
          byEdge.transition(c.sim, next.sim, op, r);
          // a second successor of the same state (explore expands siblings): same projection of `before`
          c = next;
        }
        expect(byEdge.stateHits).toEqual(byRun.stateHits);
        expect(byEdge.edgeHits).toEqual(byRun.edgeHits);
        expect(byEdge.last()).toEqual(byRun.last());
      }), { numRuns: 25 });
    }
  });

  it('a disagreement found by transition() records just that op', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p, 8, (l, e) => l === 'file' && e.event === 'close');
    let c = new Checker(p, { invariants: false });
    const ops: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' }];
    for (const op of ops) {
      const next = c.clone();
      t.transition(c.sim, next.sim, op, next.apply(op));
      c = next;
    }
    expect(t.disagreements.map((d) => d.ops)).toEqual([[ops[1]]]);
  });

  it('a disagreement keeps the ops up to its step, not those after it', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p, 8, (l, e) => l === 'file' && e.event === 'close');
    const ops: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' },
      { op: 'spawn', task: 't1', parent: 'init' }, { op: 'exit', task: 't1' }];
    const c = new Checker(p, { invariants: false });
    t.start(c);
    for (const op of ops) t.step(c, op, c.apply(op));
    expect(t.disagreements.map((d) => d.ops)).toEqual([ops.slice(0, 2)]);
  });

  it('what a disagreement says: an object that reached, or was in, a state no statechart state describes', () => {
    const p = PROFILES['v6.18'];
    const run = (mutant: string, ops: Op[]): string[] => {
      activate(mutant);
      try {
        const t = new LifecycleTracker(p);
        const c = new Checker(p, { invariants: false });
        t.start(c);
        for (const op of ops) t.step(c, op, c.apply(op));
        return t.disagreements.map((d) => d.detail);
      } finally {
        activate(null);
      }
    };
    expect(run('close-no-fput', [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' }]))
      .toEqual(['file 0: open --close--> invalid: the object reached a state that no statechart state describes']);
    // a child's own net ns (init's initial one would stay held by the kernel threads' nsproxy)
    const fromInvalid = run('readlink-double-put', [{ op: 'spawn', task: 't1', parent: 'init', newns: ['net'] },
      { op: 'readlink', task: 'init', path: '/proc/t1/ns/net' }, { op: 'unshare', task: 't1', newns: ['net'] }]);
    expect(fromInvalid.filter((d) => d.includes('invalid --'))).toEqual([expect.stringMatching(/^namespace \d+: invalid --unshare--> freed: the object was in a state that no statechart state describes$/)]);
  });

  it('merge keeps the cap on disagreements', () => {
    const p = PROFILES['v6.18'];
    const openClose: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'dup', task: 'init', fd: 'f1', as: 'f2' }, { op: 'close', task: 'init', fd: 'f1' }];
    const feed = (t: LifecycleTracker): void => {
      const c = new Checker(p, { invariants: false });
      t.start(c);
      for (const op of openClose) t.step(c, op, c.apply(op));
    };
    const a = new LifecycleTracker(p, 1, (l, e) => l === 'file' && e.event === 'dup');
    const b = new LifecycleTracker(p, 8, (l, e) => l === 'file' && e.event === 'close');
    feed(a);
    feed(b);
    expect([a.disagreements.length, b.disagreements.length]).toEqual([1, 1]);
    a.merge(b);
    expect(a.disagreements.map((d) => d.event)).toEqual(['dup']);
  });

  it('the texts of a run that reached little: never reached states and never taken transitions, in full', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p);
    const s = t.summary();
    const lines = coverageLines(s);
    for (const m of s.machines) {
      expect(lines).toContain(`      never reached states: ${m.states.missed.join(', ')}`);
      for (const e of m.transitions.missed) expect(lines).toContain(`      never taken: ${e}`);
    }
    expect(s.machines.some((m) => m.states.missed.length > 1)).toBe(true);
    expect(coverageMarkdown(s, md)).toEqual([
      '## Lifecycle coverage', '',
      `0% of the statecharts' transitions reached (0 steps). See \`procns spec\` for the diagrams.`, '',
      md(['statechart', 'states', 'transitions', 'never reached'], s.machines.map((m) => [m.id, `0/${m.states.total} (0%)`, `0/${m.transitions.total} (0%)`,
        [...m.states.missed.map((x) => `state ${x}`), ...m.transitions.missed].join('; ')])), '',
    ]);
  });
});
