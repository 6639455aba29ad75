// Reference counting of every object, with the release paths the kernel runs when a count
// drops to zero. A get or put on a freed object records a use-after-put in `s.uaf`.
import type { KState } from './state.ts';
import { F_NS } from './state.ts';
import { mapWithout } from '../records.ts';
import { mutant } from './mutant-hooks.ts';

function uaf(s: KState, what: string): void {
  if (s.uaf === '') s.uaf = what;
}


export function get_ns(s: KState, id: number): number {
  const n = s.ns[id]!;
  if (n.freed) uaf(s, `get of freed ${n.kind} ns ${id}`);
  n.count++;
  return id;
}

/** ns_ops->put (put_net, put_uts_ns, put_ipc_ns, put_mnt_ns, put_pid_ns, put_user_ns, ...). */
export function put_ns(s: KState, id: number): void {
  const n = s.ns[id]!;
  if (n.freed) { uaf(s, `put of freed ${n.kind} ns ${id}`); return; }
  if (--n.count > 0) return;
  if (n.count < 0) { uaf(s, `${n.kind} ns ${id} count underflow`); return; }
  n.freed = true;
  // fs/namespace.c put_mnt_ns → umount_tree: the namespace's mounts go with it
  if (n.kind === 'mnt') {
    for (const m of n.mounts) detach_mount(s, m);
    n.mounts = [];
  }
  // kernel/pid_namespace.c free_pid_ns / kernel/user_namespace.c free_user_ns: put the parent
  if (n.parent >= 0) put_ns(s, n.parent);
  // every namespace holds its owning user namespace (ns->user_ns; user ns: ->parent)
  if (n.owner >= 0) put_ns(s, n.owner);
}

export function get_nsproxy(s: KState, id: number): void {
  const p = s.nsproxies[id]!;
  if (p.freed) uaf(s, `get of freed nsproxy ${id}`);
  p.count++;
}

/** kernel/nsproxy.c put_nsproxy → free_nsproxy: put every member namespace. */
export function put_nsproxy(s: KState, id: number): void {
  const p = s.nsproxies[id]!;
  if (p.freed) { uaf(s, `put of freed nsproxy ${id}`); return; }
  if (--p.count > 0) return;
  p.freed = true;
  for (const n of p.ns) put_ns(s, n);
}

export function get_pid(s: KState, id: number): void {
  const p = s.pids[id]!;
  if (p.freed) uaf(s, `get of freed pid ${id}`);
  p.count++;
}

/** kernel/pid.c put_pid: the last put frees the pid and puts its pid namespace. */
export function put_pid(s: KState, id: number): void {
  const p = s.pids[id]!;
  if (p.freed) { uaf(s, `put of freed pid ${id}`); return; }
  if (--p.count > 0) return;
  p.freed = true;
  put_ns(s, p.ns);
}

export function dget(s: KState, id: number): number {
  const d = s.dentries[id]!;
  if (d.freed) uaf(s, `dget of freed dentry ${id}`);
  d.count++;
  return id;
}

/**
 * fs/dcache.c dput: at zero a hashed v3.0 proc dentry stays on the LRU unless
 * pid_delete_dentry says the task is gone (fs/proc/base.c); nsfs/pseudo dentries are deleted
 * at once (always_delete_dentry, ns_delete_dentry).
 */
export function dput(s: KState, id: number): void {
  const d = s.dentries[id]!;
  if (d.freed) { uaf(s, `dput of freed dentry ${id}`); return; }
  if (--d.count > 0) return;
  if (d.count < 0) { uaf(s, `dentry ${id} count underflow`); return; }
  if (d.entry !== '') {
    // pid_delete_dentry: "Is the task we represent dead? If so ... kill it immediately."
    const pidId = s.inodes[d.inode]!.pid;
    if (pidId >= 0 && s.pids[pidId]!.task >= 0) return; // stays cached, unused
  }
  dentry_kill(s, id);
}

/** fs/dcache.c dentry_kill → d_prune (nsfs: ns_prune_dentry clears ns->stashed) → iput. */
export function dentry_kill(s: KState, id: number): void {
  const d = s.dentries[id]!;
  d.freed = true;
  if (d.entry !== '') {
    const key = `${d.task}/${d.entry}`;
    if (s.dcache.get(key) === id) s.dcache = mapWithout(s.dcache, key);
  }
  const ino = s.inodes[d.inode]!;
  if (ino.ns >= 0 && s.ns[ino.ns]!.stashed === id) s.ns[ino.ns]!.stashed = -1;
  iput(s, d.inode);
}

export function iget(s: KState, id: number): void {
  const i = s.inodes[id]!;
  if (i.freed) uaf(s, `iget of freed inode ${id}`);
  i.count++;
}

/**
 * fs/inode.c iput → evict: proc_evict_inode "Release any associated namespace" (seed
 * 6b4e306aa3dc, fs/proc/inode.c) or nsfs_evict (fs/nsfs.c, v3.19+): ns_ops->put(ns).
 */
export function iput(s: KState, id: number): void {
  const i = s.inodes[id]!;
  if (i.freed) { uaf(s, `iput of freed inode ${id}`); return; }
  if (--i.count > 0) return;
  i.freed = true;
  if (i.pid >= 0) put_pid(s, i.pid); // proc_evict_inode: put_pid(PROC_I(inode)->pid)
  if (i.ns >= 0) {
    const n = s.ns[i.ns]!;
    if (n.inode === id) n.inode = -1;
    if (!mutant('evict-no-put')) put_ns(s, i.ns);
  }
}

export function get_file(s: KState, id: number): number {
  const f = s.files[id]!;
  if (f.freed) uaf(s, `get_file of freed file ${id}`);
  f.count++;
  return id;
}

/** fs/file_table.c fput → __fput: dput the path, release the pidfd's pid, mntput. */
export function fput(s: KState, id: number): void {
  const f = s.files[id]!;
  if (f.freed) { uaf(s, `fput of freed file ${id}`); return; }
  if (--f.count > 0) return;
  f.freed = true;
  if (f.kind === F_NS && f.dentry >= 0) dput(s, f.dentry);
  if (f.pid >= 0) put_pid(s, f.pid);
  if (f.mnt >= 0) mntput_check(s, f.mnt);
}

/** A mount detached from its namespace is freed once no open file holds it (cleanup_mnt). */
export function mntput_check(s: KState, mid: number): void {
  const m = s.mounts[mid]!;
  if (m.freed || !m.detached) return;
  for (const f of s.files) if (!f.freed && f.mnt === mid) return;
  m.freed = true;
  if (m.dentry >= 0) dput(s, m.dentry);
  if (m.pid >= 0) put_pid(s, m.pid); // a link mount: its proc dentry's inode (proc_evict_inode put_pid)
}

/** fs/namespace.c umount_tree for one mount: detach it, free it when nothing holds it. */
export function detach_mount(s: KState, mid: number): void {
  const m = s.mounts[mid]!;
  m.detached = true;
  mntput_check(s, mid);
}
