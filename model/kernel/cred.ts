// Credentials and access checks: kernel/capability.c, security/commoncap.c, kernel/ptrace.c,
// fs/namei.c generic_permission. Pure functions of the state.
import { CAP_BIT } from '../types.ts';
import type { KState, Task } from './state.ts';
import { mutant } from './mutant-hooks.ts';

/** security/commoncap.c cap_capable (v3.8+): walk from `ns` up to the caller's user ns. */
export function ns_capable(s: KState, t: Task, ns: number, cap: number): boolean {
  let cur = ns;
  for (;;) {
    // "Do we have the necessary capabilities?"
    if (cur === t.userns) return (t.caps & cap) !== 0;
    const n = s.ns[cur]!;
    // "We have reached the caller's level (or init_user_ns): no capability here."
    if (cur < 0 || n.level <= s.ns[t.userns]!.level) return false;
    // "The owner of the user namespace in the parent user namespace has all caps."
    if (n.owner === t.userns && n.ownerUid === t.uid) return true;
    cur = n.owner;
    if (cur < 0) return false;
  }
}

/** kernel/capability.c capable(): ns_capable(&init_user_ns, cap). */
export function capable(s: KState, t: Task, cap: number): boolean {
  return ns_capable(s, t, 0, cap);
}

const PTRACE = CAP_BIT.CAP_SYS_PTRACE;

/**
 * kernel/ptrace.c __ptrace_may_access for PTRACE_MODE_READ (v3.0) or
 * PTRACE_MODE_READ_FSCREDS / _REALCREDS (v4.5+, caaee6234d05). The model keeps one uid and
 * one gid per cred (real = effective = fs) and effective = permitted caps, so FSCREDS and
 * REALCREDS read the same fields; the mode is kept for fidelity of the call sites.
 */
export function ptrace_may_access(s: KState, caller: number, target: number): boolean {
  // "Don't let security modules deny introspection" (v3.0: task == current; later same_thread_group)
  if (caller === target) return true;
  const c = s.tasks[caller]!;
  const t = s.tasks[target]!;
  const legacy = s.profile.ptraceNoMmIsUndumpable;
  // caller uid/gid == target euid, suid, uid / egid, sgid, gid (v3.0 also: same user ns)
  const idsMatch = c.uid === t.uid && c.gid === t.gid && (!legacy || c.userns === t.userns);
  if (!idsMatch && !ns_capable(s, c, t.userns, PTRACE)) return false;
  if (legacy) {
    // v3.0: "if (task->mm) dumpable = get_dumpable(task->mm); if (!dumpable && !task_ns_capable(task, CAP_SYS_PTRACE))"
    const dumpable = t.mmUserns >= 0 && t.dumpable;
    if (!dumpable && !ns_capable(s, c, t.userns, PTRACE) && !mutant('ptrace-no-dumpable')) return false;
  } else if (!task_still_dumpable(s, c, t) && !mutant('ptrace-no-dumpable')) {
    return false;
  }
  return cap_ptrace_access_check(s, c, t);
}

/**
 * kernel/ptrace.c task_still_dumpable (31e62c2ebbfd, in 6.18.y stable): with an mm,
 * SUID_DUMP_USER or ptrace_has_cap(mm->user_ns); without one (a zombie), the dumpability
 * exit_mm cached in task->user_dumpable, else ptrace_has_cap(&init_user_ns).
 */
function task_still_dumpable(s: KState, c: Task, t: Task): boolean {
  if (t.dumpable) return true;
  return ns_capable(s, c, t.mmUserns >= 0 ? t.mmUserns : 0, PTRACE);
}

/** security/commoncap.c cap_ptrace_access_check: target's permitted caps must be a subset. */
function cap_ptrace_access_check(s: KState, c: Task, t: Task): boolean {
  if (c.userns === t.userns && ((t.caps & ~c.caps) === 0 || mutant('ptrace-no-cap-subset'))) return true;
  return ns_capable(s, c, t.userns, PTRACE);
}

export const MAY_EXEC = 1;
export const MAY_WRITE = 2;
export const MAY_READ = 4;

/**
 * fs/namei.c inode_permission → generic_permission (+ capable_wrt_inode_uidgid): DAC on an
 * inode with owner, group and mode bits. Returns an errno name or '' when allowed.
 * Only the initial user ns maps uids here, so a task in a child user ns gets no overrides.
 */
export function inode_permission(
  s: KState, t: Task, uid: number, gid: number, mode: number, isDir: boolean, immutable: boolean, mask: number,
): '' | 'EACCES' | 'EPERM' {
  // "Nobody gets write access to an immutable file."
  if ((mask & MAY_WRITE) !== 0 && immutable) return 'EPERM';
  let m = mode;
  if (t.uid === uid) m >>= 6;
  else if (t.gid === gid) m >>= 3;
  if ((m & mask & 7) === mask) return '';
  const privileged = t.userns === 0; // privileged_wrt_inode_uidgid: uid mapped in caller's ns
  if (privileged) {
    if (isDir) {
      if ((mask & MAY_WRITE) === 0 && capable(s, t, CAP_BIT.CAP_DAC_READ_SEARCH)) return '';
      if (capable(s, t, CAP_BIT.CAP_DAC_OVERRIDE)) return '';
    } else {
      if ((mask & MAY_EXEC) === 0 && capable(s, t, CAP_BIT.CAP_DAC_OVERRIDE)) return '';
      if (mask === MAY_READ && capable(s, t, CAP_BIT.CAP_DAC_READ_SEARCH)) return '';
    }
  }
  return 'EACCES';
}

/** fs/proc/base.c proc_pid_make_inode / pid_revalidate: owner is the task's euid if dumpable. */
export function proc_owner(t: Task): { uid: number; gid: number } {
  const dumpable = t.mmUserns >= 0 && t.dumpable;
  return dumpable ? { uid: t.uid, gid: t.gid } : { uid: 0, gid: 0 };
}
