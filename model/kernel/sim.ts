// The simulation's step: one trace op against the concrete kernel objects, dispatching to the
// functions named after the kernel code (fs/open.c, fs/file.c, fs/read_write.c, fs/ioctl.c,
// kernel/sys.c, kernel/pid.c pidfd_open, ...). Mutates `s`; see model/step.ts for the pure form.
import type { Errno, Op, Outcome } from '../types.ts';
import { CAP_BIT, hiddenName } from '../types.ts';
import { MAY_READ, inode_permission, ptrace_may_access } from './cred.ts';
import { copy_process, do_exit, pidns_below, reapable, release_task } from './fork.ts';
import type { Found, OpenFlags } from './namei.ts';
import { may_open, ns_dir_owner, parseFlags, path_lookup } from './namei.ts';
import { do_loopback, do_umount } from './namespace.ts';
import { sys_setns, sys_unshare, running } from './nsproxy.ts';
import { file_ns, get_related, ns_get_path, ns_ioctl } from './nsfs.ts';
import { link_type_name, proc_ns_dir_readdir, proc_ns_readlink } from './proc-namespaces.ts';
import { dentry_kill, dput, fput, get_file, get_pid } from './refs.ts';
import type { KState } from './state.ts';
import { F_DIR, F_LINK, F_NS, F_PIDFD, F_REG, TASK_REAPED, TASK_RUNNING } from './state.ts';
import { mapWithout } from '../records.ts';
import { mutant } from './mutant-hooks.ts';

const OK: Outcome = Object.freeze({}) as Outcome;
const err = (e: Errno): Outcome => ({ errno: e });
const res = (e: Errno | ''): Outcome => (e === '' ? OK : { errno: e });

/** fd_install under a name; a name still open keeps its old file under a hidden name. */
function fd_install(s: KState, task: number, name: string, file: number): void {
  const t = s.tasks[task]!;
  const fds = new Map(t.fds); // a state's Maps are replaced, never mutated (clones share them)
  const old = fds.get(name);
  if (old !== undefined) fds.set(hiddenName(fds, name), old);
  fds.set(name, file);
  t.fds = fds;
}

function new_file(s: KState, kind: number, fl: OpenFlags | null, dentry: number, mnt: number, pid: number, task: number, entry = '', mntns = -1): number {
  s.files.push({
    count: 1, freed: false, kind, dentry, mnt, pid, task, entry,
    opath: fl ? fl.opath : false, read: fl ? fl.read : true, write: fl ? fl.write : true, mntns, uid: 0, gid: 0,
  });
  return s.files.length - 1;
}

/** Releases what a walk returned without using it (path_put). */
function path_put(s: KState, f: Found): void {
  if (f.kind === F_NS && f.dentry >= 0) dput(s, f.dentry);
}

function found_ns(s: KState, f: Found): number {
  return f.kind === F_NS ? s.inodes[s.dentries[f.dentry]!.inode]!.ns : -1;
}

/** do_sys_open → do_filp_open (path walk, do_open/may_open) → fd_install. */
function sys_open(s: KState, task: number, path: string, fdName: string, flags: readonly string[] | undefined): Outcome {
  const fl = parseFlags(flags);
  const fnd = path_lookup(s, task, path, !fl.nofollow);
  if (typeof fnd === 'string') return err(fnd);
  const e = may_open(s, task, fnd, fl);
  if (e !== '') {
    path_put(s, fnd);
    return err(e);
  }
  let file: number;
  switch (fnd.kind) {
    case F_NS: file = new_file(s, F_NS, fl, fnd.dentry, fnd.mnt, -1, -1, '', fnd.mntns); break;
    case F_DIR: {
      const t = s.tasks[fnd.task]!;
      get_pid(s, t.pid);
      const o = ns_dir_owner(s, fnd); // the inode the file gets: the walk's, or the one jumped to
      file = new_file(s, F_DIR, fl, -1, -1, t.pid, fnd.task, '', fnd.mntns);
      s.files[file]!.uid = o.uid;
      s.files[file]!.gid = o.gid;
      break;
    }
    case F_LINK: {
      // the link's proc inode holds its task's pid (a reaped task's link stays reachable
      // through a link mount); the file keeps the mount it was opened through (@m)
      const pid = s.tasks[fnd.task]!.pid;
      get_pid(s, pid);
      const entry = fnd.entry === 'jumped' ? s.files[fnd.file]!.entry : fnd.entry;
      file = new_file(s, F_LINK, fl, -1, fnd.mnt, pid, fnd.task, entry, fnd.mntns);
      break;
    }
    case F_PIDFD: {
      const pid = s.files[fnd.file]!.pid;
      get_pid(s, pid);
      file = new_file(s, F_PIDFD, fl, -1, -1, pid, -1);
      break;
    }
    default: file = new_file(s, F_REG, fl, -1, fnd.mnt, -1, -1, '', fnd.mntns);
  }
  fd_install(s, task, fdName, file);
  return nsOutcome(s, file);
}

/** The outcome of a call that returns an fd: it names the namespace when the file is one. */
function nsOutcome(s: KState, file: number): Outcome {
  const ns = file_ns(s, file);
  return ns >= 0 ? { ns: String(ns) } : OK;
}

/** stat(2) follows links; the outcome names the namespace of an nsfs/proc ns file. */
function sys_stat_path(s: KState, task: number, path: string): Outcome {
  const fnd = path_lookup(s, task, path, true);
  if (typeof fnd === 'string') return err(fnd);
  const ns = found_ns(s, fnd);
  path_put(s, fnd);
  return ns >= 0 ? { ns: String(ns) } : OK;
}

function sys_readlink(s: KState, task: number, path: string): Outcome {
  const fnd = path_lookup(s, task, path, false);
  if (typeof fnd === 'string') return err(fnd);
  if (fnd.kind !== F_LINK) {
    path_put(s, fnd);
    return err('EINVAL'); // not a symlink (v3.0 ns files are regular files)
  }
  if (fnd.entry !== '') {
    const ns = proc_ns_readlink(s, task, fnd.task, fnd.entry);
    if (typeof ns === 'string') return err(ns);
    return { ns: String(ns), text: link_type_name(s, fnd.entry) };
  }
  // proc_pid_readlink of /proc/<task>/fd/<fd>: proc_fd_access_allowed, then d_path
  if (!ptrace_may_access(s, task, fnd.task)) return err('EACCES');
  // d_path: ns_dentry_operations .d_dname "type:[inum]" (bf056bfa, 3.8; nsfs_dname later) only on
  // the internal mount; through a bind mount, its path; v3.0: the proc path /proc/<pid>/ns/<x>
  const ns = s.files[fnd.file]!.mnt < 0 && s.profile.magicLinks ? file_ns(s, fnd.file) : -1;
  return ns >= 0 ? { ns: String(ns), text: s.ns[ns]!.kind } : OK; // ns_dname / nsfs_dname: the kind
}

function sys_readdir(s: KState, task: number, path: string): Outcome {
  const fnd = path_lookup(s, task, path, true);
  if (typeof fnd === 'string') return err(fnd);
  if (fnd.kind !== F_DIR) {
    path_put(s, fnd);
    return err('ENOTDIR');
  }
  // open(O_RDONLY|O_DIRECTORY): DAC on the 0511 directory owned by the task (or root), as the
  // last walk through it left the owner when this one jumped to a held directory
  const o = ns_dir_owner(s, fnd);
  const e = inode_permission(s, s.tasks[task]!, o.uid, o.gid, 0o511, true, false, MAY_READ);
  if (e !== '') return err(e);
  const names = proc_ns_dir_readdir(s, task, fnd.task);
  return typeof names === 'string' ? err(names) : { names };
}

/** fdget for read/lseek/ioctl: no fd or an O_PATH file → EBADF. */
function fdget(s: KState, task: number, name: string): number {
  const id = s.tasks[task]!.fds.get(name);
  if (id === undefined || s.files[id]!.opath) return -1;
  return id;
}

function sys_ioctl(s: KState, task: number, fdName: string, request: string, as: string | undefined): Outcome {
  const fid = fdget(s, task, fdName);
  if (fid < 0) return err('EBADF');
  const f = s.files[fid]!;
  if (!s.profile.ioctls || f.kind !== F_NS) return err('ENOTTY');
  const ns = file_ns(s, fid);
  const r = ns_ioctl(s, task, ns, request);
  if (!('related' in r)) return r;
  // open_related_ns: a new O_RDONLY file on the related namespace's dentry
  const d = ns_get_path(s, get_related(s, r.related));
  const file = new_file(s, F_NS, { read: true, write: false, opath: false, nofollow: false, directory: false }, d, -1, -1, -1);
  fd_install(s, task, as ?? `ioctl#${file}`, file);
  return nsOutcome(s, file);
}

function sys_cred(s: KState, task: number, op: Extract<Op, { op: 'cred' }>): Outcome {
  const t = s.tasks[task]!;
  const oldUid = t.uid;
  // setresgid then setresuid (kernel/sys.c): unmapped ids EINVAL, CAP_SETGID/CAP_SETUID EPERM
  // kernel/sys.c setresgid/setresuid: make_kgid/make_kuid fail in a user ns without maps, even for the current id
  if (t.userns !== 0 && (op.gid !== undefined || op.uid !== undefined)) return err('EINVAL');
  if (op.gid !== undefined && op.gid !== t.gid) {
    if (t.userns !== 0) return err('EINVAL');
    if (!capableHere(s, task, CAP_BIT.CAP_SETGID)) return err('EPERM');
    t.gid = op.gid;
    t.dumpable = false; // commit_creds: egid changed → set_dumpable(suid_dumpable = 0)
  }
  if (op.uid !== undefined && op.uid !== t.uid) {
    if (t.userns !== 0) return err('EINVAL');
    if (!capableHere(s, task, CAP_BIT.CAP_SETUID)) return err('EPERM');
    t.uid = op.uid;
    t.dumpable = false;
  }
  if (op.caps !== undefined) {
    let caps = 0;
    for (const c of op.caps) caps |= CAP_BIT[c];
    // capset: the new permitted set must be a subset of the old one
    if ((caps & ~t.caps) !== 0) return err('EPERM');
    t.caps = caps;
  } else if (oldUid === 0 && t.uid !== 0) {
    t.caps = 0; // cap_emulate_setxuid: leaving uid 0 drops the capabilities
  }
  if (op.dumpable !== undefined) t.dumpable = op.dumpable; // prctl(PR_SET_DUMPABLE)
  return OK;
}

/** ns_capable(current_user_ns(), cap): the task's own effective set. */
function capableHere(s: KState, task: number, cap: number): boolean {
  return (s.tasks[task]!.caps & cap) !== 0;
}

/** Runs one op on the simulation, mutating `s`. */
export function simStep(s: KState, op: Op): Outcome {
  switch (op.op) {
    case 'alive': {
      const id = Number(op.ns);
      const n = s.ns[id];
      return n === undefined ? err('EINVAL') : { value: !n.freed };
    }
    case 'shrink': {
      // drop_caches / memory pressure: shrink_dcache_sb frees every unused dentry
      for (let i = 0; i < s.dentries.length; i++) {
        const d = s.dentries[i]!;
        if (!d.freed && d.count === 0) dentry_kill(s, i);
      }
      return OK;
    }
    case 'reap': {
      const t = s.taskByName.get(op.task);
      if (t === undefined || s.tasks[t]!.state === TASK_REAPED) return err('ECHILD');
      if (s.tasks[t]!.parent < 0) return err('ECHILD'); // kernel/exit.c do_wait: init is no child of any task the trace runs
      if (s.tasks[t]!.state === TASK_RUNNING || !reapable(s, t)) return err('EAGAIN');
      release_task(s, t);
      return OK;
    }
    default:
      break;
  }
  const task = s.taskByName.get(op.op === 'spawn' ? op.parent : op.task);
  if (task === undefined || !running(s, task)) return err('ESRCH');
  switch (op.op) {
    case 'spawn':
      if (s.taskByName.has(op.task)) return err('EEXIST');
      return res(copy_process(s, task, op.task, op.newns ?? []));
    case 'unshare':
      return res(sys_unshare(s, task, op.newns));
    case 'setns':
      return res(sys_setns(s, task, op.fd, op.nstype));
    case 'exit':
      if (task === 0) return err('EPERM');
      do_exit(s, task);
      return OK;
    case 'cred':
      return sys_cred(s, task, op);
    case 'open':
      return sys_open(s, task, op.path, op.fd, op.flags);
    case 'close': {
      const t = s.tasks[task]!;
      const id = t.fds.get(op.fd);
      if (id === undefined) return err('EBADF');
      t.fds = mapWithout(t.fds, op.fd);
      if (!mutant('close-no-fput')) fput(s, id);
      return OK;
    }
    case 'dup': {
      const id = s.tasks[task]!.fds.get(op.fd);
      if (id === undefined) return err('EBADF');
      fd_install(s, task, op.as, mutant('dup-no-get-file') ? id : get_file(s, id));
      return nsOutcome(s, id);
    }
    case 'pidfd': {
      if (!s.profile.pidfd) return err('ENOSYS');
      const target = s.taskByName.get(op.target);
      if (target === undefined || s.tasks[target]!.state === TASK_REAPED) return err('ESRCH');
      const pid = s.tasks[target]!.pid;
      // kernel/pid.c pidfd_open → find_get_pid(pid): the number means nothing outside task_active_pid_ns(current)
      if (!pidns_below(s, s.pids[pid]!.ns, s.pids[s.tasks[task]!.pid]!.ns)) return err('ESRCH');
      get_pid(s, pid);
      fd_install(s, task, op.fd, new_file(s, F_PIDFD, null, -1, -1, pid, -1));
      return OK;
    }
    case 'readdir':
      return sys_readdir(s, task, op.path);
    case 'readlink':
      return sys_readlink(s, task, op.path);
    case 'stat': {
      if (op.path !== undefined) return sys_stat_path(s, task, op.path);
      const id = s.tasks[task]!.fds.get(op.fd ?? '');
      if (id === undefined) return err('EBADF'); // fstat works on O_PATH files
      const ns = file_ns(s, id);
      return ns >= 0 ? { ns: String(ns) } : OK;
    }
    case 'lseek': {
      const id = fdget(s, task, op.fd);
      if (id < 0) return err('EBADF');
      const k = s.files[id]!.kind;
      // ns_file_operations .llseek = no_llseek; a pidfd has no FMODE_LSEEK
      return k === F_NS || k === F_PIDFD ? err('ESPIPE') : OK;
    }
    case 'read': {
      const id = fdget(s, task, op.fd);
      if (id < 0) return err('EBADF');
      const f = s.files[id]!;
      if (!f.read) return err('EBADF'); // vfs_read: !(file->f_mode & FMODE_READ)
      if (f.kind === F_NS || f.kind === F_PIDFD) return err('EINVAL'); // no ->read
      return f.kind === F_DIR ? err('EISDIR') : OK;
    }
    case 'ioctl':
      return sys_ioctl(s, task, op.fd, op.request, op.as);
    case 'bind':
      return res(do_loopback(s, task, op.source, op.target));
    case 'umount':
      return res(do_umount(s, task, op.target));
    case 'nsid': {
      if (op.path !== undefined) {
        const o = sys_stat_path(s, task, op.path);
        return o.errno !== undefined || o.ns !== undefined ? o : err('EINVAL');
      }
      const id = s.tasks[task]!.fds.get(op.fd ?? '');
      if (id === undefined) return err('EBADF');
      const ns = file_ns(s, id);
      return ns >= 0 ? { ns: String(ns) } : err('EINVAL');
    }
    default:
      return err('EINVAL');
  }
}
