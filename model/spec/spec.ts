// The spec: what must happen for each op of trace format v1, per profile, in the order the
// errors are checked. No refcounts, no caches: liveness is reachability (alive.ts). Each rule
// cites where the behaviour is documented or observed (see README "Specification").
import type { Errno, NsKind, Op, Outcome } from '../types.ts';
import { ALL_CAPS, CAP_BIT, CLONE_FLAG, ENTRY_KIND, hiddenName } from '../types.ts';
import { dac, hasCap, mayInspect, procOwner } from './access.ts';
import { openHandles, reachableNs } from './alive.ts';
import type { HandleKind, SHandle, SState, STask } from './state.ts';
import { REAPED, RUNNING, S, ZOMBIE } from './state.ts';
import { mapWith, mapWithout } from '../records.ts';

const ADMIN = CAP_BIT.CAP_SYS_ADMIN;
const OK: Outcome = Object.freeze({}) as Outcome;
const E = (e: Errno): Outcome => ({ errno: e });

/** The namespace `entry` of /proc/<task>/ns names now, or -1 (namespaces(7), observed 6.18 §1). */
export function nsOf(s: SState, task: number, entry: string): number {
  const t = s.tasks[task]!;
  if (t.state === REAPED) return -1;
  if (entry === 'user') return t.userns; // a zombie keeps its credentials
  if (entry === 'pid') return t.pidns; // ... and its pid
  if (!t.ns) return -1; // a zombie has left every other namespace
  switch (entry) {
    case 'pid_for_children': {
      const n = t.ns[S.pid4c]!;
      return s.ns[n]!.reaper >= 0 ? n : -1; // "gains a value only after the first child"
    }
    case 'time_for_children': return t.ns[S.time4c]!;
    case 'time': return t.ns[S.time]!;
    default: return t.ns[slotOf(ENTRY_KIND[entry as keyof typeof ENTRY_KIND])]!;
  }
}

function slotOf(k: NsKind): number {
  switch (k) {
    case 'uts': return S.uts;
    case 'ipc': return S.ipc;
    case 'mnt': return S.mnt;
    case 'pid': return S.pid4c;
    case 'net': return S.net;
    case 'time': return S.time4c;
    default: return S.cgroup;
  }
}

function newNs(s: SState, kind: NsKind, owner: number): number {
  s.ns.push({ kind, owner, parent: -1, level: 0, reaper: -1, ownerUid: 0, mounts: [] });
  return s.ns.length - 1;
}

function pidnsWithin(s: SState, ns: number, anc: number): boolean {
  for (let p = ns; p >= 0; p = s.ns[p]!.parent) if (p === anc) return true;
  return false;
}

function userWithin(s: SState, ns: number, anc: number): boolean {
  for (let p = ns; p >= 0; p = s.ns[p]!.owner) if (p === anc) return true;
  return false;
}

/**
 * prctl(2) PR_SET_DUMPABLE, credentials(7): entering user ns `ns` keeps a task dumpable only if
 * `ns`, or an ancestor of it, is a child of the task's user ns created by the task's euid.
 */
function createdByMeBelow(s: SState, t: STask, ns: number): boolean {
  for (let p = ns; p > 0; p = s.ns[p]!.owner) if (s.ns[p]!.owner === t.userns && s.ns[p]!.ownerUid === t.uid) return true;
  return false;
}

/** A pid namespace whose first task has exited takes no new members (observed: ENOMEM). */
function dying(s: SState, pidns: number): boolean {
  const r = s.ns[pidns]!.reaper;
  return r >= 0 && s.tasks[r]!.state !== RUNNING;
}

/** The capability to create (non-user) namespaces: v3.0 CAP_SYS_ADMIN globally, later in the (new) user ns. */
function mayCreate(s: SState, t: STask): boolean {
  if (s.profile.setnsCapFirst) return t.userns === 0 && (t.caps & ADMIN) !== 0;
  return hasCap(s, t, t.userns, ADMIN);
}

/** The new namespaces of a clone/unshare: user first, then in the order listed. */
function makeNamespaces(s: SState, t: STask, kinds: readonly NsKind[], userns: number, child: boolean): number[] {
  const slots = t.ns!.slice();
  for (const k of kinds) {
    if (k === 'user') continue;
    const id = newNs(s, k, userns);
    if (k === 'pid') {
      s.ns[id]!.parent = t.pidns;
      s.ns[id]!.level = s.ns[t.pidns]!.level + 1;
    }
    if (k === 'mnt') {
      for (const m of s.ns[slots[S.mnt]!]!.mounts) {
        const src = s.mounts[m]!;
        if (s.profile.mntNsLoopCheck && src.ns >= 0 && s.ns[src.ns]!.kind === 'mnt') continue;
        // mount_namespaces(7): mounts copied to a less privileged mount ns are locked together
        const locked = src.locked || (s.profile.mntLocked && userns !== s.ns[slots[S.mnt]!]!.owner);
        s.mounts.push({ ...src, mntns: id, detached: false, locked });
        s.ns[id]!.mounts.push(s.mounts.length - 1);
      }
    }
    slots[slotOf(k)] = id;
  }
  if (child) slots[S.time] = slots[S.time4c]!; // a child starts in time_for_children
  return slots;
}

function newUserNs(s: SState, t: STask): number {
  const id = newNs(s, 'user', t.userns);
  s.ns[id]!.level = s.ns[t.userns]!.level + 1;
  s.ns[id]!.ownerUid = t.uid;
  return id;
}

function spawn(s: SState, p: number, name: string, kinds: readonly NsKind[]): Outcome {
  const pt = s.tasks[p]!;
  if (s.byName.has(name)) return E('EEXIST');
  if (kinds.some((k) => !s.profile.newnsKinds.includes(k))) return E('EINVAL');
  const wantsUser = kinds.includes('user');
  if (wantsUser && pt.userns !== 0) return E('EPERM'); // user_namespaces(7): creator's ids must be mapped
  const others = kinds.filter((k) => k !== 'user');
  // a new user ns gives every capability in it; otherwise CAP_SYS_ADMIN is needed
  if (others.length > 0 && !wantsUser && !mayCreate(s, pt)) return E('EPERM');
  if (others.includes('pid') && pt.ns![S.pid4c] !== pt.pidns) return E('EINVAL');
  const target4c = others.includes('pid') ? -1 : pt.ns![S.pid4c]!;
  if (target4c >= 0 && dying(s, target4c)) return E('ENOMEM');
  const userns = wantsUser ? newUserNs(s, pt) : pt.userns;
  const slots = makeNamespaces(s, pt, others, userns, true);
  const idx = s.tasks.length;
  const pidns = slots[S.pid4c]!;
  if (s.ns[pidns]!.reaper < 0) s.ns[pidns]!.reaper = idx;
  s.tasks.push({
    name, state: RUNNING, parent: p, uid: pt.uid, gid: pt.gid, caps: wantsUser ? ALL_CAPS : pt.caps, userns,
    dumpable: pt.dumpable, hasMm: true, mmUserns: pt.mmUserns, ns: slots, pidns, fds: pt.fds, // the same handles: the Map is a value, shared
  });
  s.byName = mapWith(s.byName, name, idx); // a state's Maps are replaced, never mutated
  return OK;
}

function unshare(s: SState, ti: number, kinds: readonly NsKind[]): Outcome {
  const t = s.tasks[ti]!;
  if (kinds.some((k) => !s.profile.unshareKinds.includes(k))) return E('EINVAL');
  const wantsUser = kinds.includes('user');
  if (wantsUser && t.userns !== 0) return E('EPERM');
  const others = kinds.filter((k) => k !== 'user');
  if (others.length > 0 && !wantsUser && !mayCreate(s, t)) return E('EPERM');
  if (others.includes('pid') && t.ns![S.pid4c] !== t.pidns) return E('EINVAL');
  if (wantsUser) {
    t.userns = newUserNs(s, t);
    t.caps = ALL_CAPS;
  }
  if (others.length > 0) t.ns = makeNamespaces(s, t, others, t.userns, false);
  return OK;
}

const ORDER: NsKind[] = ['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net', 'time'];

/** setns(2), per the man page and the observed 6.18 order: EBADF, EINVAL, EPERM, ESRCH. */
function setns(s: SState, ti: number, fd: string, nstype: NsKind | 0 | NsKind[]): Outcome {
  const t = s.tasks[ti]!;
  if (!s.profile.setns) return E('ENOSYS');
  // v3.0..3.7: "if (!capable(CAP_SYS_ADMIN)) return -EPERM" before looking at the fd
  if (s.profile.setnsCapFirst && !(t.userns === 0 && (t.caps & ADMIN) !== 0)) return E('EPERM');
  const hi = t.fds.get(fd);
  if (hi === undefined || s.handles[hi]!.opath) return E('EBADF');
  const h = s.handles[hi]!;
  const kinds: NsKind[] = nstype === 0 ? [] : Array.isArray(nstype) ? nstype : [nstype];
  const flags = kinds.reduce((a, k) => a | CLONE_FLAG[k], 0);
  let targets: NsKind[];
  let pick: (k: NsKind) => number;
  if (h.kind === 'ns') {
    if (flags !== 0 && flags !== CLONE_FLAG[s.ns[h.ns]!.kind]) return E('EINVAL');
    targets = [s.ns[h.ns]!.kind];
    pick = () => h.ns;
  } else if (h.kind === 'pidfd' && s.profile.pidfd) {
    if (flags === 0 || kinds.some((k) => !s.profile.newnsKinds.includes(k))) return E('EINVAL');
    const tt = s.tasks[h.task]!;
    if (tt.state === REAPED) return E('ESRCH');
    if (!mayInspect(s, ti, h.task)) return E('EPERM');
    if (!tt.ns) return E('ESRCH'); // a zombie has no namespaces to enter, for any nstype (user and pid too)
    targets = ORDER.filter((k) => kinds.includes(k));
    pick = (k) => (k === 'user' ? tt.userns : k === 'pid' ? tt.pidns : k === 'time' ? tt.ns![S.time]! : tt.ns![slotOf(k)]!);
  } else {
    return E('EINVAL');
  }
  // all or nothing: check every install against a pending cred, then commit
  let userns = t.userns;
  let caps = t.caps;
  const slots = t.ns!.slice();
  const modern = !s.profile.setnsCapFirst;
  for (const k of targets) {
    const ns = pick(k);
    const n = s.ns[ns]!;
    if (k === 'user') {
      if (ns === t.userns) return E('EINVAL'); // no re-entering one's own user ns
      if (!hasCap(s, t, ns, ADMIN)) return E('EPERM');
      userns = ns;
      caps = ALL_CAPS;
      continue;
    }
    const pending = { ...t, userns, caps };
    const mine = (cap: number) => hasCap(s, pending, userns, cap);
    if (modern && (!hasCap(s, t, n.owner, ADMIN) || (k === 'mnt' && !mine(CAP_BIT.CAP_SYS_CHROOT)) || !mine(ADMIN))) return E('EPERM');
    if (k === 'pid') {
      // only the active pid namespace or one below it
      if (!pidnsWithin(s, ns, t.pidns)) return E('EINVAL');
      slots[S.pid4c] = ns;
    } else if (k === 'time') {
      slots[S.time] = ns;
      slots[S.time4c] = ns;
    } else {
      slots[slotOf(k)] = ns;
    }
  }
  if (userns !== t.userns) {
    if (!createdByMeBelow(s, t, userns)) t.dumpable = false;
    t.userns = userns;
    t.caps = caps;
  }
  t.ns = slots;
  return OK;
}

function exitCore(t: STask): void {
  t.state = ZOMBIE;
  t.fds = new Map();
  t.ns = null;
  t.hasMm = false;
}

function exit(s: SState, ti: number): Outcome {
  if (ti === 0) return E('EPERM');
  const t = s.tasks[ti]!;
  exitCore(t);
  const pidns = t.pidns;
  if (s.ns[pidns]!.reaper === ti) {
    // pid_namespaces(7): when the init of a pid namespace ends, every member is killed; those
    // whose parent is inside are reaped with it
    const victims = s.tasks.map((_, i) => i).filter((i) => i !== ti && s.tasks[i]!.state !== REAPED && pidnsWithin(s, s.tasks[i]!.pidns, pidns));
    for (const i of victims) if (s.tasks[i]!.state === RUNNING) exitCore(s.tasks[i]!);
    for (const i of victims) {
      const par = s.tasks[i]!.parent;
      if (par === ti || pidnsWithin(s, s.tasks[par]!.pidns, pidns)) s.tasks[i]!.state = REAPED;
    }
    return OK;
  }
  const reaper = s.ns[pidns]!.reaper;
  for (const u of s.tasks) if (u.parent === ti && u.state !== REAPED) u.parent = reaper;
  return OK;
}

function reap(s: SState, name: string): Outcome {
  const ti = s.byName.get(name);
  if (ti === undefined || s.tasks[ti]!.state === REAPED) return E('ECHILD');
  const t = s.tasks[ti]!;
  if (t.parent < 0) return E('ECHILD'); // reap.no-parent: init is nobody's child
  if (t.state === RUNNING) return E('EAGAIN');
  if (s.ns[t.pidns]!.reaper === ti && s.tasks.some((u, i) => i !== ti && u.state !== REAPED && pidnsWithin(s, u.pidns, t.pidns))) return E('EAGAIN');
  t.state = REAPED;
  return OK;
}

function cred(s: SState, ti: number, op: Extract<Op, { op: 'cred' }>): Outcome {
  const t = s.tasks[ti]!;
  const wasRoot = t.uid === 0;
  // setresgid(2), setresuid(2): ids must be mapped (EINVAL), CAP_SETGID / CAP_SETUID (EPERM);
  // a change of ids makes the process non-dumpable (fs.suid_dumpable = 0)
  // user_namespaces(7): an id must be mapped in the caller's user ns, even the current one (observed 6.18)
  if (t.userns !== 0 && (op.gid !== undefined || op.uid !== undefined)) return E('EINVAL');
  if (op.gid !== undefined && op.gid !== t.gid) {
    if (t.userns !== 0) return E('EINVAL');
    if ((t.caps & CAP_BIT.CAP_SETGID) === 0) return E('EPERM');
    t.gid = op.gid;
    t.dumpable = false;
  }
  if (op.uid !== undefined && op.uid !== t.uid) {
    if (t.userns !== 0) return E('EINVAL');
    if ((t.caps & CAP_BIT.CAP_SETUID) === 0) return E('EPERM');
    t.uid = op.uid;
    t.dumpable = false;
  }
  if (op.caps !== undefined) {
    const caps = op.caps.reduce((a, c) => a | CAP_BIT[c], 0);
    if ((caps & ~t.caps) !== 0) return E('EPERM'); // capset(2): no new permitted capabilities
    t.caps = caps;
  } else if (wasRoot && t.uid !== 0) {
    t.caps = 0; // capabilities(7): leaving uid 0 clears them
  }
  if (op.dumpable !== undefined) t.dumpable = op.dumpable;
  return OK;
}

/** What a path names for `caller` (path_resolution(7), namespaces(7), proc(5)). */
type Found = { kind: HandleKind; ns: number; mount: number; task: number; linkHandle: number; entry: string;
  uid: number; gid: number; ownerTask: number; mode: number; immutable: boolean; mntns: number };

function F(kind: HandleKind, over: Partial<Found> = {}): Found {
  return { kind, ns: -1, mount: -1, task: -1, linkHandle: -1, entry: '', uid: 0, gid: 0, ownerTask: -1, mode: 0o666, immutable: false, mntns: -1, ...over };
}

/** The owner of a file: fixed, or (v3.0 proc ns files) the owning task's current euid/egid. */
function ownerOf(s: SState, f: { uid: number; gid: number; ownerTask: number }): { uid: number; gid: number } {
  return f.ownerTask >= 0 ? procOwner(s.tasks[f.ownerTask]!) : f;
}

const PROC_RE = /^\/proc\/([^/]+)\/(ns|fd)(?:\/([^/]+))?$/;
const procMatches = new Map<string, RegExpExecArray | null>();

/** PROC_RE's match of a path, made once per path string (a run sees the same few paths). */
function procMatch(path: string): RegExpExecArray | null {
  let m = procMatches.get(path);
  if (m === undefined) procMatches.set(path, (m = PROC_RE.exec(path)));
  return m;
}

function resolve(s: SState, ci: number, path: string, follow: boolean): Found | Errno {
  const c = s.tasks[ci]!;
  // a path names a file of the caller's own mount ns (its /tmp, /proc, @mounts), except where a
  // /proc/<pid>/fd link leads to a file opened elsewhere; namespace files and pidfds are of none
  const own = c.ns![S.mnt]!;
  if (path.startsWith('/tmp/')) return F('reg', { mntns: own });
  if (path.startsWith('@')) {
    const list = s.ns[own]!.mounts;
    for (let i = list.length - 1; i >= 0; i--) {
      const m = s.mounts[list[i]!]!;
      if (m.target !== path) continue;
      // a link mount is the magic link /proc/<task>/ns/<entry>: read or followed at each walk
      if (m.task >= 0) return follow ? followLink(s, ci, m.task, m.entry) : F('link', { task: m.task, entry: m.entry, mount: list[i]!, mntns: own });
      return m.ns >= 0 ? F('ns', { ns: m.ns, mount: list[i]!, uid: m.uid, gid: m.gid, ownerTask: m.ownerTask, mode: m.mode, immutable: m.immutable, mntns: s.profile.nsfs ? -1 : own })
        : F('reg', { mount: list[i]!, mntns: own });
    }
    return F('reg', { mntns: own });
  }
  const m = procMatch(path);
  if (!m) return 'ENOENT';
  const ti = s.byName.get(m[1]!);
  if (ti === undefined || s.tasks[ti]!.state === REAPED) return 'ENOENT';
  const t = s.tasks[ti]!;
  if (m[2] === 'ns') refreshDirOwner(s, ti);
  if (m[2] === 'ns' && m[3] === undefined) return F('dir', { task: ti, mntns: own, ...procOwner(t) });
  if (m[2] === 'ns') {
    const entry = m[3]!;
    const listed = (s.profile.entries as readonly string[]).includes(entry);
    if (!s.profile.magicLinks) {
      // v3.0: the files are regular files; looking one up needs ptrace read access (EPERM)
      if (!mayInspect(s, ci, ti)) return 'EPERM';
      if (!listed) return 'ENOENT';
      const ns = nsOf(s, ti, entry);
      if (ns < 0) return 'ENOENT';
      return F('ns', { ns, ownerTask: ti, mode: 0o400, mntns: own });
    }
    // v3.8+: magic symlinks; following or reading one needs ptrace read access (EACCES)
    if (!listed) return 'ENOENT';
    if (!follow) return F('link', { task: ti, entry, mntns: own });
    return followLink(s, ci, ti, entry);
  }
  // /proc/<pid>/fd: a 0500 directory of the task; each entry a magic link guarded by ptrace
  if (ci !== ti && dac(s, c, procOwner(t), 0o500, true, false, { search: true }) !== '') return 'EACCES';
  const hi = t.fds.get(m[3]!);
  if (hi === undefined) return 'ENOENT';
  if (!follow) return F('link', { task: ti, linkHandle: hi, mntns: own });
  if (!mayInspect(s, ci, ti)) return 'EACCES';
  const h = s.handles[hi]!;
  if (h.kind === 'ns') return F('ns', { ns: h.ns, mount: h.mount, uid: h.uid, gid: h.gid, ownerTask: h.ownerTask, mode: h.mode, immutable: h.immutable, mntns: h.mntns });
  if (h.kind === 'link') return F('link', { task: h.task, entry: 'jumped', linkHandle: hi, mount: h.mount, mntns: h.mntns });
  if (h.kind === 'pidfd') return F('pidfd', { task: h.task, linkHandle: hi });
  if (h.kind === 'dir') return F('dir', { task: h.task, mntns: h.mntns, uid: h.uid, gid: h.gid }); // the owner it has kept
  return F('reg', { mount: h.mount, mntns: h.mntns });
}

/**
 * The /proc/<task>/ns directory's owner (the task's uid and gid while it is dumpable, else
 * root) is what the last path through /proc/<task>/ns found: a held directory reopened through
 * /proc/<pid>/fd/<fd> keeps the owner of that walk, in every version (observed 6.18:
 * scenarios/kernel-ns-dir-stale-owner.json). Unlike a v3.0 namespace file's owner (README,
 * Findings 4), which decides who may open a namespace, this one only decides who may list the
 * entry names, so the spec takes the kernel's behaviour as it is. A walk gives every held
 * directory handle of the task the current owner.
 */
function refreshDirOwner(s: SState, ti: number): void {
  let o: { uid: number; gid: number } | null = null;
  for (const h of s.handles) {
    if (h.kind !== 'dir' || h.task !== ti) continue;
    o ??= procOwner(s.tasks[ti]!);
    if (h.uid !== o.uid) h.uid = o.uid;
    if (h.gid !== o.gid) h.gid = o.gid;
  }
}

/**
 * Following a v3.8+ magic link /proc/<task>/ns/<entry> (proc(5), namespaces(7)): EACCES once the
 * task is gone (reachable through a link mount only) or without ptrace read access, ENOENT once
 * the namespace is gone, else the namespace file.
 */
function followLink(s: SState, ci: number, ti: number, entry: string): Found | Errno {
  if (s.tasks[ti]!.state === REAPED || !mayInspect(s, ci, ti)) return 'EACCES';
  const ns = nsOf(s, ti, entry);
  if (ns < 0) return 'ENOENT';
  // before nsfs the file is on the caller's own /proc; from v3.19 on no mount ns's
  return F('ns', { ns, mode: 0o444, immutable: s.profile.nsfs, mntns: s.profile.nsfs ? -1 : s.tasks[ci]!.ns![S.mnt]! });
}

/** The ns entry a link handle is, through O_PATH opens of /proc/<pid>/fd jumps; '' for a /proc/<pid>/fd link. */
function linkEntry(s: SState, h: SHandle): string {
  while (h.entry === 'jumped') h = s.handles[h.linkHandle]!;
  return h.entry;
}

function install(s: SState, ti: number, name: string, h: SHandle): void {
  const t = s.tasks[ti]!;
  const fds = new Map(t.fds); // a state's Maps are replaced, never mutated (clones share them)
  const old = fds.get(name);
  if (old !== undefined) fds.set(hiddenName(fds, name), old);
  s.handles.push(h);
  fds.set(name, s.handles.length - 1);
  t.fds = fds;
}

function pidnsOfTask(s: SState, ti: number): number {
  return s.tasks[ti]!.pidns;
}

function open(s: SState, ci: number, path: string, fd: string, flags: readonly string[] = NO_FLAGS): Outcome {
  const opath = flags.includes('O_PATH');
  const write = !opath && (flags.includes('O_WRONLY') || flags.includes('O_RDWR'));
  const read = !opath && !flags.includes('O_WRONLY');
  const directory = flags.includes('O_DIRECTORY');
  const f = resolve(s, ci, path, !flags.includes('O_NOFOLLOW'));
  if (typeof f === 'string') return E(f);
  const c = s.tasks[ci]!;
  const base: SHandle = { kind: f.kind, ns: f.ns, mount: f.mount, task: f.task, pidns: -1, linkHandle: f.linkHandle, entry: f.entry,
    uid: f.uid, gid: f.gid, ownerTask: f.ownerTask, mode: f.mode, immutable: f.immutable, opath, read, write, mntns: f.mntns };
  switch (f.kind) {
    case 'ns': {
      if (directory) return E('ENOTDIR');
      if (!opath) {
        const e = dac(s, c, ownerOf(s, f), f.mode, false, f.immutable, { read, write });
        if (e !== '') return E(e);
      }
      break;
    }
    case 'link':
      if (directory) return E('ENOTDIR'); // open(2): not a directory, checked first (observed 6.18)
      if (!opath) return E('ELOOP'); // open(2): O_NOFOLLOW and the last component is a symlink
      base.pidns = pidnsOfTask(s, f.task);
      break;
    case 'dir': {
      if (write) return E('EISDIR');
      if (!opath) {
        const e = dac(s, c, f, 0o511, true, false, { read: true }); // the owner the walk found or the handle kept
        if (e !== '') return E(e);
      }
      base.pidns = pidnsOfTask(s, f.task);
      break;
    }
    case 'pidfd': {
      if (directory) return E('ENOTDIR');
      // a pidfd's inode is a root-owned 0700 file (observed 6.18: fstat mode 0700; uid 1000 reopening its own pidfd gets EACCES)
      if (!opath) {
        const e = dac(s, c, { uid: 0, gid: 0 }, 0o700, false, false, { read, write });
        if (e !== '') return E(e);
      }
      base.pidns = s.handles[f.linkHandle]!.pidns;
      break;
    }
      break;
    default:
      if (directory) return E('ENOTDIR');
  }
  install(s, ci, fd, base);
  return handleOutcome(base);
}

/** A call that returns an fd names the namespace when the file is a namespace file. */
function handleOutcome(h: SHandle): Outcome {
  return h.kind === 'ns' ? { ns: String(h.ns) } : OK;
}

const NO_FLAGS: readonly string[] = [];

function readlink(s: SState, ci: number, path: string): Outcome {
  const f = resolve(s, ci, path, false);
  if (typeof f === 'string') return E(f);
  if (f.kind !== 'link') return E('EINVAL');
  if (s.tasks[f.task]!.state === REAPED || !mayInspect(s, ci, f.task)) return E('EACCES'); // a reaped task's link: through a link mount
  if (f.linkHandle >= 0) {
    const h = s.handles[f.linkHandle]!;
    // proc(5) /proc/<pid>/fd: the link text is the file's path; "type:[inode]" only for a file
    // opened on nsfs itself, the mount path for one opened through a bind mount (observed 6.18);
    // before 3.8 the file was a proc file, whose path names no namespace
    return h.kind === 'ns' && h.mount < 0 && s.profile.magicLinks ? { ns: String(h.ns), text: s.ns[h.ns]!.kind } : OK;
  }
  const ns = nsOf(s, f.task, f.entry);
  // namespaces(7): the link text is "type:[inode]", the type being the namespace's kind
  return ns < 0 ? E('ENOENT') : { ns: String(ns), text: s.ns[ns]!.kind };
}

function readdir(s: SState, ci: number, path: string): Outcome {
  const f = resolve(s, ci, path, true);
  if (typeof f === 'string') return E(f);
  if (f.kind !== 'dir') return E('ENOTDIR');
  if (dac(s, s.tasks[ci]!, f, 0o511, true, false, { read: true }) !== '') return E('EACCES'); // as open's
  // a directory held while its task was reaped lists nothing: the task is gone (ENOENT, observed 6.18)
  if (s.tasks[f.task]!.state === REAPED) return E('ENOENT');
  // v3.0 readdir checked ptrace read access (EPERM); 3.8 dropped the check
  if (!s.profile.magicLinks && !mayInspect(s, ci, f.task)) return E('EPERM');
  return { names: s.profile.entries.slice() };
}

function statPath(s: SState, ci: number, path: string): Outcome {
  const f = resolve(s, ci, path, true);
  if (typeof f === 'string') return E(f);
  return f.kind === 'ns' ? { ns: String(f.ns) } : OK;
}

function handleOf(s: SState, ci: number, fd: string, allowPath: boolean): SHandle | null {
  const hi = s.tasks[ci]!.fds.get(fd);
  if (hi === undefined) return null;
  const h = s.handles[hi]!;
  return !allowPath && h.opath ? null : h;
}

function ioctl(s: SState, ci: number, fd: string, request: string, as: string | undefined): Outcome {
  const h = handleOf(s, ci, fd, false);
  if (!h) return E('EBADF');
  if (!s.profile.ioctls || h.kind !== 'ns') return E('ENOTTY');
  const n = s.ns[h.ns]!;
  const c = s.tasks[ci]!;
  // ioctl_ns(2): the owner / parent must lie within the caller's (user / pid) namespace
  const related = (ns: number, within: (x: number) => boolean): Outcome => {
    if (ns < 0 || !within(ns)) return E('EPERM');
    install(s, ci, as ?? `ioctl#${s.handles.length}`, { kind: 'ns', ns, mount: -1, task: -1, pidns: -1, linkHandle: -1, entry: '',
      uid: 0, gid: 0, ownerTask: -1, mode: 0o444, immutable: true, opath: false, read: true, write: false, mntns: -1 });
    return { ns: String(ns) };
  };
  const inMyUserns = (x: number) => userWithin(s, x, c.userns);
  switch (request) {
    case 'NS_GET_USERNS': return related(n.owner, inMyUserns);
    case 'NS_GET_PARENT':
      if (n.kind === 'user') return related(n.owner, inMyUserns);
      if (n.kind !== 'pid') return E('EINVAL');
      return related(n.parent, (x) => pidnsWithin(s, x, c.pidns));
    case 'NS_GET_NSTYPE': return { value: CLONE_FLAG[n.kind] };
    case 'NS_GET_OWNER_UID': return n.kind === 'user' ? { value: c.userns === 0 ? n.ownerUid : 65534 } : E('EINVAL');
    case 'NS_GET_ID': return { ns: String(h.ns) };
    default: return E('ENOTTY');
  }
}

/** mount(2) MS_BIND and umount(2) need CAP_SYS_ADMIN over the caller's mount namespace. */
function mayMount(s: SState, t: STask): boolean {
  if (s.profile.setnsCapFirst) return t.userns === 0 && (t.caps & ADMIN) !== 0;
  return hasCap(s, t, s.ns[t.ns![S.mnt]!]!.owner, ADMIN);
}

/** The top mount on `target` in the caller's mount namespace: [its index in the list, its id], or [-1, -1]. */
function topMount(s: SState, t: STask, target: string): [number, number] {
  const list = s.ns[t.ns![S.mnt]!]!.mounts;
  for (let i = list.length - 1; i >= 0; i--) if (s.mounts[list[i]!]!.target === target) return [i, list[i]!];
  return [-1, -1];
}

/** mount(2) and umount(2) resolve the target first, following a link mount on top (its errors come before EPERM). */
function targetWalk(s: SState, ci: number, m: number): Errno | '' {
  if (m < 0 || s.mounts[m]!.task < 0) return '';
  const f = followLink(s, ci, s.mounts[m]!.task, s.mounts[m]!.entry);
  return typeof f === 'string' ? f : '';
}

function bind(s: SState, ci: number, source: string, target: string): Outcome {
  const t = s.tasks[ci]!;
  const [, top] = topMount(s, t, target);
  const te = targetWalk(s, ci, top);
  if (te !== '') return E(te);
  if (!mayMount(s, t)) return E('EPERM');
  const f = resolve(s, ci, source, true);
  if (typeof f === 'string') return E(f);
  const mntns = t.ns![S.mnt]!;
  // 6.18: binding one's own or an older mount namespace's file would make a loop (EINVAL)
  if (f.kind === 'ns' && s.profile.mntNsLoopCheck && s.ns[f.ns]!.kind === 'mnt' && mntns >= f.ns) return E('EINVAL');
  // onto a link mount: the followed target is a namespace file outside any mount namespace (ENOENT, observed 6.18)
  if (top >= 0 && s.mounts[top]!.task >= 0) return E('ENOENT');
  // only a file of one's own mount ns is bound, or a pidfd, or (from v3.19, nsfs) a namespace file
  // from anywhere: one opened in another mount ns and reached through /proc/<pid>/fd is EINVAL
  // (observed 6.18.44; before nsfs a namespace file is a /proc file too)
  if (f.kind !== 'pidfd' && !(f.kind === 'ns' && s.profile.nsfs) && f.mntns !== mntns) return E('EINVAL');
  if (f.kind === 'dir') return E('ENOTDIR');
  // pidfd: EINVAL on 6.18
  if (f.kind === 'pidfd') return E('EINVAL');
  if (f.kind === 'link') {
    // 6.18 mounts an O_PATH|O_NOFOLLOW fd of /proc/<pid>/ns/<x> as that link (observed); a
    // /proc/<pid>/fd link, and other profiles: EINVAL (unverified, out of scope: oracle/README.md)
    const h = s.handles[f.linkHandle]!;
    const entry = linkEntry(s, h);
    if (entry === '' || !s.profile.linkMounts) return E('EINVAL');
    // the link of a reaped task is gone from /proc: it cannot become a mount's root (ENOENT, observed 6.18)
    if (s.tasks[f.task]!.state === REAPED) return E('ENOENT');
    s.mounts.push({ mntns, target, ns: -1, uid: 0, gid: 0, ownerTask: -1, mode: 0o777, immutable: false, detached: false, locked: false,
      task: f.task, entry, pidns: h.pidns });
    s.ns[mntns]!.mounts.push(s.mounts.length - 1);
    return OK;
  }
  s.mounts.push({ mntns, target, ns: f.kind === 'ns' ? f.ns : -1, uid: f.uid, gid: f.gid, ownerTask: f.ownerTask, mode: f.mode, immutable: f.immutable, detached: false, locked: false,
    task: -1, entry: '', pidns: -1 });
  s.ns[mntns]!.mounts.push(s.mounts.length - 1);
  return OK;
}

function umount(s: SState, ci: number, target: string): Outcome {
  const t = s.tasks[ci]!;
  const [top, m] = topMount(s, t, target);
  const te = targetWalk(s, ci, m); // umount(2) follows a symlink unless UMOUNT_NOFOLLOW
  if (te !== '') return E(te);
  if (!mayMount(s, t)) return E('EPERM');
  if (top < 0) return E('EINVAL');
  if (s.mounts[m]!.task >= 0) return E('EINVAL'); // the followed link ends on a namespace file, not a mount point
  if (s.mounts[m]!.locked) return E('EINVAL'); // umount(2): EINVAL for a locked mount (mount_namespaces(7))
  const open = openHandles(s);
  for (let i = 0; i < s.handles.length; i++) if (open[i] === 1 && s.handles[i]!.mount === m) return E('EBUSY');
  s.ns[t.ns![S.mnt]!]!.mounts.splice(top, 1);
  s.mounts[m] = { ...s.mounts[m]!, detached: true };
  return OK;
}

/** Runs one op on the spec state, mutating it. */
export function specStep(s: SState, op: Op): Outcome {
  if (op.op === 'alive') {
    const id = Number(op.ns);
    if (!(id >= 0 && id < s.ns.length)) return E('EINVAL');
    return { value: reachableNs(s)[id] === 1 };
  }
  if (op.op === 'shrink') return OK;
  if (op.op === 'reap') return reap(s, op.task);
  const ci = s.byName.get(op.op === 'spawn' ? op.parent : op.task);
  if (ci === undefined || s.tasks[ci]!.state !== RUNNING) return E('ESRCH');
  switch (op.op) {
    case 'spawn': return spawn(s, ci, op.task, op.newns ?? []);
    case 'unshare': return unshare(s, ci, op.newns);
    case 'setns': return setns(s, ci, op.fd, op.nstype);
    case 'exit': return exit(s, ci);
    case 'cred': return cred(s, ci, op);
    case 'open': return open(s, ci, op.path, op.fd, op.flags);
    case 'close': {
      const t = s.tasks[ci]!;
      if (!t.fds.has(op.fd)) return E('EBADF');
      t.fds = mapWithout(t.fds, op.fd);
      return OK;
    }
    case 'dup': {
      const hi = s.tasks[ci]!.fds.get(op.fd);
      if (hi === undefined) return E('EBADF');
      const t = s.tasks[ci]!;
      const fds = new Map(t.fds);
      const old = fds.get(op.as);
      if (old !== undefined) fds.set(hiddenName(fds, op.as), old);
      fds.set(op.as, hi);
      t.fds = fds;
      return handleOutcome(s.handles[hi]!);
    }
    case 'pidfd': {
      if (!s.profile.pidfd) return E('ENOSYS');
      const ti = s.byName.get(op.target);
      if (ti === undefined || s.tasks[ti]!.state === REAPED) return E('ESRCH');
      // pidfd_open(2): the pid is looked up in the caller's pid namespace (observed 6.18: ESRCH outside it)
      if (!pidnsWithin(s, s.tasks[ti]!.pidns, s.tasks[ci]!.pidns)) return E('ESRCH');
      install(s, ci, op.fd, { kind: 'pidfd', ns: -1, mount: -1, task: ti, pidns: s.tasks[ti]!.pidns, linkHandle: -1, entry: '',
        uid: 0, gid: 0, ownerTask: -1, mode: 0o700, immutable: false, opath: false, read: true, write: true, mntns: -1 });
      return OK;
    }
    case 'readdir': return readdir(s, ci, op.path);
    case 'readlink': return readlink(s, ci, op.path);
    case 'stat': {
      if (op.path !== undefined) return statPath(s, ci, op.path);
      const h = handleOf(s, ci, op.fd ?? '', true);
      if (!h) return E('EBADF');
      return h.kind === 'ns' ? { ns: String(h.ns) } : OK;
    }
    case 'lseek': {
      const h = handleOf(s, ci, op.fd, false);
      if (!h) return E('EBADF');
      return h.kind === 'ns' || h.kind === 'pidfd' ? E('ESPIPE') : OK;
    }
    case 'read': {
      const h = handleOf(s, ci, op.fd, false);
      if (!h || !h.read) return E('EBADF');
      if (h.kind === 'ns' || h.kind === 'pidfd') return E('EINVAL');
      return h.kind === 'dir' ? E('EISDIR') : OK;
    }
    case 'ioctl': return ioctl(s, ci, op.fd, op.request, op.as);
    case 'bind': return bind(s, ci, op.source, op.target);
    case 'umount': return umount(s, ci, op.target);
    case 'nsid': {
      if (op.path !== undefined) {
        const o = statPath(s, ci, op.path);
        return o.errno !== undefined || o.ns !== undefined ? o : E('EINVAL');
      }
      const h = handleOf(s, ci, op.fd ?? '', true);
      if (!h) return E('EBADF');
      return h.kind === 'ns' ? { ns: String(h.ns) } : E('EINVAL');
    }
    default: return E('EINVAL');
  }
}
