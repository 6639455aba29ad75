// The reference as data: for every op of trace format v1, its outcome rules in the order the
// kernel checks them, per profile, each with its citation and a witness trace whose last step
// is the case the rule is about. tests/spec-rules.test.ts replays every witness on the spec and
// the simulation, so this reference cannot drift from the model; `procns spec` prints it.
import type { Cap, Errno, Expect, NsKind, OpenFlag, OpName, Step } from '../types.ts';
import { CAPS } from '../types.ts';
import type { ProfileName } from '../profiles.ts';

export interface Rule {
  /** Stable id: `<op>.<case>`. */
  id: string;
  op: OpName;
  /** The profiles the rule holds on (its witness is replayed on each). */
  profiles: readonly ProfileName[];
  /** The condition, in words. */
  when: string;
  /** An errno name, or 'ok' followed by what success returns. */
  outcome: string;
  /** Kernel file, function, version/commit (or the observation it comes from). */
  cite: string;
  /** Steps; the last is the one the rule is about. Earlier steps may bind names (nsid). */
  witness: Step[];
  /** A finer expectation for the last step than `outcome` (names, value, ns). */
  expect?: Expect;
  /**
   * A historical kernel flaw that the simulation reproduces and the spec forbids: the spec
   * answers `spec` instead, and the checker reports `violates`.
   */
  flaw?: { spec: Errno | 'ok'; violates: string };
  /** The spec may answer differently here without a violation (a cache the profile keeps). */
  specSays?: Expect;
  /** The model disagrees with the cited kernel behaviour: why (the divergence is documented). */
  pending?: string;
  /** With `pending`: what the model answers instead, on spec and sim (a test holds it to that). */
  modelSays?: Expect;
}

const ALL: readonly ProfileName[] = ['seed', 'v3.0', 'v3.8', 'v6.18'];
const SETNS: readonly ProfileName[] = ['v3.0', 'v3.8', 'v6.18'];
const MODERN: readonly ProfileName[] = ['v3.8', 'v6.18'];
const OLD: readonly ProfileName[] = ['seed', 'v3.0'];
const NSFS: readonly ProfileName[] = ['v6.18'];

// ---- witness building blocks ----
const spawn = (task: string, parent = 'init', newns?: NsKind[]): Step => ({ op: 'spawn', task, parent, ...(newns ? { newns } : {}) });
const open = (task: string, path: string, fd: string, flags?: OpenFlag[]): Step => ({ op: 'open', task, path, fd, ...(flags ? { flags } : {}) });
const close = (task: string, fd: string): Step => ({ op: 'close', task, fd });
const exit = (task: string): Step => ({ op: 'exit', task });
const reap = (task: string): Step => ({ op: 'reap', task });
const nsid = (task: string, path: string, as: string): Step => ({ op: 'nsid', task, path, as });
/** An unprivileged user 1000:1000 that stays dumpable (prctl(PR_SET_DUMPABLE, 1) after setresuid). */
const user = (task: string, uid = 1000, gid = 1000, dumpable = true): Step => ({ op: 'cred', task, uid, gid, dumpable });
const capsBut = (task: string, drop: Cap): Step => ({ op: 'cred', task, caps: CAPS.filter((c) => c !== drop) });
/** A task `a` running as uid 1000, the usual unprivileged prober. */
const prober = (task = 'a'): Step[] => [spawn(task), user(task)];
/** An fd name that no longer names an open file. */
const closedFd = (task: string, fd: string): Step[] => [open(task, '/tmp/x', fd), close(task, fd)];

const C = {
  seedLookup: 'fs/proc/namespaces.c proc_ns_dir_lookup (seed 6b4e306aa3dc)',
  seedReaddir: 'fs/proc/namespaces.c proc_ns_dir_readdir (seed 6b4e306aa3dc)',
  seedFget: 'fs/proc/namespaces.c proc_ns_fget (seed 6b4e306aa3dc)',
  seedFops: 'fs/proc/namespaces.c ns_file_operations { .llseek = no_llseek } (seed 6b4e306aa3dc)',
  revalidate: 'fs/proc/base.c pid_revalidate + pid_dentry_operations (seed 6b4e306aa3dc exports them; v3.0)',
  procPid: 'fs/proc/base.c proc_pid_lookup (no /proc/<pid> once released)',
  follow38: 'fs/proc/namespaces.c proc_ns_follow_link (v3.8 bf056bfa8059)',
  getLink: 'fs/proc/namespaces.c proc_ns_get_link (v6.18; ptrace_may_access READ_FSCREDS since v4.5)',
  readlink38: 'fs/proc/namespaces.c proc_ns_readlink (v3.8 bf056bfa8059; v6.18)',
  setns30: 'kernel/nsproxy.c setns (v3.0 7b21fddd0876)',
  setns58: 'kernel/nsproxy.c setns (v5.8 303cc571d107; observed 6.18 §4)',
  install: 'per-type ->install: netns_install, utsns_install, ipcns_install, mntns_install, pidns_install (v3.8 "userns: Allow unprivileged use of setns")',
  userInstall: 'kernel/user_namespace.c userns_install (v3.8 cde1975bc242)',
  pidInstall: 'kernel/pid_namespace.c pidns_install (v3.8 57e8391d3276)',
  nsfsIoctl: 'fs/nsfs.c ns_ioctl',
  fork: 'kernel/fork.c copy_process / kernel/nsproxy.c copy_namespaces',
  unshare: 'kernel/fork.c ksys_unshare / check_unshare_flags / unshare_nsproxy_namespaces',
  exit: 'kernel/exit.c do_exit → exit_task_namespaces',
  release: 'kernel/exit.c release_task / wait_consider_task',
  loopback: 'fs/namespace.c do_loopback (seed commit message: "mount --bind /proc/self/ns/net /some/filesystem/path")',
  umount: 'fs/namespace.c do_umount / propagate_mount_busy (observed 6.18 §5)',
  convention: 'trace format v1 convention (DESIGN.md; oracle/README.md "Task model")',
  obs1: 'observed 6.18 §1',
  obs2: 'observed 6.18 §2',
  obs3: 'observed 6.18 §3',
  obs5: 'observed 6.18 §5',
} as const;

/** "The acting task is not running" rule for an op: the first check of every op with a task. */
function actorGone(op: OpName, last: Step, profiles: readonly ProfileName[] = ALL): Rule {
  return {
    id: `${op}.actor-gone`, op, profiles, when: 'the acting task has exited (zombie or reaped)', outcome: 'ESRCH',
    cite: C.convention, witness: [open('init', '/tmp/x', 'f'), spawn('a'), exit('a'), last],
  };
}

export const RULES: readonly Rule[] = [
  // ------------------------------------------------------------------ spawn
  actorGone('spawn', spawn('b', 'a')),
  {
    id: 'spawn.kind-not-in-profile', op: 'spawn', profiles: ['v3.8'], when: 'newns names a kind the kernel does not have (cgroup before 4.6, time before 5.6)',
    outcome: 'EINVAL', cite: `${C.fork}: the model refuses kinds the profile lacks (clone(2) of that era ignored the bit; see README)`,
    witness: [spawn('a', 'init', ['cgroup'])],
  },
  {
    id: 'spawn.v30-mnt', op: 'spawn', profiles: OLD, when: 'newns: mnt (CLONE_NEWNS exists since 2.4.19; v3.0 just has no ns/mnt entry)',
    outcome: 'ok', cite: `${C.fork} (v3.0: CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER are valid clone flags)`,
    witness: [spawn('a', 'init', ['mnt'])],
  },
  {
    id: 'spawn.user-from-child-userns', op: 'spawn', profiles: MODERN, when: 'newns includes user and the parent is in a child user ns (no uid_map is ever written, so its euid is unmapped)',
    outcome: 'EPERM', cite: 'kernel/user_namespace.c create_user_ns: !kuid_has_mapping(parent_ns, owner) (v3.8)',
    witness: [spawn('a', 'init', ['user']), spawn('b', 'a', ['user'])],
  },
  {
    id: 'spawn.no-cap', op: 'spawn', profiles: ALL, when: 'newns includes a non-user kind and the parent lacks CAP_SYS_ADMIN (v3.0: capable(); v3.8+: in the new or own user ns)',
    outcome: 'EPERM', cite: `${C.fork}: capable(CAP_SYS_ADMIN) (v3.0) / ns_capable(user_ns, CAP_SYS_ADMIN) (v3.8+)`,
    witness: [...prober('a'), spawn('b', 'a', ['net'])],
  },
  {
    id: 'spawn.user-grants-caps', op: 'spawn', profiles: MODERN, when: 'newns includes user and other kinds, parent unprivileged: the new user ns gives the caps to create the others',
    outcome: 'ok', cite: `${C.fork}: copy_creds → create_user_ns first; ns_capable(new user_ns, CAP_SYS_ADMIN)`,
    witness: [...prober('a'), spawn('b', 'a', ['user', 'net'])],
  },
  {
    id: 'spawn.pid-after-unshare-pid', op: 'spawn', profiles: MODERN, when: 'newns includes pid while pid_for_children already differs from the active pid ns',
    outcome: 'EINVAL', cite: 'kernel/pid_namespace.c copy_pid_ns: task_active_pid_ns(current) != old_ns → EINVAL (v3.8)',
    witness: [spawn('a'), { op: 'unshare', task: 'a', newns: ['pid'] }, spawn('b', 'a', ['pid'])],
  },
  {
    id: 'spawn.pidns-dead', op: 'spawn', profiles: MODERN, when: 'pid_for_children is a pid ns whose init (child reaper) has exited',
    outcome: 'ENOMEM', cite: 'kernel/pid.c alloc_pid: PIDNS_ADDING cleared by zap_pid_ns_processes (observed 6.18 §4: fork after the pidns init exits → ENOMEM)',
    witness: [spawn('p'), { op: 'unshare', task: 'p', newns: ['pid'] }, spawn('c', 'p'), exit('c'), spawn('d', 'p')],
  },
  {
    id: 'spawn.ok', op: 'spawn', profiles: ALL, when: 'otherwise: the child shares the parent\'s fds (dup_fd), credentials and namespaces, with the new ones in newns',
    outcome: 'ok', cite: C.fork, witness: [spawn('a', 'init', ['net', 'uts'])],
  },

  // ------------------------------------------------------------------ unshare
  actorGone('unshare', { op: 'unshare', task: 'a', newns: ['net'] }),
  {
    id: 'unshare.kind-not-in-profile', op: 'unshare', profiles: ['seed', 'v3.0', 'v3.8'],
    when: 'newns names a flag check_unshare_flags does not accept (v3.0: pid, user; v3.8: cgroup, time)',
    outcome: 'EINVAL', cite: `${C.unshare} (CLONE_NEWPID/CLONE_NEWUSER accepted from v3.8)`,
    witness: [{ op: 'unshare', task: 'init', newns: ['cgroup'] }],
  },
  {
    id: 'unshare.v30-mnt', op: 'unshare', profiles: OLD, when: 'newns: mnt on v3.0 (CLONE_NEWNS has been accepted by unshare since 2.6.16)',
    outcome: 'ok', cite: C.unshare,
    witness: [{ op: 'unshare', task: 'init', newns: ['mnt'] }],
  },
  {
    id: 'unshare.user-from-child-userns', op: 'unshare', profiles: MODERN, when: 'newns includes user and the task is in a child user ns (unmapped euid)',
    outcome: 'EPERM', cite: 'kernel/user_namespace.c create_user_ns: !kuid_has_mapping (v3.8)',
    witness: [spawn('a', 'init', ['user']), { op: 'unshare', task: 'a', newns: ['user'] }],
  },
  {
    id: 'unshare.no-cap', op: 'unshare', profiles: ALL, when: 'a non-user kind without CAP_SYS_ADMIN (in the own, or the newly unshared, user ns)',
    outcome: 'EPERM', cite: `${C.unshare}: capable(CAP_SYS_ADMIN) (v3.0) / ns_capable (v3.8+)`,
    witness: [...prober('a'), { op: 'unshare', task: 'a', newns: ['net'] }],
  },
  {
    id: 'unshare.pid-twice', op: 'unshare', profiles: MODERN, when: 'pid, when pid_for_children already differs from the active pid ns',
    outcome: 'EINVAL', cite: 'kernel/pid_namespace.c copy_pid_ns (v3.8)',
    witness: [spawn('a'), { op: 'unshare', task: 'a', newns: ['pid'] }, { op: 'unshare', task: 'a', newns: ['pid'] }],
  },
  {
    id: 'unshare.ok', op: 'unshare', profiles: ALL, when: 'otherwise: the task moves to new namespaces (pid: only its children, via pid_for_children)',
    outcome: 'ok', cite: C.unshare, witness: [spawn('a'), { op: 'unshare', task: 'a', newns: ['net'] }],
  },

  // ------------------------------------------------------------------ setns
  actorGone('setns', { op: 'setns', task: 'a', fd: 'f', nstype: 'net' }, SETNS),
  {
    id: 'setns.none', op: 'setns', profiles: ['seed'], when: 'always: the seed has no setns ("It requires additional support ... in the following patches")',
    outcome: 'ENOSYS', cite: 'seed 6b4e306aa3dc commit message; setns(2) arrives with 7b21fddd0876',
    witness: [open('init', '/tmp/x', 'f'), { op: 'setns', task: 'init', fd: 'f', nstype: 0 }],
  },
  {
    id: 'setns.v30-cap-first', op: 'setns', profiles: ['v3.0'], when: 'the caller lacks CAP_SYS_ADMIN: checked before the fd, so even a closed fd gives EPERM',
    outcome: 'EPERM', cite: `${C.setns30}: "if (!capable(CAP_SYS_ADMIN)) return -EPERM;" first`,
    witness: [...closedFd('init', 'f'), ...prober('a'), { op: 'setns', task: 'a', fd: 'f', nstype: 'net' }],
  },
  {
    id: 'setns.ebadf-closed', op: 'setns', profiles: SETNS, when: 'fd is not open (v3.8+: whatever the caller\'s privileges)',
    outcome: 'EBADF', cite: `${C.seedFget}: fget(fd) == NULL → EBADF; ${C.setns58}`,
    witness: [...closedFd('init', 'f'), { op: 'setns', task: 'init', fd: 'f', nstype: 'net' }],
  },
  {
    id: 'setns.ebadf-closed-unprivileged', op: 'setns', profiles: MODERN, when: 'fd is not open, caller unprivileged (no global capability check any more)',
    outcome: 'EBADF', cite: `${C.setns58}; v3.8 moved the permission checks into ->install`,
    witness: [...closedFd('init', 'f'), ...prober('a'), { op: 'setns', task: 'a', fd: 'f', nstype: 'net' }],
  },
  {
    id: 'setns.ebadf-opath', op: 'setns', profiles: SETNS, when: 'fd is an O_PATH file (fget skips FMODE_PATH files)',
    outcome: 'EBADF', cite: 'fs/file.c fget: FMODE_PATH files are not returned (O_PATH, v2.6.39); observed 6.18 §4',
    witness: [open('init', '/proc/init/ns/net', 'p', ['O_PATH']), { op: 'setns', task: 'init', fd: 'p', nstype: 0 }],
  },
  {
    id: 'setns.einval-plain-file', op: 'setns', profiles: SETNS, when: 'fd is open but is neither a namespace file nor (v5.8+) a pidfd: a plain file',
    outcome: 'EINVAL', cite: `${C.seedFget}: f_op != &ns_file_operations → EINVAL; ${C.setns58} (5.8-rc fix kept EINVAL)`,
    witness: [open('init', '/tmp/x', 'f'), { op: 'setns', task: 'init', fd: 'f', nstype: 'net' }],
  },
  {
    id: 'setns.einval-dir', op: 'setns', profiles: SETNS, when: 'fd is the /proc/<pid>/ns directory',
    outcome: 'EINVAL', cite: `${C.seedFget}; observed 6.18 §4 (dir fd of /proc/self/ns → EINVAL)`,
    witness: [open('init', '/proc/init/ns', 'd'), { op: 'setns', task: 'init', fd: 'd', nstype: 0 }],
  },
  {
    id: 'setns.einval-type-mismatch', op: 'setns', profiles: SETNS, when: 'a namespace file whose type is not nstype (nstype 0 accepts any)',
    outcome: 'EINVAL', cite: `${C.setns30}: "if (nstype && (ops->type != nstype)) goto out" (EINVAL); ${C.setns58}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'setns', task: 'init', fd: 'f', nstype: 'uts' }],
  },
  {
    id: 'setns.einval-before-eperm', op: 'setns', profiles: MODERN, when: 'type mismatch, caller unprivileged: the type check runs before the capability checks',
    outcome: 'EINVAL', cite: `${C.setns58}; observed 6.18 §4 ("[nobody] setns(netfd, UTS) → EINVAL")`,
    witness: [open('init', '/proc/init/ns/net', 'f'), ...prober('a'), { op: 'setns', task: 'a', fd: 'f', nstype: 'uts' }],
  },
  {
    id: 'setns.pidfd-flags-0', op: 'setns', profiles: NSFS, when: 'a pidfd with nstype 0 ("Specifying 0 is not valid together with a pidfd")',
    outcome: 'EINVAL', cite: `${C.setns58}: check_setns_flags`,
    witness: [spawn('a'), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }, { op: 'setns', task: 'init', fd: 'p', nstype: 0 }],
  },
  {
    id: 'setns.pidfd-reaped', op: 'setns', profiles: NSFS, when: 'a pidfd of a task that has been reaped',
    outcome: 'ESRCH', cite: `${C.setns58}: pidfd target gone → ESRCH (man setns(2))`,
    witness: [spawn('a'), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }, exit('a'), reap('a'), { op: 'setns', task: 'init', fd: 'p', nstype: 'net' }],
  },
  {
    id: 'setns.pidfd-ptrace', op: 'setns', profiles: NSFS, when: 'a pidfd of a task the caller may not ptrace-read (PTRACE_MODE_READ_REALCREDS)',
    outcome: 'EPERM', cite: `${C.setns58}: !ptrace_may_access(tsk, PTRACE_MODE_READ_REALCREDS) → EPERM; observed 6.18 §6`,
    witness: [spawn('t'), ...prober('a'), { op: 'pidfd', task: 'a', target: 't', fd: 'p' }, { op: 'setns', task: 'a', fd: 'p', nstype: 'net' }],
  },
  {
    id: 'setns.pidfd-zombie', op: 'setns', profiles: NSFS, when: 'a pidfd of a zombie, for any nstype, user and pid included (it has no nsproxy)',
    outcome: 'ESRCH', cite: `${C.setns58}: validate_nsset, task has no nsproxy → ESRCH; observed 6.18 §4`,
    witness: [spawn('a'), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }, exit('a'), { op: 'setns', task: 'init', fd: 'p', nstype: 'user' }],
  },
  {
    id: 'setns.no-cap', op: 'setns', profiles: MODERN, when: 'a namespace file of the right type, caller without CAP_SYS_ADMIN over the namespace\'s owner and in its own user ns',
    outcome: 'EPERM', cite: `${C.install}; observed 6.18 §4 ("[nobody] setns(other netfd, NET) → EPERM")`,
    witness: [open('init', '/proc/init/ns/net', 'f'), ...prober('a'), { op: 'setns', task: 'a', fd: 'f', nstype: 'net' }],
  },
  {
    id: 'setns.user-own', op: 'setns', profiles: MODERN, when: 'the user ns the caller is already in',
    outcome: 'EINVAL', cite: `${C.userInstall}: "Don't allow gaining capabilities by reentering the same user namespace."; observed 6.18 §4`,
    witness: [open('init', '/proc/init/ns/user', 'u'), { op: 'setns', task: 'init', fd: 'u', nstype: 'user' }],
  },
  {
    id: 'setns.pid-ancestor', op: 'setns', profiles: MODERN, when: 'a pid ns that is not the active pid ns or below it',
    outcome: 'EINVAL', cite: `${C.pidInstall}: "Only allow entering the current active pid namespace or a child of it."`,
    witness: [open('init', '/proc/init/ns/pid', 'f'), spawn('a', 'init', ['pid']), { op: 'setns', task: 'a', fd: 'f', nstype: 'pid' }],
  },
  {
    id: 'setns.pidfd-ok', op: 'setns', profiles: NSFS, when: 'a pidfd with several kinds: all are joined at once, or none',
    outcome: 'ok', cite: `${C.setns58}: prepare_nsset / validate_nsset / commit_nsset; observed 6.18 §4`,
    witness: [spawn('a', 'init', ['net', 'uts']), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }, { op: 'setns', task: 'init', fd: 'p', nstype: ['net', 'uts'] }],
  },
  {
    id: 'setns.ok', op: 'setns', profiles: SETNS, when: 'otherwise: the caller joins the namespace of the file (nstype 0 or its type)',
    outcome: 'ok', cite: `${C.setns30}; ${C.setns58}`,
    witness: [spawn('a', 'init', ['net']), open('init', '/proc/a/ns/net', 'f'), { op: 'setns', task: 'init', fd: 'f', nstype: 0 }],
  },

  // ------------------------------------------------------------------ exit
  actorGone('exit', exit('a')),
  {
    id: 'exit.init', op: 'exit', profiles: ALL, when: 'the task is init', outcome: 'EPERM', cite: C.convention, witness: [exit('init')],
  },
  {
    id: 'exit.ok', op: 'exit', profiles: ALL, when: 'otherwise: the task becomes a zombie; it leaves every namespace but keeps its cred (user ns) and pid (pid ns)',
    outcome: 'ok', cite: `${C.exit}; observed 6.18 §5 ("a zombie does not pin net/uts/ipc/mnt/cgroup/time")`, witness: [spawn('a'), exit('a')],
  },

  // ------------------------------------------------------------------ reap
  {
    id: 'reap.unknown', op: 'reap', profiles: ALL, when: 'the task has already been reaped', outcome: 'ECHILD', cite: `${C.release} (wait4: no such child)`,
    witness: [spawn('a'), exit('a'), reap('a'), reap('a')],
  },
  {
    id: 'reap.no-parent', op: 'reap', profiles: ALL, when: 'the task is init: no task of the trace is its parent to wait for it', outcome: 'ECHILD',
    cite: `${C.release} (wait4: no such child); observed 6.18 (the oracle's init is no child of any task it runs)`, witness: [reap('init')],
  },
  {
    id: 'reap.running', op: 'reap', profiles: ALL, when: 'the task is still running (WNOHANG)', outcome: 'EAGAIN', cite: C.convention,
    witness: [spawn('a'), reap('a')],
  },
  {
    id: 'reap.ok', op: 'reap', profiles: ALL, when: 'a zombie: it is released (its pid, cred and /proc/<pid> go)', outcome: 'ok', cite: C.release,
    witness: [spawn('a'), exit('a'), reap('a')],
  },

  // ------------------------------------------------------------------ cred
  actorGone('cred', { op: 'cred', task: 'a', uid: 1 }),
  {
    id: 'cred.no-setuid', op: 'cred', profiles: ALL, when: 'a new uid without CAP_SETUID', outcome: 'EPERM', cite: 'kernel/sys.c setresuid: !ns_capable(CAP_SETUID)',
    witness: [...prober('a'), { op: 'cred', task: 'a', uid: 2000 }],
  },
  {
    id: 'cred.child-userns', op: 'cred', profiles: MODERN, when: 'new ids in a child user ns (no uid_map: unmapped)', outcome: 'EINVAL', cite: 'kernel/sys.c setresgid/setresuid: !gid_valid/!uid_valid → EINVAL',
    witness: [spawn('a', 'init', ['user']), { op: 'cred', task: 'a', uid: 5 }],
  },
  {
    id: 'cred.capset-gain', op: 'cred', profiles: ALL, when: 'caps not in the permitted set', outcome: 'EPERM', cite: 'kernel/capability.c capset → security/commoncap.c cap_capset',
    witness: [spawn('a'), capsBut('a', 'CAP_SYS_PTRACE'), { op: 'cred', task: 'a', caps: [...CAPS] }],
  },
  {
    id: 'cred.ok', op: 'cred', profiles: ALL, when: 'otherwise: ids change (the task becomes non-dumpable, fs.suid_dumpable = 0; leaving uid 0 drops caps), then dumpable is set',
    outcome: 'ok', cite: 'kernel/sys.c setresgid/setresuid, kernel/cred.c commit_creds, prctl(PR_SET_DUMPABLE)',
    witness: [spawn('a'), user('a')],
  },

  // ------------------------------------------------------------------ open
  actorGone('open', open('a', '/tmp/x', 'f')),
  {
    id: 'open.reaped', op: 'open', profiles: ALL, when: '/proc/<task>/... of a reaped task', outcome: 'ENOENT', cite: `${C.procPid}; ${C.obs1}`,
    witness: [spawn('a'), exit('a'), reap('a'), open('init', '/proc/a/ns/net', 'f')],
  },
  {
    id: 'open.v30-ptrace', op: 'open', profiles: OLD, when: '/proc/<task>/ns/<name> (any name: the check comes before the name match) and the caller may not ptrace-read the task; no cached dentry',
    outcome: 'EPERM', cite: `${C.seedLookup}: "if (!ptrace_may_access(task, PTRACE_MODE_READ)) goto out" with error = -EPERM`,
    witness: [...prober('a'), open('a', '/proc/init/ns/net', 'f')],
  },
  {
    id: 'open.v30-cached-bypass', op: 'open', profiles: ['v3.0'], when: 'the same (here root without CAP_SYS_PTRACE, so DAC on the 0400 inode passes), but an earlier lookup left the dentry in the dcache: pid_revalidate reuses it without a ptrace check',
    outcome: 'ok', cite: `${C.revalidate}; the flaw bf056bfa8059 (v3.8) fixed ("so that we won't cache the dentries for the namespace files in a way that can bypass the ptrace_may_access checks")`,
    witness: [open('init', '/proc/init/ns/net', 'f'), close('init', 'f'), spawn('a'), capsBut('a', 'CAP_SYS_PTRACE'), open('a', '/proc/init/ns/net', 'g')],
    flaw: { spec: 'EPERM', violates: 'ptrace-gate' },
  },
  {
    id: 'open.seed-no-entries', op: 'open', profiles: ['seed'], when: '/proc/<task>/ns/<any name>: ns_entries[] is empty', outcome: 'ENOENT', cite: C.seedLookup,
    witness: [open('init', '/proc/init/ns/net', 'f')],
  },
  {
    id: 'open.unknown-entry', op: 'open', profiles: ALL, when: '/proc/<task>/ns/<name> with a name not in ns_entries[] (case-sensitive)', outcome: 'ENOENT', cite: `${C.seedLookup}; ${C.obs2}`,
    witness: [open('init', '/proc/init/ns/bogus', 'f')],
  },
  {
    id: 'open.ptrace-other-uid', op: 'open', profiles: MODERN, when: '/proc/<task>/ns/<name>, caller of another uid without CAP_SYS_PTRACE',
    outcome: 'EACCES', cite: `${C.follow38}: !ptrace_may_access → -EACCES; ${C.getLink}; ${C.obs1}`,
    witness: [...prober('a'), open('a', '/proc/init/ns/net', 'f')],
  },
  {
    id: 'open.ptrace-other-gid', op: 'open', profiles: MODERN, when: 'same uid, another gid',
    outcome: 'EACCES', cite: `kernel/ptrace.c __ptrace_may_access: gid must equal egid, sgid and gid; ${C.obs1}`,
    witness: [spawn('t'), user('t', 1000, 1001), ...prober('a'), open('a', '/proc/t/ns/net', 'f')],
  },
  {
    id: 'open.ptrace-undumpable', op: 'open', profiles: MODERN, when: 'same ids, target not dumpable',
    outcome: 'EACCES', cite: `kernel/ptrace.c __ptrace_may_access: get_dumpable(mm) != SUID_DUMP_USER; ${C.obs1}`,
    witness: [spawn('t'), user('t', 1000, 1000, false), ...prober('a'), open('a', '/proc/t/ns/net', 'f')],
  },
  {
    id: 'open.ptrace-cap-subset', op: 'open', profiles: MODERN, when: 'root without CAP_SYS_PTRACE opening a root task that has it',
    outcome: 'EACCES', cite: 'security/commoncap.c cap_ptrace_access_check: target permitted ⊄ caller\'s; observed 6.18 §6',
    witness: [spawn('a'), capsBut('a', 'CAP_SYS_PTRACE'), open('a', '/proc/init/ns/net', 'f')],
  },
  {
    id: 'open.ptrace-before-zombie', op: 'open', profiles: MODERN, when: 'a zombie the caller may not ptrace-read: the ptrace check comes first',
    outcome: 'EACCES', cite: `${C.getLink}; ${C.obs1} ("nobody → root zombie: EACCES")`,
    witness: [spawn('t'), spawn('a'), user('a'), exit('t'), open('a', '/proc/t/ns/net', 'f')],
  },
  {
    id: 'open.zombie', op: 'open', profiles: ALL.filter((p) => p !== 'seed'), when: '/proc/<zombie>/ns/<net|uts|ipc|mnt|cgroup|time|*_for_children>: the zombie left those namespaces (no cached dentry)',
    outcome: 'ENOENT', cite: `ns_ops->get returns NULL once exit_task_namespaces ran (proc_ns_instantiate / proc_ns_get_link); ${C.obs1}`,
    witness: [spawn('a'), exit('a'), open('init', '/proc/a/ns/net', 'f')],
  },
  {
    id: 'open.v30-zombie-cached', op: 'open', profiles: ['v3.0'], when: 'the same, but a dentry cached while the task ran still holds the old namespace: pid_revalidate accepts it (the pid still has its task)',
    outcome: 'ok', cite: `${C.revalidate}; proc_ns_instantiate ei->ns (seed 6b4e306aa3dc)`,
    witness: [spawn('a'), open('init', '/proc/a/ns/net', 'f'), close('init', 'f'), exit('a'), open('init', '/proc/a/ns/net', 'g')],
    flaw: { spec: 'ENOENT', violates: 'identity' },
  },
  {
    id: 'open.v30-stale-after-unshare', op: 'open', profiles: ['v3.0'], when: 'a dentry cached before the task unshared: it still names the old namespace',
    outcome: 'ok', cite: `${C.revalidate} (no check of the namespace); fixed by bf056bfa8059 ns_dentry_operations "Don't cache namespace inodes when not in use"`,
    witness: [open('init', '/proc/init/ns/net', 'f'), nsid('init', '/proc/init/ns/net', 'OLD'), close('init', 'f'), { op: 'unshare', task: 'init', newns: ['net'] }, open('init', '/proc/init/ns/net', 'g')],
    flaw: { spec: 'ok', violates: 'identity' },
  },
  {
    id: 'open.zombie-user', op: 'open', profiles: MODERN, when: '/proc/<zombie>/ns/user (and pid): the zombie keeps its cred and pid',
    outcome: 'ok', cite: `kernel/user_namespace.c userns_get: __task_cred(task)->user_ns; ${C.obs1} ("user and pid still resolve")`,
    witness: [spawn('a', 'init', ['user']), nsid('init', '/proc/a/ns/user', 'U'), exit('a'), open('init', '/proc/a/ns/user', 'f')],
    expect: { ok: true },
  },
  {
    id: 'open.nofollow', op: 'open', profiles: MODERN, when: 'O_NOFOLLOW without O_PATH on a /proc/<task>/ns/<name> magic link', outcome: 'ELOOP', cite: `fs/namei.c do_open / open(2) O_NOFOLLOW; ${C.obs2}`,
    witness: [open('init', '/proc/init/ns/net', 'f', ['O_NOFOLLOW'])],
  },
  {
    id: 'open.opath-nofollow', op: 'open', profiles: MODERN, when: 'O_PATH|O_NOFOLLOW: the link itself, no ptrace check, pins nothing', outcome: 'ok', cite: `${C.obs1} ("opens the proc symlink itself")`,
    witness: [...prober('a'), open('a', '/proc/init/ns/net', 'f', ['O_PATH', 'O_NOFOLLOW'])],
  },
  {
    id: 'open.directory-flag', op: 'open', profiles: SETNS, when: 'O_DIRECTORY on a namespace file', outcome: 'ENOTDIR', cite: `fs/namei.c do_open: O_DIRECTORY and not a directory; ${C.obs2}`,
    witness: [open('init', '/proc/init/ns/net', 'f', ['O_DIRECTORY'])],
  },
  {
    id: 'open.write-immutable', op: 'open', profiles: NSFS, when: 'O_WRONLY or O_RDWR on a namespace file, even as root', outcome: 'EPERM', cite: `fs/nsfs.c: the inode is S_IMMUTABLE; fs/namei.c inode_permission; ${C.obs2}`,
    witness: [open('init', '/proc/init/ns/net', 'f', ['O_RDWR'])],
  },
  {
    id: 'open.dir-write', op: 'open', profiles: ALL, when: '/proc/<task>/ns opened for writing', outcome: 'EISDIR', cite: `fs/namei.c may_open; ${C.obs2}`,
    witness: [open('init', '/proc/init/ns', 'd', ['O_WRONLY'])],
  },
  {
    id: 'open.dir-dac', op: 'open', profiles: ALL, when: '/proc/<task>/ns (mode 0511, owner the task\'s uid) read by another uid', outcome: 'EACCES', cite: 'fs/proc/base.c DIR("ns", S_IRUSR|S_IXUGO, ...) (seed 6b4e306aa3dc); observed 6.18 §1',
    witness: [...prober('a'), open('a', '/proc/init/ns', 'd')],
  },
  {
    id: 'open.dir-fd-stale-deny', op: 'open', profiles: ALL, when: 'a held /proc/<task>/ns directory reopened through /proc/<pid>/fd/<fd>: the owner of the last walk through /proc/<task>/ns counts (root here, though the task is now uid 1000 and dumpable)',
    outcome: 'EACCES', cite: 'fs/proc/base.c pid_revalidate → pid_update_inode on walks only; fs/proc/fd.c proc_fd_link → nd_jump_link (no d_revalidate); observed 6.18 (scenarios/kernel-ns-dir-stale-owner.json)',
    witness: [spawn('a'), open('a', '/proc/a/ns', 'd'), user('a'), open('a', '/proc/a/fd/d', 'e')],
  },
  {
    id: 'open.dir-fd-stale-grant', op: 'open', profiles: ALL, when: 'the same when the task turned non-dumpable since the last walk (owner root now, uid 1000 then): the reopen is allowed',
    outcome: 'ok fd', cite: 'fs/proc/base.c pid_revalidate → pid_update_inode on walks only; fs/proc/fd.c proc_fd_link → nd_jump_link; observed 6.18 (scenarios/kernel-ns-dir-stale-owner.json)',
    witness: [...prober('a'), spawn('b'), user('b'), open('b', '/proc/a/ns', 'd'), { op: 'cred', task: 'a', dumpable: false }, open('b', '/proc/b/fd/d', 'e')],
  },
  {
    id: 'open.fd-link-denied', op: 'open', profiles: ALL, when: '/proc/<task>/fd/<fd> of a task the caller may not inspect (0500 directory / ptrace)', outcome: 'EACCES', cite: 'fs/proc/fd.c proc_fd_permission, proc_fd_access_allowed',
    witness: [open('init', '/tmp/x', 'f'), ...prober('a'), open('a', '/proc/init/fd/f', 'g')],
  },
  {
    id: 'open.fd-link', op: 'open', profiles: SETNS, when: '/proc/<task>/fd/<fd> of a namespace fd: the same namespace again', outcome: 'ok fd', cite: `fs/proc/fd.c proc_fd_link; seed commit message ("mount --bind /proc/self/fd/<N>"); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), open('init', '/proc/init/fd/f', 'g')],
  },
  {
    id: 'open.bind-mount', op: 'open', profiles: SETNS, when: '@m with a namespace file bind-mounted on it: that namespace', outcome: 'ok fd', cite: `${C.loopback}; ${C.obs5}`,
    witness: [{ op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m' }, open('init', '@m', 'f')],
  },
  {
    id: 'open.ok', op: 'open', profiles: SETNS, when: 'otherwise: /proc/<task>/ns/<name> gives an fd on the task\'s current namespace of that type', outcome: 'ok fd',
    cite: `fs/proc/namespaces.c proc_ns_instantiate (v3.0) / proc_ns_follow_link (v3.8) / proc_ns_get_link + fs/nsfs.c ns_get_path (v6.18)`,
    witness: [spawn('a', 'init', ['net']), open('init', '/proc/a/ns/net', 'f')],
  },

  // ------------------------------------------------------------------ close / dup
  actorGone('close', close('a', 'f')),
  {
    id: 'close.ebadf', op: 'close', profiles: ALL, when: 'the fd is not open', outcome: 'EBADF', cite: 'fs/file.c close_fd',
    witness: [...closedFd('init', 'f'), close('init', 'f')],
  },
  {
    id: 'close.ok', op: 'close', profiles: ALL, when: 'otherwise: the fd goes; the file (and what it pins) goes with its last reference', outcome: 'ok', cite: 'fs/file.c close_fd → fs/file_table.c fput',
    witness: [open('init', '/tmp/x', 'f'), close('init', 'f')],
  },
  actorGone('dup', { op: 'dup', task: 'a', fd: 'f', as: 'g' }),
  {
    id: 'dup.ebadf', op: 'dup', profiles: ALL, when: 'the fd is not open', outcome: 'EBADF', cite: 'fs/file.c dup',
    witness: [...closedFd('init', 'f'), { op: 'dup', task: 'init', fd: 'f', as: 'g' }],
  },
  {
    id: 'dup.ok', op: 'dup', profiles: ALL, when: 'otherwise: a second fd on the same file (it pins what the file pins, O_PATH included)', outcome: 'ok', cite: 'fs/file.c dup → get_file',
    witness: [open('init', '/tmp/x', 'f'), { op: 'dup', task: 'init', fd: 'f', as: 'g' }],
  },

  // ------------------------------------------------------------------ pidfd
  actorGone('pidfd', { op: 'pidfd', task: 'a', target: 'init', fd: 'p' }),
  {
    id: 'pidfd.none', op: 'pidfd', profiles: ['seed', 'v3.0', 'v3.8'], when: 'always: pidfd_open arrived in 5.3', outcome: 'ENOSYS', cite: 'kernel/pid.c pidfd_open (v5.3)',
    witness: [spawn('a'), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }],
  },
  {
    id: 'pidfd.reaped', op: 'pidfd', profiles: NSFS, when: 'the target has been reaped', outcome: 'ESRCH', cite: 'kernel/pid.c pidfd_open: find_get_pid == NULL',
    witness: [spawn('a'), exit('a'), reap('a'), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }],
  },
  {
    id: 'pidfd.ok', op: 'pidfd', profiles: NSFS, when: 'otherwise (a zombie too): an fd that holds the struct pid', outcome: 'ok', cite: 'kernel/pid.c pidfd_open',
    witness: [spawn('a'), exit('a'), { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }],
  },

  // ------------------------------------------------------------------ readdir
  actorGone('readdir', { op: 'readdir', task: 'a', path: '/proc/init/ns' }),
  {
    id: 'readdir.reaped', op: 'readdir', profiles: ALL, when: 'the task has been reaped', outcome: 'ENOENT', cite: `${C.procPid}; ${C.obs1}`,
    witness: [spawn('a'), exit('a'), reap('a'), { op: 'readdir', task: 'init', path: '/proc/a/ns' }],
  },
  {
    id: 'readdir.not-dir', op: 'readdir', profiles: SETNS, when: 'the path is a namespace file', outcome: 'ENOTDIR', cite: 'fs/namei.c open(O_DIRECTORY)',
    witness: [{ op: 'readdir', task: 'init', path: '/proc/init/ns/net' }],
  },
  {
    id: 'readdir.dac', op: 'readdir', profiles: ALL, when: 'another uid (the 0511 directory is readable by its owner only)', outcome: 'EACCES', cite: 'fs/proc/base.c DIR("ns", S_IRUSR|S_IXUGO, ...) (seed 6b4e306aa3dc); observed 6.18 §1',
    witness: [...prober('a'), { op: 'readdir', task: 'a', path: '/proc/init/ns' }],
  },
  {
    id: 'readdir.dir-fd-stale-owner', op: 'readdir', profiles: ALL, when: 'through /proc/<pid>/fd/<fd> of a held /proc/<task>/ns directory: the owner of the last walk through /proc/<task>/ns counts (root here, though the task is now uid 1000 and dumpable), as for open (open.dir-fd-stale-deny)',
    outcome: 'EACCES', cite: 'fs/proc/base.c pid_revalidate → pid_update_inode on walks only; fs/proc/fd.c proc_fd_link → nd_jump_link (observed 6.18: a walk in between, e.g. a readlink of /proc/<task>/ns/uts, turns it into ok)',
    witness: [spawn('a'), open('a', '/proc/a/ns', 'd'), user('a'), { op: 'readdir', task: 'a', path: '/proc/a/fd/d' }],
  },
  {
    id: 'readdir.held-dir-reaped', op: 'readdir', profiles: ALL, when: 'through /proc/<pid>/fd/<fd> of a /proc/<task>/ns directory held since before its task was reaped (the open still works; the listing does not)',
    outcome: 'ENOENT', cite: 'fs/proc/namespaces.c proc_ns_dir_readdir: get_proc_task() is NULL → -ENOENT, before the ptrace check (seed 6b4e306aa3dc; v6.18)',
    witness: [spawn('a'), open('init', '/proc/a/ns', 'd'), exit('a'), reap('a'), { op: 'readdir', task: 'init', path: '/proc/init/fd/d' }],
  },
  {
    id: 'readdir.v30-ptrace', op: 'readdir', profiles: OLD, when: 'DAC allows it (same uid) but ptrace does not (root without CAP_SYS_PTRACE, target has it)', outcome: 'EPERM',
    cite: `${C.seedReaddir}: "ret = -EPERM; if (!ptrace_may_access(task, PTRACE_MODE_READ)) goto out"`,
    witness: [spawn('a'), capsBut('a', 'CAP_SYS_PTRACE'), { op: 'readdir', task: 'a', path: '/proc/init/ns' }],
  },
  {
    id: 'readdir.no-ptrace-check', op: 'readdir', profiles: MODERN, when: 'the same on v3.8+: readdir no longer checks ptrace (the links check it on use)', outcome: 'ok names',
    cite: 'fs/proc/namespaces.c proc_ns_dir_readdir (v3.8 bf056bfa8059)',
    witness: [spawn('a'), capsBut('a', 'CAP_SYS_PTRACE'), { op: 'readdir', task: 'a', path: '/proc/init/ns' }],
  },
  {
    id: 'readdir.seed', op: 'readdir', profiles: ['seed'], when: 'otherwise: only . and .. (ns_entries[] is empty)', outcome: 'ok names', cite: C.seedReaddir,
    witness: [{ op: 'readdir', task: 'init', path: '/proc/init/ns' }], expect: { names: [] },
  },
  {
    id: 'readdir.v30', op: 'readdir', profiles: ['v3.0'], when: 'otherwise: ns_entries[] in order', outcome: 'ok names', cite: 'fs/proc/namespaces.c ns_entries[] (v3.0: netns_operations, utsns_operations, ipcns_operations)',
    witness: [{ op: 'readdir', task: 'init', path: '/proc/init/ns' }], expect: { names: ['net', 'uts', 'ipc'] },
  },
  {
    id: 'readdir.v38', op: 'readdir', profiles: ['v3.8'], when: 'otherwise: ns_entries[] in order', outcome: 'ok names', cite: 'fs/proc/namespaces.c ns_entries[] (v3.8: + pidns, userns, mntns)',
    witness: [{ op: 'readdir', task: 'init', path: '/proc/init/ns' }], expect: { names: ['net', 'uts', 'ipc', 'pid', 'user', 'mnt'] },
  },
  {
    id: 'readdir.v618', op: 'readdir', profiles: NSFS, when: 'otherwise, a zombie too: ns_entries[] in getdents order', outcome: 'ok names', cite: `fs/proc/namespaces.c ns_entries[] (v6.18); ${C.obs2}`,
    witness: [spawn('a'), exit('a'), { op: 'readdir', task: 'init', path: '/proc/a/ns' }],
    expect: { names: ['net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children'] },
  },

  // ------------------------------------------------------------------ readlink
  actorGone('readlink', { op: 'readlink', task: 'a', path: '/proc/init/ns/net' }),
  {
    id: 'readlink.reaped', op: 'readlink', profiles: ALL, when: 'the task has been reaped', outcome: 'ENOENT', cite: `${C.procPid}; ${C.obs1}`,
    witness: [spawn('a'), exit('a'), reap('a'), { op: 'readlink', task: 'init', path: '/proc/a/ns/net' }],
  },
  {
    id: 'readlink.v30-ptrace', op: 'readlink', profiles: OLD, when: 'the lookup is denied by ptrace (no cached dentry)', outcome: 'EPERM', cite: C.seedLookup,
    witness: [...prober('a'), { op: 'readlink', task: 'a', path: '/proc/init/ns/net' }],
  },
  {
    id: 'readlink.v30-regular', op: 'readlink', profiles: ['v3.0'], when: 'otherwise: the ns files are regular files, not links ("visible as hard links" until 3.7)', outcome: 'EINVAL',
    cite: 'fs/stat.c readlinkat: no ->readlink → EINVAL; namespaces(7) ("In Linux 3.7 and earlier, these files were visible as hard links")',
    witness: [{ op: 'readlink', task: 'init', path: '/proc/init/ns/net' }],
  },
  {
    id: 'readlink.ptrace', op: 'readlink', profiles: MODERN, when: 'the caller may not ptrace-read the task', outcome: 'EACCES', cite: `${C.readlink38}; ${C.obs1}`,
    witness: [...prober('a'), { op: 'readlink', task: 'a', path: '/proc/init/ns/net' }],
  },
  {
    id: 'readlink.zombie', op: 'readlink', profiles: MODERN, when: 'a zombie\'s net/uts/ipc/mnt/... link', outcome: 'ENOENT', cite: `${C.readlink38}: ns_ops->get NULL; ${C.obs1}`,
    witness: [spawn('a'), exit('a'), { op: 'readlink', task: 'init', path: '/proc/a/ns/net' }],
  },
  {
    id: 'readlink.not-link', op: 'readlink', profiles: SETNS, when: 'a path that is not a symlink (a bind-mounted namespace file, the ns directory)', outcome: 'EINVAL', cite: `fs/stat.c readlinkat; ${C.obs5} ("readlink(bind-mounted file) → EINVAL")`,
    witness: [{ op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m' }, { op: 'readlink', task: 'init', path: '@m' }],
  },
  {
    id: 'readlink.fd-link', op: 'readlink', profiles: MODERN, when: '/proc/<task>/fd/<fd> of a namespace fd: the ns dentry\'s name "type:[inum]"', outcome: 'ok ns',
    cite: 'fs/proc/base.c proc_pid_readlink → d_path → ns_dentry_operations .d_dname (v3.8 bf056bfa8059; nsfs ns_dname v3.19); observed 6.18 §3',
    witness: [nsid('init', '/proc/init/ns/net', 'N'), open('init', '/proc/init/ns/net', 'f'), { op: 'readlink', task: 'init', path: '/proc/init/fd/f' }], expect: { ns: 'N' },
  },
  {
    id: 'readlink.v30-fd-link', op: 'readlink', profiles: ['v3.0'], when: '/proc/<task>/fd/<fd> of a namespace fd: the link text is the proc path "/proc/<pid>/ns/<x>", which names no namespace',
    outcome: 'ok (no ns)', cite: 'fs/proc/base.c proc_pid_readlink → d_path of the proc dentry (v3.0; no d_dname before bf056bfa8059)',
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'readlink', task: 'init', path: '/proc/init/fd/f' }],
  },
  {
    id: 'readlink.ok', op: 'readlink', profiles: MODERN, when: 'otherwise: "type:[inum]" of the task\'s current namespace', outcome: 'ok ns', cite: C.readlink38,
    witness: [nsid('init', '/proc/init/ns/net', 'N'), { op: 'readlink', task: 'init', path: '/proc/init/ns/net' }], expect: { ns: 'N' },
  },

  // ------------------------------------------------------------------ stat / nsid
  actorGone('stat', { op: 'stat', task: 'a', path: '/proc/init/ns/net' }),
  {
    id: 'stat.ebadf', op: 'stat', profiles: ALL, when: 'fstat of an fd that is not open', outcome: 'EBADF', cite: 'fs/stat.c vfs_fstat',
    witness: [...closedFd('init', 'f'), { op: 'stat', task: 'init', fd: 'f' }],
  },
  {
    id: 'stat.opath', op: 'stat', profiles: SETNS, when: 'fstat of an O_PATH fd of a namespace file (fstat accepts O_PATH)', outcome: 'ok ns', cite: 'fs/stat.c vfs_fstat (fdget_raw)',
    witness: [nsid('init', '/proc/init/ns/net', 'N'), open('init', '/proc/init/ns/net', 'p', ['O_PATH']), { op: 'stat', task: 'init', fd: 'p' }], expect: { ns: 'N' },
  },
  {
    id: 'stat.path', op: 'stat', profiles: SETNS, when: 'a path: the same walk as open (its errors: EPERM/EACCES, ENOENT)', outcome: 'ok ns', cite: `fs/stat.c vfs_statx; ${C.obs1}`,
    witness: [nsid('init', '/proc/init/ns/uts', 'N'), { op: 'stat', task: 'init', path: '/proc/init/ns/uts' }], expect: { ns: 'N' },
  },
  {
    id: 'stat.fd-link', op: 'stat', profiles: SETNS, when: '/proc/<task>/fd/<fd> of a namespace fd (the link is followed)', outcome: 'ok ns', cite: 'fs/proc/fd.c proc_fd_link; observed 6.18 §3',
    witness: [nsid('init', '/proc/init/ns/net', 'N'), open('init', '/proc/init/ns/net', 'f'), { op: 'stat', task: 'init', path: '/proc/init/fd/f' }], expect: { ns: 'N' },
  },
  {
    id: 'stat.bind-mount', op: 'stat', profiles: SETNS, when: '@m with a namespace file bind-mounted on it', outcome: 'ok ns', cite: `${C.loopback}; ${C.obs5}`,
    witness: [nsid('init', '/proc/init/ns/net', 'N'), { op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m' }, { op: 'stat', task: 'init', path: '@m' }], expect: { ns: 'N' },
  },
  actorGone('nsid', { op: 'nsid', task: 'a', path: '/proc/init/ns/net', as: 'N' }),
  {
    id: 'nsid.not-ns', op: 'nsid', profiles: ALL, when: 'an fd or path that is not a namespace file', outcome: 'EINVAL', cite: 'oracle: name_to_handle_at on a non-nsfs file (trace convention)',
    witness: [open('init', '/tmp/x', 'f'), { op: 'nsid', task: 'init', fd: 'f', as: 'N' }],
  },
  {
    id: 'nsid.ok', op: 'nsid', profiles: SETNS, when: 'otherwise: binds the name to the namespace (NS_GET_ID / the file handle\'s ns_id on the kernel)', outcome: 'ok ns', cite: 'fs/nsfs.c nsfs_encode_fh (v6.18 5222470b2fbb); NS_GET_ID f861225b9ee9',
    witness: [nsid('init', '/proc/init/ns/net', 'N')], expect: { ns: 'N' },
  },

  // ------------------------------------------------------------------ lseek / read
  actorGone('lseek', { op: 'lseek', task: 'a', fd: 'f' }),
  {
    id: 'lseek.ebadf', op: 'lseek', profiles: ALL, when: 'the fd is not open, or is O_PATH', outcome: 'EBADF', cite: 'fs/read_write.c ksys_lseek: fdget_pos skips FMODE_PATH',
    witness: [open('init', '/proc/init/ns', 'p', ['O_PATH']), { op: 'lseek', task: 'init', fd: 'p' }],
  },
  {
    id: 'lseek.espipe', op: 'lseek', profiles: SETNS, when: 'a namespace fd', outcome: 'ESPIPE', cite: `${C.seedFops}; fs/nsfs.c ns_file_operations (v3.19 e149ed2b805f); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'lseek', task: 'init', fd: 'f' }],
  },
  {
    id: 'lseek.ok', op: 'lseek', profiles: ALL, when: 'a plain file', outcome: 'ok', cite: 'fs/read_write.c generic_file_llseek',
    witness: [open('init', '/tmp/x', 'f'), { op: 'lseek', task: 'init', fd: 'f' }],
  },
  actorGone('read', { op: 'read', task: 'a', fd: 'f' }),
  {
    id: 'read.ebadf', op: 'read', profiles: ALL, when: 'the fd is not open, is O_PATH, or is not open for reading', outcome: 'EBADF', cite: 'fs/read_write.c vfs_read: !(f_mode & FMODE_READ)',
    witness: [open('init', '/tmp/x', 'f', ['O_WRONLY']), { op: 'read', task: 'init', fd: 'f' }],
  },
  {
    id: 'read.einval', op: 'read', profiles: SETNS, when: 'a namespace fd (no ->read)', outcome: 'EINVAL', cite: `fs/read_write.c vfs_read: no ->read/->read_iter → EINVAL; LTP proc01; ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'read', task: 'init', fd: 'f' }],
  },
  {
    id: 'read.eisdir', op: 'read', profiles: ALL, when: 'the /proc/<task>/ns directory fd', outcome: 'EISDIR', cite: 'fs/libfs.c generic_read_dir',
    witness: [open('init', '/proc/init/ns', 'd'), { op: 'read', task: 'init', fd: 'd' }],
  },
  {
    id: 'read.ok', op: 'read', profiles: ALL, when: 'a plain file', outcome: 'ok', cite: 'fs/read_write.c vfs_read',
    witness: [open('init', '/tmp/x', 'f'), { op: 'read', task: 'init', fd: 'f' }],
  },

  // ------------------------------------------------------------------ ioctl
  actorGone('ioctl', { op: 'ioctl', task: 'a', fd: 'f', request: 'NS_GET_NSTYPE' }),
  {
    id: 'ioctl.ebadf-opath', op: 'ioctl', profiles: ALL, when: 'the fd is not open, or is O_PATH', outcome: 'EBADF', cite: `fs/ioctl.c ioctl: fdget skips FMODE_PATH; ${C.obs3}`,
    witness: [open('init', '/proc/init/ns', 'p', ['O_PATH']), { op: 'ioctl', task: 'init', fd: 'p', request: 'NS_GET_NSTYPE' }],
  },
  {
    id: 'ioctl.none', op: 'ioctl', profiles: ['v3.0', 'v3.8'], when: 'any request on a namespace fd: no ->unlocked_ioctl before 4.9', outcome: 'ENOTTY', cite: 'fs/ioctl.c vfs_ioctl: no ->unlocked_ioctl → ENOTTY (NS_GET_USERNS 6786741dbf99, v4.9)',
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_NSTYPE' }],
  },
  {
    id: 'ioctl.not-ns', op: 'ioctl', profiles: NSFS, when: 'an NS_* request on a file that is not a namespace file', outcome: 'ENOTTY', cite: `fs/ioctl.c vfs_ioctl; ${C.obs3}`,
    witness: [open('init', '/tmp/x', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_NSTYPE' }],
  },
  {
    id: 'ioctl.nstype', op: 'ioctl', profiles: NSFS, when: 'NS_GET_NSTYPE', outcome: 'ok value (CLONE_NEW* of the type)', cite: `${C.nsfsIoctl} (v4.11 e5ff5ce6e20e); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_NSTYPE' }], expect: { value: 0x40000000 },
  },
  {
    id: 'ioctl.userns-out-of-scope', op: 'ioctl', profiles: NSFS, when: 'NS_GET_USERNS / NS_GET_PARENT of a user ns whose owner is outside the caller\'s user ns (the initial one)', outcome: 'EPERM',
    cite: `${C.nsfsIoctl} → kernel/user_namespace.c ns_get_owner (v4.9 6786741dbf99); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/user', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_USERNS', as: 'g' }],
  },
  {
    id: 'ioctl.userns', op: 'ioctl', profiles: NSFS, when: 'NS_GET_USERNS of a namespace owned within the caller\'s user ns', outcome: 'ok ns (a new fd on the owner)',
    cite: `${C.nsfsIoctl} → open_related_ns (v4.9 6786741dbf99); ${C.obs3}`,
    witness: [nsid('init', '/proc/init/ns/user', 'U'), open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_USERNS', as: 'g' }],
  },
  {
    id: 'ioctl.parent-flat', op: 'ioctl', profiles: NSFS, when: 'NS_GET_PARENT of a non-hierarchical namespace (net, uts, ipc, mnt, cgroup, time)', outcome: 'EINVAL', cite: `${C.nsfsIoctl}: ns->ops->get_parent == NULL (v4.9 a7306ed8d94a); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_PARENT', as: 'g' }],
  },
  {
    id: 'ioctl.parent-top', op: 'ioctl', profiles: NSFS, when: 'NS_GET_PARENT of a pid ns with no parent visible to the caller (the initial one)', outcome: 'EPERM', cite: `kernel/pid_namespace.c pidns_get_parent; ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/pid', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_PARENT', as: 'g' }],
  },
  {
    id: 'ioctl.parent', op: 'ioctl', profiles: NSFS, when: 'NS_GET_PARENT of a child pid ns', outcome: 'ok ns (a new fd on the parent)', cite: 'kernel/pid_namespace.c pidns_get_parent (v4.9 a7306ed8d94a)',
    witness: [spawn('a', 'init', ['pid']), open('init', '/proc/a/ns/pid', 'f'), nsid('init', '/proc/init/ns/pid', 'P'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_PARENT', as: 'g' }],
  },
  {
    id: 'ioctl.owner-uid-not-user', op: 'ioctl', profiles: NSFS, when: 'NS_GET_OWNER_UID of a namespace that is not a user ns', outcome: 'EINVAL', cite: `${C.nsfsIoctl} (v4.11 015bb305b8eb); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_OWNER_UID' }],
  },
  {
    id: 'ioctl.owner-uid', op: 'ioctl', profiles: NSFS, when: 'NS_GET_OWNER_UID of a user ns: its creator\'s euid as the caller sees it', outcome: 'ok value', cite: `${C.nsfsIoctl}: from_kuid_munged (v4.11 015bb305b8eb)`,
    witness: [spawn('a', 'init', ['user']), open('init', '/proc/a/ns/user', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_OWNER_UID' }], expect: { value: 0 },
  },
  {
    id: 'ioctl.id', op: 'ioctl', profiles: NSFS, when: 'NS_GET_ID: the namespace id (unique, never reused)', outcome: 'ok ns', cite: `${C.nsfsIoctl} (v6.18 f861225b9ee9); ${C.obs3}`,
    witness: [nsid('init', '/proc/init/ns/net', 'N'), open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_ID' }], expect: { ns: 'N' },
  },
  {
    id: 'ioctl.unknown', op: 'ioctl', profiles: NSFS, when: 'any other request on a namespace fd', outcome: 'ENOTTY', cite: `${C.nsfsIoctl}: -ENOIOCTLCMD ("nsfs: validate ioctls" 7fd511f8c911); ${C.obs3}`,
    witness: [open('init', '/proc/init/ns/net', 'f'), { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_BOGUS' }],
  },

  // ------------------------------------------------------------------ bind / umount
  actorGone('bind', { op: 'bind', task: 'a', source: '/proc/init/ns/net', target: '@m' }),
  {
    id: 'bind.no-cap', op: 'bind', profiles: ALL, when: 'no CAP_SYS_ADMIN over the caller\'s mount ns', outcome: 'EPERM', cite: 'fs/namespace.c may_mount',
    witness: [...prober('a'), { op: 'bind', task: 'a', source: '/tmp/x', target: '@m' }],
  },
  {
    id: 'bind.source-walk', op: 'bind', profiles: ALL, when: 'the source walk fails: its error (here a reaped task)', outcome: 'ENOENT', cite: 'fs/namespace.c do_loopback → kern_path',
    witness: [spawn('a'), exit('a'), reap('a'), { op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m' }],
  },
  {
    id: 'bind.dir', op: 'bind', profiles: ALL, when: 'the source is a directory (/proc/<task>/ns) and the target a file', outcome: 'ENOTDIR', cite: `fs/namespace.c do_loopback / graft_tree; ${C.obs5}`,
    witness: [{ op: 'bind', task: 'init', source: '/proc/init/ns', target: '@m' }],
  },
  {
    id: 'bind.pidfd', op: 'bind', profiles: NSFS, when: 'the source is a pidfd (/proc/<task>/fd/<pidfd>, a pidfs file)', outcome: 'EINVAL', cite: 'fs/namespace.c do_loopback (observed 6.18: EINVAL; an O_PATH|O_NOFOLLOW ns link, by contrast, is bound: bind.link)',
    witness: [{ op: 'pidfd', task: 'init', target: 'init', fd: 'p' }, { op: 'bind', task: 'init', source: '/proc/init/fd/p', target: '@m' }],
  },
  {
    id: 'bind.link', op: 'bind', profiles: NSFS, when: 'the source is an O_PATH|O_NOFOLLOW fd of /proc/<task>/ns/<x>: a link mount, whose root is that magic link; every walk through it follows the link again (its task\'s current ns, ptrace-checked: EACCES; ENOENT for a zombie\'s gone ns, EACCES once reaped) and umount ends on the ns file (EINVAL); for a /proc/<task>/fd link see bind.fd-link', outcome: 'ok', cite: 'fs/namespace.c do_loopback; fs/proc/namespaces.c proc_ns_get_link (observed 6.18: scenarios/kernel-bind-ns-link.json)',
    witness: [spawn('a', 'init', ['net']), open('init', '/proc/a/ns/net', 'l', ['O_PATH', 'O_NOFOLLOW']), { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }],
  },
  {
    id: 'bind.link-reaped', op: 'bind', profiles: NSFS, when: 'the same O_PATH|O_NOFOLLOW ns link fd once its task has been reaped (a zombie\'s link is still mounted): its /proc dentry is unhashed, and the new mount\'s root cannot be a mountpoint',
    outcome: 'ENOENT', cite: 'fs/namespace.c attach_recursive_mnt: get_mountpoint(source root) → d_set_mounted, -ENOENT when d_unlinked (4.11 1064f874abc0); kernel/exit.c release_task → proc_flush_pid (observed 6.18: scenarios/kernel-bind-link-reaped.json)',
    witness: [spawn('a'), open('init', '/proc/a/ns/uts', 'l', ['O_PATH', 'O_NOFOLLOW']), exit('a'), reap('a'), { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }],
  },
  {
    id: 'bind.fd-link', op: 'bind', profiles: NSFS, when: 'the source is an O_PATH|O_NOFOLLOW fd of a /proc/<task>/fd/<n> link: the mount\'s root is that magic link, and a walk through it follows /proc/<task>/fd/<n> (here readlink of @m gives "net:[...]" and stat the namespace)',
    outcome: 'ok', cite: 'fs/namespace.c do_loopback; fs/proc/fd.c proc_fd_link (observed 6.18; oracle/README.md "Out of scope")',
    witness: [open('init', '/proc/init/ns/net', 'f'), open('init', '/proc/init/fd/f', 'l', ['O_PATH', 'O_NOFOLLOW']), { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }],
    pending: 'the model\'s link mounts are of /proc/<task>/ns/<x> links only: it answers EINVAL. The fd link names an fd number, which the model\'s fd names do not fix; conform leaves these binds out',
    modelSays: 'EINVAL',
  },
  {
    id: 'bind.onto-link', op: 'bind', profiles: NSFS, when: 'the target\'s top mount is a link mount whose link follows: the target lands on an nsfs file on no mount of the namespace (after the source walk and mnt_ns_loop; the target walk\'s own errors come first, before EPERM)', outcome: 'ENOENT', cite: 'fs/namespace.c do_lock_mount "!is_mounted(path->mnt)" (observed 6.18)',
    witness: [open('init', '/proc/init/ns/net', 'l', ['O_PATH', 'O_NOFOLLOW']), { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }, { op: 'bind', task: 'init', source: '/tmp/x', target: '@m' }],
  },
  {
    id: 'bind.mnt-loop', op: 'bind', profiles: MODERN, when: 'the mnt ns file of the caller\'s own mount ns (v3.8: or of an older one, by creation sequence; v6.18: see bind.mnt-loop-id)', outcome: 'EINVAL', cite: `fs/namespace.c mnt_ns_loop (3.9, in 3.8.y stable); ${C.obs5}`,
    witness: [{ op: 'bind', task: 'init', source: '/proc/init/ns/mnt', target: '@m' }],
  },
  {
    id: 'bind.mnt-loop-id', op: 'bind', profiles: NSFS, when: 'the mnt ns file of another mount ns whose id is not above the caller\'s: 6.18 compares the ids the namespace tree hands out, which come from per-CPU batches (observed 29, 30, 31, 4119, 32, ...), so whether an older namespace\'s file is refused depends on the CPUs that created the two',
    outcome: 'EINVAL', cite: 'fs/namespace.c mnt_ns_loop (6.18: ns ids, not the old creation sequence); observed 6.18: this witness gave EINVAL in 7 of 8 runs and ok in 1 (oracle/README.md "Out of scope")',
    witness: [spawn('a', 'init', ['mnt']), spawn('b', 'init', ['mnt']), { op: 'bind', task: 'b', source: '/proc/a/ns/mnt', target: '@m' }],
    pending: 'the model compares creation order (an own or older mount ns: EINVAL), which the ids follow only within one CPU\'s batch; conform leaves binds of another mount ns\'s file out',
    modelSays: 'EINVAL',
  },
  {
    id: 'bind.ok', op: 'bind', profiles: SETNS, when: 'otherwise: the mount holds the namespace file, so the namespace lives while it is mounted', outcome: 'ok', cite: `${C.loopback}; ${C.obs5}`,
    witness: [spawn('a', 'init', ['net']), { op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m' }],
  },
  actorGone('umount', { op: 'umount', task: 'a', target: '@m' }),
  {
    id: 'umount.no-cap', op: 'umount', profiles: ALL, when: 'no CAP_SYS_ADMIN over the caller\'s mount ns', outcome: 'EPERM', cite: 'fs/namespace.c may_mount',
    witness: [{ op: 'bind', task: 'init', source: '/tmp/x', target: '@m' }, ...prober('a'), { op: 'umount', task: 'a', target: '@m' }],
  },
  {
    id: 'umount.nothing', op: 'umount', profiles: ALL, when: 'nothing is mounted on the target in the caller\'s mount ns', outcome: 'EINVAL', cite: C.umount,
    witness: [{ op: 'umount', task: 'init', target: '@m' }],
  },
  {
    id: 'umount.link', op: 'umount', profiles: NSFS, when: 'the top mount is a link mount: the walk follows its link (its errors, before EPERM) and ends on an nsfs file, no mount point', outcome: 'EINVAL', cite: 'fs/namespace.c ksys_umount (LOOKUP_FOLLOW) / can_umount path_mounted (observed 6.18)',
    witness: [open('init', '/proc/init/ns/uts', 'l', ['O_PATH', 'O_NOFOLLOW']), { op: 'bind', task: 'init', source: '/proc/init/fd/l', target: '@m' }, { op: 'umount', task: 'init', target: '@m' }],
  },
  {
    id: 'umount.busy', op: 'umount', profiles: SETNS, when: 'a file opened through the mount (O_PATH too) is still open', outcome: 'EBUSY', cite: C.umount,
    witness: [{ op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '@m' }, open('init', '@m', 'f', ['O_PATH']), { op: 'umount', task: 'init', target: '@m' }],
  },
  {
    id: 'umount.ok', op: 'umount', profiles: ALL, when: 'otherwise: the top mount goes, and with it its pin', outcome: 'ok', cite: C.umount,
    witness: [{ op: 'bind', task: 'init', source: '/tmp/x', target: '@m' }, { op: 'umount', task: 'init', target: '@m' }],
  },

  // ------------------------------------------------------------------ alive / shrink
  {
    id: 'alive.pinned', op: 'alive', profiles: SETNS, when: 'something pins the namespace: a task in it, an open fd (O_PATH, dup\'ed), a bind mount, an owned namespace', outcome: 'ok true',
    cite: `seed 6b4e306aa3dc commit message ("keep the specified namespace alive ... by either holding the file descriptor open or bind mounting"); ${C.obs5}`,
    witness: [spawn('a', 'init', ['net']), open('init', '/proc/a/ns/net', 'f', ['O_PATH']), nsid('init', '/proc/a/ns/net', 'N'), exit('a'), reap('a'), { op: 'alive', ns: 'N' }],
    expect: true,
  },
  {
    id: 'alive.unpinned', op: 'alive', profiles: SETNS, when: 'nothing pins it any more (the last task exited, no fd, no mount)', outcome: 'ok false', cite: `${C.obs5} (open_by_handle_at → ESTALE at once)`,
    witness: [spawn('a', 'init', ['net']), nsid('init', '/proc/a/ns/net', 'N'), exit('a'), reap('a'), { op: 'alive', ns: 'N' }],
    expect: false,
  },
  {
    id: 'alive.v30-dcache', op: 'alive', profiles: ['v3.0'], when: 'only an unused cached proc dentry holds it (the task unshared away): allocated until shrink',
    outcome: 'ok true', cite: `fs/proc/inode.c proc_evict_inode "Release any associated namespace" (seed 6b4e306aa3dc): the ns goes with the inode`,
    witness: [spawn('a', 'init', ['net']), nsid('init', '/proc/a/ns/net', 'N'), { op: 'unshare', task: 'a', newns: ['net'] }, { op: 'alive', ns: 'N' }],
    expect: true, specSays: false,
  },
  {
    id: 'shrink.ok', op: 'shrink', profiles: ALL, when: 'always: unused dentries and inodes are evicted (v3.0: the namespaces they held are put)', outcome: 'ok', cite: 'fs/dcache.c shrink_dcache_sb (echo 2 > /proc/sys/vm/drop_caches)',
    witness: [{ op: 'shrink' }],
  },
];

/** The rules of one op that hold on `profile`, in check order. */
export function rulesFor(op: OpName, profile: ProfileName): Rule[] {
  return RULES.filter((r) => r.op === op && r.profiles.includes(profile));
}

/** The `expect` a rule's last step must meet: its errno, or `expect`, or plain success. */
export function ruleExpect(r: Rule): Expect {
  if (/^E[A-Z]+$/.test(r.outcome)) return r.outcome as Errno;
  return r.expect ?? 'ok';
}
