// The projection from the simulation's state (KState) to each object's lifecycle state, and the
// check that one step moved every object along a transition its statechart allows. The
// projection reads the holders a user can point at (fd tables, mount lists, tasks, the dcache),
// not the refcounts, so it is a reading of the semantics independent of model/kernel/refs.ts.
import type { KState } from '../kernel/state.ts';
import { F_NS, KTHREAD_NSPROXY, KTHREAD_PID, KTHREAD_USERNS, TASK_REAPED, TASK_RUNNING, TASK_ZOMBIE } from '../kernel/state.ts';
import type { Op, OpName } from '../types.ts';
import { ALL_CAPS, NS_KINDS, OP_NAMES } from '../types.ts';
import type { Profile } from '../profiles.ts';
import type { Edge, Lifecycle } from './machines.ts';
import { lifecycles } from './machines.ts';

/** A projected state that no statechart has (e.g. allocated but held by nothing: a leak). */
export const INVALID = 255;
/** Not an object of this statechart (e.g. an nsfs inode for the v3.0 proc inode chart). */
export const NONE = 254;

const EVENT_INDEX = new Map<string, number>(OP_NAMES.map((o, i) => [o, i]));
const NE = OP_NAMES.length;

/** Per lifecycle (the order of lifecycles()), the state index of every object (array index = object id). */
export type Projection = Uint8Array[];

const idx = (l: Lifecycle, name: string): number => l.states.indexOf(name);
// The state indices the projection writes are read from built statecharts by charts() (at the end
// of this file), which a tracker, a search or a report calls once, never per op. They are not a
// module-level table built at import: that made nearly every mutant of machines.ts a Stryker
// static mutant, which its vitest runner does not apply (model/mutants/README.md). `project`,
// `allowedTables` and `describeMove` build fresh statecharts when not given them: fine for a
// test or a one-off call, not for a hot path.

/** Raises namespace `n` to holder level `l` (and queues it to pass the level on). */
function hold(level: Uint8Array, work: number[], n: number, l: number): void {
  if (n >= 0 && n < level.length && level[n]! < l) { level[n] = l; work.push(n); }
}

/** What a dentry holds: its inode's namespace, and a v3.0 proc inode's struct pid's namespace. */
function holdViaDentry(s: KState, level: Uint8Array, work: number[], d: number, l: number): void {
  const de = s.dentries[d];
  const ino = de ? s.inodes[de.inode] : undefined;
  if (!ino) return;
  hold(level, work, ino.ns, l);
  if (ino.pid >= 0) hold(level, work, s.pids[ino.pid]?.ns ?? -1, l);
}

/** Who holds each namespace, strongest first: 3 a task is in it, 2 a real holder, 1 only a cache, 0 nothing. */
function nsHolders(s: KState): Uint8Array {
  const level = new Uint8Array(s.ns.length);
  const work: number[] = [];
  // the kernel threads are tasks in init_nsproxy, init_user_ns and init_pid_ns (KTHREAD_*)
  hold(level, work, KTHREAD_USERNS, 3);
  hold(level, work, s.pids[KTHREAD_PID]?.ns ?? -1, 3);
  const kthreads = s.nsproxies[KTHREAD_NSPROXY]?.ns;
  if (kthreads) for (let k = 0; k < kthreads.length; k++) hold(level, work, kthreads[k]!, 3);
  for (let ti = 0; ti < s.tasks.length; ti++) {
    const t = s.tasks[ti]!;
    if (t.state === TASK_REAPED) continue;
    hold(level, work, t.userns, 3);
    hold(level, work, t.mmUserns, 3);
    if (t.nsproxy >= 0) {
      const members = s.nsproxies[t.nsproxy]?.ns;
      if (members) for (let k = 0; k < members.length; k++) hold(level, work, members[k]!, 3);
    }
    const pid = s.pids[t.pid];
    if (pid && pid.task === ti) hold(level, work, pid.ns, 3);
    if (t.fds.size === 0) continue;
    for (const fid of t.fds.values()) {
      const f = s.files[fid];
      if (!f) continue;
      if (f.kind === F_NS && f.dentry >= 0) holdViaDentry(s, level, work, f.dentry, 2);
      if (f.pid >= 0) hold(level, work, s.pids[f.pid]?.ns ?? -1, 2);
      const m = f.mnt >= 0 ? s.mounts[f.mnt] : undefined;
      if (m && m.dentry >= 0) holdViaDentry(s, level, work, m.dentry, 2); // a file opened through a mount holds it
      if (m && m.pid >= 0) hold(level, work, s.pids[m.pid]?.ns ?? -1, 2); // a link mount holds its task's pid
    }
  }
  if (s.dcache.size > 0) for (const d of s.dcache.values()) if (s.dentries[d] && !s.dentries[d]!.freed) holdViaDentry(s, level, work, d, 1);
  // a live namespace holds its owner and parent, a live mount namespace its mounts' files
  while (work.length > 0) {
    const id = work.pop()!;
    const n = s.ns[id]!;
    const l = level[id]! > 2 ? 2 : level[id]!;
    hold(level, work, n.owner, l);
    hold(level, work, n.parent, l);
    if (n.kind === 'mnt') {
      for (const m of n.mounts) {
        const mm = s.mounts[m];
        if (mm && mm.dentry >= 0) holdViaDentry(s, level, work, mm.dentry, l);
        if (mm && mm.pid >= 0) hold(level, work, s.pids[mm.pid]?.ns ?? -1, l); // a link mount: its pid's ns
      }
    }
  }
  return level;
}

function projectNs(s: KState, NS_ST: Charts['ns']): Uint8Array {
  const level = nsHolders(s);
  const out = new Uint8Array(s.ns.length);
  for (let i = 0; i < s.ns.length; i++) {
    const l = level[i]!;
    if (s.ns[i]!.freed) out[i] = l > 1 ? INVALID : NS_ST.freed; // freed under a holder: use after free
    else out[i] = l === 3 ? NS_ST.inUse : l === 2 ? NS_ST.held : l === 1 ? NS_ST.cached : INVALID;
  }
  return out;
}

/** fd-table slots per file, and whether an open file was opened through each mount. */
function fileSlots(s: KState): { slots: Uint16Array; busy: Uint8Array } {
  const slots = new Uint16Array(s.files.length);
  const busy = new Uint8Array(s.mounts.length);
  for (const t of s.tasks) {
    if (t.state === TASK_REAPED) continue;
    for (const fid of t.fds.values()) {
      slots[fid]!++;
      const m = s.files[fid]?.mnt ?? -1;
      if (m >= 0) busy[m] = 1;
    }
  }
  return { slots, busy };
}

function projectFiles(s: KState, slots: Uint16Array, FILE_ST: Charts['file']): Uint8Array {
  const out = new Uint8Array(s.files.length);
  for (let i = 0; i < s.files.length; i++) {
    const n = slots[i]!;
    if (s.files[i]!.freed) out[i] = n > 0 ? INVALID : FILE_ST.closed;
    else out[i] = n === 0 ? INVALID : n === 1 ? FILE_ST.open : FILE_ST.shared;
  }
  return out;
}

function projectMounts(s: KState, busy: Uint8Array, MOUNT_ST: Charts['mount']): Uint8Array {
  const out = new Uint8Array(s.mounts.length);
  for (let i = 0; i < s.mounts.length; i++) {
    const m = s.mounts[i]!;
    const b = busy[i] === 1;
    if (m.freed) out[i] = b ? INVALID : MOUNT_ST.unmounted;
    else if (m.detached) out[i] = b ? MOUNT_ST.detached : INVALID;
    else if (s.ns[m.mntns]?.freed !== false) out[i] = INVALID; // attached to a dead namespace
    else out[i] = b ? MOUNT_ST.busy : MOUNT_ST.mounted;
  }
  return out;
}

function projectTasks(s: KState, TASK_ST: Charts['task']): Uint8Array {
  const out = new Uint8Array(s.tasks.length);
  for (let i = 0; i < s.tasks.length; i++) {
    const t = s.tasks[i]!;
    if (t.state === TASK_RUNNING) {
      const root = t.uid === 0 && t.gid === 0 && t.caps === ALL_CAPS && t.userns === 0 && t.dumpable;
      out[i] = root ? TASK_ST.running : TASK_ST.credChanged;
    } else {
      out[i] = t.state === TASK_ZOMBIE ? TASK_ST.zombie : t.state === TASK_REAPED ? TASK_ST.reaped : INVALID;
    }
  }
  return out;
}

function projectProcInodes(s: KState, INODE_ST: Charts['inode']): Uint8Array {
  const out = new Uint8Array(s.inodes.length).fill(NONE);
  const dentryOf = new Int32Array(s.inodes.length).fill(-1);
  for (let d = 0; d < s.dentries.length; d++) dentryOf[s.dentries[d]!.inode] = d;
  const hashed = new Set(s.dcache.values()); // v3.0 only (the chart applies to v3.0)
  for (let i = 0; i < s.inodes.length; i++) {
    const ino = s.inodes[i]!;
    if (ino.pid < 0) continue; // not a proc_ns_instantiate inode
    const d = dentryOf[i]!;
    const de = d >= 0 ? s.dentries[d]! : undefined;
    if (ino.freed) out[i] = de && !de.freed ? INVALID : INODE_ST.evicted;
    else if (!de || de.freed) out[i] = d < 0 ? INODE_ST.evicted : INVALID; // a failed instantiate never made a dentry
    else if (de.count > 0) out[i] = INODE_ST.inUse;
    else out[i] = hashed.has(d) ? INODE_ST.cached : INVALID;
  }
  return out;
}

/** Which lifecycles apply to a profile (the v3.0 proc inode chart only to v3.0). */
export function applies(l: Lifecycle, profile: Profile): boolean {
  return l.profiles.includes(profile.name);
}

/** The lifecycle state of every object of every statechart (lifecycles() order); on a hot path pass the caller's charts. */
export function project(s: KState, c: Charts = charts()): Projection {
  const { slots, busy } = fileSlots(s);
  const p = s.profile;
  return [
    projectNs(s, c.ns), projectFiles(s, slots, c.file), projectMounts(s, busy, c.mount), projectTasks(s, c.task),
    applies(c.inodeChart, p) ? projectProcInodes(s, c.inode) : new Uint8Array(0),
  ];
}

/** A transition an object took in one step (indices into its lifecycle's states / edges). */
export interface Move {
  lifecycle: number;
  object: number;
  from: number;
  to: number;
  event: OpName;
  /** The edge of the machine, or -1 when the statechart does not allow it on this profile. */
  edge: number;
}

/** allowed[lifecycle][(from * NE + event) * NS + to] = edge index + 1 on this profile, 0 if none (AllowedTables). */
export function allowedTables(profile: Profile, drop?: (lifecycle: string, e: Edge) => boolean, list: readonly Lifecycle[] = lifecycles()): AllowedTables {
  return Object.assign(list.map((l) => {
    const ns = l.states.length;
    const t = new Int16Array(ns * NE * ns);
    l.edges.forEach((e, k) => {
      if (!e.profiles.includes(profile.name) || drop?.(l.id, e)) return;
      t[(l.states.indexOf(e.from) * NE + EVENT_INDEX.get(e.event)!) * ns + l.states.indexOf(e.to)] = k + 1;
    });
    return t;
  }), { states: list.map((l) => l.states.length) });
}

/**
 * The moves of one step: every object whose state changed (a new object starts in `unborn`,
 * index 0), with the edge that allows it or -1. Stuttering (no change) is always allowed.
 */
export function moves(before: Projection, after: Projection, op: Op, allowed: AllowedTables, out: Move[] = []): Move[] {
  const ev = EVENT_INDEX.get(op.op)!;
  for (let l = 0; l < after.length; l++) {
    const a = after[l]!;
    const b = before[l]!;
    const ns = allowed.states[l]!;
    const table = allowed[l]!;
    for (let i = 0; i < a.length; i++) {
      const from = i < b.length ? b[i]! : 0;
      const to = a[i]!;
      if (from === to || to === NONE) continue;
      const edge = from >= ns || to >= ns ? -1 : table[(from * NE + ev) * ns + to]! - 1;
      out.push({ lifecycle: l, object: i, from, to, event: op.op, edge });
    }
  }
  return out;
}

/** A state index as a name ('invalid' for a state no statechart has). */
export function stateName(l: Lifecycle, i: number): string {
  return i === INVALID ? 'invalid' : i === NONE ? 'none' : l.states[i] ?? `#${i}`;
}

/** One-line description of a move, e.g. "namespace 7: inUse --close--> freed". */
export function describeMove(m: Move, list: readonly Lifecycle[] = lifecycles()): string {
  const l = list[m.lifecycle]!;
  return `${l.id} ${m.object}: ${stateName(l, m.from)} --${m.event}--> ${stateName(l, m.to)}`;
}

const KIND_INDEX = new Map<string, number>(NS_KINDS.map((k, i) => [k, i]));
const NSB = 16384; // nsCode < NSB: 1 + (kind * 256 + state) * 2 + initial, 0 for none
const CRED_FLAGS = ['u', 'c', 'd', 'n'];

/** A namespace as a signature part: its kind, its lifecycle state, whether it is an initial one. */
function nsCode(s: KState, ns: Uint8Array, i: number, firstNew: number): number {
  return i < 0 || !s.ns[i] ? 0 : 1 + ((KIND_INDEX.get(s.ns[i]!.kind)! << 8) + ns[i]!) * 2 + (i < firstNew ? 1 : 0);
}
function nsText(c: number): string {
  if (c === 0) return '-';
  const x = c - 1;
  return `${NS_KINDS[x >> 9]}${(x >> 1) & 255}${x & 1 ? 'i' : ''}`;
}
/** The namespace a dentry's inode names, as nsCode. */
function viaCode(s: KState, ns: Uint8Array, d: number, firstNew: number): number {
  const ino = d >= 0 ? s.inodes[s.dentries[d]?.inode ?? -1] : undefined;
  return ino ? nsCode(s, ns, ino.ns, firstNew) : 0;
}

/**
 * lifecycleSignature's tokens as numbers, one exact (injective) integer below 2^53 per token:
 * sorted, each value at most `cap` times. What the cover phase compares and scores per
 * successor; the text form is made only for the states it keeps.
 */
export function signatureCodes(s: KState, p: Projection, cap = 2, out: number[] = []): number[] {
  const [ns, files, mounts, tasks] = p as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  out.length = 0;
  let firstNew = 0; // the initial namespaces are those of init's first nsproxy (and init_user_ns)
  for (const n of s.nsproxies[0]?.ns ?? []) if (n >= firstNew) firstNew = n + 1;
  // a token is type + 4 * fields (type 0 N, 1 F, 2 M, 3 T), mixed radix, below 2^40
  for (let i = 0; i < s.ns.length; i++) if (!s.ns[i]!.freed) out.push(4 * nsCode(s, ns, i, firstNew));
  for (let i = 0; i < s.files.length; i++) {
    const f = s.files[i]!;
    if (!f.freed) out.push(1 + 4 * (f.kind + 8 * (files[i]! + 256 * (viaCode(s, ns, f.dentry, firstNew) + NSB * (f.mnt >= 0 ? 1 + mounts[f.mnt]! : 0)))));
  }
  for (let i = 0; i < s.mounts.length; i++) {
    const m = s.mounts[i]!;
    if (!m.freed) out.push(2 + 4 * (mounts[i]! + 256 * (nsCode(s, ns, m.mntns, firstNew) + NSB * viaCode(s, ns, m.dentry, firstNew))));
  }
  for (let i = 0; i < s.tasks.length; i++) {
    const t = s.tasks[i]!;
    if (t.state === TASK_REAPED) continue;
    const pidns = s.pids[t.pid]?.ns ?? -1;
    const reaper = pidns >= 0 && s.ns[pidns]!.reaper === i ? 1 : 0;
    const up = t.parent >= 0 ? s.tasks[t.parent]! : undefined;
    const upReaper = up !== undefined && s.ns[s.pids[up.pid]?.ns ?? -1]?.reaper === t.parent ? 1 : 0;
    const cred = (t.uid !== 0 || t.gid !== 0 ? 1 : 0) | (t.caps !== ALL_CAPS ? 2 : 0) | (t.dumpable ? 0 : 4) | (t.userns !== 0 ? 8 : 0);
    const level = s.ns[pidns]?.level;
    out.push(3 + 4 * (tasks[i]! + 256 * (cred + 16 * ((up ? 1 + tasks[t.parent]! : 0) + 512 * (upReaper + 2 * (reaper + 2 * (level === undefined ? 0 : level + 1)))))));
  }
  out.sort((a, b) => a - b);
  let w = 0;
  for (let r = 0, run = 0; r < out.length; r++) {
    if (r > 0 && out[r] === out[r - 1]) { if (++run >= cap) continue; } else run = 0;
    out[w++] = out[r]!;
  }
  out.length = w;
  return out;
}

/** One signatureCodes value as its lifecycleSignature token. */
export function signatureToken(code: number): string {
  const type = code % 4;
  let x = (code - type) / 4;
  const digit = (radix: number): number => { const d = x % radix; x = (x - d) / radix; return d; };
  if (type === 0) return `N${nsText(x)}`;
  if (type === 1) {
    const kind = digit(8); const st = digit(256); const via = digit(NSB); const mnt = x;
    return `F${kind}${st}:${nsText(via)}:${mnt > 0 ? mnt - 1 : '-'}`;
  }
  if (type === 2) {
    const st = digit(256); const mntns = digit(NSB);
    return `M${st}:${nsText(mntns)}:${nsText(x)}`;
  }
  const st = digit(256); const cred = digit(16); const up = digit(512); const upReaper = digit(2); const reaper = digit(2); const level = x;
  const flags = CRED_FLAGS.filter((_, b) => cred & (1 << b)).join('');
  return `T${st}${flags}:${up > 0 ? `${up - 1}${upReaper ? 'R' : ''}` : '-'}:${reaper ? 'R' : ''}${level > 0 ? level - 1 : ''}`;
}

/**
 * A coarse abstraction of a state for directed search (explore's cover phase): every live
 * object as its lifecycle state (for a task, which credentials changed; for a namespace,
 * whether it is an initial one) and the states of the objects it hangs on (a file: the
 * namespace it names and the mount it came through; a mount: its mount namespace and what it
 * binds; a task: its parent and whether that is a reaper, whether it is its pid namespace's
 * reaper, and that namespace's level). The result is a multiset of sorted tokens in which each
 * token counts at most `cap` times. Two states with one signature look alike to the
 * statecharts; the cover phase expands one of them. (signatureCodes as text.)
 */
export function lifecycleSignature(s: KState, p: Projection, cap = 2): string[] {
  return signatureCodes(s, p, cap).map(signatureToken).sort();
}

/** The allowed moves of each lifecycle (allowedTables), with each lifecycle's number of states. */
export type AllowedTables = Int16Array[] & { readonly states: readonly number[] };

/** Built statecharts and the state indices the projection writes (see the note at the top). */
export interface Charts {
  readonly lifecycles: readonly Lifecycle[];
  readonly ns: { readonly inUse: number; readonly held: number; readonly cached: number; readonly freed: number };
  readonly file: { readonly open: number; readonly shared: number; readonly closed: number };
  readonly mount: { readonly mounted: number; readonly busy: number; readonly detached: number; readonly unmounted: number };
  readonly task: { readonly running: number; readonly credChanged: number; readonly zombie: number; readonly reaped: number };
  readonly inode: { readonly inUse: number; readonly cached: number; readonly evicted: number };
  /** The v3.0 proc inode chart (whether it applies to a profile). */
  readonly inodeChart: Lifecycle;
}

/** The projection's view of a list of statecharts (by default freshly built ones). */
export function charts(list: readonly Lifecycle[] = lifecycles()): Charts {
  const [NSL, FILEL, MOUNTL, TASKL, INODEL] = ['namespace', 'file', 'mount', 'task', 'procInode'].map((id) => list.find((l) => l.id === id)!);
  return {
    lifecycles: list,
    ns: { inUse: idx(NSL!, 'inUse'), held: idx(NSL!, 'held'), cached: idx(NSL!, 'cached'), freed: idx(NSL!, 'freed') },
    file: { open: idx(FILEL!, 'open'), shared: idx(FILEL!, 'shared'), closed: idx(FILEL!, 'closed') },
    mount: { mounted: idx(MOUNTL!, 'mounted'), busy: idx(MOUNTL!, 'busy'), detached: idx(MOUNTL!, 'detached'), unmounted: idx(MOUNTL!, 'unmounted') },
    task: { running: idx(TASKL!, 'running'), credChanged: idx(TASKL!, 'credChanged'), zombie: idx(TASKL!, 'zombie'), reaped: idx(TASKL!, 'reaped') },
    inode: { inUse: idx(INODEL!, 'inUse'), cached: idx(INODEL!, 'cached'), evicted: idx(INODEL!, 'evicted') },
    inodeChart: INODEL!,
  };
}
