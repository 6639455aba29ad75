// Hand-written starting points for the covering-trace search (traces.ts): short op sequences
// that put an object right before a transition that random extension rarely reaches alone
// (a namespace held by a mount of another mount namespace, a busy mount whose namespace dies,
// a v3.0 namespace held only by the dcache). The search still has to find the last step, and
// every trace is checked to take the statechart's shortest path. The lists are built when asked
// for, not at import, so Stryker runs only the tests that use them on their mutants.
import type { NsKind, Op } from '../types.ts';
import type { Profile } from '../profiles.ts';

const spawn = (task: string, parent: string, newns?: NsKind[]): Op => ({ op: 'spawn', task, parent, ...(newns ? { newns } : {}) });
const open = (task: string, path: string, fd: string): Op => ({ op: 'open', task, path, fd });
const bind = (task: string, source: string, target: string): Op => ({ op: 'bind', task, source, target });
const exit = (task: string): Op => ({ op: 'exit', task });

/** Seeds for profiles with user, pid and mount namespaces (v3.8, v6.18). */
const MODERN = (): Op[][] => [
  [spawn('t1', 'init', ['net']), open('init', '/proc/t1/ns/net', 'f1'), exit('t1')],
  [spawn('t1', 'init', ['net']), bind('init', '/proc/t1/ns/net', '@m1'), exit('t1')],
  [spawn('t1', 'init', ['net']), open('init', '/proc/t1/ns/net', 'f1'), open('t1', '/proc/init/ns/net', 'f2')],
  [open('init', '/proc/init/ns/mnt', 'f1'), spawn('t1', 'init', ['net']), spawn('t2', 'init', ['mnt']), bind('t2', '/proc/t1/ns/net', '@m1'), exit('t1')],
  [spawn('t1', 'init', ['mnt']), spawn('t2', 'init', ['mnt', 'net']), bind('t1', '/proc/t2/ns/net', '@m1'), exit('t2')],
  [open('init', '/proc/init/ns/mnt', 'f1'), spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('t1', '@m1', 'f2'),
    spawn('t2', 't1'), { op: 'setns', task: 't2', fd: 'f1', nstype: 'mnt' }],
  [open('init', '/proc/init/ns/mnt', 'f1'), spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('t1', '@m1', 'f2'),
    spawn('t2', 't1'), { op: 'setns', task: 't2', fd: 'f1', nstype: 'mnt' }, exit('t1')],
  [open('init', '/proc/init/ns/mnt', 'f1'), spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('t1', '@m1', 'f2'),
    spawn('t2', 't1'), { op: 'setns', task: 't2', fd: 'f1', nstype: 'mnt' }, open('init', '/proc/t1/ns/mnt', 'f3'), exit('t1')],
  [open('init', '/proc/init/ns/mnt', 'f1'), spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('t1', '@m1', 'f2'),
    spawn('t2', 't1'), { op: 'setns', task: 't2', fd: 'f1', nstype: 'mnt' }, bind('init', '/proc/t1/ns/mnt', '@m1'), exit('t1')],
  [spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('t1', '@m1', 'f1')],
  [spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('init', '/proc/t1/ns/mnt', 'f1'), exit('t1')],
  [spawn('t1', 'init', ['user']), open('init', '/proc/t1/ns/user', 'f1'), spawn('t2', 'init')],
  [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['user'])],
];

/** Seeds for v3.0 (proc inodes per lookup, the dcache). */
const V30 = (): Op[][] => [
  [spawn('t1', 'init', ['net']), { op: 'stat', task: 'init', path: '/proc/t1/ns/net' }, exit('t1')],
  [spawn('t1', 'init'), { op: 'stat', task: 'init', path: '/proc/t1/ns/net' }],
  [spawn('t1', 'init'), bind('init', '/proc/t1/ns/net', '@m1')],
  [spawn('t1', 'init'), bind('init', '/proc/t1/ns/net', '@m1'), exit('t1'), { op: 'reap', task: 't1' }],
  [spawn('t1', 'init'), spawn('t2', 'init'), open('t2', '/proc/t1/ns/net', 'f1'), exit('t1'), { op: 'reap', task: 't1' }],
  [spawn('t1', 'init'), exit('t1')],
  [spawn('t1', 'init', ['net']), spawn('t2', 'init'), open('t2', '/proc/t1/ns/net', 'f1'), exit('t1')],
  [spawn('t1', 'init', ['net']), open('t1', '/proc/init/ns/net', 'f1'), { op: 'stat', task: 'init', path: '/proc/t1/ns/net' }],
  [spawn('t1', 'init'), open('init', '/proc/t1/ns/net', 'f1'), bind('init', '/proc/t1/ns/net', '@m1'), { op: 'close', task: 'init', fd: 'f1' },
    exit('t1'), { op: 'reap', task: 't1' }],
  [spawn('t1', 'init'), { op: 'stat', task: 'init', path: '/proc/t1/ns/net' }, exit('t1')],
];

/**
 * Whole traces, tried as they are for a transition the random search left unrealised: it never
 * binds a mount ns file (on 6.18 the kernel decides those by namespace ids, so such a trace is
 * not replayed on the kernel; oracle/README.md), and it rarely sets pid_for_children to a pid
 * namespace whose init died. Each is still shrunk and checked to take the statechart's path.
 */
const MODERN_WHOLE = (): Op[][] => [
  // mount: busy --umount--> detached. t2 keeps a file open through t1's mount M; once t1 exits,
  // only init's bind of t1's mount ns file holds that namespace, and its umount frees it.
  [open('init', '/proc/init/ns/mnt', 'f1'), spawn('t1', 'init', ['mnt']), bind('t1', '/proc/t1/ns/net', '@m1'), open('t1', '@m1', 'f2'),
    spawn('t2', 't1'), { op: 'setns', task: 't2', fd: 'f1', nstype: 'mnt' }, bind('init', '/proc/t1/ns/mnt', '@m1'), exit('t1'),
    { op: 'umount', task: 'init', target: '@m1' }],
  // mount: unborn --spawn--> unmounted. clone copies init's mount into a new mount ns
  // (copy_mnt_ns), then alloc_pid fails in the dead pid ns (ENOMEM) and the copy goes.
  [spawn('t1', 'init', ['pid']), open('init', '/proc/t1/ns/pid', 'f1'), exit('t1'), { op: 'setns', task: 'init', fd: 'f1', nstype: 'pid' },
    bind('init', '/proc/init/ns/net', '@m1'), spawn('t2', 'init', ['mnt'])],
  // namespace: held --unshare--> freed, and mount: mounted --unshare--> unmounted. t2's mount ns
  // is held only by t1's bind of its file; t1, the last task in its own mount ns, leaves it by
  // unshare, and copy_mnt_ns does not copy a mount ns file (copy_tree without
  // CL_COPY_MNT_NS_FILE), so put_mnt_ns unmounts the bind and t2's namespace goes with it. (init
  // could once do this with its initial mount ns; the kernel threads keep that one:
  // model/kernel/state.ts KTHREAD_*.)
  [spawn('t1', 'init', ['mnt']), spawn('t2', 'init', ['mnt']), bind('t1', '/proc/t2/ns/mnt', '@m1'), exit('t2'),
    { op: 'unshare', task: 't1', newns: ['mnt'] }],
];

/**
 * Whole traces for v3.0, each leaving a cached proc dentry (a refused open leaves one) and then
 * using it again or releasing its task: t1 is the init of a new pid namespace and t2 its child,
 * and t1's exit kills and reaps t2 (zap_pid_ns_processes waits for its children), or a parent
 * reaps its zombie; proc_flush_task at the release evicts the dentry and its inode. The random
 * search rarely ends a run so.
 */
const V30_WHOLE = (): Op[][] => [
  // procInode: cached --exit--> evicted (a refused open, EACCES from the mode, leaves the inode cached)
  [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['net']), { op: 'cred', task: 't2', uid: 1000 }, open('t2', '/proc/t2/ns/uts', 'f1'), exit('t1')],
  // procInode: cached --reap--> evicted (the same refused open; the task's own release flushes it)
  [spawn('t1', 'init'), { op: 'cred', task: 't1', uid: 1000 }, open('t1', '/proc/t1/ns/uts', 'f1'), exit('t1'), { op: 'reap', task: 't1' }],
  // procInode: cached --bind--> inUse (init, no longer root, is refused its own file; t1, still root, binds it through that dentry)
  [spawn('t1', 'init'), { op: 'cred', task: 'init', uid: 1000 }, open('init', '/proc/init/ns/uts', 'f1'), bind('t1', '/proc/init/ns/uts', '@m1')],
  // namespace: cached --exit--> freed (once t2 has exited, only the cached dentry holds its net ns)
  [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['net']), { op: 'stat', task: 'init', path: '/proc/t2/ns/net' }, exit('t2'), exit('t1')],
  // namespace: held --umount--> freed (t1 reaped, the mount's proc dentry is killed at its last dput: pid_delete_dentry)
  [spawn('t1', 'init', ['net']), bind('init', '/proc/t1/ns/net', '@m1'), exit('t1'), { op: 'reap', task: 't1' }, { op: 'umount', task: 'init', target: '@m1' }],
];

/**
 * Whole traces for the seed and v3.0, whose namespaces nothing but tasks, a /proc/<pid>/ns
 * directory fd (its struct pid) and v3.0's proc files hold, and whose mount namespaces die only
 * with their last task. A pid namespace's init that exits kills and reaps its children
 * (zap_pid_ns_processes); a task that forks and unshares keeps its fds in a new mount namespace.
 */
const OLD_WHOLE = (): Op[][] => [
  // namespace: inUse --exit--> held, held --close--> freed (t2's pid ns, held by init's fd of /proc/t2/ns)
  [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['pid']), open('init', '/proc/t2/ns', 'f1'), exit('t1'), { op: 'close', task: 'init', fd: 'f1' }],
  // namespace: held --exit--> freed (the fd's holder exits)
  [spawn('t1', 'init', ['pid']), spawn('t2', 't1', ['pid']), spawn('t3', 'init'), open('t3', '/proc/t2/ns', 'f1'), exit('t1'), exit('t3')],
  // file: shared --exit--> closed (both slots go with t1's pid namespace)
  [spawn('t1', 'init', ['pid']), open('t1', '/proc/t1/ns', 'f1'), spawn('t2', 't1'), exit('t1')],
  // mount: mounted --unshare--> unmounted (t1 leaves its mount namespace, the last task in it)
  [spawn('t1', 'init', ['mnt']), bind('t1', '@m1', '@m1'), { op: 'unshare', task: 't1', newns: ['mnt'] }],
  // mount: busy --exit--> unmounted (the file's holder is the namespace's last task)
  [spawn('t1', 'init', ['mnt']), bind('t1', '@m1', '@m1'), open('t1', '@m1', 'f1'), exit('t1')],
  // mount: busy --exit--> detached, then detached --close--> unmounted (t2 keeps the file in a new mount namespace)
  [spawn('t1', 'init', ['mnt']), bind('t1', '@m1', '@m1'), open('t1', '@m1', 'f1'), spawn('t2', 't1'), { op: 'unshare', task: 't2', newns: ['mnt'] },
    exit('t1'), { op: 'close', task: 't2', fd: 'f1' }],
  // mount: detached --exit--> unmounted
  [spawn('t1', 'init', ['mnt']), bind('t1', '@m1', '@m1'), open('t1', '@m1', 'f1'), spawn('t2', 't1'), { op: 'unshare', task: 't2', newns: ['mnt'] },
    exit('t1'), exit('t2')],
  // mount: busy --unshare--> detached
  [spawn('t1', 'init', ['mnt']), bind('t1', '@m1', '@m1'), open('t1', '@m1', 'f1'), spawn('t2', 't1'), { op: 'unshare', task: 't2', newns: ['mnt'] },
    { op: 'unshare', task: 't1', newns: ['mnt'] }],
];

/** The whole traces that apply to a profile. */
export function wholeSeeds(profile: Profile): Op[][] {
  if (profile.entries.includes('mnt')) return MODERN_WHOLE();
  // v3.0's own first (the generated v3.0 traces were found with them alone), then the seed's
  return profile.setns ? [...V30_WHOLE(), ...OLD_WHOLE()] : OLD_WHOLE();
}

/** The seeds that apply to a profile. */
export function realiserSeeds(profile: Profile): Op[][] {
  if (profile.procInodePerLookup && profile.setns) return V30();
  if (profile.entries.includes('mnt')) return MODERN();
  return [];
}
