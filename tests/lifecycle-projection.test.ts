// The projection (model/lifecycle/projection.ts) read directly: which lifecycle state each
// object of a state is in, on states a user can set up with ops, on states that only a kernel
// bug reaches (a seeded catalog bug, or a state altered by hand: what the projection property
// exists to catch), the moves between two projections, the state names, the coarse signature
// the cover phase uses, the Mermaid text of a statechart, and the corpus reader.
// In the Stryker suites (vitest.stryker.config.ts). No model code runs at collection time.
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { setup } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { PROFILES } from '../model/profiles.ts';
import type { Profile } from '../model/profiles.ts';
import type { Cap, Op, OpName } from '../model/types.ts';
import { ALL_CAPS, CAPS, OP_NAMES } from '../model/types.ts';
import type { KState } from '../model/kernel/state.ts';
import { SLOT } from '../model/kernel/state.ts';
import { Checker } from '../properties/harness.ts';
import { activate } from '../model/mutants/index.ts';
import { lifecycles, LifecycleTracker } from '../model/lifecycle/index.ts';
import type { Lifecycle } from '../model/lifecycle/index.ts';
import { machineMermaid } from '../model/lifecycle/index.ts';
import { allowedTables, INVALID, lifecycleSignature, moves, NONE, project, signatureCodes, signatureToken, stateName } from '../model/lifecycle/projection.ts';
import { Alphabet, NO_NAMES, bindNames } from '../properties/alphabet.ts';
import { runArbitrary } from '../properties/random.ts';
import type { Projection } from '../model/lifecycle/projection.ts';

/** The statecharts, built afresh for each test (built at import, their Stryker mutants would be static). */
let LIFECYCLES: readonly Lifecycle[] = [];
beforeEach(() => { LIFECYCLES = lifecycles(); });

const li = (id: string): number => LIFECYCLES.findIndex((l) => l.id === id);

/** Runs ops (each must succeed) on a fresh checker, with a seeded bug switched on if named. */
function run(p: Profile, ops: readonly Op[], bug?: string): Checker {
  const c = new Checker(p, { invariants: false });
  if (bug) activate(bug);
  try {
    for (const op of ops) expect(c.apply(op).sim.errno, JSON.stringify(op)).toBeUndefined();
  } finally {
    if (bug) activate(null);
  }
  return c;
}

/** The projected state name of object `i` of statechart `id`. */
function stateOf(s: KState, id: string, i: number): string {
  return stateName(LIFECYCLES[li(id)]!, project(s)[li(id)]![i]!);
}

const task = (s: KState, name: string): number => s.taskByName.get(name)!;
/** The namespace of kind `k` that task `name` is in now. */
function nsOf(s: KState, name: string, k: 'net' | 'mnt' | 'pid'): number {
  const t = s.tasks[task(s, name)]!;
  return k === 'pid' ? s.pids[t.pid]!.ns : s.nsproxies[t.nsproxy]!.ns[SLOT[k]]!;
}
const fileOf = (s: KState, name: string, fd: string): number => s.tasks[task(s, name)]!.fds.get(fd)!;

describe('namespaces: who holds one decides its state', () => {
  it('v3.0: an fd on /proc/<t>/ns/<x> holds the proc inode\'s struct pid, and so t\'s pid namespace after t is reaped', () => {
    const p = PROFILES['v3.0'];
    const ops: Op[] = [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['pid'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1' },
    ];
    const c = run(p, ops);
    const pidns = nsOf(c.sim, 'a', 'pid');
    expect(pidns).toBeGreaterThan(0);
    expect(stateOf(c.sim, 'namespace', pidns)).toBe('inUse');
    for (const op of [{ op: 'exit', task: 'a' }, { op: 'reap', task: 'a' }] as Op[]) c.apply(op);
    expect(stateOf(c.sim, 'namespace', pidns)).toBe('held');
    c.apply({ op: 'close', task: 'init', fd: 'f1' });
    expect(stateOf(c.sim, 'namespace', pidns)).toBe('freed');
  });

  it('v3.0: a namespace that only a cached dentry names is cached; a cache is no holder, so freed under it is freed, not a use after free', () => {
    const p = PROFILES['v3.0'];
    const c = run(p, [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1' },
      { op: 'close', task: 'init', fd: 'f1' },
    ]);
    const net = nsOf(c.sim, 'a', 'net');
    expect(stateOf(c.sim, 'namespace', net)).toBe('inUse');
    c.apply({ op: 'unshare', task: 'a', newns: ['net'] });
    expect(stateOf(c.sim, 'namespace', net)).toBe('cached');
    const gone = c.clone();
    gone.apply({ op: 'shrink' });
    expect(stateOf(gone.sim, 'namespace', net)).toBe('freed');
    // the same freed while a task is still in it is a use after free
    c.sim.ns[net]!.freed = true;
    expect(stateOf(c.sim, 'namespace', net)).toBe('freed');
    const inUse = run(p, [{ op: 'spawn', task: 'a', parent: 'init', newns: ['net'] }]);
    inUse.sim.ns[nsOf(inUse.sim, 'a', 'net')]!.freed = true;
    expect(stateOf(inUse.sim, 'namespace', nsOf(inUse.sim, 'a', 'net'))).toBe('invalid');
  });

  it('a seeded leak (evict-no-put): a namespace that nothing holds any more but is not freed is invalid', () => {
    const p = PROFILES['v6.18'];
    const ops: Op[] = [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1' },
      { op: 'exit', task: 'a' },
      { op: 'close', task: 'init', fd: 'f1' },
    ];
    const good = run(p, ops.slice(0, 1));
    const net = nsOf(good.sim, 'a', 'net');
    for (const op of ops.slice(1)) good.apply(op);
    expect(stateOf(good.sim, 'namespace', net)).toBe('freed');
    const bad = run(p, ops, 'evict-no-put');
    expect(bad.sim.ns[net]!.freed).toBe(false);
    expect(stateOf(bad.sim, 'namespace', net)).toBe('invalid');
  });

  it('a seeded early free (readlink-double-put): a namespace freed while a task is in it is invalid', () => {
    const c = run(PROFILES['v6.18'], [{ op: 'readlink', task: 'init', path: '/proc/init/ns/net' }], 'readlink-double-put');
    const net = nsOf(c.sim, 'init', 'net');
    expect(c.sim.ns[net]!.freed).toBe(true);
    expect(stateOf(c.sim, 'namespace', net)).toBe('invalid');
  });

  it('a seeded bug (mnt-ns-loop): a mount namespace that binds its own file, held by an fd, is held (the projection follows the cycle once)', () => {
    const p = PROFILES['v6.18'];
    const c = run(p, [
      { op: 'spawn', task: 'b', parent: 'init', newns: ['mnt'] },
      { op: 'bind', task: 'b', source: '/proc/b/ns/mnt', target: '@m1' },
      { op: 'open', task: 'init', path: '/proc/b/ns/mnt', fd: 'f1' },
    ], 'mnt-ns-loop');
    const mnt = nsOf(c.sim, 'b', 'mnt');
    expect(c.sim.mounts.map((m) => m.mntns)).toEqual([mnt]);
    expect(stateOf(c.sim, 'namespace', mnt)).toBe('inUse');
    c.apply({ op: 'exit', task: 'b' });
    expect(stateOf(c.sim, 'namespace', mnt)).toBe('held');
    c.apply({ op: 'close', task: 'init', fd: 'f1' });
    // now only its own mount keeps it: the leak the bug is (nothing a user can reach holds it)
    expect(c.sim.ns[mnt]!.freed).toBe(false);
    expect(stateOf(c.sim, 'namespace', mnt)).toBe('invalid');
  });
});

describe('files, mounts, tasks, v3.0 proc inodes', () => {
  it('a seeded bug (dup-no-get-file): a file freed while an fd slot still has it is invalid', () => {
    const p = PROFILES['v6.18'];
    const ops: Op[] = [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' },
      { op: 'dup', task: 'init', fd: 'f1', as: 'f2' },
      { op: 'close', task: 'init', fd: 'f1' },
    ];
    const good = run(p, ops);
    expect(stateOf(good.sim, 'file', fileOf(good.sim, 'init', 'f2'))).toBe('open');
    const bad = run(p, ops, 'dup-no-get-file');
    const f = fileOf(bad.sim, 'init', 'f2');
    expect(bad.sim.files[f]!.freed).toBe(true);
    expect(stateOf(bad.sim, 'file', f)).toBe('invalid');
  });

  it('a mount is busy exactly while a file opened through it is open, whichever mount it is', () => {
    const p = PROFILES['v6.18'];
    const binds: Op[] = [
      { op: 'open', task: 'init', path: '/tmp/x', fd: 'x' },
      { op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m1' },
      { op: 'bind', task: 'init', source: '/tmp/x', target: '@m2' },
      { op: 'bind', task: 'init', source: '/proc/init/ns/uts', target: '@m3' },
    ];
    for (const target of ['@m1', '@m2', '@m3']) {
      const c = run(p, [...binds, { op: 'open', task: 'init', path: target, fd: 'f' }]);
      const want = c.sim.mounts.map((m) => (m.target === target ? 'busy' : 'mounted'));
      expect(c.sim.mounts.map((_m, i) => stateOf(c.sim, 'mount', i)), target).toEqual(want);
      c.apply({ op: 'close', task: 'init', fd: 'f' });
      expect(c.sim.mounts.map((_m, i) => stateOf(c.sim, 'mount', i)), target).toEqual(want.map(() => 'mounted'));
    }
  });

  it('a mount still attached to a freed mount namespace (a teardown that forgot it) is invalid', () => {
    const c = run(PROFILES['v6.18'], [{ op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m1' }]);
    expect(stateOf(c.sim, 'mount', 0)).toBe('mounted');
    c.sim.ns[c.sim.mounts[0]!.mntns]!.freed = true;
    expect(stateOf(c.sim, 'mount', 0)).toBe('invalid');
  });

  it('v3.0: a proc inode evicted while its dentry is still live is invalid', () => {
    const c = run(PROFILES['v3.0'], [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }]);
    const d = c.sim.files[fileOf(c.sim, 'init', 'f1')]!.dentry;
    const ino = c.sim.dentries[d]!.inode;
    expect(stateOf(c.sim, 'procInode', ino)).toBe('inUse');
    c.sim.inodes[ino]!.freed = true;
    expect(stateOf(c.sim, 'procInode', ino)).toBe('invalid');
  });

  it('a running task is "running" exactly while it has init\'s credentials (uid 0, gid 0, every cap, init_user_ns, dumpable); the signature names what changed', () => {
    const p = PROFILES['v6.18'];
    const credArb = fc.record({
      user: fc.boolean(),
      uid: fc.option(fc.constantFrom(0, 1000), { nil: undefined }),
      gid: fc.option(fc.constantFrom(0, 1000), { nil: undefined }),
      caps: fc.option(fc.subarray([...CAPS] as Cap[]), { nil: undefined }),
      dumpable: fc.option(fc.boolean(), { nil: undefined }),
    });
    fc.assert(fc.property(credArb, ({ user, uid, gid, caps, dumpable }) => {
      const c = new Checker(p, { invariants: false });
      c.apply({ op: 'spawn', task: 'a', parent: 'init', ...(user ? { newns: ['user'] } : {}) });
      const cred: Op = { op: 'cred', task: 'a', ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}), ...(caps ? { caps } : {}), ...(dumpable !== undefined ? { dumpable } : {}) };
      c.apply(cred);
      const t = c.sim.tasks[task(c.sim, 'a')]!;
      const root = t.uid === 0 && t.gid === 0 && t.caps === ALL_CAPS && t.userns === 0 && t.dumpable;
      expect(stateOf(c.sim, 'task', task(c.sim, 'a'))).toBe(root ? 'running' : 'credChanged');
      const flags = `${t.uid !== 0 || t.gid !== 0 ? 'u' : ''}${t.caps !== ALL_CAPS ? 'c' : ''}${t.dumpable ? '' : 'd'}${t.userns !== 0 ? 'n' : ''}`;
      const p0 = project(c.sim);
      const tok = `T${p0[li('task')]![task(c.sim, 'a')]}${flags}:`;
      expect(lifecycleSignature(c.sim, p0, 10).filter((x) => x.startsWith(tok) && x.split(':').length === 3)).toHaveLength(1);
    }), { numRuns: 60, seed: 11 });
    // the cases the generator must have covered, named
    const one = (cred: Omit<Extract<Op, { op: 'cred' }>, 'op' | 'task'>): string => {
      const c = run(p, [{ op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', ...cred }]);
      return stateOf(c.sim, 'task', 1);
    };
    expect(one({ uid: 1000, caps: [...CAPS], dumpable: true })).toBe('credChanged');
    expect(one({ gid: 1000, caps: [...CAPS], dumpable: true })).toBe('credChanged');
    expect(one({ uid: 0, gid: 0, caps: [...CAPS], dumpable: true })).toBe('running');
  });
});

describe('moves between two projections', () => {
  it('are the objects whose state changed (a new one from unborn), never to "none", with the edge the chart allows on the profile or -1', () => {
    const states = (l: Lifecycle): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: 0, max: l.states.length - 1 }), fc.constantFrom(INVALID, NONE));
    const arb = fc.constantFrom(...(['seed', 'v3.0', 'v3.8', 'v6.18'] as const)).chain((name) => fc.record({
      name: fc.constant(name),
      event: fc.constantFrom(...OP_NAMES),
      pairs: fc.tuple(...LIFECYCLES.map((l) => fc.array(fc.tuple(states(l), states(l)), { maxLength: 12 }))),
      grown: fc.tuple(...LIFECYCLES.map(() => fc.nat({ max: 3 }))),
    }));
    fc.assert(fc.property(arb, ({ name, event, pairs, grown }) => {
      const p = PROFILES[name];
      const allowed = allowedTables(p);
      // `grown` objects of each chart exist only after the step
      const before: Projection = pairs.map((ps, l) => Uint8Array.from(ps.slice(0, Math.max(0, ps.length - grown[l]!)).map((x) => x[0])));
      const after: Projection = pairs.map((ps) => Uint8Array.from(ps.map((x) => x[1])));
      const got = moves(before, after, { op: event } as unknown as Op, allowed);
      const want: { lifecycle: number; object: number; from: number; to: number }[] = [];
      after.forEach((a, l) => a.forEach((to, i) => {
        const from = i < before[l]!.length ? before[l]![i]! : 0;
        if (from !== to && to !== NONE) want.push({ lifecycle: l, object: i, from, to });
      }));
      expect(got.map(({ lifecycle, object, from, to }) => ({ lifecycle, object, from, to }))).toEqual(want);
      for (const m of got) {
        const l = LIFECYCLES[m.lifecycle]!;
        expect(m.event).toBe(event);
        const ok = l.edges.filter((e) => e.profiles.includes(name) && e.from === l.states[m.from] && e.event === event && e.to === l.states[m.to]);
        if (ok.length === 0) expect(m.edge, `${l.id} ${m.from} --${event}--> ${m.to}`).toBe(-1);
        else expect(ok).toContain(l.edges[m.edge]);
      }
    }), { numRuns: 200, seed: 5 });
  });

  it('a move out of or into a state no chart has is never allowed, from every state to every state', () => {
    const p = PROFILES['v6.18'];
    const allowed = allowedTables(p);
    for (const [l, lc] of LIFECYCLES.entries()) {
      for (let s = 0; s < lc.states.length; s++) {
        for (const event of OP_NAMES as readonly OpName[]) {
          const one = (a: number, b: number): number[] => {
            const before = LIFECYCLES.map((_x, k) => Uint8Array.of(...(k === l ? [a] : [])));
            const after = LIFECYCLES.map((_x, k) => Uint8Array.of(...(k === l ? [b] : [])));
            return moves(before, after, { op: event } as unknown as Op, allowed).map((m) => m.edge);
          };
          expect(one(s, INVALID)).toEqual([-1]);
          expect(one(INVALID, s)).toEqual([-1]);
          expect(one(NONE, s)).toEqual([-1]);
          expect(one(s, NONE)).toEqual([]);
        }
      }
    }
  });

  it('state names: every chart state by its name, "invalid", "none", and #i for an index no chart has', () => {
    for (const l of LIFECYCLES) {
      expect(l.states.map((_s, i) => stateName(l, i))).toEqual(l.states);
      expect([stateName(l, INVALID), stateName(l, NONE), stateName(l, 200), stateName(l, l.states.length)]).toEqual(['invalid', 'none', '#200', `#${l.states.length}`]);
    }
  });
});

describe('lifecycleSignature (the cover phase\'s abstraction)', () => {
  it('keeps each token at most `cap` times: three like children of init count as min(3, cap)', () => {
    const c = run(PROFILES['v6.18'], ['a', 'b', 'c'].map((t): Op => ({ op: 'spawn', task: t, parent: 'init' })));
    const p = project(c.sim);
    const child = `T${p[li('task')]![1]}:${p[li('task')]![0]}R:0`;
    const kids = (cap: number): number => lifecycleSignature(c.sim, p, cap).filter((x) => x.startsWith(child)).length;
    expect([1, 2, 3, 4, 9].map(kids)).toEqual([1, 2, 3, 3, 3]);
    expect(lifecycleSignature(c.sim, p).filter((x) => x.startsWith(child))).toHaveLength(2);
    const sig = lifecycleSignature(c.sim, p, 9);
    expect(sig).toEqual([...sig].sort());
  });

  it('the cap holds for the first token in sort order too: three like plain files', () => {
    const c = run(PROFILES['v6.18'], ['x1', 'x2', 'x3'].map((fd): Op => ({ op: 'open', task: 'init', path: '/tmp/x', fd })));
    const p = project(c.sim);
    const tok = `F1${p[li('file')]![0]}:-:-`;
    const files = (cap: number): string[] => lifecycleSignature(c.sim, p, cap).filter((x) => x.startsWith('F'));
    expect(files(9)).toEqual([tok, tok, tok]);
    expect(lifecycleSignature(c.sim, p, 9)[0]).toBe(tok);
    expect([1, 2, 3].map((cap) => files(cap).length)).toEqual([1, 2, 3]);
  });

  // the cover phase compares and scores signatureCodes and makes the text only for kept states:
  // that is the same search only if distinct codes are distinct tokens (signatureToken injective)
  it('signatureCodes and the tokens are one-to-one on the states random runs reach', () => {
    const byToken = new Map<string, number>();
    fc.assert(fc.property(fc.constantFrom(...(['v3.0', 'v6.18'] as const)), runArbitrary(25), (name, choices) => {
      const profile = PROFILES[name];
      const c = new Checker(profile);
      const alphabet = new Alphabet(profile);
      let names = NO_NAMES;
      for (const ch of choices) {
        const op = alphabet.decode(ch, c.spec, names);
        const r = c.apply(op);
        if (r.violation) return;
        names = bindNames(names, op, r.spec);
        const p = project(c.sim);
        const codes = signatureCodes(c.sim, p, 9);
        expect(codes.map(signatureToken).sort()).toEqual(lifecycleSignature(c.sim, p, 9));
        for (const code of codes) {
          const t = signatureToken(code);
          expect(byToken.get(t) ?? code, t).toBe(code);
          byToken.set(t, code);
        }
      }
    }), { numRuns: 60, seed: 3 });
    expect(byToken.size).toBeGreaterThan(50);
  });

  it('the cap counts equal tokens wherever they were made: two plain files with an ns file opened between them', () => {
    const c = run(PROFILES['v6.18'], [
      { op: 'open', task: 'init', path: '/tmp/x', fd: 'a' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'b' },
      { op: 'open', task: 'init', path: '/tmp/x', fd: 'c' },
    ]);
    const p = project(c.sim);
    const plainFile = `F1${p[li('file')]![0]}:-:-`;
    expect(lifecycleSignature(c.sim, p, 1).filter((x) => x === plainFile)).toHaveLength(1);
    expect(lifecycleSignature(c.sim, p, 2).filter((x) => x === plainFile)).toHaveLength(2);
    const codes = signatureCodes(c.sim, p, 9);
    expect(codes).toEqual([...codes].sort((x, y) => x - y));
  });

  it('names a file with no dentry or mount "-", and leaves out freed mounts', () => {
    const c = run(PROFILES['v6.18'], [
      { op: 'open', task: 'init', path: '/tmp/x', fd: 'x' },
      { op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m1' },
    ]);
    const p = project(c.sim);
    const f = p[li('file')]!;
    expect(lifecycleSignature(c.sim, p)).toContain(`F1${f[0]}:-:-`);
    expect(lifecycleSignature(c.sim, p).filter((x) => x.startsWith('M'))).toHaveLength(1);
    c.apply({ op: 'umount', task: 'init', target: '@m1' });
    expect(c.sim.mounts[0]!.freed).toBe(true);
    expect(lifecycleSignature(c.sim, project(c.sim)).filter((x) => x.startsWith('M'))).toEqual([]);
  });
});

describe('machineMermaid on a small statechart', () => {
  it('starts at its initial state, makes state names Mermaid ids, and labels a transition with its profiles: "v3.8+" for a tail of the order, else the list', () => {
    const m = setup({}).createMachine({
      id: 'toy', initial: 'born',
      states: {
        born: { on: { spawn: [{ target: 'in-use', meta: { profiles: ['v6.18'] } }], open: [{ target: 'in-use', meta: { profiles: ['v3.0', 'v6.18'] } }], close: [{ target: 'gone', meta: { profiles: ['v3.8', 'v6.18'] } }] } },
        'in-use': { on: { exit: { target: 'gone' } } },
        gone: { type: 'final' },
      },
    } as never) as unknown as AnyStateMachine;
    const l = { id: 'toy', machine: m, profiles: ['seed', 'v3.0', 'v3.8', 'v6.18'] } as unknown as Lifecycle;
    expect(machineMermaid(l).split('\n')).toEqual([
      'stateDiagram-v2', '  direction LR', '  [*] --> born',
      '  born --> in_use : spawn [v6.18], open [v3.0, v6.18]',
      '  born --> gone : close [v3.8+]',
      '  in_use --> gone : exit',
      '  gone --> [*]',
    ]);
  });
});

describe('LifecycleTracker.transition: a disagreement\'s trace', () => {
  it('starts from the initial state: the path that reached the pre-state, then the op', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p);
    const c = new Checker(p, { invariants: false });
    const open: Op = { op: 'open', task: 'init', path: '/tmp/x', fd: 'f1' };
    c.apply(open);
    const d = c.clone();
    const readlink: Op = { op: 'readlink', task: 'init', path: '/proc/init/ns/net' };
    activate('readlink-double-put');
    try {
      t.transition(c.sim, d.sim, readlink, d.apply(readlink), [open]);
    } finally {
      activate(null);
    }
    expect(t.disagreements.map((x) => x.ops)).toEqual([[open, readlink]]);
  });
});

describe('LifecycleTracker.stutter (a search step that changed nothing)', () => {
  it('counts a step, changes no coverage, and starts the next step\'s trace afresh', () => {
    const p = PROFILES['v6.18'];
    const t = new LifecycleTracker(p);
    const c = new Checker(p, { invariants: false });
    const d = c.clone();
    const open: Op = { op: 'open', task: 'init', path: '/tmp/x', fd: 'f1' };
    t.transition(c.sim, d.sim, open, d.apply(open));
    const before = t.summary();
    t.stutter();
    const after = t.summary();
    expect(after.steps).toBe(before.steps + 1);
    expect({ ...after, steps: 0 }).toEqual({ ...before, steps: 0 });
    const readlink: Op = { op: 'readlink', task: 'init', path: '/proc/init/ns/net' };
    activate('readlink-double-put');
    try {
      t.step(d, readlink, d.apply(readlink));
    } finally {
      activate(null);
    }
    expect(t.disagreements.map((x) => x.ops)).toEqual([[readlink]]);
  });
});

describe('link mounts through the tracker', () => {
  // a link mount (v6.18) holds its task's struct pid: the pid ns lives on after the task is
  // reaped, through a mount namespace that holds the mount (here the original one, then a copy)
  it('a link mount holds its reaped task\'s pid ns: no disagreement, and the ns is held to the end', () => {
    const p = PROFILES['v6.18'];
    const ops: Op[] = [
      { op: 'spawn', task: 'c', parent: 'init', newns: ['pid'] },
      { op: 'open', task: 'init', path: '/proc/c/ns/pid', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }, { op: 'close', task: 'init', fd: 'l' },
      { op: 'exit', task: 'c' }, { op: 'reap', task: 'c' },
      { op: 'spawn', task: 'd', parent: 'init', newns: ['mnt'] }, { op: 'unshare', task: 'init', newns: ['mnt'] },
      { op: 'exit', task: 'd' }, { op: 'reap', task: 'd' },
    ];
    const t = new LifecycleTracker(p);
    const c = new Checker(p);
    t.start(c);
    for (const op of ops) {
      const r = c.apply(op);
      expect(r.violation, op.op).toBeNull();
      t.step(c, op, r);
    }
    expect(t.disagreements).toEqual([]);
  });
});

describe('the seeded-bug catalog through the tracker', () => {
  it('the three seeded refcount bugs that free or leak an object mid-trace are disagreements naming "invalid"', () => {
    const p = PROFILES['v6.18'];
    const cases: [string, Op[]][] = [
      ['close-no-fput', [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' }]],
      ['readlink-double-put', [{ op: 'readlink', task: 'init', path: '/proc/init/ns/net' }]],
      ['evict-no-put', [{ op: 'spawn', task: 'a', parent: 'init', newns: ['net'] }, { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1' }, { op: 'exit', task: 'a' }, { op: 'close', task: 'init', fd: 'f1' }]],
    ];
    for (const [bug, ops] of cases) {
      const t = new LifecycleTracker(p);
      const c = new Checker(p, { invariants: false });
      activate(bug);
      try {
        t.start(c);
        for (const op of ops) t.step(c, op, c.apply(op));
      } finally {
        activate(null);
      }
      expect(t.disagreements.map((d) => d.to), bug).toContain('invalid');
    }
  });
});
