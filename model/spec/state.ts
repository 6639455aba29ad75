// The abstract state of the spec: what a user can observe, with no refcounts and no caches.
// A namespace is alive exactly when something reaches it (model/spec/alive.ts).
import type { NsKind } from '../types.ts';
import { ALL_CAPS } from '../types.ts';
import type { Profile } from '../profiles.ts';
import { sameNumbers } from '../records.ts';

/** Member slots, in struct nsproxy order (the spec reuses the kernel's layout for its task views). */
export const S = { uts: 0, ipc: 1, mnt: 2, pid4c: 3, net: 4, time4c: 5, time: 6, cgroup: 7 } as const;

export const RUNNING = 0;
export const ZOMBIE = 1;
export const REAPED = 2;

export interface STask {
  name: string;
  state: number;
  parent: number;
  uid: number;
  gid: number;
  caps: number;
  userns: number;
  dumpable: boolean;
  hasMm: boolean;
  mmUserns: number;
  ns: number[] | null; // the namespaces the task is in (null once it exited)
  pidns: number; // the pid namespace its pid lives in
  fds: ReadonlyMap<string, number>; // fd name -> handle; replaced, never mutated (clones and children share it)
}

export interface SNs {
  kind: NsKind;
  owner: number; // owning user ns (user ns: parent), -1 for the initial user ns
  parent: number; // pid ns parent
  level: number;
  reaper: number; // pid ns: its first task
  ownerUid: number;
  mounts: number[]; // mnt ns: mounts, bottom to top
}

export type HandleKind = 'ns' | 'reg' | 'dir' | 'pidfd' | 'link';

export interface SHandle {
  kind: HandleKind;
  ns: number; // 'ns': the namespace it names
  mount: number; // the mount it was opened through, -1
  task: number; // 'dir' / 'link': whose /proc entry; 'pidfd': the task of the pid
  pidns: number; // 'dir' / 'link' / 'pidfd': the pid namespace of that pid (it is pinned)
  linkHandle: number; // 'link' of /proc/<task>/fd/<fd>: the handle behind it, -1
  entry: string; // 'link' of /proc/<task>/ns/<entry>
  uid: number; // owner and mode of the file ('ns')
  gid: number;
  ownerTask: number; // v3.0 proc ns file: owned by this task's euid (proc(5)), -1 for a fixed owner
  mode: number;
  immutable: boolean;
  opath: boolean;
  read: boolean;
  write: boolean;
  mntns: number; // the mount ns whose /proc, /tmp or @mount its path is on; -1 for pidfds and (nsfs) namespace files
}

export interface SMount {
  mntns: number;
  target: string;
  ns: number; // the namespace the bind names, -1 for a plain file
  uid: number;
  gid: number;
  ownerTask: number;
  mode: number;
  immutable: boolean;
  detached: boolean;
  locked: boolean; // copied into a mount ns owned by another (less privileged) user ns: cannot be umounted
  // a link mount (v6.18: a bind of an O_PATH|O_NOFOLLOW fd of /proc/<task>/ns/<entry>): the mount
  // is that magic link, followed at each walk; it pins the task's pid namespace like the link fd
  task: number; // -1 for any other mount
  entry: string; // ''
  pidns: number; // -1
}

export interface SState {
  profile: Profile;
  tasks: STask[];
  /** Task name -> index. The state's Maps are values: replaced on write, shared by clones. */
  byName: ReadonlyMap<string, number>;
  ns: SNs[];
  handles: SHandle[];
  mounts: SMount[];
}

/** How many namespaces initialSState makes (init_user_ns and init's first set): ids below it are initial. */
export const INITIAL_NS = 8;

export function initialSState(profile: Profile): SState {
  const ns: SNs[] = [];
  const mk = (kind: NsKind, owner: number): number => {
    ns.push({ kind, owner, parent: -1, level: 0, reaper: -1, ownerUid: 0, mounts: [] });
    return ns.length - 1;
  };
  const user = mk('user', -1);
  const slots = [mk('uts', user), mk('ipc', user), mk('mnt', user), mk('pid', user), mk('net', user), mk('time', user), 0, mk('cgroup', user)];
  slots[S.time] = slots[S.time4c]!;
  ns[slots[S.pid4c]!]!.reaper = 0;
  const init: STask = {
    name: 'init', state: RUNNING, parent: -1, uid: 0, gid: 0, caps: ALL_CAPS, userns: user, dumpable: true,
    hasMm: true, mmUserns: user, ns: slots, pidns: slots[S.pid4c]!, fds: new Map(),
  };
  return { profile, tasks: [init], byName: new Map([['init', 0]]), ns, handles: [], mounts: [] };
}

/** A copy that shares nothing mutable: one fixed literal per record kind (see cloneKState), Maps shared (model/records.ts). */
export function cloneSState(s: SState): SState {
  const tasks = new Array<STask>(s.tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const t = s.tasks[i]!;
    tasks[i] = { name: t.name, state: t.state, parent: t.parent, uid: t.uid, gid: t.gid, caps: t.caps, userns: t.userns,
      dumpable: t.dumpable, hasMm: t.hasMm, mmUserns: t.mmUserns, ns: t.ns ? t.ns.slice() : null, pidns: t.pidns, fds: t.fds };
  }
  const ns = new Array<SNs>(s.ns.length);
  for (let i = 0; i < ns.length; i++) {
    const n = s.ns[i]!;
    ns[i] = { kind: n.kind, owner: n.owner, parent: n.parent, level: n.level, reaper: n.reaper, ownerUid: n.ownerUid,
      mounts: n.kind === 'mnt' ? n.mounts.slice() : n.mounts }; // only a mnt ns has mounts
  }
  const handles = new Array<SHandle>(s.handles.length);
  for (let i = 0; i < handles.length; i++) {
    const h = s.handles[i]!;
    handles[i] = { kind: h.kind, ns: h.ns, mount: h.mount, task: h.task, pidns: h.pidns, linkHandle: h.linkHandle, entry: h.entry,
      uid: h.uid, gid: h.gid, ownerTask: h.ownerTask, mode: h.mode, immutable: h.immutable, opath: h.opath, read: h.read, write: h.write, mntns: h.mntns };
  }
  const mounts = new Array<SMount>(s.mounts.length);
  for (let i = 0; i < mounts.length; i++) {
    const m = s.mounts[i]!;
    mounts[i] = { mntns: m.mntns, target: m.target, ns: m.ns, uid: m.uid, gid: m.gid, ownerTask: m.ownerTask, mode: m.mode,
      immutable: m.immutable, detached: m.detached, locked: m.locked, task: m.task, entry: m.entry, pidns: m.pidns };
  }
  return { profile: s.profile, tasks, byName: s.byName, ns, handles, mounts };
}

/** Whether two spec states are equal field for field (Maps by identity; see sameKState). */
export function sameSState(a: SState, b: SState): boolean {
  if (a.byName !== b.byName || a.tasks.length !== b.tasks.length || a.ns.length !== b.ns.length
    || a.handles.length !== b.handles.length || a.mounts.length !== b.mounts.length) return false;
  for (let i = 0; i < a.tasks.length; i++) {
    const x = a.tasks[i]!;
    const y = b.tasks[i]!;
    if (x.state !== y.state || x.uid !== y.uid || x.gid !== y.gid || x.caps !== y.caps || x.userns !== y.userns
      || x.dumpable !== y.dumpable || x.hasMm !== y.hasMm || x.mmUserns !== y.mmUserns || x.pidns !== y.pidns
      || x.fds !== y.fds || x.parent !== y.parent || x.name !== y.name) return false;
    if (x.ns !== y.ns && (x.ns === null || y.ns === null || !sameNumbers(x.ns, y.ns))) return false;
  }
  for (let i = 0; i < a.ns.length; i++) {
    const x = a.ns[i]!;
    const y = b.ns[i]!;
    if (x.kind !== y.kind || x.owner !== y.owner || x.parent !== y.parent || x.level !== y.level || x.reaper !== y.reaper
      || x.ownerUid !== y.ownerUid || !sameNumbers(x.mounts, y.mounts)) return false;
  }
  for (let i = 0; i < a.handles.length; i++) {
    const x = a.handles[i]!;
    const y = b.handles[i]!;
    if (x.kind !== y.kind || x.ns !== y.ns || x.mount !== y.mount || x.task !== y.task || x.pidns !== y.pidns
      || x.linkHandle !== y.linkHandle || x.entry !== y.entry || x.uid !== y.uid || x.gid !== y.gid
      || x.ownerTask !== y.ownerTask || x.mode !== y.mode || x.immutable !== y.immutable || x.opath !== y.opath
      || x.read !== y.read || x.write !== y.write || x.mntns !== y.mntns) return false;
  }
  for (let i = 0; i < a.mounts.length; i++) {
    const x = a.mounts[i]!;
    const y = b.mounts[i]!;
    if (x.mntns !== y.mntns || x.target !== y.target || x.ns !== y.ns || x.uid !== y.uid || x.gid !== y.gid
      || x.ownerTask !== y.ownerTask || x.mode !== y.mode || x.immutable !== y.immutable || x.detached !== y.detached
      || x.locked !== y.locked || x.task !== y.task || x.entry !== y.entry || x.pidns !== y.pidns) return false;
  }
  return true;
}
