// Lockstep traces aimed at the GAP survivors of model/profiles.ts (per-version clone/unshare
// kinds, nsfs, the legacy ptrace rule), model/spec/access.ts dac and model/kernel/cred.ts
// (inode_permission overrides, the zombie rules of ptrace_may_access and proc_owner); see
// model/mutants/stryker-survivors.md. Spec and simulation share the profile, so the fixed
// outcome of the last step is what kills a profile mutant; every step must break no property.
import type { Cap, Op } from '../model/types.ts';
import { lockstepCases } from './lockstep-cases.ts';
import type { Case } from './lockstep-cases.ts';

// a task of uid 1000 (leaving uid 0 clears the caps) with exactly `caps`, dumpable again
const user = (task: string, caps: Cap[]): Op[] => [
  { op: 'spawn', task, parent: 'init' }, { op: 'cred', task, uid: 1000, caps, dumpable: true },
];

const CASES: Record<string, Case> = {
  // kernel/fork.c copy_process (3.0): CLONE_NEWPID exists since 2.6.24, so clone may create a pid ns
  'v3.0 clone(CLONE_NEWPID) succeeds': {
    profile: 'v3.0', last: 'ok',
    ops: [{ op: 'spawn', task: 'a', parent: 'init', newns: ['pid'] }],
  },
  // kernel/fork.c check_unshare_flags (3.0): CLONE_NEWIPC is accepted; the new ipc ns is the task's
  'v3.0 unshare(CLONE_NEWIPC) succeeds': {
    profile: 'v3.0', last: 'ok',
    ops: [{ op: 'unshare', task: 'init', newns: ['ipc'] }],
  },
  // fs/proc/namespaces.c proc_ns_get_dentry (3.8): a proc inode S_IFREG|S_IRUGO, not S_IMMUTABLE
  // (that came with nsfs, 3.19), so root's CAP_DAC_OVERRIDE opens it O_RDWR (generic_permission)
  'v3.8 root opens its ns file O_RDWR (no nsfs, not immutable)': {
    profile: 'v3.8', last: 'ok ns N',
    ops: [
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', flags: ['O_RDWR'] },
    ],
  },
  // kernel/ptrace.c __ptrace_may_access (3.0): no mm ⇒ dumpable = 0, and without CAP_SYS_PTRACE
  // proc_ns_dir_lookup gives EPERM before it looks for the (gone) namespace
  'v3.0 a same-uid zombie is not dumpable: lookup of its ns file is EPERM': {
    profile: 'v3.0', last: 'EPERM',
    ops: [
      ...user('a', []),
      { op: 'spawn', task: 'z', parent: 'a' }, { op: 'exit', task: 'z' },
      { op: 'open', task: 'a', path: '/proc/z/ns/net', fd: 'f' },
    ],
  },
  // kernel/ptrace.c __ptrace_may_access (3.0): "if (task->mm) dumpable = get_dumpable(task->mm)";
  // a zombie of root, dumpable while it ran, is undumpable once it has no mm (uncached lookup)
  'v3.0 root without caps: a dumpable zombie counts as undumpable (EPERM)': {
    profile: 'v3.0', last: 'EPERM',
    ops: [
      { op: 'cred', task: 'init', caps: [] },
      { op: 'spawn', task: 'c', parent: 'init' }, { op: 'cred', task: 'c', dumpable: true }, { op: 'exit', task: 'c' },
      { op: 'open', task: 'init', path: '/proc/c/ns/net', fd: 'f' },
    ],
  },
  // kernel/fork.c copy_process (3.8): CLONE_NEWIPC
  'v3.8 clone(CLONE_NEWIPC) succeeds': {
    profile: 'v3.8', last: 'ok',
    ops: [{ op: 'spawn', task: 'a', parent: 'init', newns: ['ipc'] }],
  },
  // kernel/fork.c check_unshare_flags (3.8): CLONE_NEWUTS
  'v3.8 unshare(CLONE_NEWUTS) succeeds': {
    profile: 'v3.8', last: 'ok',
    ops: [{ op: 'unshare', task: 'init', newns: ['uts'] }],
  },
  // kernel/fork.c check_unshare_flags (3.8): CLONE_NEWIPC
  'v3.8 unshare(CLONE_NEWIPC) succeeds': {
    profile: 'v3.8', last: 'ok',
    ops: [{ op: 'unshare', task: 'init', newns: ['ipc'] }],
  },
  // kernel/fork.c check_unshare_flags (6.18): CLONE_NEWUTS
  'v6.18 unshare(CLONE_NEWUTS) succeeds': {
    profile: 'v6.18', last: 'ok',
    ops: [{ op: 'unshare', task: 'init', newns: ['uts'] }],
  },
  // kernel/fork.c check_unshare_flags (6.18): CLONE_NEWCGROUP (4.6)
  'v6.18 unshare(CLONE_NEWCGROUP) succeeds': {
    profile: 'v6.18', last: 'ok',
    ops: [{ op: 'unshare', task: 'init', newns: ['cgroup'] }],
  },
  // kernel/fork.c check_unshare_flags (6.18): CLONE_NEWTIME (5.6)
  'v6.18 unshare(CLONE_NEWTIME) succeeds': {
    profile: 'v6.18', last: 'ok',
    ops: [{ op: 'unshare', task: 'init', newns: ['time'] }],
  },
  // fs/namei.c generic_permission: on a directory, MAY_READ without MAY_WRITE is granted by
  // CAP_DAC_READ_SEARCH (the root-owned 0511 /proc/<pid>/ns gives "other" no read bit)
  'CAP_DAC_READ_SEARCH alone lists a root-owned ns directory': {
    profile: 'v6.18', last: 'ok [net uts ipc pid pid_for_children user mnt cgroup time time_for_children]',
    ops: [...user('a', ['CAP_DAC_READ_SEARCH']), { op: 'readdir', task: 'a', path: '/proc/init/ns' }],
  },
  // fs/namei.c generic_permission: on a directory, CAP_DAC_OVERRIDE grants any access
  'CAP_DAC_OVERRIDE alone lists a root-owned ns directory': {
    profile: 'v6.18', last: 'ok [net uts ipc pid pid_for_children user mnt cgroup time time_for_children]',
    ops: [...user('a', ['CAP_DAC_OVERRIDE']), { op: 'readdir', task: 'a', path: '/proc/init/ns' }],
  },
  // fs/namei.c generic_permission: on a non-directory, mask == MAY_READ is granted by
  // CAP_DAC_READ_SEARCH (the pidfs inode of a pidfd is root-owned 0700; may_open on reopen)
  'CAP_DAC_READ_SEARCH alone reopens a pidfd O_RDONLY': {
    profile: 'v6.18', last: 'ok',
    ops: [
      ...user('a', ['CAP_DAC_READ_SEARCH']), { op: 'pidfd', task: 'a', target: 'a', fd: 'p' },
      { op: 'open', task: 'a', path: '/proc/a/fd/p', fd: 'q' },
    ],
  },
  // fs/namei.c generic_permission: CAP_DAC_READ_SEARCH does not grant MAY_WRITE on a
  // non-directory; only CAP_DAC_OVERRIDE would
  'CAP_DAC_READ_SEARCH alone may not reopen a pidfd O_RDWR': {
    profile: 'v6.18', last: 'EACCES',
    ops: [
      ...user('a', ['CAP_DAC_READ_SEARCH']), { op: 'pidfd', task: 'a', target: 'a', fd: 'p' },
      { op: 'open', task: 'a', path: '/proc/a/fd/p', fd: 'q', flags: ['O_RDWR'] },
    ],
  },
  // fs/proc/base.c task_dump_owner (pid_revalidate): a task without an mm (a zombie) has its
  // /proc/<pid> files owned by root, so uid 1000 may not read the 0511 ns directory of its own zombie
  "a zombie's /proc/<pid>/ns belongs to root": {
    profile: 'v6.18', last: 'EACCES',
    ops: [
      ...user('a', []),
      { op: 'spawn', task: 'c', parent: 'a' }, { op: 'cred', task: 'c', dumpable: true },
      { op: 'open', task: 'a', path: '/proc/c/ns', fd: 'd' },
      { op: 'exit', task: 'c' },
      { op: 'open', task: 'a', path: '/proc/c/ns', fd: 'e' },
    ],
  },
};

lockstepCases('gap killers: access rules and per-version profile fields (lockstep)', CASES);
