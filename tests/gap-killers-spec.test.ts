// Lockstep traces aimed at the spec's Stryker test gaps (model/spec/spec.ts rows classed GAP in
// model/mutants/stryker-survivors.md). Each trace runs on spec and simulation in lockstep and
// must break no property; the outcomes that pin the rule are written out (`last`, and `at` for
// earlier steps), with the namespaces bound by `nsid ... as` printed by their names.
import { lockstepCases } from './lockstep-cases.ts';
import type { Case } from './lockstep-cases.ts';

const ALL_ENTRIES = '[net uts ipc pid pid_for_children user mnt cgroup time time_for_children]';

const CASES: Record<string, Case> = {
  // kernel/pid_namespace.c create_pid_namespace: only a pid ns has a parent; a net ns
  // (net/core/net_namespace.c copy_net_ns) holds its user ns, not the creator's pid ns
  'a new net ns does not pin the pid ns of its creator': {
    profile: 'v6.18', last: 'ok false',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['pid'] }, { op: 'nsid', task: 'init', path: '/proc/a/ns/pid', as: 'P' },
      { op: 'unshare', task: 'a', newns: ['net'] }, { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'x' },
      { op: 'exit', task: 'a' }, { op: 'reap', task: 'a' },
      { op: 'alive', ns: 'P' },
    ],
  },
  // fs/namespace.c copy_mnt_ns -> copy_tree without CL_COPY_MNT_NS_FILE: a bind of a mnt ns
  // file is not copied into the new mount ns, so @m is the plain file below it
  'unshare [mnt] does not copy a bind of a mnt ns file': {
    profile: 'v6.18', last: 'ok', at: { 2: 'ok', 3: 'ok' },
    ops: [
      { op: 'spawn', task: 'c', parent: 'init', newns: ['mnt'] },
      { op: 'nsid', task: 'init', path: '/proc/c/ns/mnt', as: 'M' },
      { op: 'bind', task: 'init', source: '/proc/c/ns/mnt', target: '@m' }, // a newer mnt ns: allowed
      { op: 'unshare', task: 'init', newns: ['mnt'] },
      { op: 'open', task: 'init', path: '@m', fd: 'f' },
    ],
  },
  // kernel/nsproxy.c validate_nsset: CLONE_NEWTIME installs the target's time_ns (not its
  // time_ns_for_children); kernel/time/namespace.c timens_install sets both of the caller's
  'pidfd setns [time] joins the target\'s active time ns, not its time_for_children': {
    profile: 'v6.18', last: 'ok ns T "time:[…]"', at: { 5: 'ok' },
    ops: [
      { op: 'nsid', task: 'init', path: '/proc/init/ns/time', as: 'T' },
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'spawn', task: 'b', parent: 'init' },
      { op: 'unshare', task: 'a', newns: ['time'] },
      { op: 'pidfd', task: 'b', target: 'a', fd: 'p' },
      { op: 'setns', task: 'b', fd: 'p', nstype: ['time'] },
      { op: 'readlink', task: 'b', path: '/proc/b/ns/time' },
    ],
  },
  // kernel/nsproxy.c setns: prepare_nsset installs into a copy of the nsproxy; when one
  // install fails (netns_install: no CAP_SYS_ADMIN over the initial net ns), put_nsset drops it
  'a failing pidfd setns installs nothing (all or nothing)': {
    profile: 'v6.18', last: 'ok ns U "uts:[…]"', at: { 5: 'EPERM' },
    ops: [
      { op: 'spawn', task: 'c', parent: 'init' }, { op: 'unshare', task: 'c', newns: ['user', 'uts'] },
      { op: 'nsid', task: 'c', path: '/proc/c/ns/uts', as: 'U' },
      { op: 'spawn', task: 'd', parent: 'c', newns: ['uts'] },
      { op: 'pidfd', task: 'c', target: 'd', fd: 'p' },
      { op: 'setns', task: 'c', fd: 'p', nstype: ['uts', 'net'] },
      { op: 'readlink', task: 'c', path: '/proc/c/ns/uts' },
    ],
  },
  // kernel/cred.c commit_creds / cred_cap_issubset: entering a child user ns owned by one's
  // euid keeps the mm dumpable, so fs/proc/base.c task_dump_owner still gives the task's euid
  'setns into a child user ns owned by the same uid keeps the task dumpable': {
    profile: 'v6.18', last: `ok ${ALL_ENTRIES}`, at: { 6: 'ok' },
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, dumpable: true },
      { op: 'spawn', task: 'c', parent: 'init' }, { op: 'cred', task: 'c', uid: 1000, dumpable: true },
      { op: 'unshare', task: 'c', newns: ['user'] },
      { op: 'open', task: 'a', path: '/proc/c/ns/user', fd: 'u' },
      { op: 'setns', task: 'a', fd: 'u', nstype: 'user' },
      { op: 'spawn', task: 'b', parent: 'init' }, { op: 'cred', task: 'b', uid: 1000 },
      { op: 'readdir', task: 'b', path: '/proc/a/ns' },
    ],
  },
  // kernel/cred.c cred_cap_issubset: a child user ns created by another euid is no subset, so
  // commit_creds clears dumpable and /proc/<pid> turns root-owned (observed on 6.18: setns as
  // uid 1000 into a user ns uid 2000 made gives PR_GET_DUMPABLE 0; one uid 1000 made gives 1)
  'setns into a child user ns another uid created makes the task non-dumpable': {
    profile: 'v6.18', last: 'EACCES', at: { 7: 'ok' },
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, caps: ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'], dumpable: true },
      { op: 'spawn', task: 'c', parent: 'init' }, { op: 'cred', task: 'c', uid: 2000, dumpable: true },
      { op: 'unshare', task: 'c', newns: ['user'] },
      { op: 'open', task: 'a', path: '/proc/c/ns/user', fd: 'u' },
      { op: 'readdir', task: 'init', path: '/proc/a/ns' },
      { op: 'setns', task: 'a', fd: 'u', nstype: 'user' },
      { op: 'spawn', task: 'b', parent: 'init' }, { op: 'cred', task: 'b', uid: 1000 },
      { op: 'readdir', task: 'b', path: '/proc/a/ns' },
    ],
  },
  // fs/proc/base.c task_dump_owner: a task without an mm (a zombie) has root-owned /proc files
  'a zombie\'s /proc/<pid>/ns belongs to root': {
    profile: 'v6.18', last: 'EACCES', at: { 4: `ok ${ALL_ENTRIES}` },
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, dumpable: true },
      { op: 'spawn', task: 'b', parent: 'init' }, { op: 'cred', task: 'b', uid: 1000 },
      { op: 'readdir', task: 'b', path: '/proc/a/ns' },
      { op: 'exit', task: 'a' },
      { op: 'readdir', task: 'b', path: '/proc/a/ns' },
    ],
  },
  // kernel/pid_namespace.c zap_pid_ns_processes: orphans of the killed members are reparented to
  // the dying child reaper, which waits for (reaps) every one of them, grandchildren included
  'the end of a pid ns reaps its grandchildren too': {
    profile: 'v6.18', last: 'ENOENT', at: { 4: 'ENOENT' },
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['pid'] },
      { op: 'spawn', task: 'b', parent: 'a' }, { op: 'spawn', task: 'c', parent: 'b' },
      { op: 'exit', task: 'a' },
      { op: 'readlink', task: 'init', path: '/proc/b/ns/user' },
      { op: 'readlink', task: 'init', path: '/proc/c/ns/user' },
    ],
  },
  // v3.0 fs/proc/base.c proc_pid_make_inode: the inode belongs to the task's euid when it is
  // dumpable; fs/proc/namespaces.c proc_ns_instantiate gives it mode S_IRUSR (0400)
  'v3.0: a task opens its own ns file (0400, owned by its euid)': {
    profile: 'v3.0', last: 'ok ns N',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, dumpable: true },
      { op: 'nsid', task: 'a', path: '/proc/a/ns/net', as: 'N' },
      { op: 'open', task: 'a', path: '/proc/a/ns/net', fd: 'f' },
    ],
  },
  // the same rule for the initial task (task index 0)
  'v3.0: init opens its own ns file after leaving uid 0': {
    profile: 'v3.0', last: 'ok ns N',
    ops: [
      { op: 'cred', task: 'init', uid: 1000, dumpable: true },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f' },
    ],
  },
  // fs/namespace.c do_loopback: any nsfs file is bindable, the initial user ns (ns 0) too;
  // opening the bind opens that namespace's file
  'a bind of the initial user ns file names that ns': {
    profile: 'v6.18', last: 'ok ns U',
    ops: [
      { op: 'nsid', task: 'init', path: '/proc/init/ns/user', as: 'U' },
      { op: 'bind', task: 'init', source: '/proc/init/ns/user', target: '@u' },
      { op: 'open', task: 'init', path: '@u', fd: 'f' },
    ],
  },
  // fs/namespace.c do_umount -> propagate_mount_busy: a file opened through the mount holds it
  'a file opened through a bind of a plain file keeps the mount busy': {
    profile: 'v6.18', last: 'EBUSY',
    ops: [
      { op: 'bind', task: 'init', source: '/tmp/x', target: '@r' },
      { op: 'open', task: 'init', path: '@r', fd: 'f' },
      { op: 'umount', task: 'init', target: '@r' },
    ],
  },
  // fs/proc/fd.c proc_fd_permission -> fs/namei.c generic_permission: CAP_DAC_READ_SEARCH
  // searches the 0500 /proc/<pid>/fd of another uid; the link itself needs ptrace read access
  'CAP_DAC_READ_SEARCH searches another task\'s /proc/<pid>/fd': {
    profile: 'v6.18', last: 'ok ns N "net:[…]"',
    ops: [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'x' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'spawn', task: 'a', parent: 'init' },
      { op: 'cred', task: 'a', uid: 1000, caps: ['CAP_SYS_PTRACE', 'CAP_DAC_READ_SEARCH'] },
      { op: 'readlink', task: 'a', path: '/proc/init/fd/x' },
    ],
  },
  // fs/proc/fd.c proc_fd_link: a reopen through /proc/<pid>/fd gets the same (vfsmount, dentry),
  // so the new file holds the bind mount too (do_umount: EBUSY)
  'a plain file reopened through /proc/<pid>/fd keeps its mount busy': {
    profile: 'v6.18', last: 'EBUSY',
    ops: [
      { op: 'bind', task: 'init', source: '/tmp/x', target: '@r' },
      { op: 'open', task: 'init', path: '@r', fd: 'a' },
      { op: 'open', task: 'init', path: '/proc/init/fd/a', fd: 'b' },
      { op: 'close', task: 'init', fd: 'a' },
      { op: 'umount', task: 'init', target: '@r' },
    ],
  },
  // fs/proc/fd.c proc_fd_get_link: opendir follows the magic link to the /proc/<pid>/ns
  // directory it names (fs/proc/namespaces.c proc_ns_dir_readdir lists the entries)
  'readdir follows a /proc/<pid>/fd link to an ns directory': {
    profile: 'v6.18', last: `ok ${ALL_ENTRIES}`,
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' },
      { op: 'open', task: 'init', path: '/proc/a/ns', fd: 'd' },
      { op: 'readdir', task: 'init', path: '/proc/init/fd/d' },
    ],
  },
  // fs/namespace.c do_loopback of an O_PATH fd of a /proc ns symlink: 6.18 mounts the link
  // itself (a link mount, observed: scenarios/kernel-bind-ns-link.json)
  'binding an O_PATH link through /proc/<pid>/fd: spec and simulation agree': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' },
    ],
  },
  // init's own link (task 0) is a link mount like any other: open follows it (fs/proc/namespaces.c
  // proc_ns_get_link), and umount walks it first: a caller without ptrace access gets EACCES, not EPERM
  'a link mount of init\'s own ns link: open follows it, umount walks it before may_mount': {
    profile: 'v6.18', last: 'EACCES', at: { 1: 'ok', 3: 'ok ns N' },
    ops: [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '@m', fd: 'f' },
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000 },
      { op: 'umount', task: 'a', target: '@m' },
    ],
  },
  // an O_PATH open of /proc/<pid>/fd/<l> jumps to the link l itself (proc_fd_link); binding the
  // jumped fd mounts that ns link (observed 6.18: readlink of the target is the net link)
  'a link reached through an O_PATH jump is bound as its ns link': {
    profile: 'v6.18', last: 'ok ns N', at: { 2: 'ok' },
    ops: [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'open', task: 'init', path: '/proc/init/fd/l', fd: 'j', flags: ['O_PATH'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/j', target: '@m' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '@m', fd: 'f' },
    ],
  },
  // fs/namespace.c do_lock_mount: a bind onto a live link mount is ENOENT (observed 6.18), and the
  // source walk's reference to the namespace file is put (refcount-exact checks it)
  'a namespace file bound onto a link mount: ENOENT, nothing leaked': {
    profile: 'v6.18', last: 'ok', at: { 2: 'ENOENT' },
    ops: [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' },
      { op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m' },
      { op: 'close', task: 'init', fd: 'l' },
    ],
  },
  // out of the model's scope, kept EINVAL (oracle/README.md "Out of scope"): a bind of an O_PATH
  // fd of a /proc/<pid>/fd link, and link mounts on v3.8 (unverified there)
  'a bind of an O_PATH fd of a /proc/<pid>/fd link stays EINVAL': {
    profile: 'v6.18', last: 'EINVAL',
    ops: [
      { op: 'open', task: 'init', path: '/tmp/x', fd: 'x' },
      { op: 'open', task: 'init', path: '/proc/init/fd/x', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' },
    ],
  },
  'v3.8: a bind of an O_PATH ns link stays EINVAL': {
    profile: 'v3.8', last: 'EINVAL',
    ops: [
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' },
    ],
  },
  // a link mount's proc inode holds its task's struct pid (proc_pid_make_inode), so its pid ns
  // lives while the mount does, also after the task is reaped; copy_mnt_ns copies link mounts
  // (observed 6.18: this trace replays on the kernel with the same outcomes)
  'a link mount pins its reaped task\'s pid ns, in a copied mount ns too': {
    profile: 'v6.18', last: 'ok true',
    ops: [
      { op: 'spawn', task: 'c', parent: 'init', newns: ['pid'] }, { op: 'nsid', task: 'init', path: '/proc/c/ns/pid', as: 'P' },
      { op: 'open', task: 'init', path: '/proc/c/ns/pid', fd: 'l', flags: ['O_PATH', 'O_NOFOLLOW'] },
      { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }, { op: 'close', task: 'init', fd: 'l' },
      { op: 'exit', task: 'c' }, { op: 'reap', task: 'c' },
      { op: 'spawn', task: 'd', parent: 'init', newns: ['mnt'] }, { op: 'unshare', task: 'init', newns: ['mnt'] },
      { op: 'exit', task: 'd' }, { op: 'reap', task: 'd' },
      { op: 'alive', ns: 'P' },
    ],
  },
  // fcntl(F_DUPFD) gives a new descriptor: the one the name bound before stays open (hidden),
  // and an open nsfs file pins its namespace (fs/nsfs.c)
  'dup onto a bound name keeps the old file open: it still pins its ns': {
    profile: 'v6.18', last: 'ok true',
    ops: [
      { op: 'spawn', task: 'c', parent: 'init', newns: ['net'] }, { op: 'nsid', task: 'init', path: '/proc/c/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '/proc/c/ns/net', fd: 'x' }, { op: 'open', task: 'init', path: '/tmp/f', fd: 'y' },
      { op: 'dup', task: 'init', fd: 'y', as: 'x' },
      { op: 'exit', task: 'c' }, { op: 'reap', task: 'c' },
      { op: 'alive', ns: 'N' },
    ],
  },
  // fs/file.c close_fd: closing a descriptor that is already closed is EBADF; a dup to a name
  // bound to nothing open binds only that name
  'dup to an unbound name does not reopen a closed one': {
    profile: 'v6.18', last: 'EBADF',
    ops: [
      { op: 'open', task: 'init', path: '/tmp/a', fd: 'x#1' }, { op: 'close', task: 'init', fd: 'x#1' },
      { op: 'open', task: 'init', path: '/tmp/y', fd: 'y' },
      { op: 'dup', task: 'init', fd: 'y', as: 'x' },
      { op: 'close', task: 'init', fd: 'x#1' },
    ],
  },
  // kernel/pid.c pidfd_open: a pid no longer allocated (the task was reaped) is ESRCH
  'pidfd_open of a reaped task is ESRCH': {
    profile: 'v6.18', last: 'ESRCH',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'exit', task: 'a' }, { op: 'reap', task: 'a' },
      { op: 'pidfd', task: 'init', target: 'a', fd: 'p' },
    ],
  },
  // kernel/pid.c pidfd_open: a pid that was never allocated (its clone failed) is ESRCH
  'pidfd_open of a task whose spawn failed is ESRCH': {
    profile: 'v6.18', last: 'ESRCH', at: { 2: 'EPERM' },
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', caps: [] },
      { op: 'spawn', task: 'x', parent: 'a', newns: ['net'] },
      { op: 'pidfd', task: 'init', target: 'x', fd: 'p' },
    ],
  },
  // fs/namespace.c do_umount: a pidfd (fs/pidfs.c, an internal mount) holds none of the
  // caller's mounts
  'a pidfd holds no bind mount': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'bind', task: 'init', source: '/tmp/a', target: '@a' },
      { op: 'bind', task: 'init', source: '/tmp/b', target: '@b' },
      { op: 'pidfd', task: 'init', target: 'init', fd: 'p' },
      { op: 'umount', task: 'init', target: '@b' },
    ],
  },
};

lockstepCases('spec test-gap killers (lockstep: the simulation is the oracle)', CASES);
