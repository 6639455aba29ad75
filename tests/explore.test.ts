// procns explore: the exhaustive search agrees with a brute-force enumeration (no state
// deduplication, no symmetry) on which invariants break and how short their traces can be;
// its shortest v3.0 ptrace trace is no longer than what `check` shrinks to and replays to the
// same violation; workers give the same counts and traces as one thread; keys and fingerprints.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getProfile, PROFILES } from '../model/profiles.ts';
import { parseTrace } from '../model/trace.ts';
import { opOf } from '../properties/replay.ts';
import type { Bounds } from '../properties/alphabet.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Op } from '../model/types.ts';
import { naiveExplore } from '../explore/naive.ts';
import { violationKey } from '../properties/harness.ts';
import { check } from '../properties/random.ts';
import { counterexampleTrace } from '../properties/counterexample.ts';
import { replayModel } from '../properties/replay.ts';
import { closeExplorePool, explore, exploreBounds, exploreSync } from '../explore/index.ts';
import { workerBundle } from '../explore/worker-bundle.ts';
import { activate } from '../model/mutants/index.ts';
import { collisionProbability, FingerprintSet } from '../explore/fingerprint.ts';
import { KeyEncoder } from '../explore/key.ts';
import { Checker } from '../properties/harness.ts';
import { COVER_BOUNDS, coverSearch, enabledGoals, lookahead, splice, witnesses } from '../explore/cover.ts';
import type { KState } from '../model/kernel/state.ts';
import { expand, Rebuilder, SearchCtx } from '../explore/bfs.ts';
import type { Node } from '../explore/bfs.ts';
import { coveringTraces } from '../model/lifecycle/corpus.ts';
import { edgeLabel, LifecycleTracker } from '../model/lifecycle/index.ts';
import { project } from '../model/lifecycle/projection.ts';

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');
const v30 = PROFILES['v3.0'];
const v618 = PROFILES['v6.18'];

/** Small v3.0 bounds that still reach the cached-dentry ptrace bypass (four ops). */
const TINY: Partial<Bounds> = {
  ops: ['spawn', 'cred', 'open', 'nsid'], entries: ['net'], maxTasks: 1, maxFds: 1, maxNsNames: 1, mounts: [],
  flagSets: [[]], creds: [{ uid: 1000 }],
};

/** explore on TINY at depth 4, computed once for the tests that read it. */
let tinyRun: ReturnType<typeof exploreSync> | undefined;
const tiny = () => (tinyRun ??= exploreSync(v30, { depth: 4, bounds: TINY }));

describe('explore', () => {
  afterAll(closeExplorePool); // the worker threads kept between searches
  it('agrees with brute force on v3.0 small bounds: same broken invariants, same minimal lengths', () => {
    const brute = naiveExplore(v30, TINY, 4, Infinity, false);
    const r = tiny();
    const lengths = (m: Iterable<[string, Op[]]>) => new Map([...m].map(([k, ops]) => [k, ops.length]));
    expect(brute.violations.has('ptrace-gate')).toBe(true);
    expect(lengths(r.violations.map((v) => [v.key, v.ops]))).toEqual(lengths(brute.violations));
    expect(r.statesPerDepth[3]!).toBeLessThan(brute.statesPerDepth[3]!); // symmetry merged some states
    expect(r.complete).toBe(true);
    // without symmetry, at depth 3: the same broken invariants and lengths again
    const plain = exploreSync(v30, { depth: 3, bounds: TINY, symmetry: false });
    const brute3 = naiveExplore(v30, TINY, 3, Infinity, false);
    expect(lengths(plain.violations.map((v) => [v.key, v.ops]))).toEqual(lengths(brute3.violations));
  }, 30_000);

  it('agrees with brute force on v6.18 mutants (mount names, fd names, refcounts)', () => {
    const bounds: Partial<Bounds> = { ops: ['spawn', 'open', 'close', 'dup', 'bind', 'umount'], entries: ['net'] };
    for (const m of ['umount-ignores-busy', 'dup-no-get-file']) {
      activate(m);
      try {
        const brute = naiveExplore(v618, exploreBounds(v618, bounds), 3, Infinity, false);
        const r = exploreSync(v618, { depth: 3, bounds });
        expect(brute.violations.size).toBeGreaterThan(0);
        expect(new Map(r.violations.map((v) => [v.key, v.ops.length]))).toEqual(new Map([...brute.violations].map(([k, o]) => [k, o.length])));
      } finally {
        activate(null);
      }
    }
  }, 30_000);

  it('finds the v3.0 ptrace bypass no longer than check shrinks to, and it replays to the same violation', () => {
    const v = tiny().violations.find((x) => x.key === 'ptrace-gate')!;
    expect(v).toBeDefined();
    const c = check(v30, { runs: 300, seed: 42, maxViolations: 8 });
    const shrunk = (c.all ?? []).find((x) => violationKey(x.property, x.detail) === 'ptrace-gate');
    expect(shrunk).toBeDefined();
    expect(v.ops.length).toBeLessThanOrEqual(shrunk!.ops.length);
    const trace = counterexampleTrace(v30, v.ops, v.property, v.detail, { engine: 'explore' });
    const rep = replayModel(trace, 'sim', v30);
    expect(rep.violation?.property).toBe('ptrace-gate');
    expect(rep.violation?.step).toBe(v.ops.length - 1);
  }, 30_000);

  it('gives the same states, counts and shortest traces with 2 workers as with 1', async () => {
    const bounds: Partial<Bounds> = { ...TINY, ops: ['spawn', 'cred', 'nsid', 'open', 'close'] };
    const one = await explore(v30, { depth: 3, bounds });
    // localLevel 0: every level goes to the workers; 8: the first levels run in the main thread;
    // the workers run the bundled code, and the TypeScript sources through tsx (the fallback)
    for (const [localLevel, workerCode] of [[0, 'bundle'], [8, 'bundle'], [0, 'tsx']] as const) {
      const two = await explore(v30, { depth: 3, bounds, workers: 2, localLevel, workerCode });
      expect(two.distinctStates).toBe(one.distinctStates);
      expect(two.statesPerDepth).toEqual(one.statesPerDepth);
      expect(two.transitions).toBe(one.transitions);
      expect(two.violations).toEqual(one.violations);
    }
  }, 30_000);

  it('gives the same lifecycle coverage with 2 workers as with 1: every state and edge counted as often, the same first trace per edge, no disagreement', async () => {
    // each worker thread counts the transitions of its chunks and the main thread merges them
    // in chunk order; the first trace that took each edge (the splice step's material) and the
    // order they were found in are the one-thread search's too
    const counts = (t: LifecycleTracker) => ({ steps: t.steps, runs: t.runs, reached: t.edgesReached, states: t.stateHits.map((h) => [...h]), edges: t.edgeHits.map((h) => [...h]), disagreements: t.disagreements, firsts: t.firsts });
    for (const p of [v30, PROFILES['v6.18']]) {
      const bounds: Partial<Bounds> = { ...TINY, ops: ['spawn', 'exit', 'reap', 'open', 'close', 'unshare', 'bind', 'umount'] };
      const one = new LifecycleTracker(p);
      await explore(p, { depth: 3, bounds, lifecycle: one });
      for (const localLevel of [0, 8]) {
        const two = new LifecycleTracker(p);
        await explore(p, { depth: 3, bounds, workers: 2, localLevel, lifecycle: two });
        expect(counts(two), `${p.name} localLevel ${localLevel}`).toEqual(counts(one));
      }
      expect(one.edgesReached).toBeGreaterThan(5);
      expect(one.disagreements).toEqual([]);
      // each first trace, run alone from the initial state, takes its edge with its last op and not before
      expect(one.firsts.length).toBe(one.edgesReached);
      for (const f of one.firsts) {
        const t = new LifecycleTracker(p);
        const c = new Checker(p);
        t.start(c);
        f.ops.forEach((op, i) => {
          t.step(c, op, c.apply(op));
          expect(t.edgeHits[f.lifecycle]![f.edge]! > 0, `${p.name} ${JSON.stringify(f.ops)} after op ${i}`).toBe(i === f.ops.length - 1);
        });
      }
    }
  }, 60_000);

  it('a kept worker thread carries nothing from one search into the next (profile, bounds, mutant)', async () => {
    const setns = { ops: ['open', 'pidfd', 'setns', 'close', 'spawn'], maxTasks: 2, maxFds: 2, entries: ['net', 'user'] } as Partial<Bounds>;
    const runs: [typeof v30, Partial<Bounds>, string | null][] = [
      [v618, setns, 'setns-ebadf-for-other'], [v618, setns, null], [v30, TINY, null], [v618, setns, 'setns-ebadf-for-other']];
    for (const [profile, bounds, mutant] of runs) {
      activate(mutant);
      try {
        const one = exploreSync(profile, { depth: 2, bounds });
        const two = await explore(profile, { depth: 2, bounds, workers: 2, localLevel: 0 });
        expect([two.distinctStates, two.transitions, two.statesPerDepth]).toEqual([one.distinctStates, one.transitions, one.statesPerDepth]);
        expect(two.violations).toEqual(one.violations);
        if (mutant) expect(one.violations.map((v) => v.key)).toContain('ns-fd-only');
      } finally {
        activate(null);
      }
    }
  }, 30_000);

  it('bundles the worker code (the fast boot the pool uses; the tsx shim is only a fallback)', async () => {
    const b = await workerBundle();
    expect(b.error).toBe('');
    expect(b.url?.protocol).toBe('data:');
  });

  it('stops at --max-states with partial statistics (complete: false), after exactly that many states', () => {
    for (const maxStates of [1, 2, 50]) { // 1: the root alone
      const r = exploreSync(v618, { depth: 3, maxStates });
      expect(r.complete).toBe(false);
      expect(r.stoppedBy).toBe('max-states');
      expect(r.distinctStates).toBe(maxStates);
    }
    // a search that ends within the bound is complete
    expect(exploreSync(v618, { depth: 0, maxStates: 1 })).toMatchObject({ complete: true, distinctStates: 1 });
  });

  it('exact keys and fingerprints count the same states', () => {
    const bounds: Partial<Bounds> = { ops: ['spawn', 'unshare', 'open', 'close', 'exit', 'reap'], entries: ['net', 'user'] };
    const a = exploreSync(v618, { depth: 2, bounds });
    const b = exploreSync(v618, { depth: 2, bounds, exact: true });
    expect(b.distinctStates).toBe(a.distinctStates);
    expect(b.collisionProbability).toBe(0);
    expect(a.bytesPerState).toBeLessThanOrEqual(32);
  });
});

describe('canonical keys', () => {
  const keyOf = (ops: Parameters<Checker['apply']>[0][], symmetry = true): string => {
    const c = new Checker(v618);
    let names = NO_NAMES;
    for (const op of ops) names = bindNames(names, op, c.apply(op).spec);
    const e = new KeyEncoder(symmetry);
    e.encode(c, names);
    return e.exactKey();
  };

  it('identifies states that differ only by task names and namespace ids', () => {
    const a = keyOf([{ op: 'spawn', task: 't1', parent: 'init', newns: ['net'] }, { op: 'spawn', task: 't2', parent: 'init', newns: ['uts'] }]);
    const b = keyOf([{ op: 'spawn', task: 't1', parent: 'init', newns: ['uts'] }, { op: 'spawn', task: 't2', parent: 'init', newns: ['net'] }]);
    const c = keyOf([{ op: 'spawn', task: 't1', parent: 'init', newns: ['uts'] }, { op: 'spawn', task: 't2', parent: 't1', newns: ['net'] }]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(keyOf([{ op: 'spawn', task: 't1', parent: 'init', newns: ['net'] }, { op: 'spawn', task: 't2', parent: 'init', newns: ['uts'] }], false))
      .not.toBe(keyOf([{ op: 'spawn', task: 't1', parent: 'init', newns: ['uts'] }, { op: 'spawn', task: 't2', parent: 'init', newns: ['net'] }], false));
  });

  it('one encoder gives every state the key a fresh encoder gives (labels reset between keys; the buffer grows)', () => {
    const states: { c: Checker; names: typeof NO_NAMES }[] = [];
    for (const f of readdirSync(SCENARIOS).filter((x) => x.endsWith('.json'))) {
      const trace = parseTrace(readFileSync(join(SCENARIOS, f), 'utf8'));
      const c = new Checker(getProfile(trace.profile ?? 'v6.18')!, { invariants: false });
      let names = NO_NAMES;
      for (const s of trace.steps) names = bindNames(names, opOf(s), c.apply(opOf(s)).spec);
      states.push({ c, names });
    }
    const shared = new KeyEncoder();
    shared.buf = new Int32Array(2); // far too small: every early key overflows it
    for (const round of [0, 1]) {
      for (const st of round === 0 ? states : [...states].reverse()) {
        const fresh = new KeyEncoder();
        fresh.encode(st.c, st.names);
        shared.encode(st.c, st.names);
        expect(shared.exactKey()).toBe(fresh.exactKey());
      }
    }
  });

  // explore checks the state invariants only on states it has not seen, which is sound where
  // the key holds all they read: a key that missed a live object says so (KeyEncoder.allLive)
  it('flags a key whose traversal missed a live object (a leaked file), which no state that passes its checks has', () => {
    const ops: Parameters<Checker['apply']>[0][] = [{ op: 'spawn', task: 't1', parent: 'init' },
      { op: 'open', task: 't1', path: '/proc/t1/ns/net', fd: 'f1' }, { op: 'exit', task: 't1' }];
    const run = (mutant: string | null): { live: boolean; property: string | undefined } => {
      activate(mutant);
      try {
        const c = new Checker(v618);
        let names = NO_NAMES;
        let property: string | undefined;
        for (const op of ops) {
          const r = c.apply(op);
          property ??= r.violation?.property;
          names = bindNames(names, op, r.spec);
        }
        const e = new KeyEncoder();
        e.encode(c, names);
        return { live: e.allLive, property };
      } finally {
        activate(null);
      }
    };
    expect(run(null)).toEqual({ live: true, property: undefined });
    expect(run('exit-no-fput')).toEqual({ live: false, property: 'refcount-exact' }); // the file outlives its only holder
    // every state of a faithful search is fully reached (so the flag costs explore no reduction)
    const ctx = new SearchCtx(v30, exploreBounds(v30, { ...TINY, ops: ['spawn', 'open', 'dup', 'close', 'exit', 'reap', 'bind', 'umount'], mounts: ['@m1'] }), new Set(), true);
    let level: Node[] = [ctx.root()];
    let states = 0;
    for (let d = 0; d < 3; d++) {
      const next: Node[] = [];
      for (const n of level) {
        for (const op of ctx.alphabet.enumerate(n.c.spec, n.names)) {
          const c = n.c.clone();
          const r = c.apply(op);
          if (r.violation) continue;
          const child: Node = { c, names: bindNames(n.names, op, r.spec), ops: [...n.ops, op] };
          ctx.key(child);
          expect(ctx.encoder.allLive, JSON.stringify(child.ops)).toBe(true);
          states++;
          next.push(child);
        }
      }
      level = next.filter((_, i) => i % 3 === 0);
    }
    expect(states).toBeGreaterThan(1000);
  });

  it('drops freed objects nothing reaches', () => {
    const a = keyOf([{ op: 'unshare', task: 'init', newns: ['net'] }]);
    const b = keyOf([{ op: 'unshare', task: 'init', newns: ['net'] }, { op: 'unshare', task: 'init', newns: ['net'] }]);
    expect(a).toBe(b);
  });
});

describe('fingerprint set', () => {
  it('stores 64-bit fingerprints and grows', () => {
    const s = new FingerprintSet(8);
    for (let i = 0; i < 10_000; i++) expect(s.add(i * 2654435761, i)).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(s.add(i * 2654435761, i)).toBe(false);
    expect(s.has(0, 0)).toBe(true); // 0:0 is stored as 0:1
    expect(s.has(12345, 99999)).toBe(false);
    expect(s.size).toBe(10_000);
    expect(s.bytes / s.size).toBeLessThanOrEqual(16);
    // emptied for reuse (a chunk's set in the parallel search): nothing in it, the table kept
    const bytes = s.bytes;
    s.clear();
    expect(s.size).toBe(0);
    expect(s.has(3 * 2654435761, 3)).toBe(false);
    expect(s.add(3 * 2654435761, 3)).toBe(true);
    expect(s.bytes).toBe(bytes);
  });

  it('reports the collision probability as TLC does (n^2 / 2^65)', () => {
    expect(collisionProbability(1e6) / (1e12 / 2 ** 65)).toBeCloseTo(1, 5);
    expect(collisionProbability(1)).toBe(0);
  });
});

// explore's expand neither keys nor looks up a successor equal to its node, applies the next op
// to that unchanged copy (Checker.rewind), and checks the state invariants only on successors
// it has not seen (Checker.settle); tests/state-same.test.ts holds SIM.same and SPEC.same to
// every field, tests/checker-shortcut.test.ts the Checker's side on every mutant.
describe("explore's shortcuts", () => {
  it('give the same counts, transitions and shortest traces as a search without them (violations of step and state invariants)', () => {
    const rows: [string | null, typeof v30, Partial<Bounds>, number][] = [
      [null, v30, { ...TINY, ops: ['spawn', 'cred', 'nsid', 'open', 'close', 'exit', 'reap'] }, 4], // ptrace-gate: a step invariant
      ['exit-no-fput', v618, { ops: ['spawn', 'open', 'dup', 'close', 'exit', 'reap', 'setns'], maxFds: 2 }, 3], // refcount-exact: a state invariant
    ];
    for (const [mutant, profile, bounds, depth] of rows) {
      activate(mutant);
      try {
        const fast = exploreSync(profile, { depth, bounds });
        // every successor checked in full, keyed (explore's canonical key) and looked up
        const enc = new KeyEncoder();
        const plain = naiveExplore(profile, exploreBounds(profile, bounds), depth, Infinity, true, (n) => { enc.encode(n.c, n.names); return enc.exactKey(); });
        expect(plain.violations.size, `${mutant}: something breaks`).toBeGreaterThan(0);
        expect(fast.statesPerDepth).toEqual(plain.statesPerDepth.filter((x) => x > 0));
        expect(fast.transitions).toBe(plain.transitions);
        expect(fast.violations.map((v) => [v.key, v.ops])).toEqual([...plain.violations]);
      } finally {
        activate(null);
      }
    }
  }, 60_000);

  // explore (and its cover phase) count a successor whose simulation did not change as a
  // lifecycle stutter, without projecting it: sound only if such a successor moves no object
  it('a successor whose simulation is unchanged moves no lifecycle object (the tracker\'s stutter shortcut)', () => {
    for (const p of Object.values(PROFILES)) {
      const alphabet = new Alphabet(p, exploreBounds(p));
      let level = [{ c: new Checker(p), names: NO_NAMES }];
      let unchanged = 0;
      const t = new LifecycleTracker(p);
      for (let d = 0; d < 2; d++) {
        const next: typeof level = [];
        for (const n of level) {
          const b = project(n.c.sim);
          for (const op of alphabet.enumerate(n.c.spec, n.names)) {
            const c = n.c.clone();
            const r = c.apply(op);
            if (r.violation) continue;
            const bad = t.transition(n.c.sim, c.sim, op, r); // moves no statechart allows
            if (c.simUnchanged) {
              unchanged++;
              const a = project(c.sim);
              if (bad.length > 0 || a.length !== b.length || a.some((x, l) => x.length !== b[l]!.length || x.some((v, i) => v !== b[l]![i]))) {
                expect.fail(`${p.name}: ${JSON.stringify(op)} left the simulation unchanged, but the tracker saw an object move`);
              }
            }
            if (d === 0 && !c.simUnchanged) next.push({ c, names: bindNames(n.names, op, r.spec) });
          }
        }
        level = next.filter((_, i) => i % 4 === 0); // a quarter of the changed depth-1 states
      }
      expect(unchanged).toBeGreaterThan(100); // the shortcut is taken, and was checked, often
    }
  }, 60_000);
});

// explore primes V8 with the committed covering traces before its first search (SearchCtx.prime)
describe('priming before a search', () => {
  it('runs the covering traces and leaves every successor of the first two levels as it was', () => {
    const ctx = new SearchCtx(v618, exploreBounds(v618), new Set(), true);
    const levels = (): string[] => {
      const out: string[] = [];
      let level: Node[] = [ctx.root()];
      for (let d = 0; d < 2; d++) {
        const next: Node[] = [];
        for (const n of level) {
          expand(ctx, n, () => false, (op) => {
            out.push(`${JSON.stringify(op)} ${ctx.fp[0]}:${ctx.fp[1]}`);
            if (d === 0) next.push(new Rebuilder(ctx.root()).node([...n.ops, op]));
          }, (key) => out.push(key));
        }
        level = next.filter((_, i) => i % 8 === 0);
      }
      return out;
    };
    const before = levels();
    const traces = coveringTraces().filter((t) => t.trace.profile === 'v6.18').map((t) => t.trace.steps.map(opOf));
    expect(ctx.prime(traces)).toBeGreaterThan(100);
    expect(levels()).toEqual(before);
  });
});

/** A tracker that projects both states of every transition: no projection kept by a state's identity. */
class FreshTracker extends LifecycleTracker {
  override transition(before: KState, after: KState, ...rest: Parameters<LifecycleTracker['transition']> extends [KState, KState, ...infer R] ? R : never): ReturnType<LifecycleTracker['transition']> {
    (this as unknown as { fromState: KState | null }).fromState = null;
    return super.transition(before, after, ...rest);
  }
}

describe("explore's cover phase: what it feeds the lifecycle tracker", () => {
  it('the same counts as a tracker that projects both states of every transition (no engine steps a state it gave the tracker)', () => {
    // LifecycleTracker.transition keeps the projection of its last pre-state by object identity;
    // a search that steps such a state in place would be counted from a stale projection
    const counts = (t: LifecycleTracker) => ({ steps: t.steps, states: t.stateHits.map((h) => [...h]), edges: t.edgeHits.map((h) => [...h]), disagreements: t.disagreements.map((d) => d.detail) });
    for (const p of [PROFILES['v6.18'], v30]) {
      const opts = { depth: 5, beam: 15, members: 2, seed: 1, splice: 15_000, bounds: COVER_BOUNDS, ignore: new Set<string>() };
      const kept = new LifecycleTracker(p);
      const fresh = new FreshTracker(p);
      const a = coverSearch(p, { ...opts, tracker: kept });
      const b = coverSearch(p, { ...opts, tracker: fresh });
      expect(a.splice.transitions, p.name).toBeGreaterThan(1000);
      expect(counts(kept), p.name).toEqual(counts(fresh));
      expect(kept.disagreements, p.name).toEqual([]);
      expect(b.transitions).toBe(a.transitions);
    }
  });
});

describe("explore's cover phase: the lookahead step", () => {
  it('takes a transition two ops past a witness: a grandchild\'s ns directory opened, then its pid namespace\'s init exits (seed)', () => {
    const p = PROFILES.seed;
    const target = 'namespace:inUse --exit--> held';
    const taken = (t: LifecycleTracker): boolean => t.lifecycles.some((l, li) => l.edges.some((e, k) => `${l.id}:${edgeLabel(e)}` === target && t.edgeHits[li]![k]! > 0));
    // nested pid namespaces: t2's is a child of t1's; open init /proc/t2/ns, then exit t1 (zap_pid_ns_processes)
    const nested: Op[] = [{ op: 'spawn', task: 't1', parent: 'init', newns: ['pid'] }, { op: 'spawn', task: 't2', parent: 't1', newns: ['pid'] }];
    const t = new LifecycleTracker(p);
    const r = lookahead(p, { bounds: COVER_BOUNDS, ignore: new Set(), tracker: t, budget: 1_000_000 }, [nested], new Map());
    expect(taken(t)).toBe(true);
    expect(t.disagreements).toEqual([]);
    expect(r.bases).toBe(1);
    // one op past the witness is not enough, nor two past a single child
    const one = new LifecycleTracker(p);
    splice(p, { bounds: COVER_BOUNDS, ignore: new Set(), tracker: one, splice: 1_000_000 }, [nested, nested.slice(0, 1)], new Map());
    expect(taken(one)).toBe(false);
    const flat = new LifecycleTracker(p);
    lookahead(p, { bounds: COVER_BOUNDS, ignore: new Set(), tracker: flat, budget: 1_000_000 }, [nested.slice(0, 1)], new Map());
    expect(taken(flat)).toBe(false);
    // and it stops at its budget
    expect(lookahead(p, { bounds: COVER_BOUNDS, ignore: new Set(), tracker: new LifecycleTracker(p), budget: 10 }, [nested], new Map()).transitions).toBe(10);
  });

  it('prunes exactly: an op of a family enabledGoals leaves out takes no transition (every state of the covering traces, every op)', () => {
    for (const name of ['seed', 'v3.0', 'v6.18'] as const) {
      const p = PROFILES[name];
      const fresh = new LifecycleTracker(p); // nothing taken: every transition is a goal
      const goals = enabledGoals(p, fresh);
      const scratch = new LifecycleTracker(p);
      const hits = (): number => scratch.edgeHits.reduce((a, h) => a + h.reduce((x, y) => x + y, 0), 0);
      const alphabet = new Alphabet(p, { ...exploreBounds(p), ...COVER_BOUNDS });
      let pruned = 0;
      for (const { trace } of coveringTraces().filter((x) => x.trace.profile === name).slice(0, 25)) {
        let c = new Checker(p);
        let names = NO_NAMES;
        for (const step of trace.steps) {
          const can = goals(project(c.sim));
          for (const op of alphabet.enumerate(c.spec, names)) {
            if (can.has(op.op)) continue;
            const next = c.clone();
            const res = next.apply(op);
            if (res.violation) continue;
            const before = hits();
            scratch.transition(c.sim, next.sim, op, res);
            expect(hits(), `${name}: ${JSON.stringify(op)} after ${JSON.stringify(trace.steps.slice(0, trace.steps.indexOf(step)))}`).toBe(before);
            pruned++;
          }
          const op = opOf(step);
          const next = c.clone();
          const res = next.apply(op);
          if (res.violation) break;
          names = bindNames(names, op, res.spec);
          c = next;
        }
      }
      expect(pruned, name).toBeGreaterThan(100);
    }
  }, 60_000);
});

describe("explore's cover phase: the splice step", () => {
  const p = PROFILES['v6.18'];
  const target = 'mount:unborn --spawn--> unmounted';
  // a bind mount in init's mount namespace; init's children's pid namespace with its init dead
  const bindMount: Op[] = [{ op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m1' }];
  const deadPidNs: Op[] = [{ op: 'unshare', task: 'init', newns: ['pid'] }, { op: 'spawn', task: 't1', parent: 'init' }, { op: 'exit', task: 't1' }];
  const taken = (t: LifecycleTracker): Set<string> => new Set(t.lifecycles.flatMap((l, li) => l.edges.filter((_, k) => t.edgeHits[li]![k]! > 0).map((e) => `${l.id}:${edgeLabel(e)}`)));
  const run = (wit: Op[][], budget = 1_000_000): { t: LifecycleTracker; r: ReturnType<typeof splice> } => {
    const t = new LifecycleTracker(p);
    const r = splice(p, { bounds: COVER_BOUNDS, ignore: new Set(), tracker: t, splice: budget }, wit, new Map());
    // every move the step fed the tracker is one the statecharts allow (a stale projection of
    // the state before a transition shows up as moves no op makes)
    expect(t.disagreements.map((d) => d.detail)).toEqual([]);
    return { t, r };
  };

  it('takes a transition that needs two things each witness set up alone, by running them one after the other', () => {
    const both = run([bindMount, deadPidNs]);
    expect(taken(both.t).has(target)).toBe(true);
    expect(both.r).toMatchObject({ witnesses: 2, pairs: 2 });
    for (const alone of [[bindMount], [deadPidNs]]) expect(taken(run(alone).t).has(target)).toBe(false);
    // the ops that do it, checked on their own with every invariant: ENOMEM after copy_mnt_ns
    const c = new Checker(p);
    const out = [...bindMount, ...deadPidNs, { op: 'spawn', task: 't2', parent: 'init', newns: ['mnt'] } as Op].map((op) => c.apply(op));
    expect(out.map((x) => x.violation)).toEqual(out.map(() => null));
    expect(out.at(-1)!.spec.errno).toBe('ENOMEM');
  });

  it('extends each state along the second trace, not only the state it ends in', () => {
    // the second trace has the dead pid namespace after its fourth op, and init back in its own
    // pid namespace for children at its end: bind mount first, then that trace, takes the
    // transition only from its middle
    const deadThenFresh: Op[] = [{ op: 'open', task: 'init', path: '/proc/init/ns/pid', fd: 'f1' }, ...deadPidNs,
      { op: 'setns', task: 'init', fd: 'f1', nstype: 'pid' }];
    expect(taken(run([bindMount, deadThenFresh]).t).has(target)).toBe(true);
    // the two end states (either order) and the states of one trace alone do not take it
    for (const ends of [[...bindMount, ...deadThenFresh], [...deadThenFresh, ...bindMount]]) {
      const c = new Checker(p);
      for (const op of ends) c.apply(op);
      const t = new LifecycleTracker(p);
      const next = c.clone();
      const op: Op = { op: 'spawn', task: 't2', parent: 'init', newns: ['mnt'] };
      t.transition(c.sim, next.sim, op, next.apply(op));
      expect(taken(t).has(target)).toBe(false);
    }
    expect(taken(run([deadThenFresh]).t).has(target)).toBe(false);
  });

  it('also combines the first trace that took each transition: a spawn that failed late, then a bind mount', () => {
    // a run whose last op is a spawn that fails after copying namespaces (alloc_pid in a pid
    // namespace whose init died): its trace is the first to take namespace `unborn --spawn--> freed`
    const seen = new LifecycleTracker(p);
    const c = new Checker(p);
    seen.start(c);
    const failing: Op[] = [...deadPidNs, { op: 'spawn', task: 't2', parent: 'init', newns: ['net'] }];
    for (const op of failing) seen.step(c, op, c.apply(op));
    const late = seen.firsts.find((f) => `${seen.lifecycles[f.lifecycle]!.id}:${edgeLabel(seen.lifecycles[f.lifecycle]!.edges[f.edge]!)}` === 'namespace:unborn --spawn--> freed');
    expect(late?.ops).toEqual(failing);
    // the signature witnesses come first, each trace once (a first trace equal to one of them is not repeated)
    const wit = witnesses(new Map([['a', bindMount], ['b', failing]]), seen);
    expect(wit.slice(0, 2)).toEqual([bindMount, failing]);
    expect(new Set(wit.map((w) => JSON.stringify(w))).size).toBe(wit.length);
    expect(wit).toContainEqual(deadPidNs.slice(0, 1));
    expect(taken(run(witnesses(new Map([['a', bindMount]]), seen)).t).has(target)).toBe(true);
    expect(taken(run(witnesses(new Map([['a', bindMount]]), new LifecycleTracker(p))).t).has(target)).toBe(false);
  });

  it('reports its progress: pairs and transitions never decrease, and the last report (done) is its result', () => {
    const t = new LifecycleTracker(p);
    const seen: { pairs: number; transitions: number; done: boolean; budget: number }[] = [];
    // ten witnesses, 90 pairs: a report after the 64th, and the last one
    const kinds = ['net', 'uts', 'ipc', 'mnt', 'pid', 'user', 'cgroup', 'time'] as const;
    const wit = [bindMount, deadPidNs, ...kinds.map((k): Op[] => [{ op: 'spawn', task: 't1', parent: 'init', newns: [k] }])];
    const r = splice(p, { bounds: COVER_BOUNDS, ignore: new Set(), tracker: t, splice: 1_000_000, progressMs: 0, onSplice: (x) => seen.push(x) }, wit, new Map());
    expect(r.pairs).toBe(90);
    expect(seen.length).toBe(2);
    expect(seen.at(-1)).toMatchObject({ pairs: r.pairs, transitions: r.transitions, done: true, budget: 1_000_000 });
    expect(seen[0]).toMatchObject({ pairs: 64, done: false });
    expect(seen.slice(0, -1).every((x) => !x.done)).toBe(true);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.pairs).toBeGreaterThanOrEqual(seen[i - 1]!.pairs);
      expect(seen[i]!.transitions).toBeGreaterThanOrEqual(seen[i - 1]!.transitions);
    }
  });

  it('stops at its transition budget', () => {
    // the longest witness (4 ops) runs first as the base, then one pair passes the budget of 5
    const { r } = run([bindMount, deadPidNs, bindMount.concat(deadPidNs)], 5);
    expect(r.transitions).toBeGreaterThanOrEqual(5);
    expect(r.pairs).toBe(1);
    expect(run([bindMount, deadPidNs], 0).r).toEqual({ witnesses: 2, pairs: 0, transitions: 0 });
  });
});
