// Shared vocabulary of procns: namespace kinds, /proc/<pid>/ns entries, trace format v1
// steps, and the outcome every backend (spec, sim, live kernel) reports for a step.

/** The namespace kinds (struct ns_common owners). */
export const NS_KINDS = ['net', 'uts', 'ipc', 'mnt', 'pid', 'user', 'cgroup', 'time'] as const;
export type NsKind = (typeof NS_KINDS)[number];

/** The names that may appear under /proc/<pid>/ns (fs/proc/namespaces.c ns_entries[]). */
export const ENTRY_NAMES = [
  'net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children',
] as const;
export type EntryName = (typeof ENTRY_NAMES)[number];

/** The kind of namespace each entry names. */
export const ENTRY_KIND: Record<EntryName, NsKind> = {
  net: 'net', uts: 'uts', ipc: 'ipc', pid: 'pid', pid_for_children: 'pid', user: 'user',
  mnt: 'mnt', cgroup: 'cgroup', time: 'time', time_for_children: 'time',
};

/** include/uapi/linux/sched.h clone flags, as returned by NS_GET_NSTYPE. */
export const CLONE_FLAG: Record<NsKind, number> = {
  net: 0x40000000, uts: 0x04000000, ipc: 0x08000000, mnt: 0x00020000,
  pid: 0x20000000, user: 0x10000000, cgroup: 0x02000000, time: 0x00000080,
};

/** The capabilities the model tracks (a subset of include/uapi/linux/capability.h). */
export const CAPS = [
  'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH',
  'CAP_SYS_CHROOT', 'CAP_SETUID', 'CAP_SETGID',
] as const;
export type Cap = (typeof CAPS)[number];
export const CAP_BIT: Record<Cap, number> = Object.fromEntries(CAPS.map((c, i) => [c, 1 << i])) as Record<Cap, number>;
export const ALL_CAPS = (1 << CAPS.length) - 1;

export const OPEN_FLAGS = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_PATH', 'O_NOFOLLOW', 'O_DIRECTORY'] as const;
export type OpenFlag = (typeof OPEN_FLAGS)[number];

export const IOCTLS = ['NS_GET_USERNS', 'NS_GET_PARENT', 'NS_GET_NSTYPE', 'NS_GET_OWNER_UID', 'NS_GET_ID'] as const;
export type IoctlRequest = (typeof IOCTLS)[number];

/** setns nstype as written in a trace: a kind, 0, or a list of kinds (pidfds). */
export type NsTypeArg = NsKind | 0 | NsKind[];

/** One step of trace format v1, without its `expect`. Names are symbolic. */
export type Op =
  | { op: 'spawn'; task: string; parent: string; newns?: NsKind[] }
  | { op: 'unshare'; task: string; newns: NsKind[] }
  | { op: 'setns'; task: string; fd: string; nstype: NsTypeArg }
  | { op: 'exit'; task: string }
  | { op: 'reap'; task: string }
  | { op: 'cred'; task: string; uid?: number; gid?: number; caps?: Cap[]; dumpable?: boolean }
  | { op: 'open'; task: string; path: string; fd: string; flags?: OpenFlag[] }
  | { op: 'close'; task: string; fd: string }
  | { op: 'dup'; task: string; fd: string; as: string }
  | { op: 'pidfd'; task: string; target: string; fd: string }
  | { op: 'readdir'; task: string; path: string }
  | { op: 'readlink'; task: string; path: string }
  | { op: 'stat'; task: string; path?: string; fd?: string }
  | { op: 'lseek'; task: string; fd: string }
  | { op: 'read'; task: string; fd: string }
  | { op: 'ioctl'; task: string; fd: string; request: string; as?: string }
  | { op: 'bind'; task: string; source: string; target: string }
  | { op: 'umount'; task: string; target: string }
  | { op: 'nsid'; task: string; fd?: string; path?: string; as: string }
  | { op: 'alive'; ns: string }
  | { op: 'shrink' };

export type OpName = Op['op'];
export const OP_NAMES: readonly OpName[] = [
  'spawn', 'unshare', 'setns', 'exit', 'reap', 'cred', 'open', 'close', 'dup', 'pidfd', 'readdir',
  'readlink', 'stat', 'lseek', 'read', 'ioctl', 'bind', 'umount', 'nsid', 'alive', 'shrink',
];

/** Errno names the model can return. */
export type Errno =
  | 'EPERM' | 'ENOENT' | 'ESRCH' | 'EBADF' | 'ECHILD' | 'EAGAIN' | 'EACCES' | 'EBUSY' | 'EEXIST'
  | 'ENOTDIR' | 'EISDIR' | 'EINVAL' | 'ENOTTY' | 'ESPIPE' | 'ENOSYS' | 'ELOOP' | 'ENOMEM' | 'ESTALE'
  | 'ENXIO' | 'EUSERS';

/**
 * What a backend reports for one step. Success is `errno === undefined`.
 * `ns` is the backend's identity of a namespace (the model's id, or NS_GET_ID on a kernel);
 * traces compare it through names bound by `nsid ... as`.
 */
export interface Outcome {
  errno?: Errno;
  ns?: string;
  names?: string[];
  value?: number | boolean;
  /** Extension, readlink: the type in the link text "type:[inum]" (b801f1e22c23 changed one). */
  text?: string;
}

/** `expect` of trace format v1. */
export type Expect =
  | 'ok'
  | Errno
  | boolean
  | { ok?: boolean; errno?: Errno; ns?: string; names?: string[]; value?: number | boolean; text?: string };

export type Step = Op & { expect?: Expect; note?: string };

export interface Trace {
  format: 'procns-trace/1';
  title?: string;
  profile?: string;
  /** Extension: free text explaining what the trace documents. */
  description?: string;
  /** Extension: provenance of a generated trace (seed, path, property). */
  origin?: Record<string, unknown>;
  steps: Step[];
}

export const TRACE_FORMAT = 'procns-trace/1';

/** A name no trace can write, for an fd whose name was bound again while it was still open. */
export function hiddenName(fds: ReadonlyMap<string, number>, name: string): string {
  let k = 1;
  while (fds.has(`${name}#${k}`)) k++;
  return `${name}#${k}`;
}
