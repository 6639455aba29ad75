// The seed's namespace lifecycle: a /proc/<pid>/ns directory fd holds the task's struct pid, and
// struct pid holds its pid namespace (kernel/pid.c put_pid -> put_pid_ns), so on the seed too a
// reaped task's pid namespace is "held" by that fd and freed when it is closed (or its holder
// exits). explore's cover phase found the statechart missing these edges on the seed.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../model/profiles.ts';
import type { Op } from '../model/types.ts';
import { Checker } from '../properties/harness.ts';
import { edgeLabel, LifecycleTracker } from '../model/lifecycle/index.ts';

const seed = PROFILES.seed;

/** Runs ops with every invariant and the projection property; returns the namespace transitions taken. */
function taken(ops: Op[]): string[] {
  const c = new Checker(seed);
  const tr = new LifecycleTracker(seed);
  tr.start(c);
  for (const op of ops) {
    const r = c.apply(op);
    expect(r.violation ?? null, op.op).toBeNull();
    expect(tr.step(c, op, r), op.op).toEqual([]);
  }
  expect(tr.disagreements).toEqual([]);
  const li = tr.lifecycles.findIndex((l) => l.id === 'namespace');
  return tr.lifecycles[li]!.edges.filter((_e, k) => tr.edgeHits[li]![k]! > 0).map(edgeLabel);
}

describe('seed: a /proc/<pid>/ns directory fd keeps a reaped task\'s pid namespace', () => {
  const born: Op[] = [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['pid'] },
    { op: 'spawn', task: 't2', parent: 'init' },
    { op: 'open', task: 't2', path: '/proc/t1/ns', fd: 'f1' },
    { op: 'exit', task: 't1' },
    { op: 'reap', task: 't1' },
  ];

  it('is freed when the fd is closed', () => {
    expect(taken([...born, { op: 'close', task: 't2', fd: 'f1' }])).toEqual(['unborn --spawn--> inUse', 'inUse --reap--> held', 'held --close--> freed']);
  });

  it('is freed when the task holding the fd exits', () => {
    expect(taken([...born, { op: 'exit', task: 't2' }])).toEqual(['unborn --spawn--> inUse', 'inUse --reap--> held', 'held --exit--> freed']);
  });
});
