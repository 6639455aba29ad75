// fs/proc/namespaces.c (+ the parts of fs/proc/base.c and fs/proc/inode.c it relies on):
// the /proc/<pid>/ns directory, its entries, and the namespace each entry names.
import type { Errno } from '../types.ts';
import { ENTRY_KIND } from '../types.ts';
import { proc_owner, ptrace_may_access } from './cred.ts';
import { dentry_kill, dput, get_ns, get_pid, iput, put_ns } from './refs.ts';
import type { KState } from './state.ts';
import { SLOT, TASK_REAPED } from './state.ts';
import { mapWith, mapWithout } from '../records.ts';
import { ns_get_path } from './nsfs.ts';
import { mutant } from './mutant-hooks.ts';

/**
 * ns_ops->get(task) for one entry (netns_get, utsns_get, ipcns_get, mntns_get, cgroupns_get,
 * timens_get, timens_for_children_get, pidns_get, pidns_for_children_get, userns_get).
 * Returns the namespace with a reference taken, or -1 (the caller reports ENOENT).
 */
export function ns_ops_get(s: KState, task: number, entry: string): number {
  const t = s.tasks[task]!;
  if (t.state === TASK_REAPED) return -1;
  switch (entry) {
    case 'user': // kernel/user_namespace.c userns_get: __task_cred(task)->user_ns (a zombie keeps its cred)
      return get_ns(s, t.userns);
    case 'pid': { // kernel/pid_namespace.c pidns_get: task_active_pid_ns(task)
      const p = s.pids[t.pid]!;
      return p.task === task ? get_ns(s, p.ns) : -1;
    }
    default:
      break;
  }
  // the rest read task->nsproxy under task_lock; exit_task_namespaces cleared it for a zombie
  if (t.nsproxy < 0) {
    // seeded bug: no NULL check of the nsproxy that exit_task_namespaces put (a use after put)
    if (mutant('get-ignores-exiting') && s.uaf === '') s.uaf = `ns_ops->get read the put nsproxy of exiting task ${task}`;
    return -1;
  }
  const proxy = s.nsproxies[t.nsproxy]!.ns;
  switch (entry) {
    case 'net': return get_ns(s, proxy[SLOT.net]!);
    case 'uts': return get_ns(s, proxy[SLOT.uts]!);
    case 'ipc': return get_ns(s, proxy[SLOT.ipc]!);
    case 'mnt': return get_ns(s, proxy[SLOT.mnt]!);
    case 'cgroup': return get_ns(s, proxy[SLOT.cgroup]!);
    case 'time': return get_ns(s, proxy[SLOT.time]!);
    case 'time_for_children': return get_ns(s, proxy[SLOT.time4c]!);
    case 'pid_for_children': { // pidns_for_children_get: NULL until the ns has a child_reaper
      const ns = proxy[SLOT.pid4c]!;
      return s.ns[ns]!.reaper >= 0 ? get_ns(s, ns) : -1;
    }
    default:
      return -1;
  }
}

/** Whether `entry` names something on this profile (ns_entries[] lookup by name). */
export function has_entry(s: KState, entry: string): boolean {
  return (s.profile.entries as readonly string[]).includes(entry);
}

/**
 * v3.0 lookup of /proc/<task>/ns/<entry>: a hashed dentry is reused after pid_revalidate
 * (fs/proc/base.c), which checks only that the task still has its pid: no ptrace check.
 * Otherwise proc_ns_dir_lookup (seed 6b4e306aa3dc): ptrace check (EPERM), name match
 * (ENOENT), proc_ns_instantiate. Returns a dentry with a reference taken, or an errno.
 */
export function proc_ns_lookup_v30(s: KState, caller: number, task: number, entry: string): number | Errno {
  const key = `${task}/${entry}`;
  const cached = s.dcache.get(key);
  if (cached !== undefined && !mutant('no-dcache')) {
    if (pid_revalidate(s, cached)) {
      s.dentries[cached]!.count++;
      return cached;
    }
  }
  // proc_ns_dir_lookup: "if (!ptrace_may_access(task, PTRACE_MODE_READ)) goto out" → EPERM
  if (!ptrace_may_access(s, caller, task) && !mutant('lookup-no-ptrace')) return 'EPERM';
  if (!has_entry(s, entry)) return 'ENOENT';
  return proc_ns_instantiate(s, task, entry);
}

/**
 * fs/proc/namespaces.c proc_ns_instantiate (seed): proc_pid_make_inode (holds the pid),
 * ei->ns = ns_ops->get(task) (NULL → iput, ENOENT), mode S_IFREG|S_IRUSR, d_op =
 * pid_dentry_operations, d_add (hashed in the dcache). The dentry comes back with one reference.
 */
export function proc_ns_instantiate(s: KState, task: number, entry: string): number | Errno {
  const t = s.tasks[task]!;
  const owner = proc_owner(t);
  get_pid(s, t.pid);
  s.inodes.push({ count: 1, freed: false, ns: -1, pid: t.pid, uid: owner.uid, gid: owner.gid, mode: 0o400, immutable: false });
  const inode = s.inodes.length - 1;
  const ns = ns_ops_get(s, task, entry);
  if (ns < 0) {
    iput(s, inode); // out_iput
    return 'ENOENT';
  }
  s.inodes[inode]!.ns = ns;
  s.dentries.push({ count: 1, freed: false, inode, task, entry });
  const d = s.dentries.length - 1;
  s.dcache = mapWith(s.dcache, `${task}/${entry}`, d);
  return d;
}

/**
 * fs/proc/base.c pid_revalidate: valid while the inode's pid still has its task; refreshes
 * i_uid/i_gid (task euid/egid if dumpable, else root). Invalid → d_drop.
 */
export function pid_revalidate(s: KState, d: number): boolean {
  const dentry = s.dentries[d]!;
  const inode = s.inodes[dentry.inode]!;
  const task = s.pids[inode.pid]!.task;
  if (task >= 0 || mutant('revalidate-keeps-dead')) {
    if (task >= 0) {
      const owner = proc_owner(s.tasks[task]!);
      inode.uid = owner.uid;
      inode.gid = owner.gid;
    }
    return true;
  }
  d_drop(s, d);
  return false;
}

/** fs/dcache.c d_drop: unhash; an unused dentry then dies. */
function d_drop(s: KState, d: number): void {
  const dentry = s.dentries[d]!;
  const key = `${dentry.task}/${dentry.entry}`;
  if (s.dcache.get(key) === d) s.dcache = mapWithout(s.dcache, key);
  if (dentry.count === 0) dentry_kill(s, d);
}

/** fs/proc/base.c proc_flush_task (release_task): unused dentries of the task are pruned. */
export function proc_flush_task(s: KState, task: number): void {
  if (s.dcache.size === 0) return;
  for (const [key, d] of s.dcache) {
    if (s.dentries[d]!.task === task) {
      s.dcache = mapWithout(s.dcache, key); // (the loop goes on over the Map it started with)
      if (s.dentries[d]!.count === 0) dentry_kill(s, d);
    }
  }
}

/**
 * v3.8+ following /proc/<task>/ns/<entry>: proc_ns_follow_link (bf056bfa, 3.8) /
 * proc_ns_get_link (6.x): task gone → EACCES, ptrace_may_access (READ; READ_FSCREDS from 4.5)
 * → EACCES, ns_ops->get NULL → ENOENT, then the namespace's dentry (ns_get_path).
 */
export function proc_ns_get_link(s: KState, caller: number, task: number, entry: string): number | Errno {
  if (s.tasks[task]!.state === TASK_REAPED) return 'EACCES';
  if (!ptrace_may_access(s, caller, task) && !mutant('follow-no-ptrace')) return 'EACCES';
  const ns = ns_ops_get(s, task, entry);
  if (ns < 0) return 'ENOENT';
  return ns_get_path(s, ns);
}

/**
 * v3.8+ proc_ns_readlink: ptrace_may_access → EACCES; ns_ops->get NULL → ENOENT; the text is
 * "%s:[%u]" of ns_ops->real_ns_name and the inode number. Returns the namespace (no reference).
 */
export function proc_ns_readlink(s: KState, caller: number, task: number, entry: string): number | Errno {
  if (s.tasks[task]!.state === TASK_REAPED) return 'EACCES';
  if (!ptrace_may_access(s, caller, task) && !mutant('readlink-no-ptrace')) return 'EACCES';
  const ns = ns_ops_get(s, task, entry);
  if (ns < 0) return 'ENOENT';
  put_ns(s, ns); // ns_get_name: ns_ops->put after formatting
  if (mutant('readlink-double-put')) put_ns(s, ns);
  return ns;
}

/** The link text's type name (ns_ops->real_ns_name; time_for_children fixed by b801f1e22c23). */
export function link_type_name(s: KState, entry: string): string {
  if (entry === 'pid_for_children') return 'pid';
  if (entry === 'time_for_children') return s.profile.timeForChildrenRealName && !mutant('time4c-name') ? 'time' : 'time_for_children';
  return ENTRY_KIND[entry as keyof typeof ENTRY_KIND] ?? entry;
}

/**
 * proc_ns_dir_readdir: v3.0 checks ptrace_may_access (EPERM) and fills the dcache through
 * proc_fill_cache → proc_ns_instantiate for every entry (failures still list the name);
 * from 3.8 there is no ptrace check and the entries are link dentries that pin nothing.
 */
export function proc_ns_dir_readdir(s: KState, caller: number, task: number): string[] | Errno {
  if (s.tasks[task]!.state === TASK_REAPED) return 'ENOENT';
  if (s.profile.procInodePerLookup) {
    if (!ptrace_may_access(s, caller, task) && !mutant('readdir-no-ptrace')) return 'EPERM';
    for (const entry of s.profile.entries) {
      if (s.dcache.has(`${task}/${entry}`)) continue;
      const d = proc_ns_instantiate(s, task, entry);
      if (typeof d === 'number') dput(s, d); // proc_fill_cache: dput; stays cached while the task lives
    }
  }
  return s.profile.entries.slice();
}
