// kernel/fork.c copy_process (copy_creds, copy_files, copy_mm, copy_namespaces, alloc_pid)
// and kernel/exit.c do_exit / exit_notify / release_task, plus zap_pid_ns_processes.
import type { Errno, NsKind } from '../types.ts';
import { ALL_CAPS, CAP_BIT } from '../types.ts';
import { capable, ns_capable } from './cred.ts';
import { create_new_namespaces, create_user_ns } from './nsproxy.ts';
import { proc_flush_task } from './proc-namespaces.ts';
import { fput, get_file, get_ns, get_nsproxy, put_ns, put_nsproxy, put_pid } from './refs.ts';
import type { KState, Task } from './state.ts';
import { SLOT, TASK_REAPED, TASK_RUNNING, TASK_ZOMBIE } from './state.ts';
import { mapWith } from '../records.ts';
import { mutant } from './mutant-hooks.ts';

/** Whether pid ns `ns` is `anc` or below it. */
export function pidns_below(s: KState, ns: number, anc: number): boolean {
  for (let p = ns; p >= 0; p = s.ns[p]!.parent) if (p === anc) return true;
  return false;
}

/** A pid ns whose child reaper has exited refuses new pids (PIDNS_ADDING cleared): ENOMEM. */
function pidns_zapped(s: KState, ns: number): boolean {
  const r = s.ns[ns]!.reaper;
  return r >= 0 && s.tasks[r]!.state !== TASK_RUNNING;
}

/** clone(2) of `parent` into a new task `name` with CLONE_NEW* flags `kinds`. */
export function copy_process(s: KState, parent: number, name: string, kinds: readonly NsKind[]): Errno | '' {
  const p = s.tasks[parent]!;
  for (const k of kinds) if (!s.profile.newnsKinds.includes(k)) return 'EINVAL';
  // copy_creds: CLONE_NEWUSER makes the child's cred in a new user ns with every capability
  let userns = p.userns;
  let caps = p.caps;
  if (kinds.includes('user')) {
    const u = create_user_ns(s, p);
    if (typeof u !== 'number') return u;
    userns = u;
    caps = ALL_CAPS;
  } else {
    get_ns(s, userns);
  }
  const others = kinds.filter((k) => k !== 'user');
  const proxyOld = s.nsproxies[p.nsproxy]!.ns;
  let proxy = p.nsproxy;
  // copy_namespaces: share the nsproxy unless a namespace is new (or time_for_children differs)
  if (others.length === 0 && proxyOld[SLOT.time4c] === proxyOld[SLOT.time]) {
    get_nsproxy(s, proxy);
  } else {
    const child = { ...p, userns, caps };
    const ok = others.length === 0 ||
      (s.profile.setnsCapFirst ? capable(s, child, CAP_BIT.CAP_SYS_ADMIN) : ns_capable(s, child, userns, CAP_BIT.CAP_SYS_ADMIN));
    if (!ok) {
      put_ns(s, userns);
      return 'EPERM';
    }
    const np = create_new_namespaces(s, p, others, userns, true);
    if (typeof np !== 'number') {
      put_ns(s, userns);
      return np;
    }
    proxy = np;
  }
  // alloc_pid in pid_ns_for_children: ENOMEM once its reaper is gone
  const pidns = s.nsproxies[proxy]!.ns[SLOT.pid4c]!;
  if (pidns_zapped(s, pidns)) {
    put_nsproxy(s, proxy);
    put_ns(s, userns);
    return 'ENOMEM';
  }
  const idx = s.tasks.length;
  if (s.ns[pidns]!.reaper < 0) s.ns[pidns]!.reaper = idx; // is_child_reaper: the first pid
  s.pids.push({ count: 1, freed: false, ns: get_ns(s, pidns), task: idx });
  const fds = new Map<string, number>();
  for (const [n, f] of p.fds) fds.set(n, mutant('fork-no-get-file') ? f : get_file(s, f)); // dup_fd
  s.tasks.push({
    name, state: TASK_RUNNING, parent, uid: p.uid, gid: p.gid, caps, userns, dumpable: p.dumpable,
    mmUserns: get_ns(s, p.mmUserns), nsproxy: proxy, pid: s.pids.length - 1, fds,
  });
  s.taskByName = mapWith(s.taskByName, name, idx);
  return '';
}

/** do_exit up to the zombie state: exit_mm, exit_files, exit_task_namespaces. */
function exit_core(s: KState, task: number): void {
  const t = s.tasks[task]!;
  put_ns(s, t.mmUserns); // exit_mm → mmput → mmdrop: put_user_ns(mm->user_ns)
  t.mmUserns = -1;
  for (const f of t.fds.values()) if (!mutant('exit-no-fput')) fput(s, f); // exit_files
  t.fds = new Map();
  if (mutant('zombie-drops-userns')) put_ns(s, t.userns); // seeded bug: exit puts the cred's user ns early
  put_nsproxy(s, t.nsproxy); // exit_task_namespaces → switch_task_namespaces(p, NULL)
  if (mutant('exit-double-put-nsproxy')) put_nsproxy(s, t.nsproxy);
  t.nsproxy = -1;
  t.state = TASK_ZOMBIE;
}

/**
 * do_exit + exit_notify. Children go to the pid ns's child reaper; when the reaper itself
 * exits, zap_pid_ns_processes kills every task of the namespace (and those below) and reaps
 * those whose parent is inside it (model: the reaper becomes a zombie at once and cannot be
 * reaped while tasks of its namespace remain).
 */
export function do_exit(s: KState, task: number): void {
  const t = s.tasks[task]!;
  exit_core(s, task);
  const pidns = s.pids[t.pid]!.ns;
  if (s.ns[pidns]!.reaper === task) {
    const victims: number[] = [];
    for (let i = 0; i < s.tasks.length; i++) {
      const u = s.tasks[i]!;
      if (i === task || u.state === TASK_REAPED) continue;
      if (!pidns_below(s, s.pids[u.pid]!.ns, pidns)) continue;
      if (u.state === TASK_RUNNING) exit_core(s, i);
      victims.push(i);
    }
    for (const i of victims) {
      const par = s.tasks[i]!.parent;
      if (par === task || pidns_below(s, s.pids[s.tasks[par]!.pid]!.ns, pidns)) release_task(s, i);
    }
    return;
  }
  const reaper = s.ns[pidns]!.reaper;
  for (const u of s.tasks) if (u.parent === task && u.state !== TASK_REAPED) u.parent = reaper;
}

/** Whether a zombie can be waited for (a dying pid ns reaper waits for its namespace). */
export function reapable(s: KState, task: number): boolean {
  const t = s.tasks[task]!;
  const pidns = s.pids[t.pid]!.ns;
  if (s.ns[pidns]!.reaper !== task) return true;
  for (let i = 0; i < s.tasks.length; i++) {
    if (i !== task && s.tasks[i]!.state !== TASK_REAPED && pidns_below(s, s.pids[s.tasks[i]!.pid]!.ns, pidns)) return false;
  }
  return true;
}

/** kernel/exit.c release_task: detach the pid, put the cred, proc_flush_task. */
export function release_task(s: KState, task: number): void {
  const t: Task = s.tasks[task]!;
  t.state = TASK_REAPED;
  if (!mutant('zombie-drops-userns')) put_ns(s, t.userns); // put_cred → put_user_ns
  s.pids[t.pid]!.task = -1; // __exit_signal → detach_pid
  proc_flush_task(s, task);
  put_pid(s, t.pid);
}
