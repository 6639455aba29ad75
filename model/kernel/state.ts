// The concrete objects of the simulation, shaped after the kernel structs they stand for:
// task_struct (+cred, mm), struct pid, struct nsproxy, struct ns_common, struct file,
// struct dentry, struct inode (proc_inode / nsfs inode) and struct mount.
// Every refcounted object has `count` (what the code increments and decrements) and `freed`.
// Ids index the arrays and are never reused, so a freed object keeps its slot.
import type { NsKind } from '../types.ts';
import { ALL_CAPS } from '../types.ts';
import type { Profile } from '../profiles.ts';

import { sameNumbers } from '../records.ts';

/** struct nsproxy member slots (include/linux/nsproxy.h), in that order. */
export const SLOT = { uts: 0, ipc: 1, mnt: 2, pid4c: 3, net: 4, time4c: 5, time: 6, cgroup: 7 } as const;
export const NSPROXY_SLOTS = 8;

export const TASK_RUNNING = 0;
export const TASK_ZOMBIE = 1;
export const TASK_REAPED = 2;

export interface Task {
  name: string;
  state: number; // TASK_RUNNING | TASK_ZOMBIE | TASK_REAPED
  parent: number; // task index, -1 for init
  // struct cred: real = effective = saved = fs ids in this model; effective = permitted caps
  uid: number;
  gid: number;
  caps: number;
  userns: number; // cred->user_ns (a reference)
  dumpable: boolean; // mm->flags MMF_DUMPABLE == SUID_DUMP_USER
  mmUserns: number; // mm->user_ns (a reference), -1 once exit_mm ran
  nsproxy: number; // task->nsproxy (a reference), -1 once exit_task_namespaces ran
  pid: number; // task_pid() (a reference to a Pid), detached at release_task
  fds: ReadonlyMap<string, number>; // files_struct: fd name -> file id (each a reference); replaced, never mutated (clones share it)
}

export interface Pid {
  count: number;
  freed: boolean;
  ns: number; // pid->numbers[level].ns (a reference: alloc_pid get_pid_ns)
  task: number; // task attached with PIDTYPE_PID, -1 after detach_pid
}

export interface NsProxy {
  count: number;
  freed: boolean;
  ns: number[]; // NSPROXY_SLOTS references
}

export interface Ns {
  kind: NsKind;
  count: number;
  freed: boolean;
  owner: number; // ns->user_ns (a reference); for a user ns: its parent; -1 for init_user_ns
  parent: number; // pid ns parent (a reference); -1 otherwise
  level: number; // pid/user ns level
  reaper: number; // pid ns: child_reaper task index, -1 before the first task
  ownerUid: number; // user ns: owner kuid
  inode: number; // v3.8+: the one inode of this ns while it exists (iget_locked / stashed), -1
  stashed: number; // nsfs: ns->stashed dentry (non-counting), -1
  mounts: number[]; // mnt ns: its mount list (the mnt ns owns these)
}

export const F_NS = 0; // a namespace file: dentry -> inode -> ns
export const F_REG = 1; // a plain file (/tmp/x, or @m with nothing mounted)
export const F_DIR = 2; // the /proc/<pid>/ns directory
export const F_PIDFD = 3; // a pidfd: holds a struct pid
export const F_LINK = 4; // O_PATH|O_NOFOLLOW of a /proc/<pid>/ns/<x> symlink

export interface File {
  count: number;
  freed: boolean;
  kind: number;
  dentry: number; // F_NS: a reference to the dentry
  mnt: number; // the mount it was opened through (@m), -1
  pid: number; // F_PIDFD, F_DIR, F_LINK: a reference to the Pid (the proc inode's pid)
  task: number; // F_DIR, F_LINK: the task whose /proc entry it is (no reference)
  entry: string; // F_LINK of /proc/<task>/ns/<entry> (also reached through a jump or a link mount): the entry; '' otherwise
  opath: boolean; // FMODE_PATH
  read: boolean; // FMODE_READ
  write: boolean; // FMODE_WRITE
  mntns: number; // the mount ns of the mount its path is on (the opener's /proc, /tmp or @m); -1 for nsfs and pidfs files
  // F_DIR: i_uid / i_gid of the /proc/<task>/ns inode, as the last walk through it left them
  // (pid_revalidate); every held F_DIR file of a task shares that one dentry and inode. 0 otherwise
  uid: number;
  gid: number;
}

export interface Dentry {
  count: number;
  freed: boolean;
  inode: number; // a reference to the inode
  task: number; // v3.0 proc dentry: the task it belongs to (pid of the inode), -1
  entry: string; // v3.0 proc dentry: the /proc/<task>/ns/<entry> name it caches, '' if unhashed
}

export interface Inode {
  count: number;
  freed: boolean;
  ns: number; // PROC_I(inode)->ns or inode->i_private (a reference)
  pid: number; // v3.0 proc inode: PROC_I(inode)->pid (a reference), -1
  uid: number; // i_uid / i_gid / i_mode
  gid: number;
  mode: number;
  immutable: boolean;
}

export interface Mount {
  freed: boolean;
  mntns: number; // owning mount namespace (not a counted reference: the mnt ns owns the mount)
  target: string; // '@name'
  dentry: number; // a reference to the mounted dentry, -1 for a plain-file bind
  detached: boolean; // umounted or its namespace died, kept while an open file holds it
  locked: boolean; // MNT_LOCKED (lock_mnt_tree): copied into a mount ns of another user ns
  // a link mount (6.18: bind of an O_PATH|O_NOFOLLOW fd of /proc/<task>/ns/<entry>): its root is
  // that proc magic link, whose proc inode holds the task's struct pid (proc_pid_make_inode get_pid)
  pid: number; // a reference to the Pid, -1 for any other mount
  task: number; // the task whose /proc entry the link is (no reference), -1
  entry: string; // its ns entry name, ''
}

export interface KState {
  profile: Profile;
  tasks: Task[];
  /** Task name -> index. Like every Map of a state, replaced on write and never mutated: clones share it. */
  taskByName: ReadonlyMap<string, number>;
  pids: Pid[];
  nsproxies: NsProxy[];
  ns: Ns[];
  files: File[];
  dentries: Dentry[];
  inodes: Inode[];
  mounts: Mount[];
  /** v3.0 dcache: "<task index>/<entry>" -> dentry id (hashed proc ns dentries). */
  dcache: ReadonlyMap<string, number>;
  /** First use-after-put or underflow the code performed, '' if none (no-use-after-put). */
  uaf: string;
}

/**
 * What the kernel threads hold for the life of the system, outside every trace: they share
 * init_nsproxy (kernel/nsproxy.c: "struct nsproxy init_nsproxy", every kthread's ->nsproxy), run
 * with init_cred (kernel/cred.c: .user_ns = &init_user_ns), and kthreadd's struct pid is in
 * init_pid_ns (kernel/kthread.c). So no initial namespace is ever freed, in any version: init
 * leaving one (unshare, setns) leaves it alive. One reference each, on init's first nsproxy
 * (id 0), init_user_ns (ns 0) and init's pid ns (the ns of pid 0).
 */
export const KTHREAD_NSPROXY = 0;
export const KTHREAD_USERNS = 0;
export const KTHREAD_PID = 0; // the kthreads' pids count on the pid ns of init's pid

/** Creates the initial state: `init` with the initial namespaces, root, every capability. */
export function initialKState(profile: Profile): KState {
  const s: KState = {
    profile,
    tasks: [],
    taskByName: new Map(),
    pids: [],
    nsproxies: [],
    ns: [],
    files: [],
    dentries: [],
    inodes: [],
    mounts: [],
    dcache: new Map(),
    uaf: '',
  };
  // init_user_ns (id 0) and the other initial namespaces, owned by it.
  const newNs = (kind: NsKind, owner: number): number => {
    s.ns.push({ kind, count: 0, freed: false, owner, parent: -1, level: 0, reaper: -1, ownerUid: 0,
      inode: -1, stashed: -1, mounts: [] });
    if (owner >= 0) s.ns[owner]!.count++;
    return s.ns.length - 1;
  };
  const user = newNs('user', -1);
  const proxy: number[] = new Array(NSPROXY_SLOTS).fill(-1);
  proxy[SLOT.uts] = newNs('uts', user);
  proxy[SLOT.ipc] = newNs('ipc', user);
  proxy[SLOT.mnt] = newNs('mnt', user);
  const pidns = newNs('pid', user);
  s.ns[pidns]!.reaper = 0;
  proxy[SLOT.pid4c] = pidns;
  proxy[SLOT.net] = newNs('net', user);
  const time = newNs('time', user);
  proxy[SLOT.time4c] = time;
  proxy[SLOT.time] = time;
  proxy[SLOT.cgroup] = newNs('cgroup', user);
  for (const n of proxy) s.ns[n]!.count++;
  s.nsproxies.push({ count: 2, freed: false, ns: proxy }); // init and the kernel threads (KTHREAD_NSPROXY)
  s.ns[pidns]!.count += 2; // struct pid of init, and the kernel threads' pids (KTHREAD_PID)
  s.pids.push({ count: 1, freed: false, ns: pidns, task: 0 });
  s.ns[user]!.count += 3; // init's cred and mm, and the kernel threads' init_cred (KTHREAD_USERNS)
  s.tasks.push({
    name: 'init', state: TASK_RUNNING, parent: -1, uid: 0, gid: 0, caps: ALL_CAPS, userns: user,
    dumpable: true, mmUserns: user, nsproxy: 0, pid: 0, fds: new Map(),
  });
  s.taskByName = new Map([['init', 0]]);
  return s;
}

/**
 * A copy that shares nothing mutable with `s`. Every record is rebuilt as one fixed object
 * literal per kind, so that all copies share one hidden class (measured in explore: 1.9x faster
 * than a spread per record, whose result keeps each creation site's shape), while the Maps are
 * shared because a state's Maps are values (model/records.ts). Explore's hot path.
 */
export function cloneKState(s: KState): KState {
  const tasks = new Array<Task>(s.tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const t = s.tasks[i]!;
    tasks[i] = { name: t.name, state: t.state, parent: t.parent, uid: t.uid, gid: t.gid, caps: t.caps, userns: t.userns,
      dumpable: t.dumpable, mmUserns: t.mmUserns, nsproxy: t.nsproxy, pid: t.pid, fds: t.fds };
  }
  const pids = new Array<Pid>(s.pids.length);
  for (let i = 0; i < pids.length; i++) {
    const p = s.pids[i]!;
    pids[i] = { count: p.count, freed: p.freed, ns: p.ns, task: p.task };
  }
  const nsproxies = new Array<NsProxy>(s.nsproxies.length);
  for (let i = 0; i < nsproxies.length; i++) {
    const p = s.nsproxies[i]!;
    nsproxies[i] = { count: p.count, freed: p.freed, ns: p.ns.slice() };
  }
  const ns = new Array<Ns>(s.ns.length);
  for (let i = 0; i < ns.length; i++) {
    const n = s.ns[i]!;
    ns[i] = { kind: n.kind, count: n.count, freed: n.freed, owner: n.owner, parent: n.parent, level: n.level, reaper: n.reaper,
      ownerUid: n.ownerUid, inode: n.inode, stashed: n.stashed, mounts: n.kind === 'mnt' ? n.mounts.slice() : n.mounts }; // only a mnt ns has mounts
  }
  const files = new Array<File>(s.files.length);
  for (let i = 0; i < files.length; i++) {
    const f = s.files[i]!;
    files[i] = { count: f.count, freed: f.freed, kind: f.kind, dentry: f.dentry, mnt: f.mnt, pid: f.pid, task: f.task, entry: f.entry,
      opath: f.opath, read: f.read, write: f.write, mntns: f.mntns, uid: f.uid, gid: f.gid };
  }
  const dentries = new Array<Dentry>(s.dentries.length);
  for (let i = 0; i < dentries.length; i++) {
    const d = s.dentries[i]!;
    dentries[i] = { count: d.count, freed: d.freed, inode: d.inode, task: d.task, entry: d.entry };
  }
  const inodes = new Array<Inode>(s.inodes.length);
  for (let i = 0; i < inodes.length; i++) {
    const n = s.inodes[i]!;
    inodes[i] = { count: n.count, freed: n.freed, ns: n.ns, pid: n.pid, uid: n.uid, gid: n.gid, mode: n.mode, immutable: n.immutable };
  }
  const mounts = new Array<Mount>(s.mounts.length);
  for (let i = 0; i < mounts.length; i++) {
    const m = s.mounts[i]!;
    mounts[i] = { freed: m.freed, mntns: m.mntns, target: m.target, dentry: m.dentry, detached: m.detached, locked: m.locked,
      pid: m.pid, task: m.task, entry: m.entry };
  }
  return { profile: s.profile, tasks, taskByName: s.taskByName, pids, nsproxies, ns, files, dentries, inodes, mounts, dcache: s.dcache, uaf: s.uaf };
}

/**
 * Whether two states are equal field for field (Maps by identity: they are values, replaced on
 * write, so an unchanged Map is the same object). Lets explore skip the canonical key of a
 * successor that an op left unchanged (an error before any write: about 40% of transitions).
 * Conservative: false whenever unsure. A test mutates every field of every record kind.
 */
export function sameKState(a: KState, b: KState): boolean {
  if (a.uaf !== b.uaf || a.taskByName !== b.taskByName || a.dcache !== b.dcache) return false;
  if (a.tasks.length !== b.tasks.length || a.pids.length !== b.pids.length || a.nsproxies.length !== b.nsproxies.length
    || a.ns.length !== b.ns.length || a.files.length !== b.files.length || a.dentries.length !== b.dentries.length
    || a.inodes.length !== b.inodes.length || a.mounts.length !== b.mounts.length) return false;
  for (let i = 0; i < a.tasks.length; i++) {
    const x = a.tasks[i]!;
    const y = b.tasks[i]!;
    if (x.state !== y.state || x.uid !== y.uid || x.gid !== y.gid || x.caps !== y.caps || x.userns !== y.userns
      || x.dumpable !== y.dumpable || x.mmUserns !== y.mmUserns || x.nsproxy !== y.nsproxy || x.pid !== y.pid
      || x.fds !== y.fds || x.parent !== y.parent || x.name !== y.name) return false;
  }
  for (let i = 0; i < a.pids.length; i++) {
    const x = a.pids[i]!;
    const y = b.pids[i]!;
    if (x.count !== y.count || x.freed !== y.freed || x.ns !== y.ns || x.task !== y.task) return false;
  }
  for (let i = 0; i < a.nsproxies.length; i++) {
    const x = a.nsproxies[i]!;
    const y = b.nsproxies[i]!;
    if (x.count !== y.count || x.freed !== y.freed || !sameNumbers(x.ns, y.ns)) return false;
  }
  for (let i = 0; i < a.ns.length; i++) {
    const x = a.ns[i]!;
    const y = b.ns[i]!;
    if (x.count !== y.count || x.freed !== y.freed || x.kind !== y.kind || x.owner !== y.owner || x.parent !== y.parent
      || x.level !== y.level || x.reaper !== y.reaper || x.ownerUid !== y.ownerUid || x.inode !== y.inode
      || x.stashed !== y.stashed || !sameNumbers(x.mounts, y.mounts)) return false;
  }
  for (let i = 0; i < a.files.length; i++) {
    const x = a.files[i]!;
    const y = b.files[i]!;
    if (x.count !== y.count || x.freed !== y.freed || x.kind !== y.kind || x.dentry !== y.dentry || x.mnt !== y.mnt
      || x.pid !== y.pid || x.task !== y.task || x.entry !== y.entry || x.opath !== y.opath || x.read !== y.read || x.write !== y.write
      || x.mntns !== y.mntns || x.uid !== y.uid || x.gid !== y.gid) return false;
  }
  for (let i = 0; i < a.dentries.length; i++) {
    const x = a.dentries[i]!;
    const y = b.dentries[i]!;
    if (x.count !== y.count || x.freed !== y.freed || x.inode !== y.inode || x.task !== y.task || x.entry !== y.entry) return false;
  }
  for (let i = 0; i < a.inodes.length; i++) {
    const x = a.inodes[i]!;
    const y = b.inodes[i]!;
    if (x.count !== y.count || x.freed !== y.freed || x.ns !== y.ns || x.pid !== y.pid || x.uid !== y.uid || x.gid !== y.gid
      || x.mode !== y.mode || x.immutable !== y.immutable) return false;
  }
  for (let i = 0; i < a.mounts.length; i++) {
    const x = a.mounts[i]!;
    const y = b.mounts[i]!;
    if (x.freed !== y.freed || x.mntns !== y.mntns || x.target !== y.target || x.dentry !== y.dentry
      || x.detached !== y.detached || x.locked !== y.locked || x.pid !== y.pid || x.task !== y.task
      || x.entry !== y.entry) return false;
  }
  return true;
}
