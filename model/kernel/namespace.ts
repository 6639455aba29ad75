// fs/namespace.c: may_mount, do_loopback (mount --bind), path_umount / do_umount.
import type { Errno } from '../types.ts';
import { CAP_BIT } from '../types.ts';
import { capable, ns_capable } from './cred.ts';
import { caller_mnt_ns, lookup_mnt, path_lookup } from './namei.ts';
import { dput, detach_mount } from './refs.ts';
import type { KState } from './state.ts';
import { F_DIR, F_LINK, F_NS, F_PIDFD } from './state.ts';
import { mutant } from './mutant-hooks.ts';

/** may_mount: ns_capable(current->nsproxy->mnt_ns->user_ns, CAP_SYS_ADMIN) (v3.0: capable). */
function may_mount(s: KState, task: number): boolean {
  const t = s.tasks[task]!;
  if (s.profile.setnsCapFirst) return capable(s, t, CAP_BIT.CAP_SYS_ADMIN);
  return ns_capable(s, t, s.ns[caller_mnt_ns(s, task)]!.owner, CAP_BIT.CAP_SYS_ADMIN);
}

/**
 * mount(source, @target, MS_BIND): EPERM (may_mount), then the source walk (its errors),
 * ENOTDIR for a directory onto a file, EINVAL for an unbindable anon inode and, v6.18, for
 * an own-or-older mnt ns file (mnt_ns_loop). The mount holds the source dentry.
 */
export function do_loopback(s: KState, task: number, source: string, target: string): Errno | '' {
  if (!may_mount(s, task)) return 'EPERM';
  const fnd = path_lookup(s, task, source, true);
  if (typeof fnd === 'string') return fnd;
  if (fnd.kind === F_DIR) return 'ENOTDIR';
  // a pidfd: EINVAL (observed on 6.18). An O_PATH|O_NOFOLLOW ns link: a KNOWN DIVERGENCE, 6.18
  // binds it (observed: the target becomes the magic link, followed with its task's ptrace
  // check; umount follows it too); link mounts are not modelled, so the model says EINVAL
  if (fnd.kind === F_PIDFD || fnd.kind === F_LINK) return 'EINVAL';
  const mntns = caller_mnt_ns(s, task);
  if (fnd.kind === F_NS && s.profile.mntNsLoopCheck && !mutant('mnt-ns-loop')) {
    const ns = s.inodes[s.dentries[fnd.dentry]!.inode]!.ns;
    // mnt_ns_loop: "current->nsproxy->mnt_ns->seq >= mnt_ns->seq" (ids are in creation order)
    if (s.ns[ns]!.kind === 'mnt' && mntns >= ns) {
      dput(s, fnd.dentry);
      return 'EINVAL';
    }
  }
  // clone_mnt takes its own reference; path_put drops the walk's: the mount keeps one
  const dentry = fnd.kind === F_NS ? fnd.dentry : -1;
  if (dentry >= 0 && mutant('bind-no-ref')) dput(s, dentry);
  s.mounts.push({ freed: false, mntns, target, dentry, detached: false, locked: false });
  s.ns[mntns]!.mounts.push(s.mounts.length - 1);
  return '';
}

/**
 * umount2(@target, 0): EPERM (may_mount), EINVAL when nothing is mounted there in the
 * caller's mount ns, EBUSY while a file opened through the mount is open
 * (propagate_mount_busy), else the mount is detached and its dentry put.
 */
export function do_umount(s: KState, task: number, target: string): Errno | '' {
  if (!may_mount(s, task)) return 'EPERM';
  const mntns = caller_mnt_ns(s, task);
  const m = lookup_mnt(s, mntns, target);
  if (m < 0) return 'EINVAL';
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
