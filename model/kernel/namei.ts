// fs/namei.c path walk and fs/open.c open for the paths a trace can name:
// /proc/<task>/ns, /proc/<task>/ns/<entry>, /proc/<task>/fd/<fd>, @<mount>, /tmp/<file>.
import type { Errno } from '../types.ts';
import { MAY_EXEC, MAY_READ, MAY_WRITE, inode_permission, proc_owner, ptrace_may_access } from './cred.ts';
import { has_entry, proc_ns_get_link, proc_ns_lookup_v30 } from './proc-namespaces.ts';
import { dget } from './refs.ts';
import type { KState } from './state.ts';
import { F_DIR, F_LINK, F_NS, F_PIDFD, F_REG, SLOT, TASK_REAPED } from './state.ts';
import { mutant } from './mutant-hooks.ts';

export const P_NSDIR = 0;
export const P_NSENTRY = 1;
export const P_FD = 2;
export const P_MOUNT = 3;
export const P_TMP = 4;

export interface ParsedPath {
  kind: number;
  task: string; // P_NSDIR, P_NSENTRY, P_FD
  name: string; // entry, fd name, mount name ('@m'), file name
}

const parsed = new Map<string, ParsedPath | null>();

/** Parses a trace path once (memoised: the hot path sees the same few strings). */
export function parsePath(path: string): ParsedPath | null {
  let p = parsed.get(path);
  if (p !== undefined) return p;
  p = null;
  if (path.startsWith('@') && path.length > 1) p = { kind: P_MOUNT, task: '', name: path };
  else if (path.startsWith('/tmp/') && path.length > 5 && !path.slice(5).includes('/')) p = { kind: P_TMP, task: '', name: path.slice(5) };
  else {
    const m = /^\/proc\/([^/]+)\/(ns|fd)(?:\/([^/]+))?$/.exec(path);
    if (m) {
      if (m[2] === 'ns') p = m[3] === undefined ? { kind: P_NSDIR, task: m[1]!, name: '' } : { kind: P_NSENTRY, task: m[1]!, name: m[3] };
      else if (m[3] !== undefined) p = { kind: P_FD, task: m[1]!, name: m[3] };
    }
  }
  parsed.set(path, p);
  return p;
}

/** What a walk found. For F_NS the dentry carries a reference the caller must consume or put. */
export interface Found {
  kind: number;
  dentry: number;
  mnt: number;
  task: number; // F_DIR, F_LINK: whose /proc entry; F_PIDFD: -1
  entry: string; // F_LINK of an ns entry: its name; '' for a /proc/<task>/fd link
  file: number; // F_LINK of a /proc/<task>/fd/<fd> link, or the file behind F_PIDFD or a jumped-to F_DIR
  mntns: number; // the mount ns of the mount the walk ended on (path->mnt), -1 on nsfs and pidfs
}

function found(kind: number, dentry = -1, mnt = -1, task = -1, entry = '', file = -1, mntns = -1): Found {
  return { kind, dentry, mnt, task, entry, file, mntns };
}

/**
 * The mount ns a namespace file reached in mount ns `own` is on: that one before nsfs (a proc
 * file on the walk's /proc, or a bind of one), none from v3.19 (the internal nsfs mount).
 */
function nsMnt(s: KState, own: number): number {
  return s.profile.nsfs ? -1 : own;
}

/** The caller's mount namespace (current->nsproxy->mnt_ns). */
export function caller_mnt_ns(s: KState, caller: number): number {
  return s.nsproxies[s.tasks[caller]!.nsproxy]!.ns[SLOT.mnt]!;
}

/** The mount on top of `target` in mount namespace `mntns`, or -1. */
export function lookup_mnt(s: KState, mntns: number, target: string): number {
  const list = s.ns[mntns]!.mounts;
  for (let i = list.length - 1; i >= 0; i--) if (s.mounts[list[i]!]!.target === target) return list[i]!;
  return -1;
}

/**
 * path_lookupat for the trace's paths. `follow` is LOOKUP_FOLLOW for the last component.
 * Errors come in the kernel's order: the /proc/<pid> lookup (ENOENT once reaped), the
 * directory's permission, the entry's lookup, then following the link.
 */
export function path_lookup(s: KState, caller: number, path: string, follow: boolean): Found | Errno {
  const p = parsePath(path);
  if (p === null) return 'ENOENT';
  // a walk from the caller's root stays on mounts of its own mount ns (/tmp, /proc, @m) until
  // a /proc/<task>/fd/<fd> link jumps to another file's path (nd_jump_link), mount and all
  const own = caller_mnt_ns(s, caller);
  switch (p.kind) {
    case P_TMP:
      return found(F_REG, -1, -1, -1, '', -1, own);
    case P_MOUNT: {
      const m = lookup_mnt(s, own, p.name);
      if (m < 0) return found(F_REG, -1, -1, -1, '', -1, own);
      const mt = s.mounts[m]!;
      if (mt.task >= 0) {
        // a link mount's root is the proc magic link: the last component is followed like
        // /proc/<task>/ns/<entry> (fs/proc/namespaces.c proc_ns_get_link), landing on nsfs
        if (!follow) return found(F_LINK, -1, m, mt.task, mt.entry, -1, own);
        const d = proc_ns_get_link(s, caller, mt.task, mt.entry);
        return typeof d === 'number' ? found(F_NS, d) : d;
      }
      return mt.dentry < 0 ? found(F_REG, -1, m, -1, '', -1, own) : found(F_NS, dget(s, mt.dentry), m, -1, '', -1, nsMnt(s, own));
    }
    default:
      break;
  }
  const task = s.taskByName.get(p.task);
  // fs/proc/base.c proc_pid_lookup: no /proc/<pid> once the task is reaped
  if (task === undefined || s.tasks[task]!.state === TASK_REAPED) return 'ENOENT';
  // the walk goes through /proc/<task>/ns whether it ends there or at an entry
  if (p.kind === P_NSDIR || p.kind === P_NSENTRY) pid_revalidate_ns_dir(s, task);
  if (p.kind === P_NSDIR) return found(F_DIR, -1, -1, task, '', -1, own);
  if (p.kind === P_NSENTRY) {
    if (!s.profile.magicLinks) {
      const d = proc_ns_lookup_v30(s, caller, task, p.name);
      return typeof d === 'number' ? found(F_NS, d, -1, -1, '', -1, own) : d;
    }
    // v3.8+: proc_ns_dir_lookup instantiates a symlink (no ptrace check, pins nothing)
    if (!has_entry(s, p.name)) return 'ENOENT';
    if (!follow) return found(F_LINK, -1, -1, task, p.name, -1, own);
    const d = proc_ns_get_link(s, caller, task, p.name);
    // v3.8 proc_ns_follow_link: nd_jump_link to the ns dentry on the walk's own /proc mount
    return typeof d === 'number' ? found(F_NS, d, -1, -1, '', -1, nsMnt(s, own)) : d;
  }
  // /proc/<task>/fd/<fd>: proc_fd_permission on the 0500 directory (the task itself may)
  const t = s.tasks[task]!;
  if (caller !== task) {
    const o = proc_owner(t);
    const err = inode_permission(s, s.tasks[caller]!, o.uid, o.gid, 0o500, true, false, MAY_EXEC);
    if (err !== '') return err;
  }
  const fileId = t.fds.get(p.name);
  if (fileId === undefined) return 'ENOENT'; // proc_lookupfd_common / tid_fd_revalidate
  if (!follow) return found(F_LINK, -1, -1, task, '', fileId, own);
  // proc_fd_link via proc_pid_get_link: proc_fd_access_allowed → ptrace_may_access → EACCES
  if (!ptrace_may_access(s, caller, task)) return 'EACCES';
  const f = s.files[fileId]!;
  switch (f.kind) {
    case F_NS: return found(F_NS, dget(s, f.dentry), f.mnt, -1, '', -1, f.mntns);
    case F_DIR: return found(F_DIR, -1, -1, f.task, '', fileId, f.mntns); // its inode, not revalidated
    case F_LINK: return found(F_LINK, -1, f.mnt, f.task, 'jumped', fileId, f.mntns); // nd_jump_link to its path (its mount too)
    case F_PIDFD: return found(F_PIDFD, -1, -1, -1, '', fileId);
    default: return found(F_REG, -1, f.mnt, -1, '', -1, f.mntns);
  }
}

/**
 * fs/proc/base.c pid_revalidate → pid_update_inode on the /proc/<task>/ns dentry, which every
 * walk through it runs (d_revalidate in lookup_fast): its inode takes the task's current owner
 * (task_dump_owner; 3.0: task->euid if dumpable, else root). The held directory files of the task
 * all have that one dentry and inode. A walk that ends in a new dentry gets the same owner from
 * proc_pid_make_inode, so only files keep one.
 */
function pid_revalidate_ns_dir(s: KState, task: number): void {
  let o: { uid: number; gid: number } | null = null;
  for (const f of s.files) {
    if (f.kind !== F_DIR || f.task !== task || f.freed) continue;
    o ??= proc_owner(s.tasks[task]!);
    if (f.uid !== o.uid) f.uid = o.uid;
    if (f.gid !== o.gid) f.gid = o.gid;
  }
}

/**
 * The owner of the /proc/<task>/ns inode a walk found: the task's current one after a walk
 * through it (pid_revalidate), the one the last walk left for a held directory reached through
 * /proc/<pid>/fd/<fd> (nd_jump_link to the file's own dentry runs no d_revalidate).
 */
export function ns_dir_owner(s: KState, fnd: Found): { uid: number; gid: number } {
  return fnd.file >= 0 ? s.files[fnd.file]! : proc_owner(s.tasks[fnd.task]!);
}

export interface OpenFlags {
  read: boolean;
  write: boolean;
  opath: boolean;
  nofollow: boolean;
  directory: boolean;
}

export function parseFlags(flags: readonly string[] | undefined): OpenFlags {
  const f: OpenFlags = { read: true, write: false, opath: false, nofollow: false, directory: false };
  if (!flags) return f;
  for (const x of flags) {
    if (x === 'O_WRONLY') { f.read = false; f.write = true; }
    else if (x === 'O_RDWR') { f.read = true; f.write = true; }
    else if (x === 'O_PATH') f.opath = true;
    else if (x === 'O_NOFOLLOW') f.nofollow = true;
    else if (x === 'O_DIRECTORY') f.directory = true;
  }
  if (f.opath) { f.read = false; f.write = false; }
  return f;
}

/**
 * fs/namei.c do_open + may_open on what the walk found. Consumes the dentry reference.
 * Returns the new file's fields or an errno (the caller installs the fd).
 */
export function may_open(s: KState, caller: number, fnd: Found, fl: OpenFlags): Errno | '' {
  const t = s.tasks[caller]!;
  const mask = (fl.read ? MAY_READ : 0) | (fl.write ? MAY_WRITE : 0);
  switch (fnd.kind) {
    case F_NS: {
      if (fl.directory) return 'ENOTDIR';
      if (fl.opath) return '';
      const ino = s.inodes[s.dentries[fnd.dentry]!.inode]!;
      if (mutant('open-no-dac')) return '';
      return inode_permission(s, t, ino.uid, ino.gid, ino.mode, false, ino.immutable, mask);
    }
    case F_LINK:
      // do_open: "LOOKUP_DIRECTORY && !d_can_lookup" ENOTDIR, then may_open S_IFLNK: ELOOP unless O_PATH
      if (fl.directory) return 'ENOTDIR';
      return fl.opath ? '' : 'ELOOP';
    case F_DIR: {
      if (fl.write) return 'EISDIR';
      if (fl.opath) return '';
      const o = ns_dir_owner(s, fnd);
      return inode_permission(s, t, o.uid, o.gid, 0o511, true, false, mask);
    }
    case F_PIDFD:
      // 6.18 pidfs: reopening /proc/<pid>/fd/<pidfd> gives another pidfd (observed); the pidfs
      // inode is S_IFREG 0700 owned by GLOBAL_ROOT_UID (fs/pidfs.c pidfs_init_inode: S_IRWXU, not
      // S_IMMUTABLE; observed: fstat mode 0700), so may_open's inode_permission applies
      if (fl.directory) return 'ENOTDIR';
      return fl.opath ? '' : inode_permission(s, t, 0, 0, 0o700, false, false, mask);
    default:
      return fl.directory ? 'ENOTDIR' : '';
  }
}
