// Lockstep traces aimed at GAP survivors of the simulation (model/kernel: fork.ts, namei.ts,
// nsproxy.ts, proc-namespaces.ts, sim.ts; model/mutants/stryker-survivors.md). Each trace runs
// on spec and simulation in lockstep and must break no property; the outcome of the last step
// is written out (namespaces by the names bound with `nsid ... as`), as the kernel gives it.
import { describe, expect, it } from 'vitest';
import type { Op } from '../model/types.ts';
import { setMutants } from '../model/kernel/mutant-hooks.ts';
import { lockstepCases, runLockstep } from './lockstep-cases.ts';
import type { Case } from './lockstep-cases.ts';

const CASES: Record<string, Case> = {
  // kernel/nsproxy.c copy_namespaces + kernel/time/namespace.c timens_on_fork: after
  // unshare(CLONE_NEWTIME) a child runs in the parent's time_for_children, not in its time
  'a child after unshare(time) runs in the time_for_children namespace': {
    profile: 'v6.18', last: 'ok ns T',
    ops: [
      { op: 'unshare', task: 'init', newns: ['time'] },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/time', as: 'O' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/time_for_children', as: 'T' },
      { op: 'spawn', task: 'c', parent: 'init' },
      { op: 'nsid', task: 'init', path: '/proc/c/ns/time', as: 'C' },
    ],
  },
  // kernel/nsproxy.c copy_namespaces: no CLONE_NEW* flag → no ns_capable(CAP_SYS_ADMIN) check,
  // even when time_for_children differs and a new nsproxy is made
  'fork with only time_for_children differing needs no capability': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'spawn', task: 't', parent: 'init' },
      { op: 'unshare', task: 't', newns: ['time'] },
      { op: 'cred', task: 't', caps: [] },
      { op: 'spawn', task: 'c', parent: 't' },
    ],
  },
  // kernel/pid_namespace.c zap_pid_ns_processes: a task of the namespace that was already reaped
  // is not killed or released again (its pid and cred are put once)
  'the zap of a pid namespace skips a member that was already reaped': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['pid'] },
      { op: 'spawn', task: 'b', parent: 'a' },
      { op: 'exit', task: 'b' },
      { op: 'reap', task: 'b' },
      { op: 'exit', task: 'a' },
    ],
  },
  // kernel/pid_namespace.c zap_pid_ns_processes + kernel/exit.c forget_original_parent: a
  // grandchild of the dying reaper (its parent inside the namespace) is reaped inside: no wait
  // from outside finds it
  'the zap of a pid namespace reaps a grandchild of the reaper': {
    profile: 'v6.18', last: 'ECHILD',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['pid'] },
      { op: 'spawn', task: 'b', parent: 'a' },
      { op: 'spawn', task: 'c', parent: 'b' },
      { op: 'exit', task: 'a' },
      { op: 'reap', task: 'c' },
    ],
  },
  // fs/open.c build_open_flags: O_RDONLY is an access mode, not O_DIRECTORY: an ns file opens
  'open of an ns file with O_RDONLY': {
    profile: 'v6.18', last: 'ok ns N',
    ops: [
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', flags: ['O_RDONLY'] },
    ],
  },
  // fs/open.c build_open_flags: O_PATH drops the access mode (acc_mode 0), so O_PATH|O_RDWR on
  // the /proc/<pid>/ns directory is no write open of a directory (no EISDIR)
  'O_PATH|O_RDWR open of the ns directory': {
    profile: 'v6.18', last: 'ok',
    ops: [{ op: 'open', task: 'init', path: '/proc/init/ns', fd: 'd', flags: ['O_PATH', 'O_RDWR'] }],
  },
  // fs/pidfs.c pidfs_init_inode: the pidfs inode is not S_IMMUTABLE (cleared for xattrs), so
  // root may reopen a pidfd read-write through /proc/<pid>/fd (fs/namei.c may_open)
  'root reopens a pidfd O_RDWR through /proc/<pid>/fd': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'pidfd', task: 'init', target: 'init', fd: 'p' },
      { op: 'open', task: 'init', path: '/proc/init/fd/p', fd: 'q', flags: ['O_RDWR'] },
    ],
  },
  // kernel/fork.c ksys_unshare → unshare_nsproxy_namespaces: no namespace flag returns 0 before
  // any capability check
  'unshare of no namespace by a task without capabilities': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'spawn', task: 't', parent: 'init' },
      { op: 'cred', task: 't', caps: [] },
      { op: 'unshare', task: 't', newns: [] },
    ],
  },
  // v3.0 fs/proc/namespaces.c proc_ns_instantiate: a plain S_IFREG|S_IRUSR proc inode, not
  // immutable; fs/namei.c generic_permission lets root write it by CAP_DAC_OVERRIDE
  'v3.0 root opens its ns file O_WRONLY': {
    profile: 'v3.0', last: 'ok ns N',
    ops: [
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', flags: ['O_WRONLY'] },
    ],
  },
  // v3.0 fs/proc/base.c pid_revalidate: a cached dentry's inode takes the task's euid again
  // (dumpable), for init too: the new owner may read its 0400 ns file without capabilities
  'v3.0 revalidation refreshes the owner of init\'s cached ns file': {
    profile: 'v3.0', last: 'ok ns N',
    ops: [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f' },
      { op: 'nsid', task: 'init', fd: 'f', as: 'N' },
      { op: 'cred', task: 'init', uid: 1000, caps: [] },
      { op: 'cred', task: 'init', dumpable: true },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'g' },
    ],
  },
  // fs/pidfs.c: a pidfd reopened through /proc/<pid>/fd is a pidfd again (observed on 6.18);
  // pidfs_file_operations has no llseek (fs/read_write.c vfs_llseek: no FMODE_LSEEK → ESPIPE)
  // and no ->read (vfs_read: no FMODE_CAN_READ → EINVAL)
  'lseek and read on a pidfd reopened through /proc/<pid>/fd': {
    profile: 'v6.18', last: 'EINVAL', at: { 2: 'ESPIPE' },
    ops: [
      { op: 'pidfd', task: 'init', target: 'init', fd: 'p' },
      { op: 'open', task: 'init', path: '/proc/init/fd/p', fd: 'q' },
      { op: 'lseek', task: 'init', fd: 'q' },
      { op: 'read', task: 'init', fd: 'q' },
    ],
  },
};

lockstepCases('kernel gap killers (lockstep: the spec is the oracle, the last outcome is fixed)', CASES);

describe('kernel gap killers: a seeded-bug switch', () => {
  // the seeded bug `setns-ebadf-for-other` (303cc571d107 in 5.8-rc, EINVAL restored before the
  // release): kernel/nsproxy.c setns on a regular file answers EINVAL; with the switch on the
  // simulation answers EBADF and ns-fd-only catches it, with the switch off nothing breaks
  it('setns on a regular file: EINVAL; the setns-ebadf-for-other switch makes it EBADF (v6.18)', () => {
    const ops: Op[] = [
      { op: 'open', task: 'init', path: '/tmp/x', fd: 'f' },
      { op: 'setns', task: 'init', fd: 'f', nstype: 0 },
    ];
    const off = runLockstep('v6.18', ops);
    expect(off.bad).toEqual([]);
    expect([off.outs[1], off.sim]).toEqual(['EINVAL', 'EINVAL']);
    setMutants(['setns-ebadf-for-other']);
    let on: ReturnType<typeof runLockstep>;
    try {
      on = runLockstep('v6.18', ops);
    } finally {
      setMutants(null);
    }
    expect(on.sim).toBe('EBADF');
    expect(on.bad.map((b) => b.split(':').slice(0, 2).join(':'))).toEqual(['step 1 setns: ns-fd-only']);
  });
});
