// The spec's access rules, stated from the documentation (ptrace(2) "Ptrace access mode
// checking", capabilities(7), user_namespaces(7), path_resolution(7)) rather than from the
// kernel's code paths, so that a slip in model/kernel/cred.ts shows up as a disagreement.
import { CAP_BIT } from '../types.ts';
import type { SState, STask } from './state.ts';

/** user_namespaces(7): a process has a capability in `ns` if it has it in its own user ns and
 * `ns` is that ns or below it, or if it owns (euid) the child of its own ns that `ns` is in. */
export function hasCap(s: SState, t: STask, ns: number, cap: number): boolean {
  if (ns === t.userns) return (t.caps & cap) !== 0;
  // walk up from ns: the first ancestor whose parent is t.userns must be owned by t
  let cur = ns;
  while (cur >= 0) {
    const n = s.ns[cur]!;
    if (n.level <= s.ns[t.userns]!.level) return false;
    // a capability in one's own ns holds in every descendant; the owner of a child ns has them all
    if (n.owner === t.userns) return n.ownerUid === t.uid || (t.caps & cap) !== 0;
    cur = n.owner;
  }
  return false;
}

/**
 * ptrace(2), PTRACE_MODE_READ(_FSCREDS): a task may inspect itself; another task only if
 * (a) its uid/gid equal all of the target's ids (v3.0: in the same user ns) or it has
 * CAP_SYS_PTRACE over the target's user ns, and (b) the target is dumpable or the caller has
 * CAP_SYS_PTRACE (v3.0: a task without mm counts as not dumpable; later the check is skipped),
 * and (c) commoncap: the target's capabilities are a subset of the caller's in the same user ns,
 * or the caller has CAP_SYS_PTRACE over the target's user ns.
 */
export function mayInspect(s: SState, caller: number, target: number): boolean {
  if (caller === target) return true;
  const c = s.tasks[caller]!;
  const t = s.tasks[target]!;
  const legacy = s.profile.ptraceNoMmIsUndumpable;
  const ptraceCap = hasCap(s, c, t.userns, CAP_BIT.CAP_SYS_PTRACE);
  const sameIds = c.uid === t.uid && c.gid === t.gid && (!legacy || c.userns === t.userns);
  if (!sameIds && !ptraceCap) return false;
  // (b) 6.18.y: a zombie is judged by its last dumpability, and then only CAP_SYS_PTRACE in the initial user ns overrides
  if (legacy ? !(t.hasMm && t.dumpable) && !ptraceCap : !t.dumpable && !hasCap(s, c, t.hasMm ? t.mmUserns : 0, CAP_BIT.CAP_SYS_PTRACE)) return false;
  const subset = c.userns === t.userns && (t.caps & ~c.caps) === 0;
  return subset || ptraceCap;
}

/** path_resolution(7) "Permission checking" for one inode; '' when allowed. */
export function dac(
  s: SState, t: STask, owner: { uid: number; gid: number }, mode: number, isDir: boolean, immutable: boolean,
  want: { read?: boolean; write?: boolean; search?: boolean },
): '' | 'EACCES' | 'EPERM' {
  if (want.write && immutable) return 'EPERM';
  const bits = t.uid === owner.uid ? (mode >> 6) & 7 : t.gid === owner.gid ? (mode >> 3) & 7 : mode & 7;
  const okBits = (!want.read || (bits & 4) !== 0) && (!want.write || (bits & 2) !== 0) && (!want.search || (bits & 1) !== 0);
  if (okBits) return '';
  if (t.userns !== 0) return 'EACCES'; // no uid mappings below the initial user ns
  const override = (t.caps & CAP_BIT.CAP_DAC_OVERRIDE) !== 0;
  const readSearch = (t.caps & CAP_BIT.CAP_DAC_READ_SEARCH) !== 0;
  if (override) return '';
  if (readSearch && !want.write && (isDir || !want.search)) return '';
  return 'EACCES';
}

/** proc(5): /proc/<pid> files belong to the task's euid/egid, or to root if it is not dumpable. */
export function procOwner(t: STask): { uid: number; gid: number } {
  return t.hasMm && t.dumpable ? { uid: t.uid, gid: t.gid } : { uid: 0, gid: 0 };
}
