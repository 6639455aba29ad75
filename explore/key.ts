// Canonical state keys for the exhaustive search. A search state is the lockstep Checker (spec
// SState + simulation KState + the spec/sim namespace bijection + names bound by `nsid`) plus the
// alphabet's Names. The key is a complete serialisation of that state into an Int32 stream, in
// which every object id is replaced by a label given in a deterministic traversal from the roots
// (tasks, dcache, bound names), so that:
//  - freed objects no holder or name can reach are dropped (ids are never reused, so they are
//    garbage for every future step);
//  - namespace, nsproxy, pid, file, dentry, inode, mount and handle ids are symmetric (renumbered
//    by traversal order), except the relative creation order of mount namespaces, which
//    mnt_ns_loop compares and which the key therefore keeps;
//  - task names, fd names, `nsid` names and mount names are symmetric: each kind is put in a
//    canonical order by a structural signature (with the creation order only breaking ties).
// Soundness does not depend on how good the signatures are: the key is an injective encoding of
// the state after *some* renaming, so equal keys mean isomorphic states (see explore/README.md).
import type { KState } from '../model/kernel/state.ts';
import type { SState } from '../model/spec/state.ts';
import type { Checker } from '../properties/harness.ts';
import type { Names } from '../properties/alphabet.ts';
import { ENTRY_NAMES, NS_KINDS } from '../model/types.ts';

// object kinds (label spaces)
const K_PID = 0, K_PROXY = 1, K_NS = 2, K_FILE = 3, K_DENTRY = 4, K_INODE = 5, K_MOUNT = 6;
const K_SNS = 7, K_HANDLE = 8, K_SMOUNT = 9;
const NKINDS = 10;
// the other records whose fields extras() checks: their slots in KeyEncoder.ex, after the kinds'
const EX_KSTATE = NKINDS, EX_SSTATE = NKINDS + 1, EX_TASK = NKINDS + 2, EX_STASK = NKINDS + 3;

const NS_KIND_IDX: Record<string, number> = Object.fromEntries(NS_KINDS.map((k, i) => [k, i]));
const ENTRY_IDX = new Map<string, number>(ENTRY_NAMES.map((e, i) => [e, i]));
const HANDLE_KIND: Record<string, number> = { ns: 0, reg: 1, dir: 2, pidfd: 3, link: 4 };

/** The fields each record kind's encoding reads (a record with others goes through extras()). */
const KNOWN: Record<string, readonly string[]> = {
  pid: ['count', 'freed', 'ns', 'task'],
  proxy: ['count', 'freed', 'ns'],
  ns: ['kind', 'count', 'freed', 'owner', 'parent', 'level', 'reaper', 'ownerUid', 'inode', 'stashed', 'mounts'],
  file: ['count', 'freed', 'kind', 'dentry', 'mnt', 'pid', 'task', 'entry', 'opath', 'read', 'write', 'mntns', 'uid', 'gid'],
  dentry: ['count', 'freed', 'inode', 'task', 'entry'],
  inode: ['count', 'freed', 'ns', 'pid', 'uid', 'gid', 'mode', 'immutable'],
  mount: ['freed', 'mntns', 'target', 'dentry', 'detached', 'pid', 'task', 'entry'],
  sns: ['kind', 'owner', 'parent', 'level', 'reaper', 'ownerUid', 'mounts'],
  handle: ['kind', 'ns', 'mount', 'task', 'pidns', 'linkHandle', 'entry', 'uid', 'gid', 'ownerTask', 'mode', 'immutable', 'opath', 'read', 'write', 'mntns'],
  smount: ['mntns', 'target', 'ns', 'uid', 'gid', 'ownerTask', 'mode', 'immutable', 'detached', 'task', 'entry', 'pidns'],
  task: ['name', 'state', 'parent', 'uid', 'gid', 'caps', 'userns', 'dumpable', 'mmUserns', 'nsproxy', 'pid', 'fds'],
  stask: ['name', 'state', 'parent', 'uid', 'gid', 'caps', 'userns', 'dumpable', 'hasMm', 'mmUserns', 'ns', 'pidns', 'fds'],
  kstate: ['profile', 'tasks', 'taskByName', 'pids', 'nsproxies', 'ns', 'files', 'dentries', 'inodes', 'mounts', 'dcache', 'uaf'],
  sstate: ['profile', 'tasks', 'byName', 'ns', 'handles', 'mounts'],
};
const KIND_NAME = ['pid', 'proxy', 'ns', 'file', 'dentry', 'inode', 'mount', 'sns', 'handle', 'smount'];
const extraFields = new Map<string, string[]>();
const warned = new Set<string>();

/** Warnings of the key encoder (fields of the model it does not know), once per field. */
export const keyWarnings: string[] = [];

/**
 * Fields of a record that the encoding above does not read (the model grew one). A boolean or
 * a number that is not an object id is encoded as a plain value, which is sound; anything else
 * is hashed as JSON and the loss of soundness of the symmetry reduction is reported loudly.
 */
function extras(kind: string, rec: object): string[] {
  let e = extraFields.get(kind);
  if (e === undefined) {
    const known = new Set(KNOWN[kind]);
    e = Object.keys(rec).filter((k) => !known.has(k)).sort();
    extraFields.set(kind, e);
    for (const f of e) {
      const v = (rec as Record<string, unknown>)[f];
      const msg = typeof v === 'boolean'
        ? `explore: ${kind}.${f} is not known to explore/key.ts; encoded as a flag (sound for a flag)`
        : `explore: WARNING ${kind}.${f} is not known to explore/key.ts; encoded as a plain value: if it holds an object id, task name or fd name, the symmetry reduction is UNSOUND (run with --no-symmetry, and teach explore/key.ts the field)`;
      if (!warned.has(msg)) { warned.add(msg); keyWarnings.push(msg); }
    }
  }
  return e;
}

function plain(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return -7;
  return strHash(JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...x] : x)));
}

/** A small deterministic string hash (for names outside the fixed tables). */
export function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 1) | 0x40000000; // positive and far from table indices
}

const entryCode = (e: string): number => (e === '' ? -1 : (ENTRY_IDX.get(e) ?? strHash(e)));

const IDENTITY: number[][] = [];
/** [0, 1, .., n-1], shared (callers do not mutate it). */
function identity(n: number): number[] {
  return (IDENTITY[n] ??= Array.from({ length: n }, (_, i) => i));
}

/** Mixes a value into a running 32-bit hash (murmur3 body step). */
function mix(h: number, v: number): number {
  let k = Math.imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The encoder: reusable buffers, so that one key costs no allocation beyond growth. */
export class KeyEncoder {
  buf = new Int32Array(4096);
  n = 0;
  private labels: Int32Array[] = Array.from({ length: NKINDS }, () => new Int32Array(64).fill(-1));
  private counts = new Int32Array(NKINDS);
  private origOf: Int32Array[] = Array.from({ length: NKINDS }, () => new Int32Array(64));
  private queue = new Int32Array(1024);
  private qHead = 0;
  private qTail = 0;
  private taskLabel = new Int32Array(64);
  /** Per key: sim task index → spec task index, and spec → sim (-1: the other level has no task of that name). */
  private simSpec = new Int32Array(64);
  private specSim = new Int32Array(64);
  private sim!: KState;
  private spec!: SState;
  /** The name Maps that simSpec and specSim were paired from (sim.taskByName, spec.byName). */
  private pairedSim: ReadonlyMap<string, number> | null = null;
  private pairedSpec: ReadonlyMap<string, number> | null = null;
  private pairedNt = -1;
  private pairedNs = -1;
  /** Fields of each record kind (and of the states and tasks) that the encoding does not know (see extras), once known. */
  private ex: (string[] | undefined)[] = new Array(EX_STASK + 1).fill(undefined);
  private mountIndex = new Map<string, number>();
  /** The one mount target of the state, when all its mounts share one (the default bounds), else null. */
  private oneTarget: string | null = null;
  private fdSig = new Uint32Array(8);
  private fdIdx = new Int32Array(8);
  private fdOrderBuf: string[] = [];
  private mnts = new Int32Array(8);
  /** taskOrder's signatures (before and after one refinement over the task tree) and its result. */
  private c0 = new Int32Array(8);
  private c1 = new Int32Array(8);
  private orderBuf: number[] = [];

  /**
   * After encode(): whether the traversal reached every simulation object that is not freed (it
   * is in the key too). Then the key holds all the state invariants read: they read the
   * simulation only, and a freed object that nothing reached has no holder they count. Two
   * states with this key and this flag set pass or fail them alike, which lets explore check
   * them only on states it has not seen; a state with the flag clear is checked every time.
   */
  allLive = true;

  /**
   * symmetry=false keeps task, fd, nsid and mount names in their creation order. `maxFds`: the
   * alphabet's bound on fd names (Bounds.maxFds), so that the last name is told apart only once
   * the table is full and an open reuses it (properties/alphabet.ts newFd); before that every
   * name is alike. Left out, the last name is always told apart (sound, less reduction).
   */
  constructor(readonly symmetry = true, readonly maxFds = 0) {}

  /** The fd name the next open reuses (a full table: the last one), or undefined. */
  private reusedFd(names: Names): string | undefined {
    const n = names.fds.length;
    return n > 0 && n >= this.maxFds ? names.fds[n - 1] : undefined;
  }

  /** Appends to the key. Past the buffer's end a store is dropped (typed arrays): encode() then grows it and starts again. */
  private push(v: number): void {
    this.buf[this.n++] = v;
  }

  /** Unlabels what the last key labelled (labels are -1 between keys), growing the tables when needed. */
  private reset(kind: number, size: number): void {
    const lab = this.labels[kind]!;
    if (lab.length < size) {
      this.labels[kind] = new Int32Array(size * 2).fill(-1);
      this.origOf[kind] = new Int32Array(size * 2);
    } else {
      const orig = this.origOf[kind]!;
      const c = this.counts[kind]!;
      for (let l = 0; l < c; l++) lab[orig[l]!] = -1;
    }
    this.counts[kind] = 0;
  }

  /** Emits the label of object `idx` of `kind`, labelling and queueing it on first sight. */
  private ref(kind: number, idx: number): void {
    if (idx < 0) { this.push(-1); return; }
    const lab = this.labels[kind]!;
    let l = lab[idx]!;
    if (l < 0) {
      l = this.counts[kind]!++;
      lab[idx] = l;
      this.origOf[kind]![l] = idx;
      if (this.qTail + 2 > this.queue.length) {
        const q = new Int32Array(this.queue.length * 2);
        q.set(this.queue);
        this.queue = q;
      }
      this.queue[this.qTail++] = kind;
      this.queue[this.qTail++] = idx;
    }
    this.push(l);
  }

  /** Whether every object of `objs` that is not freed got a label in this key. */
  private reachedLive(objs: readonly { freed: boolean }[], kind: number): boolean {
    const lab = this.labels[kind]!;
    for (let i = 0; i < objs.length; i++) if (!objs[i]!.freed && lab[i]! < 0) return false;
    return true;
  }

  private task(idx: number): number {
    return idx < 0 ? -1 : this.taskLabel[idx]!;
  }

  /** The key of a search state: the encoded stream is left in buf[0..n). */
  encode(c: Checker, names: Names): void {
    const sim = c.sim;
    const spec = c.spec;
    this.sim = sim;
    this.spec = spec;
    this.n = 0;
    this.qHead = this.qTail = 0;
    this.reset(K_PID, sim.pids.length);
    this.reset(K_PROXY, sim.nsproxies.length);
    this.reset(K_NS, sim.ns.length);
    this.reset(K_FILE, sim.files.length);
    this.reset(K_DENTRY, sim.dentries.length);
    this.reset(K_INODE, sim.inodes.length);
    this.reset(K_MOUNT, sim.mounts.length);
    this.reset(K_SNS, spec.ns.length);
    this.reset(K_HANDLE, spec.handles.length);
    this.reset(K_SMOUNT, spec.mounts.length);
    const nt = sim.tasks.length;
    if (this.taskLabel.length < nt) { this.taskLabel = new Int32Array(nt * 2); this.simSpec = new Int32Array(nt * 2); this.pairedSim = null; }
    const ns = spec.tasks.length;
    if (this.specSim.length < ns) { this.specSim = new Int32Array(ns * 2); this.pairedSim = null; }
    // the pairing is a function of the two name Maps (values, replaced when a task is added;
    // the lengths too, should a task ever be added without its name)
    if (sim.taskByName !== this.pairedSim || spec.byName !== this.pairedSpec || nt !== this.pairedNt || ns !== this.pairedNs) {
      for (let i = 0; i < nt; i++) this.simSpec[i] = spec.byName.get(sim.tasks[i]!.name) ?? -1;
      for (let i = 0; i < ns; i++) this.specSim[i] = sim.taskByName.get(spec.tasks[i]!.name) ?? -1;
      this.pairedSim = sim.taskByName;
      this.pairedSpec = spec.byName;
      this.pairedNt = nt;
      this.pairedNs = ns;
    }

    // 1. canonical orders of the symmetric names
    const order = this.taskOrder();
    for (let i = 0; i < order.length; i++) this.taskLabel[order[i]!] = i;
    const fdOrder = this.fdOrder(names, order);
    this.mountOrder();

    // 2. the alphabet's names: counts, and which fd name a full table reuses
    this.push(nt);
    this.push(names.fds.length);
    const reused = this.reusedFd(names);
    this.push(reused === undefined ? -1 : fdOrder.indexOf(reused));
    this.push(names.ns.length);
    this.push(sim.uaf === '' ? 0 : 1);
    const exK = this.ex[EX_KSTATE] ??= extras('kstate', sim);
    const exS = this.ex[EX_SSTATE] ??= extras('sstate', spec);
    for (let i = 0; i < exK.length; i++) this.push(plain((sim as unknown as Record<string, unknown>)[exK[i]!]));
    for (let i = 0; i < exS.length; i++) this.push(plain((spec as unknown as Record<string, unknown>)[exS[i]!]));

    // 3. tasks (sim and spec side by side), then everything they reach
    for (const t of order) this.simTask(t, fdOrder);
    this.drain();
    this.dcache();
    this.drain();
    for (const t of order) this.specTask(t, fdOrder);
    this.drain();

    // 4. nsid names, sorted by what they name (labels so far), then what only they reach
    this.nsNames(c);
    this.drain();

    // 5. the refinement's namespace bijection, and the creation order of mount namespaces
    this.bijection(c);
    this.mntRanks(K_NS);
    this.mntRanks(K_SNS);

    // 6. whether the traversal reached every simulation object not freed (see allLive)
    this.allLive = this.reachedLive(sim.pids, K_PID) && this.reachedLive(sim.nsproxies, K_PROXY) && this.reachedLive(sim.ns, K_NS)
      && this.reachedLive(sim.files, K_FILE) && this.reachedLive(sim.dentries, K_DENTRY) && this.reachedLive(sim.inodes, K_INODE)
      && this.reachedLive(sim.mounts, K_MOUNT);
    this.push(this.allLive ? 0 : 1);
    if (this.n > this.buf.length) { // the key outgrew the buffer: its tail was dropped
      this.buf = new Int32Array(this.n * 2);
      this.encode(c, names);
    }
  }

  /** Tasks: init first, then by a structural signature refined once over the task tree. */
  private taskOrder(): readonly number[] {
    const sim = this.sim;
    const nt = sim.tasks.length;
    if (!this.symmetry || nt <= 2) return identity(nt);
    if (this.c0.length < nt) { this.c0 = new Int32Array(nt * 2); this.c1 = new Int32Array(nt * 2); }
    const c0 = this.c0;
    for (let i = 0; i < nt; i++) {
      const t = sim.tasks[i]!;
      let h = mix(mix(mix(mix(mix(0x1234, t.state), t.uid), t.gid), t.caps), t.dumpable ? 1 : 0);
      h = mix(h, t.fds.size);
      h = mix(h, t.nsproxy < 0 ? -1 : 1);
      h = mix(h, t.mmUserns < 0 ? -1 : 1);
      const p = t.parent >= 0 ? sim.tasks[t.parent]! : null;
      // which namespaces the task shares with its parent
      if (p && t.nsproxy >= 0 && p.nsproxy >= 0) {
        const a = sim.nsproxies[t.nsproxy]!.ns;
        const b = sim.nsproxies[p.nsproxy]!.ns;
        let bits = 0;
        for (let k = 0; k < a.length; k++) if (a[k] === b[k]) bits |= 1 << k;
        h = mix(h, bits);
      }
      if (p) h = mix(h, t.userns === p.userns ? 1 : 0);
      for (const f of t.fds.values()) {
        const fl = sim.files[f]!;
        h = (h + fmix(mix(mix(fl.kind, fl.opath ? 1 : 0), fl.read ? 1 : 0))) | 0; // commutative
      }
      const st = this.simSpec[i]!;
      if (st >= 0) h = mix(mix(h, this.spec.tasks[st]!.fds.size), this.spec.tasks[st]!.hasMm ? 1 : 0);
      c0[i] = fmix(h);
    }
    const c1 = this.c1;
    for (let i = 0; i < nt; i++) c1[i] = c0[i]!;
    for (let i = 1; i < nt; i++) {
      const p = sim.tasks[i]!.parent;
      c1[i] = fmix(mix(c1[i]!, p >= 0 ? (p === 0 ? -7 : c0[p]!) : -9));
      if (p > 0) c1[p] = (c1[p]! + fmix(mix(c0[i]!, 77))) | 0; // children, as a multiset
    }
    // init first, then the others by (signature, creation order): insertion sort, a handful of tasks
    const out = this.orderBuf;
    out.length = nt;
    out[0] = 0;
    for (let i = 1; i < nt; i++) {
      let j = i - 1;
      while (j >= 1 && c1[out[j]!]! > c1[i]!) { out[j + 1] = out[j]!; j--; }
      out[j + 1] = i;
    }
    return out;
  }

  /** Fd names: by what each task holds under them (and whether a full table reuses it). */
  private fdOrder(names: Names, order: readonly number[]): readonly string[] {
    const fds = names.fds;
    if (!this.symmetry || fds.length <= 1) return fds;
    const sim = this.sim;
    const spec = this.spec;
    if (this.fdSig.length < fds.length) { this.fdSig = new Uint32Array(fds.length * 2); this.fdIdx = new Int32Array(fds.length * 2); }
    const sig = this.fdSig;
    const idx = this.fdIdx;
    const reused = this.reusedFd(names);
    for (let k = 0; k < fds.length; k++) {
      const name = fds[k]!;
      let h = name === reused ? 99 : 7;
      for (const t of order) {
        const f = sim.tasks[t]!.fds.get(name);
        if (f === undefined) { h = mix(h, -1); continue; }
        const fl = sim.files[f]!;
        h = mix(mix(mix(mix(h, fl.kind), fl.opath ? 1 : 0), fl.read ? 1 : 0), fl.write ? 1 : 0);
        const st = this.simSpec[t]!;
        const hd = st < 0 ? undefined : spec.tasks[st]!.fds.get(name);
        h = mix(h, hd === undefined ? -1 : HANDLE_KIND[spec.handles[hd]!.kind]!);
      }
      sig[k] = fmix(h);
      // insertion sort of the names by (signature, creation order): a handful of names
      let j = k - 1;
      while (j >= 0 && sig[idx[j]!]! > sig[k]!) { idx[j + 1] = idx[j]!; j--; }
      idx[j + 1] = k;
    }
    const out = this.fdOrderBuf;
    out.length = fds.length;
    for (let i = 0; i < fds.length; i++) out[i] = fds[idx[i]!]!;
    return out;
  }

  /** Mount targets: by how many mounts sit on them (ties: their names' order). */
  private mountOrder(): void {
    this.oneTarget = null;
    const sm = this.sim.mounts;
    const pm = this.spec.mounts;
    if (sm.length === 0 && pm.length === 0) return;
    // a single target (as at the default bounds): nothing to order
    const t0 = sm.length ? sm[0]!.target : pm[0]!.target;
    let one = true;
    for (let i = 0; i < sm.length && one; i++) one = sm[i]!.target === t0;
    for (let i = 0; i < pm.length && one; i++) one = pm[i]!.target === t0;
    if (one) { this.oneTarget = t0; return; }
    this.mountIndex.clear();
    const targets = new Map<string, number>();
    for (const m of this.sim.mounts) targets.set(m.target, (targets.get(m.target) ?? 0) + (m.freed ? 1 : m.detached ? 10 : 100));
    for (const m of this.spec.mounts) targets.set(m.target, (targets.get(m.target) ?? 0) + (m.detached ? 1000 : 10000));
    const list = [...targets.keys()];
    if (this.symmetry) list.sort((a, b) => (targets.get(a)! - targets.get(b)!) || (a < b ? -1 : a > b ? 1 : 0));
    else list.sort();
    for (let i = 0; i < list.length; i++) this.mountIndex.set(list[i]!, i);
  }

  private target(t: string): number {
    if (!this.symmetry) return strHash(t);
    if (this.oneTarget !== null) return t === this.oneTarget ? 0 : -1;
    return this.mountIndex.get(t) ?? -1;
  }

  /** A task's fds: one slot per canonical fd name, then the hidden ones as a multiset. */
  private fdTable(fds: ReadonlyMap<string, number>, fdOrder: readonly string[], kind: number): void {
    let named = 0;
    for (let k = 0; k < fdOrder.length; k++) {
      const id = fds.get(fdOrder[k]!);
      if (id !== undefined) named++;
      this.ref(kind, id === undefined ? -1 : id);
    }
    // the hidden ones (under no canonical name): none (the usual case) without a look at the
    // table, one without a list, more sorted by their records
    if (named === fds.size) { this.push(0); return; }
    let nHidden = 0;
    let one = -1;
    for (const [name, id] of fds) if (!fdOrder.includes(name)) { nHidden++; one = id; }
    this.push(nHidden);
    if (nHidden === 1) this.ref(kind, one);
    if (nHidden <= 1) return;
    const hidden: number[] = [];
    for (const [name, id] of fds) if (!fdOrder.includes(name)) hidden.push(id);
    hidden.sort((a, b) => this.fdRank(kind, a) - this.fdRank(kind, b));
    for (const id of hidden) this.ref(kind, id);
  }

  /** What orders hidden fds: the open file's (or handle's) kind and flags. */
  private fdRank(kind: number, id: number): number {
    if (kind === K_FILE) {
      const f = this.sim.files[id]!;
      return f.kind * 8 + (f.opath ? 4 : 0) + (f.read ? 2 : 0) + (f.write ? 1 : 0);
    }
    const h = this.spec.handles[id]!;
    return HANDLE_KIND[h.kind]! * 8 + (h.opath ? 4 : 0) + (h.read ? 2 : 0) + (h.write ? 1 : 0);
  }

  private simTask(i: number, fdOrder: readonly string[]): void {
    const t = this.sim.tasks[i]!;
    const ex = this.ex[EX_TASK] ??= extras('task', t);
    for (let k = 0; k < ex.length; k++) this.push(plain((t as unknown as Record<string, unknown>)[ex[k]!]));
    this.push(t.state); this.push(t.uid); this.push(t.gid); this.push(t.caps); this.push(t.dumpable ? 1 : 0);
    this.push(this.task(t.parent));
    this.ref(K_NS, t.userns); this.ref(K_NS, t.mmUserns); this.ref(K_PROXY, t.nsproxy); this.ref(K_PID, t.pid);
    this.fdTable(t.fds, fdOrder, K_FILE);
  }

  private specTask(i: number, fdOrder: readonly string[]): void {
    const si = this.simSpec[i]!;
    if (si < 0) { this.push(-5); return; }
    const t = this.spec.tasks[si]!;
    const ex = this.ex[EX_STASK] ??= extras('stask', t);
    for (let k = 0; k < ex.length; k++) this.push(plain((t as unknown as Record<string, unknown>)[ex[k]!]));
    const simParent = t.parent >= 0 ? this.specSim[t.parent]! : -1;
    this.push(t.state); this.push(t.uid); this.push(t.gid); this.push(t.caps); this.push(t.dumpable ? 1 : 0);
    this.push(t.hasMm ? 1 : 0); this.push(this.task(simParent));
    this.ref(K_SNS, t.userns); this.ref(K_SNS, t.mmUserns); this.ref(K_SNS, t.pidns);
    if (t.ns === null) this.push(-3);
    else for (const n of t.ns) this.ref(K_SNS, n);
    this.fdTable(t.fds, fdOrder, K_HANDLE);
  }

  /** spec task index → sim task index (names are shared by both levels). */
  private specTaskLabel(i: number): number {
    if (i < 0) return -1;
    const si = this.specSim[i]!;
    return si < 0 ? -4 : this.taskLabel[si]!;
  }

  /**
   * The v3.0 dcache, "<task index>/<entry>" → dentry (proc_ns_instantiate's key), in canonical
   * (task label, entry) order. Until the sixteenth session the prefix was looked up as a task
   * name, which never matched, so rows were ordered by the raw index: sound (the dentry's record
   * has the task's label too) but symmetric children with cached dentries got two keys.
   */
  private dcache(): void {
    const dc = this.sim.dcache;
    this.push(dc.size);
    if (dc.size === 0) return;
    const rows: [number, number, number][] = [];
    for (const [k, d] of dc) {
      const slash = k.lastIndexOf('/');
      rows.push([this.task(Number(k.slice(0, slash))), entryCode(k.slice(slash + 1)), d]);
    }
    rows.sort((a, b) => (a[0] - b[0]) || (a[1] - b[1]));
    for (const r of rows) { this.push(r[0]); this.push(r[1]); this.ref(K_DENTRY, r[2]); }
  }

  /**
   * Serialises every queued object (each once, in labelling order). One small method per record
   * kind, so that V8 inlines push and ref into each (a single switch over all kinds was too big
   * to inline them; with the other changes of 7a0ccec a key costs 1.2x to 1.3x less, and more
   * inlining allowed by flags made the old encoder 1.65x faster per key: bench/RESULTS.md).
   */
  private drain(): void {
    while (this.qHead < this.qTail) {
      const kind = this.queue[this.qHead++]!;
      const i = this.queue[this.qHead++]!;
      this.push(-100 - kind); // a separator naming the record's kind
      let ex = this.ex[kind];
      if (ex === undefined) ex = this.ex[kind] = extras(KIND_NAME[kind]!, this.record(kind, i));
      if (ex.length > 0) {
        const rec = this.record(kind, i) as Record<string, unknown>;
        for (const f of ex) this.push(plain(rec[f]));
      }
      switch (kind) {
        case K_PID: this.pidRec(i); break;
        case K_PROXY: this.proxyRec(i); break;
        case K_NS: this.nsRec(i); break;
        case K_FILE: this.fileRec(i); break;
        case K_DENTRY: this.dentryRec(i); break;
        case K_INODE: this.inodeRec(i); break;
        case K_MOUNT: this.mountRec(i); break;
        case K_SNS: this.snsRec(i); break;
        case K_HANDLE: this.handleRec(i); break;
        case K_SMOUNT: this.smountRec(i); break;
      }
    }
  }

  private pidRec(i: number): void {
    const p = this.sim.pids[i]!;
    this.push(p.count); this.push(p.freed ? 1 : 0); this.ref(K_NS, p.ns); this.push(this.task(p.task));
  }

  private proxyRec(i: number): void {
    const p = this.sim.nsproxies[i]!;
    this.push(p.count); this.push(p.freed ? 1 : 0);
    const ns = p.ns;
    for (let k = 0; k < ns.length; k++) this.ref(K_NS, ns[k]!);
  }

  private nsRec(i: number): void {
    const n = this.sim.ns[i]!;
    this.push(NS_KIND_IDX[n.kind]!); this.push(n.count); this.push(n.freed ? 1 : 0);
    this.ref(K_NS, n.owner); this.ref(K_NS, n.parent); this.push(n.level); this.push(this.task(n.reaper));
    this.push(n.ownerUid); this.ref(K_INODE, n.inode); this.ref(K_DENTRY, n.stashed);
    const ms = n.mounts;
    this.push(ms.length);
    for (let k = 0; k < ms.length; k++) this.ref(K_MOUNT, ms[k]!);
  }

  private fileRec(i: number): void {
    const f = this.sim.files[i]!;
    this.push(f.count); this.push(f.freed ? 1 : 0); this.push(f.kind); this.ref(K_DENTRY, f.dentry);
    this.ref(K_MOUNT, f.mnt); this.ref(K_PID, f.pid); this.push(this.task(f.task)); this.push(entryCode(f.entry));
    this.push((f.opath ? 4 : 0) + (f.read ? 2 : 0) + (f.write ? 1 : 0)); this.ref(K_NS, f.mntns);
    this.push(f.uid); this.push(f.gid);
  }

  private dentryRec(i: number): void {
    const d = this.sim.dentries[i]!;
    this.push(d.count); this.push(d.freed ? 1 : 0); this.ref(K_INODE, d.inode); this.push(this.task(d.task));
    this.push(entryCode(d.entry));
  }

  private inodeRec(i: number): void {
    const n = this.sim.inodes[i]!;
    this.push(n.count); this.push(n.freed ? 1 : 0); this.ref(K_NS, n.ns); this.ref(K_PID, n.pid);
    this.push(n.uid); this.push(n.gid); this.push(n.mode); this.push(n.immutable ? 1 : 0);
  }

  private mountRec(i: number): void {
    const m = this.sim.mounts[i]!;
    this.push(m.freed ? 1 : 0); this.ref(K_NS, m.mntns); this.push(this.target(m.target));
    this.ref(K_DENTRY, m.dentry); this.push(m.detached ? 1 : 0);
    this.ref(K_PID, m.pid); this.push(this.task(m.task)); this.push(entryCode(m.entry)); // a link mount
  }

  private snsRec(i: number): void {
    const n = this.spec.ns[i]!;
    this.push(NS_KIND_IDX[n.kind]!); this.ref(K_SNS, n.owner); this.ref(K_SNS, n.parent); this.push(n.level);
    this.push(this.specTaskLabel(n.reaper)); this.push(n.ownerUid);
    const ms = n.mounts;
    this.push(ms.length);
    for (let k = 0; k < ms.length; k++) this.ref(K_SMOUNT, ms[k]!);
  }

  private handleRec(i: number): void {
    const h = this.spec.handles[i]!;
    this.push(HANDLE_KIND[h.kind]!); this.ref(K_SNS, h.ns); this.ref(K_SMOUNT, h.mount);
    this.push(this.specTaskLabel(h.task)); this.ref(K_SNS, h.pidns); this.ref(K_HANDLE, h.linkHandle);
    this.push(entryCode(h.entry)); this.push(h.uid); this.push(h.gid); this.push(this.specTaskLabel(h.ownerTask));
    this.push(h.mode); this.push((h.immutable ? 8 : 0) + (h.opath ? 4 : 0) + (h.read ? 2 : 0) + (h.write ? 1 : 0));
    this.ref(K_SNS, h.mntns);
  }

  private smountRec(i: number): void {
    const m = this.spec.mounts[i]!;
    this.ref(K_SNS, m.mntns); this.push(this.target(m.target)); this.ref(K_SNS, m.ns); this.push(m.uid);
    this.push(m.gid); this.push(this.specTaskLabel(m.ownerTask)); this.push(m.mode);
    this.push((m.immutable ? 2 : 0) + (m.detached ? 1 : 0));
    this.push(this.specTaskLabel(m.task)); this.push(entryCode(m.entry)); this.ref(K_SNS, m.pidns); // a link mount
  }

  private record(kind: number, i: number): object {
    switch (kind) {
      case K_PID: return this.sim.pids[i]!;
      case K_PROXY: return this.sim.nsproxies[i]!;
      case K_NS: return this.sim.ns[i]!;
      case K_FILE: return this.sim.files[i]!;
      case K_DENTRY: return this.sim.dentries[i]!;
      case K_INODE: return this.sim.inodes[i]!;
      case K_MOUNT: return this.sim.mounts[i]!;
      case K_SNS: return this.spec.ns[i]!;
      case K_HANDLE: return this.spec.handles[i]!;
      default: return this.spec.mounts[i]!;
    }
  }

  /** `nsid ... as N` names: each a root naming one sim and one spec namespace. */
  private nsNames(c: Checker): void {
    if (c.names.size <= 1) { // nothing to order (the default bounds bind at most one name)
      this.push(c.names.size);
      for (const [specId, simId] of c.names.values()) { this.ref(K_NS, Number(simId)); this.ref(K_SNS, Number(specId)); }
      return;
    }
    const rows: [number, number, number][] = [];
    let k = 0;
    for (const [, [specId, simId]] of c.names) {
      const a = Number(simId);
      const b = Number(specId);
      const la = a >= 0 ? this.labels[K_NS]![a]! : -1;
      const lb = b >= 0 ? this.labels[K_SNS]![b]! : -1;
      rows.push([la < 0 ? 0x7fffffff : la, lb < 0 ? 0x7fffffff : lb, k]);
      k++;
    }
    const ids = [...c.names.values()];
    if (this.symmetry) rows.sort((x, y) => (x[0] - y[0]) || (x[1] - y[1]) || (x[2] - y[2]));
    this.push(rows.length);
    for (const r of rows) {
      const [specId, simId] = ids[r[2]]!;
      this.ref(K_NS, Number(simId));
      this.ref(K_SNS, Number(specId));
    }
  }

  /** The refinement's sim↔spec namespace pairs, by label (-2: the partner is unreachable). */
  private bijection(c: Checker): void {
    const map = c.renaming();
    const ls = this.labels[K_NS]!;
    const lp = this.labels[K_SNS]!;
    const start = this.n;
    this.push(0);
    let n = 0;
    for (const [simId, specId] of map) {
      const a = ls[Number(simId)]!;
      const b = lp[Number(specId)]!;
      if (a < 0 && b < 0) continue; // both unreachable: no op can name either again
      this.push(a < 0 ? -2 : a);
      this.push(b < 0 ? -2 : b);
      n++;
    }
    this.buf[start] = n;
    // a bijection: sorted by (sim label, spec label) the list is canonical (insertion sort: short)
    const b = this.buf;
    for (let i = 1; i < n; i++) {
      const x = b[start + 1 + 2 * i]!;
      const y = b[start + 2 + 2 * i]!;
      let j = i - 1;
      while (j >= 0 && (b[start + 1 + 2 * j]! > x || (b[start + 1 + 2 * j] === x && b[start + 2 + 2 * j]! > y))) {
        b[start + 3 + 2 * j] = b[start + 1 + 2 * j]!;
        b[start + 4 + 2 * j] = b[start + 2 + 2 * j]!;
        j--;
      }
      b[start + 3 + 2 * j] = x;
      b[start + 4 + 2 * j] = y;
    }
  }

  /** For each labelled mount namespace (in label order): its rank in creation order. */
  private mntRanks(kind: number): void {
    const origOf = this.origOf[kind]!;
    const count = this.counts[kind]!;
    const ns: readonly { kind: string }[] = kind === K_NS ? this.sim.ns : this.spec.ns;
    if (this.mnts.length < count) this.mnts = new Int32Array(count * 2);
    const mnts = this.mnts; // the labelled mount namespaces' ids, in label order
    let m = 0;
    for (let l = 0; l < count; l++) if (ns[origOf[l]!]!.kind === 'mnt') mnts[m++] = origOf[l]!;
    this.push(m);
    if (m < 2) return;
    for (let i = 0; i < m; i++) {
      let rank = 0;
      for (let j = 0; j < m; j++) if (mnts[j]! < mnts[i]!) rank++;
      this.push(rank);
    }
  }

  /** 64-bit fingerprint of buf[0..n) as two 32-bit halves (a murmur3 lane and a multiply-rotate lane, each finalised). */
  fingerprint(out: Uint32Array): void {
    let h1 = 0x9747b28c | 0;
    let h2 = 0x5bd1e995 | 0;
    const b = this.buf;
    for (let i = 0; i < this.n; i++) {
      const v = b[i]!;
      h1 = mix(h1, v);
      h2 = Math.imul(h2 ^ v, 0x9e3779b1); // an FxHash-style lane, independent of murmur's
      h2 = (h2 << 13) | (h2 >>> 19);
    }
    h1 = fmix(h1 ^ this.n);
    h2 = fmix(h2 ^ Math.imul(this.n, 0x68e31da4));
    out[0] = h1;
    out[1] = h2;
  }

  /** The full key as a string (for --exact). */
  exactKey(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.n * 4).toString('latin1');
  }
}
