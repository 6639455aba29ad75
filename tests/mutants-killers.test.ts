// Targeted lockstep traces that kill Stryker survivors of model/kernel (see
// model/mutants/README.md "Stryker survivors"): each runs on spec and simulation in lockstep
// and must break nothing, so a sim that deviates from the spec here fails refinement.
import { describe, expect, it } from 'vitest';
import type { Op } from '../model/types.ts';
import { PROFILES } from '../model/profiles.ts';
import { Checker, fmt } from '../properties/harness.ts';

const T: Record<string, Op[]> = {
  // ns_get_owner: the owner of a child user ns's own file is outside the caller's ns → EPERM
  'NS_GET_USERNS of an own child user ns': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['user'] },
    { op: 'open', task: 't1', path: '/proc/t1/ns/user', fd: 'f1' },
    { op: 'ioctl', task: 't1', fd: 'f1', request: 'NS_GET_USERNS', as: 'f2' },
    { op: 'ioctl', task: 't1', fd: 'f1', request: 'NS_GET_PARENT', as: 'f3' },
    { op: 'open', task: 'init', path: '/proc/t1/ns/user', fd: 'f4' },
    { op: 'ioctl', task: 'init', fd: 'f4', request: 'NS_GET_PARENT', as: 'f5' },
    { op: 'ioctl', task: 'init', fd: 'f4', request: 'NS_GET_USERNS', as: 'f6' },
  ],
  // pidns_get_parent: the parent of a pid ns the caller is in is outside its active pid ns
  'NS_GET_PARENT of pid namespaces': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['pid'] },
    { op: 'open', task: 't1', path: '/proc/t1/ns/pid', fd: 'f1' },
    { op: 'ioctl', task: 't1', fd: 'f1', request: 'NS_GET_PARENT', as: 'f2' },
    { op: 'open', task: 'init', path: '/proc/t1/ns/pid', fd: 'f3' },
    { op: 'ioctl', task: 'init', fd: 'f3', request: 'NS_GET_PARENT', as: 'f4' },
    { op: 'ioctl', task: 'init', fd: 'f4', request: 'NS_GET_PARENT', as: 'f5' },
  ],
  // NS_GET_OWNER_UID: unmapped in a child user ns → overflow uid
  'NS_GET_OWNER_UID from a child user ns': [
    { op: 'cred', task: 'init', uid: 1000 },
    { op: 'spawn', task: 't1', parent: 'init', newns: ['user'] },
    { op: 'open', task: 't1', path: '/proc/t1/ns/user', fd: 'f1' },
    { op: 'ioctl', task: 't1', fd: 'f1', request: 'NS_GET_OWNER_UID' },
    { op: 'ioctl', task: 'init', fd: 'f1', request: 'NS_GET_OWNER_UID' },
  ],
  // time vs time_for_children, and pid_for_children before and after the first child
  'time, time_for_children and pid_for_children after unshare': [
    { op: 'unshare', task: 'init', newns: ['time'] },
    { op: 'nsid', task: 'init', path: '/proc/init/ns/time', as: 'N1' },
    { op: 'nsid', task: 'init', path: '/proc/init/ns/time_for_children', as: 'N2' },
    { op: 'readlink', task: 'init', path: '/proc/init/ns/time' },
    { op: 'readlink', task: 'init', path: '/proc/init/ns/time_for_children' },
    { op: 'unshare', task: 'init', newns: ['pid'] },
    { op: 'readlink', task: 'init', path: '/proc/init/ns/pid_for_children' },
    { op: 'open', task: 'init', path: '/proc/init/ns/pid_for_children', fd: 'f1' },
    { op: 'spawn', task: 't1', parent: 'init' },
    { op: 'readlink', task: 'init', path: '/proc/init/ns/pid_for_children' },
    { op: 'readlink', task: 'init', path: '/proc/init/ns/pid' },
    { op: 'readlink', task: 't1', path: '/proc/t1/ns/pid' },
  ],
  // a zombie: its pid and user entries still resolve, nsproxy ones do not; reaped: nothing
  'entries of a zombie and of a reaped task': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['net'] },
    { op: 'exit', task: 't1' },
    { op: 'readlink', task: 'init', path: '/proc/t1/ns/pid' },
    { op: 'readlink', task: 'init', path: '/proc/t1/ns/user' },
    { op: 'readlink', task: 'init', path: '/proc/t1/ns/net' },
    { op: 'open', task: 'init', path: '/proc/t1/ns/uts', fd: 'f1' },
    { op: 'readdir', task: 'init', path: '/proc/t1/ns' },
    { op: 'reap', task: 't1' },
    { op: 'readlink', task: 'init', path: '/proc/t1/ns/user' },
    { op: 'readdir', task: 'init', path: '/proc/t1/ns' },
  ],
  // one nsfs inode per namespace: two opens, a stat of each, closes and shrink
  'opens of one namespace share the stashed dentry': [
    { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f1' },
    { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f2' },
    { op: 'nsid', task: 'init', fd: 'f1', as: 'N1' },
    { op: 'stat', task: 'init', fd: 'f2' },
    { op: 'close', task: 'init', fd: 'f1' },
    { op: 'close', task: 'init', fd: 'f2' },
    { op: 'shrink' },
    { op: 'alive', ns: 'N1' },
  ],
};

const V30: Record<string, Op[]> = {
  // v3.0 dcache: entries cached by readdir, dropped when the task is reaped
  'v3.0 cached dentries of a reaped task are dropped': [
    { op: 'spawn', task: 't1', parent: 'init', newns: ['net'] },
    { op: 'open', task: 'init', path: '/proc/t1/ns/net', fd: 'f1' },
    { op: 'nsid', task: 'init', fd: 'f1', as: 'N1' },
    { op: 'close', task: 'init', fd: 'f1' },
    { op: 'exit', task: 't1' },
    { op: 'reap', task: 't1' },
    { op: 'alive', ns: 'N1' },
    { op: 'shrink' },
    { op: 'alive', ns: 'N1' },
  ],
};

function run(profile: keyof typeof PROFILES, ops: Op[]): string[] {
  const c = new Checker(PROFILES[profile]);
  const out: string[] = [];
  for (const op of ops) {
    const r = c.apply(op);
    if (r.violation) out.push(`${op.op}: ${r.violation.property}: ${r.violation.detail}`);
    else out.push(fmt(r.sim));
  }
  return out;
}

describe('targeted lockstep traces (Stryker killers)', () => {
  for (const [name, ops] of Object.entries(T)) {
    for (const p of ['v6.18'] as const) {
      it(`${name} (${p})`, () => {
        const out = run(p, ops);
        expect(out.filter((o) => o.includes(': ')), out.join(' | ')).toEqual([]);
      });
    }
  }
  for (const [name, ops] of Object.entries(V30)) {
    it(name, () => {
      const out = run('v3.0', ops);
      expect(out.filter((o) => o.includes(': ')), out.join(' | ')).toEqual([]);
    });
  }
});
