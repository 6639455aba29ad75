// The abstract state of the spec: what a user can observe, with no refcounts and no caches.
// A namespace is alive exactly when something reaches it (model/spec/alive.ts).
import type { NsKind } from '../types.ts';
import { ALL_CAPS } from '../types.ts';
import type { Profile } from '../profiles.ts';

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
  fds: Map<string, number>; // fd name -> handle
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
}

export interface SState {
  profile: Profile;
  tasks: STask[];
  byName: Map<string, number>;
  ns: SNs[];
  handles: SHandle[];
  mounts: SMount[];
}

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

export function cloneSState(s: SState): SState {
  return {
    profile: s.profile,
    tasks: s.tasks.map((t) => ({ ...t, ns: t.ns ? t.ns.slice() : null, fds: new Map(t.fds) })),
    byName: new Map(s.byName),
    ns: s.ns.map((n) => (n.kind === 'mnt' ? { ...n, mounts: n.mounts.slice() } : { ...n })),
    handles: s.handles.map((h) => ({ ...h })),
    mounts: s.mounts.map((m) => ({ ...m })),
  };
}
