// The invariants, as small named predicates over the simulation's state (state invariants) or
// over one step (step invariants: pre-state facts, op, outcome, post-state). Each returns ''
// when it holds and a one-line description of the breach otherwise.
import type { KState } from '../model/kernel/state.ts';
import type { Profile } from '../model/profiles.ts';
import { F_NS, F_PIDFD, KTHREAD_NSPROXY, KTHREAD_PID, KTHREAD_USERNS, SLOT, TASK_REAPED, TASK_RUNNING } from '../model/kernel/state.ts';

export const INVARIANT_DOCS: Record<string, string> = {
  'no-use-after-put': 'No code path gets or puts a freed object, and no live holder references a freed object: a use-after-free in the kernel.',
  'refcount-exact': 'Every object\'s count equals the number of holders that reference it: a count too high leaks, too low frees under a user.',
  'alive-while-pinned': 'A namespace reachable from a task, an open fd (O_PATH and dup\'ed ones too), a bind mount, or a pinned owner/parent is allocated: the seed\'s promise that an fd or a bind mount keeps a namespace alive.',
  'freed-when-unpinned': 'A namespace that nothing pins is freed, except while only an unused cache entry of the profile holds it (until shrink): no leaks.',
  'ptrace-gate': 'A task that fails ptrace_may_access(target, PTRACE_MODE_READ) neither learns nor pins any namespace through the target\'s /proc/<pid>/ns or /proc/<pid>/fd files.',
  'identity': 'Opening or stat-ing /proc/P/ns/X names P\'s current X namespace at that moment.',
  'ns-fd-only': 'setns on an fd that is neither a namespace file nor a pidfd fails with EINVAL (EBADF for a closed or O_PATH fd); nothing changes.',
  'refinement': 'The simulation\'s outcome of every op equals the spec\'s (namespaces compared up to renaming).',
};

export const STATE_INVARIANTS = ['no-use-after-put', 'refcount-exact', 'alive-while-pinned', 'freed-when-unpinned'] as const;

/**
 * Expected counts, recomputed from the holders in the state, into one scratch buffer reused by
 * every check (a check allocates nothing): ns at 0, then nsproxies, pids, files, dentries, inodes.
 */
let want = new Int32Array(256);
const off = new Int32Array(7);

function expectedCounts(s: KState): Int32Array {
  off[0] = 0;
  off[1] = s.ns.length;
  off[2] = off[1] + s.nsproxies.length;
  off[3] = off[2] + s.pids.length;
  off[4] = off[3] + s.files.length;
  off[5] = off[4] + s.dentries.length;
  off[6] = off[5] + s.inodes.length;
  if (want.length < off[6]) want = new Int32Array(off[6] * 2);
  const w = want;
  w.fill(0, 0, off[6]);
  const oProxy = off[1]!, oPid = off[2]!, oFile = off[3]!, oDentry = off[4]!, oInode = off[5]!;
  for (const t of s.tasks) {
    if (t.state === TASK_REAPED) continue;
    w[t.userns]!++;
    if (t.mmUserns >= 0) w[t.mmUserns]!++;
    if (t.nsproxy >= 0) w[oProxy + t.nsproxy]!++;
    w[oPid + t.pid]!++;
    for (const f of t.fds.values()) w[oFile + f]!++;
  }
  // the kernel threads' init_nsproxy, init_cred and pids (model/kernel/state.ts KTHREAD_*)
  w[oProxy + KTHREAD_NSPROXY]!++;
  w[KTHREAD_USERNS]!++;
  w[s.pids[KTHREAD_PID]!.ns]!++;
  for (const p of s.nsproxies) if (!p.freed) for (const n of p.ns) w[n]!++;
  for (const p of s.pids) if (!p.freed) w[p.ns]!++;
  for (const n of s.ns) {
    if (n.freed) continue;
    if (n.owner >= 0) w[n.owner]!++;
    if (n.parent >= 0) w[n.parent]!++;
  }
  for (const i of s.inodes) {
    if (i.freed) continue;
    if (i.ns >= 0) w[i.ns]!++;
    if (i.pid >= 0) w[oPid + i.pid]!++;
  }
  for (const d of s.dentries) if (!d.freed) w[oInode + d.inode]!++;
  for (const f of s.files) {
    if (f.freed) continue;
    if (f.kind === F_NS && f.dentry >= 0) w[oDentry + f.dentry]!++;
    if (f.pid >= 0) w[oPid + f.pid]!++;
  }
  for (const m of s.mounts) {
    if (m.freed) continue;
    if (m.dentry >= 0) w[oDentry + m.dentry]!++;
    if (m.pid >= 0) w[oPid + m.pid]!++; // a link mount holds its task's pid
  }
  return w;
}

type Counted = { count: number; freed: boolean };

/** The first breach of one kind's counts: [uaf, refs] descriptions written into `out` once each. */
function compare(kind: string, objs: readonly Counted[], w: Int32Array, base: number, out: { uaf: string; refs: string }): void {
  for (let i = 0; i < objs.length; i++) {
    const o = objs[i]!;
    const n = w[base + i]!;
    if (o.freed) {
      if (n > 0 && out.uaf === '') out.uaf = `${kind} ${i} is freed but still referenced ${n} time(s)`;
    } else if (o.count !== n && out.refs === '') {
      out.refs = `${kind} ${i} has count ${o.count} but ${n} holder(s)`;
    }
  }
}

function visit(mark: Uint8Array, stack: number[], n: number, bit: number): void {
  if (n < 0 || (mark[n]! & bit) !== 0) return;
  mark[n]! |= bit;
  stack.push(n, bit);
}

function viaDentry(s: KState, mark: Uint8Array, stack: number[], d: number, bit: number): void {
  const i = s.inodes[s.dentries[d]!.inode]!;
  if (i.ns >= 0) visit(mark, stack, i.ns, bit);
  if (i.pid >= 0) visit(mark, stack, s.pids[i.pid]!.ns, bit);
}

let marks = new Uint8Array(64);
const pinStack: number[] = [];

/**
 * What pins what (sim terms): bit 1 = pinned by a real holder, bit 2 = reachable through caches.
 * Entries 0 .. s.ns.length-1 of a scratch buffer, valid until the next call.
 */
export function pinnedNs(s: KState): Uint8Array {
  if (marks.length < s.ns.length) marks = new Uint8Array(s.ns.length * 2);
  const mark = marks;
  mark.fill(0, 0, s.ns.length);
  const stack = pinStack;
  stack.length = 0;
  // the kernel threads pin the initial namespaces (model/kernel/state.ts KTHREAD_*)
  visit(mark, stack, KTHREAD_USERNS, 1);
  visit(mark, stack, s.pids[KTHREAD_PID]!.ns, 1);
  for (const n of s.nsproxies[KTHREAD_NSPROXY]!.ns) visit(mark, stack, n, 1);
  for (const t of s.tasks) {
    if (t.state === TASK_REAPED) continue;
    visit(mark, stack, t.userns, 1);
    visit(mark, stack, s.pids[t.pid]!.ns, 1);
    if (t.mmUserns >= 0) visit(mark, stack, t.mmUserns, 1);
    if (t.nsproxy >= 0) for (const n of s.nsproxies[t.nsproxy]!.ns) visit(mark, stack, n, 1);
    for (const fid of t.fds.values()) {
      const f = s.files[fid]!;
      if (f.kind === F_NS && f.dentry >= 0) viaDentry(s, mark, stack, f.dentry, 1);
      if (f.pid >= 0) visit(mark, stack, s.pids[f.pid]!.ns, 1);
      if (f.mnt >= 0) {
        const m = s.mounts[f.mnt]!;
        if (m.dentry >= 0) viaDentry(s, mark, stack, m.dentry, 1);
        if (m.pid >= 0) visit(mark, stack, s.pids[m.pid]!.ns, 1);
      }
    }
  }
  for (const d of s.dcache.values()) if (!s.dentries[d]!.freed) viaDentry(s, mark, stack, d, 2);
  while (stack.length > 0) {
    const bit = stack.pop()!;
    const n = s.ns[stack.pop()!]!;
    visit(mark, stack, n.owner, bit);
    visit(mark, stack, n.parent, bit);
    if (n.kind === 'mnt') {
      for (const m of n.mounts) {
        const mt = s.mounts[m]!;
        if (mt.dentry >= 0) viaDentry(s, mark, stack, mt.dentry, bit);
        if (mt.pid >= 0) visit(mark, stack, s.pids[mt.pid]!.ns, bit);
      }
    }
  }
  return mark;
}

/** Checks every state invariant; returns the first breach as [name, detail] or null. */
export function checkState(s: KState): [string, string] | null {
  const w = expectedCounts(s);
  const out = { uaf: s.uaf, refs: '' };
  compare('ns', s.ns, w, off[0]!, out);
  compare('nsproxy', s.nsproxies, w, off[1]!, out);
  compare('pid', s.pids, w, off[2]!, out);
  compare('file', s.files, w, off[3]!, out);
  compare('dentry', s.dentries, w, off[4]!, out);
  compare('inode', s.inodes, w, off[5]!, out);
  if (out.uaf !== '') return ['no-use-after-put', out.uaf];
  if (out.refs !== '') return ['refcount-exact', out.refs];
  const pinned = pinnedNs(s);
  for (let i = 0; i < s.ns.length; i++) {
    const n = s.ns[i]!;
    if ((pinned[i]! & 1) !== 0 && n.freed) return ['alive-while-pinned', `${n.kind} ns ${i} is pinned but freed`];
    if (pinned[i] === 0 && !n.freed) return ['freed-when-unpinned', `${n.kind} ns ${i} is pinned by nothing but still allocated (count ${n.count})`];
  }
  return null;
}

/** The namespace /proc/<task>/ns/<entry> names now, read straight from the task (no caches). */
export function currentNs(s: KState, task: number, entry: string): number {
  const t = s.tasks[task]!;
  if (t.state === TASK_REAPED) return -1;
  if (entry === 'user') return t.userns;
  if (entry === 'pid') return s.pids[t.pid]!.ns;
  if (t.nsproxy < 0) return -1;
  const p = s.nsproxies[t.nsproxy]!.ns;
  const slot = entry === 'net' ? SLOT.net : entry === 'uts' ? SLOT.uts : entry === 'ipc' ? SLOT.ipc : entry === 'mnt' ? SLOT.mnt
    : entry === 'cgroup' ? SLOT.cgroup : entry === 'time' ? SLOT.time : entry === 'time_for_children' ? SLOT.time4c
      : entry === 'pid_for_children' ? SLOT.pid4c : -1;
  return slot < 0 ? -1 : p[slot]!;
}

/**
 * ns-fd-only: the errno setns must answer for the fd's kind in the pre-state (EBADF for no fd or
 * an O_PATH one, EINVAL for a file that names no namespace), or null when the fd names one.
 * Data, not a closure: it is computed for every setns the exhaustive search makes.
 */
export function setnsAllowed(s: KState, task: number, fd: string): 'EBADF' | 'EINVAL' | null {
  const t = s.tasks[task];
  if (!t || t.state !== TASK_RUNNING) return null;
  const fid = t.fds.get(fd);
  if (fid === undefined || s.files[fid]!.opath) return 'EBADF';
  const k = s.files[fid]!.kind;
  if (k === F_NS || (k === F_PIDFD && s.profile.pidfd)) return null;
  return 'EINVAL';
}

/**
 * Whether setns answered as ns-fd-only asks (setnsAllowed's errno), or with what comes before
 * that check: EPERM where the capability check is first (setnsCapFirst), ENOSYS before setns existed.
 */
export function setnsAnswers(profile: Profile, want: 'EBADF' | 'EINVAL', errno: string | undefined): boolean {
  return errno === want || (profile.setnsCapFirst && errno === 'EPERM') || (!profile.setns && errno === 'ENOSYS');
}
