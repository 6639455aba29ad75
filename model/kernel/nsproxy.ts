// kernel/nsproxy.c (copy_namespaces, create_new_namespaces, unshare_nsproxy_namespaces,
// setns, switch_task_namespaces), kernel/user_namespace.c create_user_ns / userns_install,
// the per-type ->install of each namespace, and fs/namespace.c copy_mnt_ns.
import type { Errno, NsKind } from '../types.ts';
import { ALL_CAPS, CAP_BIT } from '../types.ts';
import { capable, ns_capable, ptrace_may_access } from './cred.ts';
import { dget, get_ns, get_pid, put_ns, put_nsproxy } from './refs.ts';
import type { KState, Task } from './state.ts';
import { F_NS, F_PIDFD, NSPROXY_SLOTS, SLOT, TASK_RUNNING } from './state.ts';
import { file_ns } from './nsfs.ts';
import { mutant } from './mutant-hooks.ts';

const ADMIN = CAP_BIT.CAP_SYS_ADMIN;

/** Allocates a namespace of `kind` owned by user ns `owner` (takes a reference on the owner). */
export function alloc_ns(s: KState, kind: NsKind, owner: number): number {
  s.ns.push({ kind, count: 1, freed: false, owner: get_ns(s, owner), parent: -1, level: 0, reaper: -1,
    ownerUid: 0, inode: -1, stashed: -1, mounts: [] });
  return s.ns.length - 1;
}

/**
 * kernel/user_namespace.c create_user_ns: the creator's euid/egid must be mapped in its user
 * ns (EPERM; this model writes no uid_map, so only the initial user ns maps ids). The new ns
 * holds its parent; the creating cred gets every capability in it.
 */
export function create_user_ns(s: KState, t: Task): number | Errno {
  if (t.userns !== 0) return 'EPERM';
  const parent = s.ns[t.userns]!;
  const id = alloc_ns(s, 'user', t.userns);
  const n = s.ns[id]!;
  n.level = parent.level + 1;
  n.ownerUid = t.uid;
  return id;
}

/** A pending credential change (prepare_creds ... commit_creds). */
export interface NewCred {
  userns: number; // a reference when it differs from the task's
  caps: number;
}

/**
 * create_new_namespaces: a new nsproxy (count 1) that copies the task's members with a
 * reference each and replaces the kinds in `kinds` with new namespaces owned by `userns`.
 * copy_pid_ns: EINVAL when pid_for_children is not the active pid ns (after unshare(NEWPID)).
 */
export function create_new_namespaces(s: KState, t: Task, kinds: readonly NsKind[], userns: number, forFork: boolean): number | Errno {
  const old = s.nsproxies[t.nsproxy]!.ns;
  const active = s.pids[t.pid]!.ns;
  if (kinds.includes('pid') && old[SLOT.pid4c] !== active) return 'EINVAL';
  const ns: number[] = new Array(NSPROXY_SLOTS);
  for (let i = 0; i < NSPROXY_SLOTS; i++) ns[i] = old[i]!;
  for (const k of kinds) {
    switch (k) {
      case 'mnt': ns[SLOT.mnt] = copy_mnt_ns(s, old[SLOT.mnt]!, userns); break;
      case 'uts': ns[SLOT.uts] = alloc_ns(s, 'uts', userns); break;
      case 'ipc': ns[SLOT.ipc] = alloc_ns(s, 'ipc', userns); break;
      case 'net': ns[SLOT.net] = alloc_ns(s, 'net', userns); break;
      case 'cgroup': ns[SLOT.cgroup] = alloc_ns(s, 'cgroup', userns); break;
      case 'time': ns[SLOT.time4c] = alloc_ns(s, 'time', userns); break;
      case 'pid': { // create_pid_namespace(user_ns, task_active_pid_ns(current))
        const id = alloc_ns(s, 'pid', userns);
        s.ns[id]!.parent = get_ns(s, active);
        s.ns[id]!.level = s.ns[active]!.level + 1;
        ns[SLOT.pid4c] = id;
        break;
      }
      default: break;
    }
  }
  const fresh = new Set(kinds);
  for (let i = 0; i < NSPROXY_SLOTS; i++) {
    const slotKind = SLOT_KIND[i]!;
    if (!fresh.has(slotKind) || (slotKind === 'time' && i === SLOT.time)) get_ns(s, ns[i]!);
  }
  // copy_namespaces → timens_on_fork: the child runs in time_for_children
  if (forFork && ns[SLOT.time] !== ns[SLOT.time4c]) {
    put_ns(s, ns[SLOT.time]!);
    ns[SLOT.time] = get_ns(s, ns[SLOT.time4c]!);
  }
  s.nsproxies.push({ count: 1, freed: false, ns });
  return s.nsproxies.length - 1;
}

const SLOT_KIND: NsKind[] = ['uts', 'ipc', 'mnt', 'pid', 'net', 'time', 'time', 'cgroup'];

/**
 * fs/namespace.c copy_mnt_ns → copy_tree: the new mount ns gets a copy of every mount, each
 * holding its dentry; since "Don't copy mount bind mounts of /proc/<pid>/ns/mnt" (CL_COPY_MNT_NS_FILE)
 * binds of mnt ns files are skipped; "if (user_ns != ns->user_ns) lock_mnt_tree(new)" marks
 * the copies MNT_LOCKED (5ff9d8a65ce8, 3.12; clone_mnt keeps the flag of a locked source).
 */
function copy_mnt_ns(s: KState, old: number, userns: number): number {
  const id = alloc_ns(s, 'mnt', userns);
  const list: number[] = [];
  for (const m of s.ns[old]!.mounts) {
    const src = s.mounts[m]!;
    if (s.profile.mntNsLoopCheck && src.dentry >= 0 && mounted_ns_kind(s, src.dentry) === 'mnt') continue;
    if (src.dentry >= 0) dget(s, src.dentry);
    if (src.pid >= 0) get_pid(s, src.pid); // a link mount's copy holds the same proc dentry (clone_mnt), so its pid
    const locked = src.locked || (s.profile.mntLocked && userns !== s.ns[old]!.owner);
    s.mounts.push({ freed: false, mntns: id, target: src.target, dentry: src.dentry, detached: false, locked,
      pid: src.pid, task: src.task, entry: src.entry });
    list.push(s.mounts.length - 1);
  }
  s.ns[id]!.mounts = list;
  return id;
}

export function mounted_ns_kind(s: KState, dentry: number): NsKind | '' {
  const ns = s.inodes[s.dentries[dentry]!.inode]!.ns;
  return ns >= 0 ? s.ns[ns]!.kind : '';
}

/** kernel/nsproxy.c switch_task_namespaces: install `proxy` (a reference) and put the old one. */
export function switch_task_namespaces(s: KState, t: Task, proxy: number): void {
  const old = t.nsproxy;
  t.nsproxy = proxy;
  if (old >= 0 && !mutant('switch-no-put')) put_nsproxy(s, old);
}

/**
 * kernel/cred.c cred_cap_issubset, for creds in another user ns: the new ones are a subset of
 * the old only if the old ns is the parent of `ns` or of an ancestor of it that the old euid
 * created (observed on 6.18: setns into a child user ns another uid created clears dumpable).
 */
function cred_cap_issubset(s: KState, t: Task, ns: number): boolean {
  for (let p = ns; p > 0; p = s.ns[p]!.owner) if (s.ns[p]!.owner === t.userns && s.ns[p]!.ownerUid === t.uid) return true;
  return false;
}

/**
 * kernel/cred.c commit_creds: a new user ns or fewer privileges; the mm stays dumpable only
 * if the new caps are a subset of the old (cred_cap_issubset).
 */
export function commit_creds(s: KState, t: Task, nc: NewCred): void {
  if (nc.userns !== t.userns) {
    if (!cred_cap_issubset(s, t, nc.userns)) t.dumpable = false;
    put_ns(s, t.userns);
    t.userns = nc.userns;
  }
  t.caps = nc.caps;
}

/** kernel/fork.c ksys_unshare for namespace flags: unshare_userns, unshare_nsproxy_namespaces. */
export function sys_unshare(s: KState, task: number, kinds: readonly NsKind[]): Errno | '' {
  const t = s.tasks[task]!;
  for (const k of kinds) if (!s.profile.unshareKinds.includes(k)) return 'EINVAL'; // check_unshare_flags
  let nc: NewCred | null = null;
  if (kinds.includes('user')) {
    const u = create_user_ns(s, t);
    if (typeof u !== 'number') return u;
    nc = { userns: u, caps: ALL_CAPS };
  }
  const others = kinds.filter((k) => k !== 'user');
  if (others.length > 0) {
    const userns = nc ? nc.userns : t.userns;
    const allowed = s.profile.setnsCapFirst ? capable(s, t, ADMIN) : nsCapableCred(s, t, nc, userns, ADMIN);
    if (!allowed) {
      if (nc) put_ns(s, nc.userns);
      return 'EPERM';
    }
    const proxy = create_new_namespaces(s, t, others, userns, false);
    if (typeof proxy !== 'number') {
      if (nc) put_ns(s, nc.userns);
      return proxy;
    }
    switch_task_namespaces(s, t, proxy);
  }
  if (nc) commit_creds(s, t, nc);
  return '';
}

/** ns_capable with a pending cred (the nsset->cred / new_cred of the kernel code). */
function nsCapableCred(s: KState, t: Task, nc: NewCred | null, ns: number, cap: number): boolean {
  if (!nc) return ns_capable(s, t, ns, cap);
  return ns_capable(s, { ...t, userns: nc.userns, caps: nc.caps }, ns, cap);
}

/** The kinds a setns nstype names: 0 → [] ; a kind; a list (pidfds). */
export function nstypeKinds(nstype: NsKind | 0 | NsKind[]): NsKind[] {
  if (nstype === 0) return [];
  return Array.isArray(nstype) ? nstype : [nstype];
}

/** The order validate_nsset installs in (kernel/nsproxy.c): user first, time last. */
const NSSET_ORDER: NsKind[] = ['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net', 'time'];

interface NsSet {
  proxy: number; // the new nsproxy (a reference)
  cred: NewCred;
}

/**
 * The per-type ->install(nsset, ns): netns_install, utsns_install, ipcns_install,
 * cgroupns_install, mntns_install, pidns_install, userns_install, timens_install.
 * v3.0 installs had no checks of their own (setns checked CAP_SYS_ADMIN globally).
 */
function install(s: KState, t: Task, set: NsSet, ns: number): Errno | '' {
  const n = s.ns[ns]!;
  const proxy = s.nsproxies[set.proxy]!.ns;
  const modern = !s.profile.setnsCapFirst;
  const capOwner = () => ns_capable(s, t, n.owner, ADMIN) || mutant('install-no-cap');
  const capMine = (cap: number) => nsCapableCred(s, t, set.cred, set.cred.userns, cap) || mutant('install-no-cap');
  const replace = (slot: number) => {
    put_ns(s, proxy[slot]!);
    proxy[slot] = mutant('install-no-get') ? ns : get_ns(s, ns);
  };
  switch (n.kind) {
    case 'user':
      // userns_install: "Don't allow gaining capabilities by reentering the same user namespace."
      if (ns === t.userns) return 'EINVAL';
      if (!ns_capable(s, t, ns, ADMIN)) return 'EPERM';
      if (set.cred.userns !== t.userns) put_ns(s, set.cred.userns);
      set.cred = { userns: get_ns(s, ns), caps: ALL_CAPS };
      return '';
    case 'mnt':
      if (modern && (!capOwner() || !capMine(CAP_BIT.CAP_SYS_CHROOT) || !capMine(ADMIN))) return 'EPERM';
      replace(SLOT.mnt);
      return '';
    case 'pid': {
      if (modern && (!capOwner() || !capMine(ADMIN))) return 'EPERM';
      // "Only allow entering the current active pid namespace or a child of it."
      const active = s.pids[t.pid]!.ns;
      if (n.level < s.ns[active]!.level) return 'EINVAL';
      let anc = ns;
      while (s.ns[anc]!.level > s.ns[active]!.level) anc = s.ns[anc]!.parent;
      if (anc !== active) return 'EINVAL';
      replace(SLOT.pid4c);
      return '';
    }
    case 'time':
      if (modern && (!capOwner() || !capMine(ADMIN))) return 'EPERM';
      replace(SLOT.time4c);
      replace(SLOT.time);
      return '';
    default: {
      if (modern && (!capOwner() || !capMine(ADMIN))) return 'EPERM';
      const slot = n.kind === 'net' ? SLOT.net : n.kind === 'uts' ? SLOT.uts : n.kind === 'ipc' ? SLOT.ipc : SLOT.cgroup;
      replace(slot);
      return '';
    }
  }
}

/**
 * kernel/nsproxy.c setns(fd, nstype). v3.0: capable(CAP_SYS_ADMIN) first, then
 * proc_ns_fget (EBADF, EINVAL), type mismatch EINVAL, install. v5.8+ (303cc571d107):
 * EBADF, then ns file (type mismatch EINVAL) or pidfd (check_setns_flags EINVAL) or EINVAL,
 * prepare_nsset, validate (pidfd: ESRCH, ptrace READ_REALCREDS EPERM, ESRCH without nsproxy),
 * commit_nsset: all or nothing.
 */
export function sys_setns(s: KState, task: number, fdName: string, nstype: NsKind | 0 | NsKind[]): Errno | '' {
  const t = s.tasks[task]!;
  if (!s.profile.setns) return 'ENOSYS';
  if (s.profile.setnsCapFirst && !capable(s, t, ADMIN) && !mutant('setns-no-cap-first')) return 'EPERM';
  const fileId = t.fds.get(fdName);
  // fget / fdget: no such fd, or an O_PATH file → EBADF
  if (fileId === undefined || s.files[fileId]!.opath) return 'EBADF';
  const f = s.files[fileId]!;
  const kinds = nstypeKinds(nstype);
  let flags = 0;
  for (const k of kinds) flags |= KIND_BIT[k];
  let nsTarget = -1;
  if (f.kind === F_NS || mutant('fget-no-fop-check')) {
    nsTarget = file_ns(s, fileId);
    if (nsTarget < 0) return 'EINVAL';
    // "if (nstype && (ops->type != nstype))"
    if (flags !== 0 && KIND_BIT[s.ns[nsTarget]!.kind] !== flags && !mutant('setns-no-type-check')) return 'EINVAL';
  } else if (f.kind === F_PIDFD && s.profile.pidfd) {
    // check_setns_flags: a pidfd needs explicit flags, all of them namespace flags
    if (flags === 0 && !mutant('pidfd-flags-0')) return 'EINVAL';
    for (const k of kinds) if (!s.profile.newnsKinds.includes(k)) return 'EINVAL';
  } else {
    return mutant('setns-ebadf-for-other') ? 'EBADF' : 'EINVAL';
  }
  // prepare_nsset: create_new_namespaces(0, ...) and, for user, prepare_creds
  const proxy = create_new_namespaces(s, t, [], t.userns, false);
  if (typeof proxy !== 'number') return proxy;
  const set: NsSet = { proxy, cred: { userns: t.userns, caps: t.caps } };
  let err: Errno | '' = '';
  if (nsTarget >= 0) {
    err = install(s, t, set, nsTarget);
  } else {
    const pid = s.pids[f.pid]!;
    const tsk = pid.task;
    if (tsk < 0) err = 'ESRCH';
    else if (!ptrace_may_access(s, task, tsk)) err = 'EPERM';
    else {
      const tt = s.tasks[tsk]!;
      // validate_nsset (kernel/nsproxy.c, 303cc571d107 v5.8): "if (!nsp) return -ESRCH", whatever
      // the flags; exit_task_namespaces left a zombie none (observed 6.18.44: ESRCH for user and pid too)
      if (tt.nsproxy < 0) err = 'ESRCH';
      for (const k of NSSET_ORDER) {
        if (err !== '' || !kinds.includes(k)) continue;
        const tp = tt.nsproxy >= 0 ? s.nsproxies[tt.nsproxy]!.ns : null;
        const ns = k === 'user' ? tt.userns : k === 'pid' ? pid.ns
          : k === 'mnt' ? tp![SLOT.mnt]! : k === 'uts' ? tp![SLOT.uts]! : k === 'ipc' ? tp![SLOT.ipc]!
          : k === 'cgroup' ? tp![SLOT.cgroup]! : k === 'net' ? tp![SLOT.net]! : tp![SLOT.time]!;
        err = install(s, t, set, ns);
      }
    }
  }
  if (err !== '') {
    put_nsproxy(s, set.proxy);
    if (set.cred.userns !== t.userns) put_ns(s, set.cred.userns);
    return err;
  }
  // commit_nsset
  if (set.cred.userns !== t.userns) commit_creds(s, t, set.cred);
  switch_task_namespaces(s, t, set.proxy);
  return '';
}

export const KIND_BIT: Record<NsKind, number> = {
  net: 0x40000000, uts: 0x04000000, ipc: 0x08000000, mnt: 0x00020000,
  pid: 0x20000000, user: 0x10000000, cgroup: 0x02000000, time: 0x00000080,
};

/** Whether the task may act (the model's convention: a zombie or reaped task cannot). */
export function running(s: KState, task: number): boolean {
  return s.tasks[task]!.state === TASK_RUNNING;
}
