// Lockstep traces that kill Stryker survivors of model/kernel/nsproxy.ts (setns and unshare across
// several user namespaces: the ->install checks against the caller's cred and the pending nsset
// cred, pidfd setns flag by flag, pid namespace ancestry) and of the files listed per trace. Each
// runs on spec and simulation in lockstep and must break nothing; see model/mutants/README.md.
// Also the traces of scenarios/killers/ (found by a mutation-guided search): each replays on
// spec and simulation with every step meeting its expect and no property broken.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Op } from '../model/types.ts';
import { getProfile, PROFILES } from '../model/profiles.ts';
import { parseTrace } from '../model/trace.ts';
import { Checker, fmt } from '../properties/harness.ts';
import { replayModel } from '../properties/replay.ts';
import { SIM, SPEC, step } from '../model/step.ts';
import type { Level } from '../model/step.ts';

const ENTRIES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'pid_for_children', 'time', 'time_for_children', 'user', 'uts'];
const look = (task: string): Op[] => ENTRIES.map((e) => ({ op: 'readlink', task, path: `/proc/${task}/ns/${e}` }) as Op);
const KINDS = ['mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net', 'time'] as const;
const NSPROXY: Record<string, Op[]> = {
  // install checks: the caller's own cred (capOwner) and the pending cred (capMine), per kind
  'setns install checks across user namespaces': [
    ...KINDS.map((k) => ({ op: 'open', task: 'init', path: `/proc/init/ns/${k === 'time' ? 'time' : k}`, fd: `i${k}` }) as Op),
    { op: 'open', task: 'init', path: '/proc/init/ns/user', fd: 'iuser' },
    { op: 'spawn', task: 't2', parent: 'init', newns: ['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net', 'time'] },
    ...KINDS.map((k) => ({ op: 'open', task: 'init', path: `/proc/t2/ns/${k}`, fd: `c${k}` }) as Op),
    ...look('init'),
    ...look('t2'),
    // t1 in a child user ns: every cap there, none over init's namespaces
    { op: 'spawn', task: 't1', parent: 'init', newns: ['user'] },
    ...KINDS.map((k) => ({ op: 'setns', task: 't1', fd: `i${k}`, nstype: 0 }) as Op),
    { op: 'setns', task: 't1', fd: 'iuser', nstype: 0 },
    // a privileged task enters each of t2's namespaces, one at a time
    { op: 'spawn', task: 't3', parent: 'init' },
    ...KINDS.flatMap((k) => [{ op: 'setns', task: 't3', fd: `c${k}`, nstype: 0 } as Op, ...look('t3')]),
    // explicit nstype, and the type each file reports
    { op: 'spawn', task: 't6', parent: 'init' },
    ...KINDS.flatMap((k) => [{ op: 'setns', task: 't6', fd: `c${k}`, nstype: k } as Op, { op: 'ioctl', task: 't6', fd: `c${k}`, request: 'NS_GET_NSTYPE' } as Op]),
    ...look('t6'),
    // caps [ADMIN]: no CHROOT for mnt
    { op: 'spawn', task: 't4', parent: 'init' },
    { op: 'cred', task: 't4', caps: ['CAP_SYS_ADMIN'] },
    { op: 'setns', task: 't4', fd: 'imnt', nstype: 0 },
    { op: 'setns', task: 't4', fd: 'cmnt', nstype: 0 },
    { op: 'setns', task: 't4', fd: 'cnet', nstype: 0 },
    ...look('t4'),
    // caps []: owner of t2's user ns (uid 0) but no caps of its own
    { op: 'spawn', task: 't5', parent: 'init' },
    { op: 'cred', task: 't5', caps: [] },
    ...KINDS.map((k) => ({ op: 'setns', task: 't5', fd: `c${k}`, nstype: 0 }) as Op),
    ...KINDS.map((k) => ({ op: 'setns', task: 't5', fd: `i${k}`, nstype: 0 }) as Op),
    ...look('t5'),
  ],
  // pidfd setns: each flag alone, then several, into a task whose namespaces all differ
  'pidfd setns flag by flag': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net', 'time'] },
    { op: 'pidfd', task: 'init', target: 't1', fd: 'p1' },
    // bind every namespace name of both first, so that a wrong install cannot hide in the renaming
    ...look('init'),
    ...look('t1'),
    ...KINDS.flatMap((k, i) => [
      { op: 'spawn', task: `s${i}`, parent: 'init' } as Op,
      { op: 'setns', task: `s${i}`, fd: 'p1', nstype: [k] } as Op,
      ...look(`s${i}`),
    ]),
    { op: 'spawn', task: 'u1', parent: 'init' },
    { op: 'setns', task: 'u1', fd: 'p1', nstype: ['user', 'net', 'uts'] },
    ...look('u1'),
    { op: 'spawn', task: 'u2', parent: 'init' },
    { op: 'setns', task: 'u2', fd: 'p1', nstype: ['user', 'mnt', 'pid', 'time', 'ipc', 'cgroup'] },
    ...look('u2'),
  ],
  // pidfd setns with the pending cred: uid 0 with ADMIN+PTRACE, no CHROOT, into a user ns owned by uid 1000
  'pidfd setns installs against the pending cred': [
    { op: 'spawn', task: 'a', parent: 'init' },
    { op: 'cred', task: 'a', uid: 1000 },
    { op: 'spawn', task: 't1', parent: 'a', newns: ['user', 'mnt', 'net', 'uts'] },
    ...look('init'),
    ...look('t1'),
    { op: 'spawn', task: 'b', parent: 'init' },
    { op: 'cred', task: 'b', caps: ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'] },
    { op: 'pidfd', task: 'b', target: 't1', fd: 'p1' },
    { op: 'setns', task: 'b', fd: 'p1', nstype: ['mnt'] },
    { op: 'setns', task: 'b', fd: 'p1', nstype: ['user', 'mnt'] },
    ...look('b'),
    { op: 'spawn', task: 'c', parent: 'init' },
    { op: 'cred', task: 'c', caps: ['CAP_SYS_ADMIN'] },
    { op: 'pidfd', task: 'c', target: 't1', fd: 'p2' },
    { op: 'setns', task: 'c', fd: 'p2', nstype: ['uts'] },
    { op: 'setns', task: 'c', fd: 'p2', nstype: ['user', 'uts'] },
    ...look('c'),
  ],
  // pidfd of a zombie and of a reaped task; ptrace refused with the install allowed
  'pidfd setns on zombies and unptraceable tasks': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['uts', 'pid'] },
    { op: 'pidfd', task: 'init', target: 't1', fd: 'p1' },
    { op: 'spawn', task: 't2', parent: 'init', newns: ['uts'] },
    { op: 'cred', task: 't2', uid: 1000 },
    { op: 'spawn', task: 'c', parent: 'init' },
    { op: 'cred', task: 'c', caps: ['CAP_SYS_ADMIN'] },
    { op: 'pidfd', task: 'c', target: 't2', fd: 'p2' },
    { op: 'setns', task: 'c', fd: 'p2', nstype: ['uts'] },
    { op: 'exit', task: 't1' },
    { op: 'spawn', task: 's1', parent: 'init' },
    { op: 'setns', task: 's1', fd: 'p1', nstype: ['uts'] },
    { op: 'setns', task: 's1', fd: 'p1', nstype: ['pid'] },
    { op: 'setns', task: 's1', fd: 'p1', nstype: ['user'] },
    { op: 'setns', task: 's1', fd: 'p1', nstype: ['user', 'pid'] },
    ...look('s1'),
    { op: 'reap', task: 't1' },
    { op: 'setns', task: 's1', fd: 'p1', nstype: ['pid'] },
  ],
  // only the active pid ns or one below it: not a sibling, not the parent
  'setns into sibling and parent pid namespaces': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['pid'] },
    { op: 'spawn', task: 't2', parent: 'init', newns: ['pid'] },
    { op: 'spawn', task: 't3', parent: 't1', newns: ['pid'] },
    { op: 'open', task: 't1', path: '/proc/t2/ns/pid', fd: 'f2' },
    { op: 'open', task: 't1', path: '/proc/init/ns/pid', fd: 'f0' },
    { op: 'open', task: 't1', path: '/proc/t3/ns/pid', fd: 'f3' },
    { op: 'open', task: 't2', path: '/proc/t3/ns/pid', fd: 'f3' },
    { op: 'open', task: 'init', path: '/proc/t3/ns/pid', fd: 'f3' },
    { op: 'setns', task: 't1', fd: 'f2', nstype: 'pid' },
    { op: 'setns', task: 't1', fd: 'f0', nstype: 'pid' },
    { op: 'setns', task: 't1', fd: 'f3', nstype: 'pid' },
    { op: 'readlink', task: 't1', path: '/proc/t1/ns/pid_for_children' },
    { op: 'setns', task: 't2', fd: 'f3', nstype: 'pid' },
    { op: 'setns', task: 'init', fd: 'f3', nstype: 'pid' },
    { op: 'readlink', task: 'init', path: '/proc/init/ns/pid_for_children' },
  ],
  // unshare(time) then setns: the new nsproxy of setns is not a fork's (time stays)
  'setns after unshare(time) keeps time': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['net'] },
    { op: 'open', task: 'init', path: '/proc/t1/ns/net', fd: 'f1' },
    { op: 'unshare', task: 'init', newns: ['time'] },
    { op: 'setns', task: 'init', fd: 'f1', nstype: 'net' },
    ...look('init'),
    { op: 'unshare', task: 'init', newns: ['pid'] },
    { op: 'setns', task: 'init', fd: 'f1', nstype: 'net' },
    ...look('init'),
  ],
};

const FORK: Record<string, Op[]> = {
  // zap_pid_ns_processes: members whose parent is inside go with the reaper, one whose parent
  // is outside (it entered by setns) stays a zombie for its parent; reparenting on a member's exit
  'pid namespace teardown with a member from outside': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['pid'] },
    { op: 'spawn', task: 'a', parent: 't1' },
    { op: 'spawn', task: 'b', parent: 'a' },
    { op: 'spawn', task: 'z', parent: 't1' },
    { op: 'exit', task: 'z' },
    { op: 'reap', task: 'z' },
    { op: 'spawn', task: 'p', parent: 'init' },
    { op: 'open', task: 'p', path: '/proc/t1/ns/pid', fd: 'fp' },
    { op: 'setns', task: 'p', fd: 'fp', nstype: 'pid' },
    { op: 'spawn', task: 'c', parent: 'p' },
    { op: 'spawn', task: 'q', parent: 'init' },
    { op: 'exit', task: 'a' },
    { op: 'readlink', task: 'init', path: '/proc/a/ns/pid' },
    { op: 'readlink', task: 'init', path: '/proc/b/ns/pid' },
    { op: 'exit', task: 't1' },
    { op: 'readlink', task: 'init', path: '/proc/c/ns/pid' },
    { op: 'readdir', task: 'init', path: '/proc/c/ns' },
    { op: 'reap', task: 't1' },
    { op: 'reap', task: 'a' },
    { op: 'reap', task: 'b' },
    { op: 'spawn', task: 'd', parent: 'p' },
    { op: 'reap', task: 'c' },
    { op: 'reap', task: 't1' },
    { op: 'exit', task: 'q' },
    { op: 'reap', task: 'q' },
    { op: 'exit', task: 'p' },
    { op: 'reap', task: 'p' },
  ],
};

const V30: Record<string, Op[]> = {
  // v3.0 proc dentries: cached by lookup and readdir, reused while the task lives, evicted by
  // shrink when unused, unhashed at reap (proc_flush_task) and killed at the last dput after it
  'v3.0 dentry lifetimes': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['net', 'uts'] },
    { op: 'nsid', task: 'init', path: '/proc/t1/ns/net', as: 'N1' },
    { op: 'nsid', task: 'init', path: '/proc/t1/ns/uts', as: 'N2' },
    { op: 'readdir', task: 'init', path: '/proc/t1/ns' },
    { op: 'open', task: 'init', path: '/proc/t1/ns/net', fd: 'f1' },
    { op: 'open', task: 'init', path: '/proc/t1/ns/net', fd: 'f2' },
    { op: 'dup', task: 'init', fd: 'f2', as: 'f3' },
    { op: 'close', task: 'init', fd: 'f1' },
    { op: 'stat', task: 'init', path: '/proc/t1/ns/uts' },
    { op: 'shrink' },
    { op: 'alive', ns: 'N2' },
    { op: 'open', task: 'init', path: '/proc/t1/ns/ipc', fd: 'f4' },
    { op: 'exit', task: 't1' },
    { op: 'alive', ns: 'N2' },
    { op: 'reap', task: 't1' },
    { op: 'alive', ns: 'N1' },
    { op: 'alive', ns: 'N2' },
    { op: 'close', task: 'init', fd: 'f2' },
    { op: 'alive', ns: 'N1' },
    { op: 'close', task: 'init', fd: 'f3' },
    { op: 'alive', ns: 'N1' },
    { op: 'close', task: 'init', fd: 'f4' },
    { op: 'shrink' },
    { op: 'alive', ns: 'N1' },
  ],
  // a cached entry of a live task that nobody holds: shrink kills it, a new lookup makes another
  'v3.0 lookups after shrink and across tasks': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['net'] },
    { op: 'spawn', task: 't2', parent: 't1' },
    { op: 'nsid', task: 'init', path: '/proc/t1/ns/net', as: 'N1' },
    { op: 'nsid', task: 't2', path: '/proc/t2/ns/net', as: 'N2' },
    { op: 'open', task: 't2', path: '/proc/t1/ns/net', fd: 'f1' },
    { op: 'stat', task: 't2', fd: 'f1' },
    { op: 'shrink' },
    { op: 'exit', task: 't1' },
    { op: 'reap', task: 't1' },
    { op: 'alive', ns: 'N1' },
    { op: 'exit', task: 't2' },
    { op: 'alive', ns: 'N1' },
    { op: 'reap', task: 't2' },
    { op: 'shrink' },
    { op: 'alive', ns: 'N1' },
  ],
};

/** Runs ops in lockstep; returns the violations as text (none expected). */
function violations(profile: keyof typeof PROFILES, ops: readonly Op[]): string[] {
  const c = new Checker(PROFILES[profile]);
  const out: string[] = [];
  ops.forEach((op, i) => {
    const r = c.apply(op);
    if (r.violation) out.push(`step ${i} ${op.op}: ${r.violation.property}: ${r.violation.detail} (sim ${fmt(r.sim)})`);
  });
  return out;
}

describe('nsproxy.ts killers (lockstep, v6.18)', () => {
  for (const [name, ops] of Object.entries(NSPROXY)) it(name, () => expect(violations('v6.18', ops)).toEqual([]));
});

describe('fork.ts killers (lockstep, v6.18)', () => {
  for (const [name, ops] of Object.entries(FORK)) it(name, () => expect(violations('v6.18', ops)).toEqual([]));
});

describe('v3.0 dcache killers (lockstep; refs.ts dput/dentry_kill, proc-namespaces.ts flush and revalidate)', () => {
  for (const [name, ops] of Object.entries(V30)) it(name, () => expect(violations('v3.0', ops)).toEqual([]));
});

// Survivors of model/kernel classed as test gaps when the unanalysed rows were read
// (stryker-survivors.md, model/kernel): each trace's outcome differs from the spec's under its
// mutant (sim.ts path_put / fput of a file with no dentry, the pidfd reopen through /proc/<t>/fd,
// proc_fd_access_allowed, init_user_ns as id 0, a readable NS_GET_USERNS file, pidfd of a reaped
// task; proc-namespaces.ts pid_revalidate's owner refresh on v3.0).
const GAPS: Record<string, [keyof typeof PROFILES, Op[]]> = {
  'close a directory fd, stat a directory (no dentry to put)': ['v6.18', [
    { op: 'open', task: 'init', path: '/proc/init/ns', fd: 'd', flags: ['O_DIRECTORY'] },
    { op: 'readdir', task: 'init', path: '/proc/init/fd/d' },
    { op: 'close', task: 'init', fd: 'd' },
    { op: 'stat', task: 'init', path: '/proc/init/ns' }]],
  // a pidfd reopened through /proc/<t>/fd: tests/gap-killers-kernel.test.ts (the same trace, with its outcomes)
  'the ptrace check on /proc/<t>/fd links': ['v6.18', [
    { op: 'spawn', task: 't1', parent: 'init' },
    { op: 'cred', task: 't1', uid: 1000, dumpable: true },
    { op: 'open', task: 't1', path: '/proc/t1/ns/net', fd: 'x' },
    { op: 'spawn', task: 't2', parent: 'init' },
    { op: 'cred', task: 't2', uid: 2000, caps: ['CAP_DAC_OVERRIDE'] },
    { op: 'readlink', task: 't2', path: '/proc/t1/fd/x' }]],
  'an fd on init_user_ns (namespace id 0)': ['v6.18', [
    { op: 'open', task: 'init', path: '/proc/init/ns/user', fd: 'u' },
    { op: 'readlink', task: 'init', path: '/proc/init/fd/u' },
    { op: 'stat', task: 'init', fd: 'u' }]],
  'the file NS_GET_USERNS opens is readable': ['v6.18', [
    { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'n' },
    { op: 'ioctl', task: 'init', fd: 'n', request: 'NS_GET_USERNS', as: 'r' },
    { op: 'read', task: 'init', fd: 'r' }]],
  'pidfd of a reaped task': ['v6.18', [
    { op: 'spawn', task: 't1', parent: 'init' },
    { op: 'exit', task: 't1' },
    { op: 'reap', task: 't1' },
    { op: 'pidfd', task: 'init', target: 't1', fd: 'p' }]],
  'v3.0: a cached proc ns dentry takes its task\'s new owner (pid_revalidate)': ['v3.0', [
    { op: 'spawn', task: 't1', parent: 'init' },
    { op: 'cred', task: 't1', uid: 1000, dumpable: true },
    { op: 'open', task: 't1', path: '/proc/t1/ns/net', fd: 'x' },
    { op: 'close', task: 't1', fd: 'x' },
    { op: 'cred', task: 't1', dumpable: false },
    { op: 'open', task: 't1', path: '/proc/t1/ns/net', fd: 'y' }]],
};

describe('model/kernel test-gap killers (lockstep)', () => {
  for (const [name, [profile, ops]] of Object.entries(GAPS)) it(name, () => expect(violations(profile, ops)).toEqual([]));
});

const KILLERS = join(import.meta.dirname, '..', 'scenarios', 'killers');

describe('scenarios/killers replay on spec and simulation', () => {
  for (const file of readdirSync(KILLERS).filter((f) => f.endsWith('.json')).sort()) {
    it(file, () => {
      const trace = parseTrace(readFileSync(join(KILLERS, file), 'utf8'));
      for (const level of ['spec', 'sim'] as const) {
        const r = replayModel(trace, level, getProfile(trace.profile!)!);
        expect(r.mismatches.map((i) => `${level} step ${i}: ${fmt(r.steps[i]!.outcome)}`)).toEqual([]);
        expect(r.violation).toBeNull();
      }
    });
  }
});

/** A state as text (Maps as entry lists), for equality of whole states. */
const dump = (x: unknown): string => JSON.stringify(x, (k, v) => (k === 'profile' ? undefined : v instanceof Map ? [...v] : v));

// state.ts cloneKState (and spec/state.ts cloneSState): step() works on a deep copy, so the old
// state never changes and the stepped states equal those of in-place application
describe('step() copies states deeply (cloneKState, cloneSState)', () => {
  const ops: Op[] = [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['user', 'mnt', 'net', 'pid'] },
    { op: 'open', task: 'init', path: '/proc/t1/ns/net', fd: 'f1' },
    { op: 'bind', task: 'init', source: '/proc/t1/ns/net', target: '@m1' },
    { op: 'pidfd', task: 'init', target: 't1', fd: 'p1' },
    { op: 'dup', task: 'init', fd: 'f1', as: 'f2' },
    { op: 'unshare', task: 'init', newns: ['mnt'] },
    { op: 'open', task: 'init', path: '@m1', fd: 'f3' },
    { op: 'setns', task: 't1', fd: 'f1', nstype: 0 },
    { op: 'close', task: 'init', fd: 'f1' },
    { op: 'exit', task: 't1' },
    { op: 'reap', task: 't1' },
    { op: 'umount', task: 'init', target: '@m1' },
    { op: 'shrink' },
  ];
  const check = <S>(level: Level<S>, profile: keyof typeof PROFILES): void => {
    let s = level.init(PROFILES[profile]);
    const inPlace = level.init(PROFILES[profile]);
    for (const op of ops) {
      const before = dump(s);
      const r = step(level, s, op);
      expect(dump(s), `${op.op} changed the old state`).toBe(before);
      expect(r.outcome).toEqual(level.apply(inPlace, op));
      expect(dump(r.state)).toBe(dump(inPlace));
      s = r.state;
    }
  };
  for (const p of ['v6.18', 'v3.0'] as const) {
    it(`sim, ${p}`, () => check(SIM, p));
    it(`spec, ${p}`, () => check(SPEC, p));
  }
});
