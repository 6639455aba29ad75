// fs/namespace.c: may_mount, do_loopback (mount --bind), path_umount / do_umount.
import type { Errno } from '../types.ts';
import { CAP_BIT } from '../types.ts';
import { capable, ns_capable } from './cred.ts';
import { caller_mnt_ns, lookup_mnt, path_lookup } from './namei.ts';
import { dput, detach_mount, get_pid } from './refs.ts';
import { proc_ns_get_link } from './proc-namespaces.ts';
import type { KState } from './state.ts';
import { F_DIR, F_LINK, F_NS, F_PIDFD, TASK_REAPED } from './state.ts';
import { mutant } from './mutant-hooks.ts';

/** may_mount: ns_capable(current->nsproxy->mnt_ns->user_ns, CAP_SYS_ADMIN) (v3.0: capable). */
function may_mount(s: KState, task: number): boolean {
  const t = s.tasks[task]!;
  if (s.profile.setnsCapFirst) return capable(s, t, CAP_BIT.CAP_SYS_ADMIN);
  return ns_capable(s, t, s.ns[caller_mnt_ns(s, task)]!.owner, CAP_BIT.CAP_SYS_ADMIN);
}

/**
 * The walk of a mount(2) or umount(2) target (user_path_at LOOKUP_FOLLOW, before may_mount):
 * only a link mount on top can fail it, its link being followed (fs/proc/namespaces.c
 * proc_ns_get_link: EACCES once the task is reaped or for a failed ptrace check, ENOENT once
 * its namespace is gone). Returns the top mount, -1 for none, or the walk's errno.
 */
function target_walk(s: KState, task: number, target: string): number | Errno {
  const m = lookup_mnt(s, caller_mnt_ns(s, task), target);
  if (m < 0 || s.mounts[m]!.task < 0) return m;
  const d = proc_ns_get_link(s, task, s.mounts[m]!.task, s.mounts[m]!.entry);
  if (typeof d === 'string') return d;
  dput(s, d); // path_put: the walk ended on the nsfs dentry
  return m;
}

/**
 * mount(source, @target, MS_BIND): the target walk (do_mount: user_path_at), EPERM (may_mount),
 * the source walk (its errors), EINVAL for an own-or-older mnt ns file (mnt_ns_loop, v6.18),
 * ENOENT onto a link mount (lock_mount), ENOTDIR for a directory onto a file (graft_tree),
 * EINVAL for a pidfd. The mount holds the source dentry; a bind of an O_PATH|O_NOFOLLOW fd of
 * /proc/<task>/ns/<entry> (v6.18) is a link mount, whose root is that magic link (ENOENT once the
 * task is reaped).
 */
export function do_loopback(s: KState, task: number, source: string, target: string): Errno | '' {
  const top = target_walk(s, task, target);
  if (typeof top === 'string') return top;
  if (!may_mount(s, task)) return 'EPERM';
  const fnd = path_lookup(s, task, source, true);
  if (typeof fnd === 'string') return fnd;
  const mntns = caller_mnt_ns(s, task);
  if (fnd.kind === F_NS && s.profile.mntNsLoopCheck && !mutant('mnt-ns-loop')) {
    const ns = s.inodes[s.dentries[fnd.dentry]!.inode]!.ns;
    // mnt_ns_loop: "current->nsproxy->mnt_ns->seq >= mnt_ns->seq" (ids are in creation order)
    if (s.ns[ns]!.kind === 'mnt' && mntns >= ns) {
      dput(s, fnd.dentry);
      return 'EINVAL';
    }
  }
  if (top >= 0 && s.mounts[top]!.task >= 0) {
    // do_lock_mount: the followed target lies on the internal nsfs mount, "!is_mounted(path->mnt)" → -ENOENT (observed 6.18)
    if (fnd.kind === F_NS) dput(s, fnd.dentry);
    return 'ENOENT';
  }
  // __do_loopback, may_copy_tree: the source mount must be in the caller's mount ns (check_mnt),
  // unless the dentry is nsfs (v3.19 e149ed2b805f: "d_op != &ns_dentry_operations"; 3.0 to 3.18
  // test check_mnt(old_path.mnt) alone) or pidfs; a /proc/<task>/fd jump can land on another ns's
  // /proc or /tmp (observed 6.18.44: an O_PATH|O_NOFOLLOW ns link fd of init's, bound by a child in its own mount ns)
  const exempt = fnd.kind === F_PIDFD || (fnd.kind === F_NS && s.profile.nsfs);
  if (!exempt && fnd.mntns !== mntns && !mutant('loopback-any-mnt')) {
    if (fnd.kind === F_NS) dput(s, fnd.dentry); // path_put(&old_path)
    return 'EINVAL';
  }
  if (fnd.kind === F_DIR) return 'ENOTDIR';
  // a pidfd: EINVAL (observed on 6.18). An O_PATH|O_NOFOLLOW fd of a /proc/<task>/fd/<fd> link:
  // EINVAL in the model, not checked against the kernel (out of scope: oracle/README.md)
  if (fnd.kind === F_PIDFD) return 'EINVAL';
  if (fnd.kind === F_LINK) {
    const link = s.files[fnd.file]!; // the source walk jumped to the path of this O_PATH link file (proc_fd_link)
    if (link.entry === '' || !s.profile.linkMounts) return 'EINVAL';
    // attach_recursive_mnt preallocates a mountpoint on the new mount's root (get_mountpoint →
    // d_set_mounted, since 4.11 1064f874abc0), -ENOENT for an unhashed dentry: release_task's
    // proc_flush_pid unhashed the reaped task's /proc dentries (observed 6.18; ok for a zombie)
    if (s.tasks[link.task]!.state === TASK_REAPED) return 'ENOENT';
    // v6.18 binds the proc magic link itself (observed): the mount's root is its proc dentry,
    // whose inode holds the task's pid; every walk through the mount follows it again
    const pid = s.tasks[link.task]!.pid;
    get_pid(s, pid);
    s.mounts.push({ freed: false, mntns, target, dentry: -1, detached: false, locked: false, pid, task: link.task, entry: link.entry });
    s.ns[mntns]!.mounts.push(s.mounts.length - 1);
    return '';
  }
  // clone_mnt takes its own reference; path_put drops the walk's: the mount keeps one
  const dentry = fnd.kind === F_NS ? fnd.dentry : -1;
  if (dentry >= 0 && mutant('bind-no-ref')) dput(s, dentry);
  s.mounts.push({ freed: false, mntns, target, dentry, detached: false, locked: false, pid: -1, task: -1, entry: '' });
  s.ns[mntns]!.mounts.push(s.mounts.length - 1);
  return '';
}

/**
 * umount2(@target, 0): the target walk (following a link mount), EPERM (may_mount), EINVAL when nothing is mounted there in the
 * caller's mount ns, EBUSY while a file opened through the mount is open
 * (propagate_mount_busy), else the mount is detached and its dentry put.
 */
export function do_umount(s: KState, task: number, target: string): Errno | '' {
  const m = target_walk(s, task, target); // ksys_umount: user_path_at before path_umount
  if (typeof m === 'string') return m;
  if (!may_mount(s, task)) return 'EPERM';
  const mntns = caller_mnt_ns(s, task);
  if (m < 0) return 'EINVAL';
  // can_umount: "if (!path_mounted(path)) return -EINVAL": the followed link ends on an nsfs file, no mount's root
  if (s.mounts[m]!.task >= 0) return 'EINVAL';
  if (s.mounts[m]!.locked) return 'EINVAL'; // can_umount: "if (mnt->mnt.mnt_flags & MNT_LOCKED) return -EINVAL"
  if (!mutant('umount-ignores-busy')) {
    for (const f of s.files) if (!f.freed && f.mnt === m) return 'EBUSY';
  }
  const list = s.ns[mntns]!.mounts;
  list.splice(list.indexOf(m), 1);
  if (mutant('umount-no-dput')) { s.mounts[m]!.dentry = -1; }
  detach_mount(s, m);
  return '';
}
