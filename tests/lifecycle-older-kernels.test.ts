// Statechart moves of the seed and v3.0 that the default searches do not reach (explore's cover
// phase stops at 92.6 % and 87.6 % there), each taken here with every invariant and no
// disagreement. Most come from one mechanism: when a pid namespace's init exits,
// zap_pid_ns_processes kills every task in it and reaps its own children (kernel/pid_namespace.c:
// it waits for them), so one `exit` releases other tasks, and what their struct pid and proc
// dentries held moves with that exit. A depth-5 exhaustive search of the seed and of v3.0
// (explore/lifecycle-deep.json) found the statecharts missing those moves.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explore, exploreBounds } from '../explore/index.ts';
import type { Bounds } from '../properties/alphabet.ts';
import { PROFILES } from '../model/profiles.ts';
import type { ProfileName } from '../model/profiles.ts';
import type { Op } from '../model/types.ts';
import { Checker } from '../properties/harness.ts';
import { edgeLabel, LifecycleTracker } from '../model/lifecycle/index.ts';

/** Runs ops with every invariant; returns the transitions the last op took ("<chart>:<edge>"). */
function lastMoves(profile: ProfileName, ops: Op[]): string[] {
  const p = PROFILES[profile];
  const c = new Checker(p);
  const tr = new LifecycleTracker(p);
  tr.start(c);
  let before: number[][] = [];
  for (const op of ops) {
    before = tr.edgeHits.map((h) => [...h]);
    const r = c.apply(op);
    expect(r.violation ?? null, op.op).toBeNull();
    expect(tr.step(c, op, r), op.op).toEqual([]);
  }
  expect(tr.disagreements).toEqual([]);
  return tr.lifecycles.flatMap((l, li) => l.edges.filter((_e, k) => tr.edgeHits[li]![k]! > before[li]![k]!).map((e) => `${l.id}:${edgeLabel(e)}`));
}

const spawn = (task: string, parent: string, newns?: ('pid' | 'net')[]): Op => ({ op: 'spawn', task, parent, ...(newns ? { newns } : {}) });

describe('the exit of a pid namespace\'s init reaps its children', () => {
  it('seed: a child\'s pid namespace, held by a /proc/<pid>/ns directory fd, goes from in use to held', () => {
    const moves = lastMoves('seed', [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['pid']),
      { op: 'open', task: 'init', path: '/proc/t2/ns', fd: 'f1' }, { op: 'exit', task: 't1' }]);
    expect(moves).toContain('namespace:inUse --exit--> held');
    expect(moves).toContain('task:running --exit--> reaped');
  });

  it('v3.0: a child\'s cached proc ns inode is evicted (proc_flush_task at its release)', () => {
    const moves = lastMoves('v3.0', [spawn('t1', 'init', ['pid']), spawn('t2', 't1'),
      { op: 'open', task: 'init', path: '/proc/t2/ns/net', fd: 'f1' }, { op: 'close', task: 'init', fd: 'f1' }, { op: 'exit', task: 't1' }]);
    expect(moves).toContain('procInode:cached --exit--> evicted');
  });

  it('v3.0: a namespace only that cached dentry kept is freed with it', () => {
    const moves = lastMoves('v3.0', [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['net']),
      { op: 'open', task: 't2', path: '/proc/t2/ns/net', fd: 'f1' }, { op: 'exit', task: 't2' }, { op: 'exit', task: 't1' }]);
    expect(moves).toContain('namespace:cached --exit--> freed');
    expect(moves).toContain('procInode:cached --exit--> evicted');
  });
});

describe('v3.0: a bind mount of a proc ns file whose task is gone', () => {
  it('frees the namespace at umount: the dentry is killed on its last dput (pid_delete_dentry), the inode evicted', () => {
    const moves = lastMoves('v3.0', [spawn('t1', 'init', ['net']), { op: 'bind', task: 'init', source: '/proc/t1/ns/net', target: '@m1' },
      { op: 'exit', task: 't1' }, { op: 'reap', task: 't1' }, { op: 'umount', task: 'init', target: '@m1' }]);
    expect(moves).toEqual(['namespace:held --umount--> freed', 'mount:mounted --umount--> unmounted', 'procInode:inUse --umount--> evicted']);
  });
});

describe('the seed\'s statecharts against an exhaustive search (explore/lifecycle-deep.json at depth 4)', () => {
  it('allow every move of every transition of its 90,553 states', async () => {
    const cfg = JSON.parse(readFileSync(new URL('../explore/lifecycle-deep.json', import.meta.url), 'utf8')) as { bounds: Partial<Bounds> };
    const p = PROFILES.seed;
    const t = new LifecycleTracker(p);
    const r = await explore(p, { depth: 4, bounds: exploreBounds(p, cfg.bounds), lifecycle: t });
    expect(r.distinctStates).toBe(90_553);
    expect(r.violations).toEqual([]);
    expect(t.disagreements.map((d) => d.detail)).toEqual([]);
  }, 60_000);
});
