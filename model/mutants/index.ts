// The catalog of seeded bugs. Each mutant is a named switch read by model/kernel at the line
// of kernel code the bug lives in (model/kernel/mutant-hooks.ts): no copies of the model.
// `procns mutants` runs every entry through random checking and exhaustive search; see
// model/mutants/README.md for how "caught" is decided and for the entries that the model
// cannot express.
import { setMutants } from '../kernel/mutant-hooks.ts';

/** The kind of kernel mistake a mutant seeds. */
export type MutantCategory = 'history' | 'refcount' | 'access' | 'type' | 'lifetime';

/**
 * Bounds a mutant is searched with (both engines use the same, so that the random engine's
 * shrunk length and the exhaustive engine's shortest length are comparable). The field names
 * are those of properties/alphabet.ts Bounds; kept structural so that model/ does not import
 * properties/.
 */
export interface MutantBounds {
  maxTasks?: number;
  maxFds?: number;
  maxNsNames?: number;
  mounts?: readonly string[];
  entries?: readonly string[];
  ops?: readonly string[];
  flagSets?: readonly (readonly string[])[];
  creds?: readonly Record<string, unknown>[];
}

export interface Mutant {
  name: string;
  /** The kernel function the bug lives in (and the model file that mirrors it). */
  fn: string;
  file: string;
  category: MutantCategory;
  description: string;
  /** Commit or CVE when the bug is real history, else '' (a plausible kernel mistake). */
  history: string;
  /** The profile the mutant is shown on. */
  profile: string;
  /**
   * The switches turned on (default: [name]). An empty list makes the row a profile
   * difference: the faithful profile itself is the "mutant" (v3.0's cached-dentry bypass).
   */
  switches?: readonly string[];
  /** The property expected to kill it (documentation; the campaign accepts any new violation). */
  property: string;
  /** When set, the campaign keeps searching until a violation of this key is found. */
  target?: string;
  /** Search bounds for both engines. */
  bounds: MutantBounds;
}

const FILE_OPS = ['spawn', 'exit', 'reap', 'open', 'close', 'dup'];
const ACCESS_OPS = ['spawn', 'cred', 'open', 'readlink', 'stat'];
const PROC_DIR_OPS = ['spawn', 'cred', 'open', 'readdir', 'stat'];
const SETNS_OPS = ['spawn', 'unshare', 'open', 'pidfd', 'setns', 'close'];
const SETNS_CRED_OPS = ['spawn', 'cred', 'open', 'pidfd', 'setns'];
const MOUNT_OPS = ['spawn', 'open', 'close', 'bind', 'umount', 'unshare'];
const FEW_ENTRIES = ['net', 'user', 'bogus'];
const FLAGS = [[], ['O_PATH'], ['O_RDWR']];
const CREDS = [{ uid: 1000 }, { caps: [] }, { dumpable: false }];
/** Every field set, so that both engines search the same alphabet (explore has its own defaults). */
const small = { maxTasks: 2, maxFds: 3, maxNsNames: 2, mounts: ['@m1'], flagSets: [[], ['O_PATH']], creds: CREDS } as const;

export const MUTANTS: readonly Mutant[] = [
  // ---- history ----
  { name: 'v3.0-dcache-bypass', category: 'history', profile: 'v3.0', switches: [],
    fn: 'proc_ns_dir_lookup / pid_revalidate', file: 'model/kernel/proc-namespaces.ts',
    history: 'v3.0 design, fixed by bf056bfa (3.8)',
    description: 'profile difference: the faithful v3.0 caches /proc/<pid>/ns/<x> dentries; pid_revalidate reuses them without the ptrace check that only lookup/readdir make',
    property: 'ptrace-gate', target: 'ptrace-gate',
    bounds: { ...small, entries: ['net'], ops: ['spawn', 'cred', 'open', 'stat'], flagSets: [[]], creds: [{ uid: 1000 }] } },
  { name: 'setns-ebadf-for-other', category: 'history', profile: 'v6.18',
    fn: 'setns', file: 'model/kernel/nsproxy.ts', history: '303cc571d107 (5.8-rc; EINVAL restored before release, found by LTP setns01)',
    description: 'setns on an fd that is neither a namespace file nor a pidfd gives EBADF instead of EINVAL',
    property: 'ns-fd-only', bounds: { ...small, ops: ['open', 'pidfd', 'setns', 'close', 'spawn'] } },
  { name: 'time4c-name', category: 'history', profile: 'v6.18',
    fn: 'proc_ns_readlink (timens_for_children_operations.real_ns_name)', file: 'model/kernel/proc-namespaces.ts',
    history: 'b801f1e22c23 (5.7 stable)',
    description: 'time_for_children links read "time_for_children:[...]" instead of "time:[...]"',
    property: 'refinement', bounds: { ...small, entries: ['time_for_children', 'net'], ops: ['spawn', 'readlink', 'open'] } },
  { name: 'mnt-ns-loop', category: 'history', profile: 'v6.18',
    fn: 'do_loopback (mnt_ns_loop)', file: 'model/kernel/namespace.ts',
    history: 'mnt_ns_loop / CL_COPY_MNT_NS_FILE (3.9 cycle, in 3.8.y stable)',
    description: 'binding a mount namespace file of the own (or an older) mount namespace is allowed: a reference cycle that leaks the namespace',
    property: 'refinement', bounds: { ...small, entries: ['mnt', 'net'], ops: MOUNT_OPS } },
  { name: 'loopback-any-mnt', category: 'access', profile: 'v6.18',
    fn: 'do_loopback (__do_loopback, may_copy_tree)', file: 'model/kernel/namespace.ts', history: '',
    description: 'bind takes a source on a mount of another mount namespace (a file opened there, reached through /proc/<pid>/fd): the check_mnt test is missing',
    property: 'refinement', bounds: { ...small, entries: ['net'], ops: ['spawn', 'open', 'bind'], flagSets: [[], ['O_PATH', 'O_NOFOLLOW']] } },
  // ---- refcounts ----
  { name: 'evict-no-put', category: 'refcount', profile: 'v6.18',
    fn: 'nsfs_evict / proc_evict_inode', file: 'model/kernel/refs.ts', history: '',
    description: 'evicting the namespace inode forgets ns_ops->put',
    property: 'refcount-exact', bounds: { ...small, entries: FEW_ENTRIES, ops: FILE_OPS } },
  { name: 'readlink-double-put', category: 'refcount', profile: 'v6.18',
    fn: 'proc_ns_readlink (ns_get_name)', file: 'model/kernel/proc-namespaces.ts', history: '',
    description: 'readlink puts the namespace twice after formatting the link text',
    property: 'no-use-after-put', bounds: { ...small, ops: ['spawn', 'unshare', 'readlink', 'open', 'close'] } },
  { name: 'install-no-get', category: 'refcount', profile: 'v6.18',
    fn: 'netns_install (->install)', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'setns installs the namespace in the new nsproxy without taking a reference',
    property: 'refcount-exact', bounds: { ...small, ops: SETNS_OPS } },
  { name: 'exit-double-put-nsproxy', category: 'refcount', profile: 'v6.18',
    fn: 'exit_task_namespaces', file: 'model/kernel/fork.ts', history: '',
    description: 'exit puts the task\'s nsproxy twice',
    // refcount-exact first: a child shares init's nsproxy, which the kernel threads hold too, so
    // the extra put leaves it allocated with one count too few (model/kernel/state.ts KTHREAD_*)
    property: 'refcount-exact', bounds: { ...small, ops: ['spawn', 'exit', 'reap', 'open'] } },
  { name: 'switch-no-put', category: 'refcount', profile: 'v6.18',
    fn: 'switch_task_namespaces', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'switching nsproxy (unshare, setns) forgets to put the old one',
    property: 'refcount-exact', bounds: { ...small, ops: SETNS_OPS } },
  { name: 'umount-no-dput', category: 'refcount', profile: 'v6.18',
    fn: 'do_umount (umount_tree → mntput)', file: 'model/kernel/namespace.ts', history: '',
    description: 'umount detaches the mount without putting its dentry',
    property: 'refcount-exact', bounds: { ...small, entries: FEW_ENTRIES, ops: MOUNT_OPS } },
  { name: 'bind-no-ref', category: 'refcount', profile: 'v6.18',
    fn: 'do_loopback (clone_mnt)', file: 'model/kernel/namespace.ts', history: '',
    description: 'a bind mount keeps the source dentry without its own reference',
    property: 'no-use-after-put', bounds: { ...small, entries: FEW_ENTRIES, ops: MOUNT_OPS } },
  { name: 'dup-no-get-file', category: 'refcount', profile: 'v6.18',
    fn: 'dup (fd_install)', file: 'model/kernel/sim.ts', history: '',
    description: 'dup installs the file without get_file',
    property: 'refcount-exact', bounds: { ...small, entries: FEW_ENTRIES, ops: FILE_OPS } },
  { name: 'close-no-fput', category: 'refcount', profile: 'v6.18',
    fn: 'close_fd', file: 'model/kernel/sim.ts', history: '',
    description: 'close removes the fd without fput',
    property: 'refcount-exact', bounds: { ...small, entries: FEW_ENTRIES, ops: FILE_OPS } },
  { name: 'fork-no-get-file', category: 'refcount', profile: 'v6.18',
    fn: 'dup_fd (copy_files)', file: 'model/kernel/fork.ts', history: '',
    description: 'fork copies the fd table without get_file on each file',
    property: 'refcount-exact', bounds: { ...small, entries: FEW_ENTRIES, ops: FILE_OPS } },
  { name: 'exit-no-fput', category: 'refcount', profile: 'v6.18',
    fn: 'exit_files (close_files)', file: 'model/kernel/fork.ts', history: '',
    description: 'exit drops the fd table without fput on each file',
    property: 'refcount-exact', bounds: { ...small, entries: FEW_ENTRIES, ops: FILE_OPS } },
  { name: 'related-no-get', category: 'refcount', profile: 'v6.18',
    fn: 'open_related_ns (ns_get_owner)', file: 'model/kernel/nsfs.ts', history: '',
    description: 'NS_GET_USERNS / NS_GET_PARENT open the related namespace without taking a reference',
    property: 'refcount-exact', bounds: { ...small, ops: ['spawn', 'open', 'ioctl', 'close', 'alive', 'nsid'] } },
  // ---- access checks ----
  { name: 'lookup-no-ptrace', category: 'access', profile: 'seed',
    fn: 'proc_ns_dir_lookup', file: 'model/kernel/proc-namespaces.ts', history: '',
    description: 'the ptrace_may_access check in the ns directory lookup is missing (seed: ENOENT instead of EPERM)',
    property: 'refinement', bounds: { ...small, ops: PROC_DIR_OPS, creds: CREDS } },
  { name: 'readdir-no-ptrace', category: 'access', profile: 'seed',
    fn: 'proc_ns_dir_readdir', file: 'model/kernel/proc-namespaces.ts', history: '',
    description: 'the ptrace_may_access check in the ns directory readdir is missing',
    property: 'refinement', bounds: { ...small, ops: PROC_DIR_OPS, creds: CREDS } },
  { name: 'follow-no-ptrace', category: 'access', profile: 'v6.18',
    fn: 'proc_ns_get_link (proc_ns_follow_link)', file: 'model/kernel/proc-namespaces.ts', history: '',
    description: 'following /proc/<pid>/ns/<x> skips ptrace_may_access (v3.8+)',
    property: 'ptrace-gate', bounds: { ...small, entries: FEW_ENTRIES, ops: ACCESS_OPS, creds: CREDS, flagSets: [[]] } },
  { name: 'readlink-no-ptrace', category: 'access', profile: 'v6.18',
    fn: 'proc_ns_readlink', file: 'model/kernel/proc-namespaces.ts', history: '',
    description: 'readlink of /proc/<pid>/ns/<x> skips ptrace_may_access (v3.8+)',
    property: 'ptrace-gate', bounds: { ...small, entries: FEW_ENTRIES, ops: ACCESS_OPS, creds: CREDS, flagSets: [[]] } },
  { name: 'ptrace-no-dumpable', category: 'access', profile: 'v6.18',
    fn: '__ptrace_may_access', file: 'model/kernel/cred.ts', history: '',
    description: 'the dumpable check is dropped: a non-dumpable task\'s namespaces are readable by same-uid tasks',
    property: 'ptrace-gate', bounds: { ...small, entries: FEW_ENTRIES, ops: ACCESS_OPS, creds: CREDS, flagSets: [[]] } },
  { name: 'ptrace-no-cap-subset', category: 'access', profile: 'v6.18',
    fn: 'cap_ptrace_access_check', file: 'model/kernel/cred.ts', history: '',
    description: 'the capability-subset check is dropped: a task with fewer capabilities may inspect a more privileged one',
    property: 'ptrace-gate', bounds: { ...small, entries: FEW_ENTRIES, ops: ACCESS_OPS, creds: CREDS, flagSets: [[]] } },
  { name: 'install-no-cap', category: 'access', profile: 'v6.18',
    fn: 'netns_install / mntns_install / ... (->install)', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'the per-type install checks CAP_SYS_ADMIN over neither the namespace\'s owner nor the caller\'s user ns',
    property: 'refinement', bounds: { ...small, entries: FEW_ENTRIES, ops: SETNS_CRED_OPS, creds: CREDS } },
  { name: 'setns-no-cap-first', category: 'access', profile: 'v3.0',
    fn: 'setns (v3.0 capable(CAP_SYS_ADMIN))', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'v3.0 setns without its global CAP_SYS_ADMIN check (checked before the fd)',
    property: 'refinement', bounds: { ...small, entries: FEW_ENTRIES, ops: SETNS_CRED_OPS, creds: CREDS } },
  { name: 'open-no-dac', category: 'access', profile: 'v6.18',
    fn: 'may_open (inode_permission)', file: 'model/kernel/namei.ts', history: '',
    description: 'open of a namespace file skips inode_permission (write to the S_IMMUTABLE nsfs inode allowed)',
    property: 'refinement', bounds: { ...small, entries: FEW_ENTRIES, ops: ACCESS_OPS, creds: CREDS, flagSets: FLAGS } },
  // ---- type checks ----
  { name: 'fget-no-fop-check', category: 'type', profile: 'v6.18',
    fn: 'proc_ns_fget', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'setns treats every fd as a namespace file (no f_op == &ns_file_operations check): a pidfd is refused',
    property: 'refinement', bounds: { ...small, ops: SETNS_OPS } },
  { name: 'setns-no-type-check', category: 'type', profile: 'v6.18',
    fn: 'setns (ops->type != nstype)', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'setns does not compare the namespace file\'s type with nstype',
    property: 'refinement', bounds: { ...small, ops: SETNS_OPS } },
  { name: 'pidfd-flags-0', category: 'type', profile: 'v6.18',
    fn: 'check_setns_flags', file: 'model/kernel/nsproxy.ts', history: '',
    description: 'setns(pidfd, 0) is accepted (a pidfd needs explicit namespace flags)',
    property: 'refinement', bounds: { ...small, ops: SETNS_OPS } },
  // ---- lifetimes ----
  { name: 'zombie-drops-userns', category: 'lifetime', profile: 'v6.18',
    fn: 'do_exit (put_cred at release_task)', file: 'model/kernel/fork.ts', history: '',
    description: 'a zombie releases its user namespace at exit instead of at release_task, while its cred still points to it',
    property: 'refcount-exact', bounds: { ...small, ops: ['spawn', 'exit', 'reap', 'open', 'readlink'] } },
  { name: 'get-ignores-exiting', category: 'lifetime', profile: 'v6.18',
    fn: 'ns_ops->get (netns_get, utsns_get, ...)', file: 'model/kernel/proc-namespaces.ts', history: '',
    description: 'ns_ops->get reads task->nsproxy without checking that exit_task_namespaces already put it',
    property: 'no-use-after-put', bounds: { ...small, entries: FEW_ENTRIES, ops: ['spawn', 'exit', 'reap', 'open', 'readlink'] } },
  { name: 'umount-ignores-busy', category: 'lifetime', profile: 'v6.18',
    fn: 'do_umount (propagate_mount_busy)', file: 'model/kernel/namespace.ts', history: '',
    description: 'umount detaches a mount that an open file still uses (no EBUSY)',
    property: 'refinement', bounds: { ...small, entries: FEW_ENTRIES, ops: MOUNT_OPS } },
];

/** Catalogued bugs that the model cannot express, with the reason (shown, never run). */
export interface Inexpressible {
  name: string;
  fn: string;
  category: MutantCategory;
  history: string;
  description: string;
  reason: string;
}

export const NOT_EXPRESSIBLE: readonly Inexpressible[] = [
  { name: 'setns-pidfd-exit-race', category: 'history', fn: 'prepare_nsset / commit_nsset (setns with a pidfd)',
    history: '1c465d0518dc (6.19)', description: 'setns(pidfd) underflows the active reference count when the target exits between prepare_nsset and commit_nsset',
    reason: 'ops are atomic in the model (no exit can interleave inside one setns), and the model has no active reference counts (6.19 nstree).' },
  { name: 'ptrace-realcreds', category: 'access', fn: 'proc_ns_get_link (PTRACE_MODE_READ_FSCREDS)',
    history: 'caaee6234d05 (4.5) made it FSCREDS', description: 'the ns link check uses REALCREDS instead of FSCREDS',
    reason: 'the model keeps one uid and one gid per cred (real = effective = fs), and capabilities are the same for both modes, so the two modes cannot differ.' },
  { name: 'revalidate-keeps-dead', category: 'lifetime', fn: 'pid_revalidate (v3.0)',
    history: '', description: 'pid_revalidate keeps the dentry of a task whose pid is detached',
    reason: 'equivalent in the model: every trace path to a reaped task fails first in proc_pid_lookup (ENOENT), and trace v1 has no openat relative to an open /proc/<pid>/ns directory, so pid_revalidate never sees a detached pid. (A zombie\'s dentry is kept by the faithful v3.0 too: that is the v3.0-dcache-bypass row.) The hook stays in place.' },
];

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

/** The switches a catalog entry turns on (none for a profile-difference row). */
export function switchesOf(m: Mutant): readonly string[] {
  return m.switches ?? [m.name];
}

/** Switches the named mutant on (or every mutant off with null) for the engines. */
export function activate(name: string | null): void {
  const m = name ? findMutant(name) : undefined;
  setMutants(name ? (m ? switchesOf(m) : [name]) : null);
}

/** Runs `body` with the mutant on and switches every mutant off afterwards, even on a throw. */
export function withMutant<T>(name: string | null, body: () => T): T {
  activate(name);
  try {
    return body();
  } finally {
    activate(null);
  }
}
