// fs/nsfs.c (v3.19+, e149ed2b805f) and its v3.8 predecessor proc_ns_get_dentry
// (fs/proc/namespaces.c, 98f842e675f9): the one inode per namespace, and the ns ioctls.
import type { Errno, Outcome } from '../types.ts';
import { CLONE_FLAG } from '../types.ts';
import type { KState } from './state.ts';
import { F_NS } from './state.ts';
import { get_ns, put_ns } from './refs.ts';
import { mutant } from './mutant-hooks.ts';

/**
 * The dentry naming namespace `ns`, given a reference on ns that this function consumes.
 * v6.18 ns_get_path → path_from_stashed: reuse ns->stashed if alive (and put the extra ns
 * reference), else a new inode (i_private = ns, S_IFREG|S_IRUGO, S_IMMUTABLE) and dentry.
 * v3.8 proc_ns_get_dentry: a new pseudo dentry each time, iget_locked(ns inum): an existing
 * inode is reused (ns_ops->put), a new one keeps the reference (ei->ns).
 * Returns a dentry with one reference for the caller.
 */
export function ns_get_path(s: KState, ns: number): number {
  const n = s.ns[ns]!;
  if (s.profile.nsfs && n.stashed >= 0) {
    s.dentries[n.stashed]!.count++;
    put_ns(s, ns); // nsfs_put_data
    return n.stashed;
  }
  let inode = n.inode;
  if (inode >= 0) {
    s.inodes[inode]!.count++;
    put_ns(s, ns);
  } else {
    s.inodes.push({ count: 1, freed: false, ns, pid: -1, uid: 0, gid: 0, mode: 0o444, immutable: s.profile.nsfs });
    inode = s.inodes.length - 1;
    n.inode = inode;
  }
  s.dentries.push({ count: 1, freed: false, inode, task: -1, entry: '' });
  const d = s.dentries.length - 1;
  if (s.profile.nsfs) n.stashed = d;
  return d;
}

/** The namespace an open file names, or -1 (fs/nsfs.c proc_ns_file + get_proc_ns). */
export function file_ns(s: KState, file: number): number {
  const f = s.files[file]!;
  if (f.kind !== F_NS || f.dentry < 0) return -1;
  return s.inodes[s.dentries[f.dentry]!.inode]!.ns;
}

/** kernel/user_namespace.c ns_get_owner: the owner must be the caller's user ns or below it. */
function ns_get_owner(s: KState, caller: number, owner: number): number | Errno {
  const mine = s.tasks[caller]!.userns;
  for (let p = owner; ; p = s.ns[p]!.owner) {
    if (p < 0) return 'EPERM';
    if (p === mine) break;
  }
  return owner;
}

/** kernel/pid_namespace.c pidns_get_parent: the parent must be inside the caller's active pid ns. */
function pidns_get_parent(s: KState, caller: number, ns: number): number | Errno {
  const active = s.pids[s.tasks[caller]!.pid]!.ns;
  const parent = s.ns[ns]!.parent;
  for (let p = parent; ; p = s.ns[p]!.parent) {
    if (p < 0) return 'EPERM';
    if (p === active) break;
  }
  return parent;
}

/**
 * fs/nsfs.c ns_ioctl (v4.9+; NS_GET_ID f861225b9ee9, 6.18). Returns the outcome, or for
 * NS_GET_USERNS / NS_GET_PARENT a namespace for which the caller opens a new fd
 * (open_related_ns).
 */
export function ns_ioctl(s: KState, caller: number, ns: number, request: string): Outcome | { related: number } {
  const n = s.ns[ns]!;
  switch (request) {
    case 'NS_GET_USERNS': {
      const owner = ns_get_owner(s, caller, n.owner);
      return typeof owner === 'number' ? { related: owner } : { errno: owner };
    }
    case 'NS_GET_PARENT': {
      if (n.kind === 'user') {
        const owner = ns_get_owner(s, caller, n.owner);
        return typeof owner === 'number' ? { related: owner } : { errno: owner };
      }
      if (n.kind !== 'pid') return { errno: 'EINVAL' }; // ns->ops->get_parent == NULL
      const parent = pidns_get_parent(s, caller, ns);
      return typeof parent === 'number' ? { related: parent } : { errno: parent };
    }
    case 'NS_GET_NSTYPE':
      return { value: CLONE_FLAG[n.kind] };
    case 'NS_GET_OWNER_UID': {
      if (n.kind !== 'user') return { errno: 'EINVAL' };
      // from_kuid_munged(current_user_ns(), owner): no uid maps are written in child user ns
      const mapped = s.tasks[caller]!.userns === 0;
      return { value: mapped ? n.ownerUid : 65534 };
    }
    case 'NS_GET_ID':
      return { ns: String(ns) };
    default:
      return { errno: 'ENOTTY' }; // "nsfs: validate ioctls" 7fd511f8c911: -ENOIOCTLCMD
  }
}

/** A reference on `ns` for open_related_ns (ns_get_owner / get_parent take one). */
export function get_related(s: KState, ns: number): number {
  if (mutant('related-no-get')) return ns;
  return get_ns(s, ns);
}
