// Kernel versions as feature flags. One simulation and one spec read these flags; no profile
// has a copy of the semantics. Citations: ../shared/reference/kernel-history.md (see README).
import type { EntryName, NsKind } from './types.ts';

export interface Profile {
  readonly name: ProfileName;
  readonly title: string;
  /** fs/proc/namespaces.c ns_entries[], in readdir order. */
  readonly entries: readonly EntryName[];
  /** Namespace kinds that spawn (clone) may create. */
  readonly newnsKinds: readonly NsKind[];
  /** Namespace kinds that unshare accepts (kernel/fork.c check_unshare_flags). */
  readonly unshareKinds: readonly NsKind[];
  /** setns(2) exists (7b21fddd0876, v3.0). */
  readonly setns: boolean;
  /** kernel/nsproxy.c setns: global capable(CAP_SYS_ADMIN) checked before anything (v3.0..v3.7). */
  readonly setnsCapFirst: boolean;
  /** bf056bfa (v3.8): ns files are magic symlinks; ptrace check on every follow/readlink (EACCES). */
  readonly magicLinks: boolean;
  /** v3.0: proc_ns_instantiate makes one proc inode per lookup that holds the ns (ei->ns). */
  readonly procInodePerLookup: boolean;
  /** e149ed2b805f (v3.19): targets live on nsfs; one stashed dentry per ns; inode S_IMMUTABLE. */
  readonly nsfs: boolean;
  /** caaee6234d05 (v4.5): PTRACE_MODE_FSCREDS for fs accesses (fsuid, effective caps). */
  readonly ptraceFsCreds: boolean;
  /** v3.0 __ptrace_may_access: a task without an mm counts as non-dumpable (later: check skipped). */
  readonly ptraceNoMmIsUndumpable: boolean;
  /** nsfs ioctls NS_GET_USERNS/PARENT (4.9), NSTYPE/OWNER_UID (4.11), NS_GET_ID (6.18). */
  readonly ioctls: boolean;
  /** pidfd_open (5.3) and setns(pidfd) (303cc571d107, v5.8). */
  readonly pidfd: boolean;
  /** fs/namespace.c mnt_ns_loop: binding an own/older mnt ns file gives EINVAL. */
  readonly mntNsLoopCheck: boolean;
  /** b801f1e22c23 (5.7): time_for_children links read "time:[...]". */
  readonly timeForChildrenRealName: boolean;
  /** 5ff9d8a65ce8 (3.12): mounts copied into a mount ns of a less privileged user ns are MNT_LOCKED (umount EINVAL). */
  readonly mntLocked: boolean;
  /** A bind of an O_PATH|O_NOFOLLOW fd of a /proc/<pid>/ns/<x> link mounts the link itself (observed on 6.18; other profiles unverified: EINVAL). */
  readonly linkMounts: boolean;
}

export const PROFILE_NAMES = ['seed', 'v3.0', 'v3.8', 'v6.18'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

const v30: Profile = {
  name: 'v3.0',
  title: 'Linux 3.0: setns + net/uts/ipc entries; proc inode per lookup, dentries cached with pid_dentry_operations',
  entries: ['net', 'uts', 'ipc'],
  // clone: CLONE_NEWNS (2.4.19) and CLONE_NEWPID (2.6.24) exist, though 3.0 has no ns/mnt or
  // ns/pid entry; CLONE_NEWUSER (2.6.23) is left out: the 3.0 user ns is not modelled
  newnsKinds: ['net', 'uts', 'ipc', 'mnt', 'pid'],
  // check_unshare_flags (3.0): NEWNS since 2.6.16, NEWUTS/NEWIPC/NEWNET; NEWPID only from 3.8
  unshareKinds: ['net', 'uts', 'ipc', 'mnt'],
  setns: true,
  setnsCapFirst: true,
  magicLinks: false,
  procInodePerLookup: true,
  nsfs: false,
  ptraceFsCreds: false,
  ptraceNoMmIsUndumpable: true,
  ioctls: false,
  pidfd: false,
  mntNsLoopCheck: false,
  timeForChildrenRealName: false,
  mntLocked: false,
  linkMounts: false,
};

export const PROFILES: Record<ProfileName, Profile> = {
  seed: {
    ...v30,
    name: 'seed',
    title: 'The seed patch 6b4e306aa3dc alone: empty ns_entries[], no setns',
    entries: [],
    setns: false,
  },
  'v3.0': v30,
  'v3.8': {
    ...v30,
    name: 'v3.8',
    title: 'Linux 3.8: magic symlinks (bf056bfa), one inode per namespace (98f842e675f9), mnt/pid/user entries, per-type install checks',
    entries: ['net', 'uts', 'ipc', 'pid', 'user', 'mnt'],
    newnsKinds: ['net', 'uts', 'ipc', 'pid', 'user', 'mnt'],
    unshareKinds: ['net', 'uts', 'ipc', 'pid', 'user', 'mnt'],
    setnsCapFirst: false,
    magicLinks: true,
    procInodePerLookup: false,
    // mnt_ns_loop / CL_COPY_MNT_NS_FILE: added in the 3.9 cycle and taken into 3.8.y stable;
    // without it a mount ns that binds its own ns file leaks (mutant `mnt-ns-loop`)
    mntNsLoopCheck: true,
  },
  'v6.18': {
    ...v30,
    name: 'v6.18',
    title: 'Linux 6.18: nsfs, ten entries, NS_GET_* ioctls and NS_GET_ID, pidfd setns',
    entries: ['net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children'],
    newnsKinds: ['net', 'uts', 'ipc', 'pid', 'user', 'mnt', 'cgroup', 'time'],
    unshareKinds: ['net', 'uts', 'ipc', 'pid', 'user', 'mnt', 'cgroup', 'time'],
    setnsCapFirst: false,
    magicLinks: true,
    procInodePerLookup: false,
    nsfs: true,
    ptraceFsCreds: true,
    ptraceNoMmIsUndumpable: false,
    ioctls: true,
    pidfd: true,
    mntNsLoopCheck: true,
    timeForChildrenRealName: true,
    mntLocked: true,
    linkMounts: true,
  },
};

export function getProfile(name: string): Profile | undefined {
  return (PROFILES as Record<string, Profile>)[name];
}
