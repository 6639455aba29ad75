// An empirical soundness check of the symmetry-reduced canonical state key (explore/key.ts) as a
// bisimulation. A breadth-first search from the root keeps every state that differs under the
// NON-symmetric key (KeyEncoder(false): object ids and garbage are still canonical, but task,
// fd, nsid and mount names keep their creation order), so distinct-but-symmetric states are all
// kept. The kept states are then grouped by their SYMMETRIC exact key (KeyEncoder(true)), and in
// every group with two or more members the first member is compared with each other one on:
//   a. checkState(sim) (null or the violated property) and the symmetric encoder's allLive flag;
//   b. the multiset of successors over every op the alphabet enumerates from the state: the
//      successor's symmetric exact key, 'VIOLATION:<property>' for a violating successor (every
//      check at once, as apply(op)), 'SAME' for an op that changes nothing;
//   c. the multiset of (op family, spec errno, sim errno) outcomes over those ops;
//   and, when nothing above tells them apart, that they are isomorphic at all (complete key).
// The symmetric key is sound but not complete: its signatures break ties by creation order,
// so two isomorphic successors can get two keys. So when the multisets of (b) differ, the
// surplus successors of each side are keyed again by a COMPLETE canonical form (CompleteKey:
// the least key over every order of the names, forced on the encoder) and only a difference
// that survives that is reported. The count of pairs that needed it is printed ("equal up to
// iso"): it measures the reduction the key leaves, not a soundness problem.
// A difference is two states with one symmetric key that behave differently: an unsound merge
// (or an alphabet that is not closed under the renaming). Each difference is printed with the
// op paths that reached both states and the items that differ, after a greedy minimisation of
// the two paths (drop ops while the states still share a symmetric key and still differ).
// Besides: (d) every successor met in the search (kept or not, violating or not) records
// checkState by symmetric key, and two allLive ones with one key that disagree are reported;
// and ops from one state to one symmetric key whose successors get two complete keys are
// counted as key conflicts (a key that is not injective).
// Each pair is also labelled by the kinds of names the renaming between its two states permutes
// (task, fd, mount, "nsid (sorted)"), to show which symmetries the run exercised.
//
// bench/key-bisimulation.ts runs it from the command line, tests/key-bisimulation.test.ts at
// small bounds; explore/README.md has what it found.
import { getProfile } from '../model/profiles.ts';
import type { Profile } from '../model/profiles.ts';
import type { Op } from '../model/types.ts';
import { exploreBounds, exploreDepth } from './index.ts';
import { KeyEncoder } from './key.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Bounds, Names } from '../properties/alphabet.ts';
import { Checker } from '../properties/harness.ts';
import { checkState } from '../properties/invariants.ts';
import { SIM, SPEC } from '../model/step.ts';

// ---------------------------------------------------------------------------------------------
// options
export interface BisimOptions {
  /** Overrides of exploreBounds(profile) (the larger bounds); {} for the explore defaults. */
  bounds: Partial<Bounds>;
  /** BFS depth, or 'auto' for exploreDepth(profile). */
  depth: number | 'auto';
  /** States kept per profile (the root included). */
  maxStates: number;
  /** At most this many nodes of each level expanded, a seeded sample (Infinity: all). */
  beam: number;
  /** Seed of the order each level is expanded in (-1: BFS order). */
  shuffle: number;
  maxPairs: number;
  /** Examples printed per kind of difference (each minimised unless minimise is false). */
  show: number;
  minimise: boolean;
  /** Also count the kept states' classes under the complete key. */
  completeness: boolean;
  /** A known unsoundness put into the symmetric key (and the complete key): '', 'cred', 'mount-target', 'fd-last'. */
  inject: string;
  log: (line: string) => void;
}

export const LARGER_BOUNDS: Partial<Bounds> = { maxTasks: 2, maxFds: 2, maxNsNames: 2, mounts: ['@m1', '@m2'] };

export const DEFAULT_OPTIONS: BisimOptions = {
  bounds: LARGER_BOUNDS, depth: 3, maxStates: 30000, beam: Infinity, shuffle: -1, maxPairs: Infinity, show: 2,
  minimise: true, completeness: false, inject: '', log: () => {},
};

export const INJECTIONS = ['cred', 'mount-target', 'fd-last'];

/**
 * The symmetric encoder, with the fault `inject` if any:
 * 'cred' (every task encoded as uid 0 and dumpable: a setuid, which also clears dumpable and the
 * caps, then looks like a caps drop), 'mount-target' (every mount encoded as on the first
 * target), 'fd-last' (the key forgets which fd name a full table reuses).
 */
function symEncoder(inject: string, maxFds: number): KeyEncoder {
  const e = new KeyEncoder(true, maxFds);
  if (!inject) return e;
  const encode = e.encode.bind(e);
  e.encode = (c: Checker, names: Names): void => {
    const x = { sim: SIM.clone(c.sim), spec: SPEC.clone(c.spec), names: c.names, renaming: () => c.renaming() };
    for (const t of [...x.sim.tasks, ...x.spec.tasks]) {
      if (inject === 'cred') { t.uid = 0; t.dumpable = true; }
    }
    if (inject === 'mount-target') {
      for (const m of x.sim.mounts) m.target = '@m1';
      for (const m of x.spec.mounts) m.target = '@m1';
    }
    // the renaming and names of c (the clone shares them)
    // fd-last: a name no table holds appended, so that the key marks it as the one reused
    encode(x as unknown as Checker, inject === 'fd-last' && names.fds.length > 1 ? { fds: [...names.fds, '#none'], ns: names.ns } : names);
  };
  return e;
}

// ---------------------------------------------------------------------------------------------
// helpers
function showOp(op: Op): string {
  const { op: name, ...rest } = op as Op & Record<string, unknown>;
  return [name, ...Object.entries(rest).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)].join(' ');
}
const showPath = (ops: readonly Op[]): string => (ops.length ? ops.map(showOp).join(' ; ') : '(root)');

interface State { c: Checker; names: Names }

/** Replays a path from the root; null if an op breaks a property (full checks, as apply(op)). */
function replay(profile: Profile, ops: readonly Op[]): State | null {
  let s: State = { c: new Checker(profile), names: NO_NAMES };
  for (const op of ops) {
    const c = s.c.clone();
    const r = c.apply(op);
    if (r.violation) return null;
    s = { c, names: bindNames(s.names, op, r.spec) };
  }
  return s;
}

/** A short stable name for a long key (for printing; comparisons use the full keys). */
function shortKey(k: string): string {
  if (k === 'SAME' || k.startsWith('VIOLATION:')) return k;
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < k.length; i++) {
    h1 = Math.imul(h1 ^ k.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 + k.charCodeAt(i), 0x9e3779b1) ^ (h2 >>> 15);
  }
  return `K${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0').slice(0, 4)}`;
}

/** Every permutation of `xs` (a handful of items). */
function perms<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i++) for (const p of perms([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([xs[i]!, ...p]);
  return out;
}

/**
 * A complete canonical form of a state under the name symmetries: the least key over every
 * order of the task names (init first), fd names, nsid names and mount targets, each forced on
 * the symmetric encoder in place of its signatures. The symmetric key is sound but not complete
 * (creation order breaks ties in its signatures), so two isomorphic successors may get two
 * keys; they get one complete key. Its soundness rests on the same claim as the key's: for ANY
 * orders of the names, the stream is an injective encoding of the state renamed by them.
 */
class CompleteKey {
  private readonly enc: KeyEncoder;
  private task: readonly number[] = [];
  private fd: readonly string[] = [];
  private mount = new Map<string, number>();
  constructor(private readonly mounts: readonly string[], inject: string, maxFds: number) {
    this.enc = symEncoder(inject, maxFds);
    const e = this.enc as unknown as Record<string, unknown>;
    e.taskOrder = (): readonly number[] => this.task;
    e.fdOrder = (): readonly string[] => this.fd;
    e.mountOrder = (): void => { e.oneTarget = null; e.mountIndex = this.mount; };
  }
  /** Every key of `s` under forced name orders, with which kinds of names the order permutes (identity first). */
  *keys(s: State): Generator<[string, string]> {
    const nt = s.c.sim.tasks.length;
    const taskPerms = perms(Array.from({ length: nt - 1 }, (_, i) => i + 1)).map((p) => [0, ...p]);
    const fdPerms = perms(s.names.fds);
    const nameEntries = [...s.c.names];
    const namePerms = perms(nameEntries).map((p) => new Map(p));
    const targets = [...new Set([...this.mounts, ...s.c.sim.mounts.map((m) => m.target), ...s.c.spec.mounts.map((m) => m.target)])];
    const mountPerms = perms(targets).map((p) => new Map(p.map((t, i) => [t, i] as [string, number])));
    for (let a = 0; a < taskPerms.length; a++) for (let b = 0; b < fdPerms.length; b++) for (let c = 0; c < namePerms.length; c++) for (let d = 0; d < mountPerms.length; d++) {
      this.task = taskPerms[a]!; this.fd = fdPerms[b]!; this.mount = mountPerms[d]!;
      const fake = { sim: s.c.sim, spec: s.c.spec, names: namePerms[c]!, renaming: () => s.c.renaming() } as unknown as Checker;
      this.enc.encode(fake, s.names);
      yield [this.enc.exactKey(), [a ? 'task' : '', b ? 'fd' : '', c ? 'nsid' : '', d ? 'mount' : ''].filter((x) => x).join('+') || 'none'];
    }
  }
  key(s: State): string {
    let best: string | null = null;
    for (const [k] of this.keys(s)) if (best === null || k < best) best = k;
    return best!;
  }
  /**
   * Which kinds of names a renaming that maps `b` onto `a` permutes (the fewest kinds found),
   * or 'unmatched' when no order of the names makes them encode alike.
   */
  witness(a: State, b: State): string {
    const ka = this.keys(a).next().value![0];
    let best = 'unmatched';
    for (const [k, what] of this.keys(b)) {
      if (k !== ka) continue;
      if (best === 'unmatched' || what.split('+').length < best.split('+').length || what === 'none') best = what;
    }
    // the identity order of every kind: the two differ only in the order of their nsid names,
    // which the key sorts by what they name (KeyEncoder.nsNames), not by a forced order
    return best === 'none' ? 'nsid (sorted)' : best;
  }
}

/** What a state shows to the comparison. */
interface Behaviour {
  s: State;
  path: readonly Op[];
  check: string;
  allLive: boolean;
  succ: Map<string, number>;
  /** The ops that gave each successor key. */
  succOps: Map<string, Op[]>;
  outc: Map<string, number>;
  outcOps: Map<string, Op[]>;
}

const bump = <K>(m: Map<K, number>, k: K): void => { m.set(k, (m.get(k) ?? 0) + 1); };
const note = (m: Map<string, Op[]>, k: string, op: Op): void => { const l = m.get(k); if (l) l.push(op); else m.set(k, [op]); };

function behaviour(alphabet: Alphabet, sym: KeyEncoder, s: State, path: readonly Op[]): Behaviour {
  const st = checkState(s.c.sim);
  sym.encode(s.c, s.names);
  const allLive = sym.allLive;
  const b: Behaviour = { s, path, check: st ? st[0] : 'ok', allLive, succ: new Map(), succOps: new Map(), outc: new Map(), outcOps: new Map() };
  for (const op of alphabet.enumerate(s.c.spec, s.names)) {
    const c = s.c.clone();
    const r = c.apply(op); // every check, at once (what a full check reports)
    const o = `${op.op} spec=${r.spec.errno ?? 'ok'} sim=${r.sim.errno ?? 'ok'}`;
    bump(b.outc, o);
    note(b.outcOps, o, op);
    let k: string;
    if (r.violation) k = `VIOLATION:${r.violation.property}`;
    else {
      const names = bindNames(s.names, op, r.spec);
      if (names === s.names && c.sameAs(s.c)) k = 'SAME';
      else { sym.encode(c, names); k = sym.exactKey(); }
    }
    bump(b.succ, k);
    note(b.succOps, k, op);
  }
  return b;
}

/** Keys of `a` with a higher count than in `b`, and the surplus. */
function surplus(a: Map<string, number>, b: Map<string, number>): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, n] of a) { const m = b.get(k) ?? 0; if (n > m) out.push([k, n - m]); }
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

interface Diff {
  aspect: string; // 'check' | 'allLive' | 'succ' | 'outcome'
  /** What identifies the kind of difference (aspect + op family of the first differing item). */
  kind: string;
  lines: string[];
}

/** Counters of the comparisons (one per profile run). */
interface Stats { succResolved: number; surplusItems: number; completeKeys: number; keyConflicts: number; keyConflictExamples: string[] }
const newStats = (): Stats => ({ succResolved: 0, surplusItems: 0, completeKeys: 0, keyConflicts: 0, keyConflictExamples: [] });

/**
 * The successor multisets' surplus items (keys one side has more of), resolved: each surplus
 * successor again, keyed by its complete key. Returns the multisets of complete keys (or the
 * label) of the surplus successors of each side, and the ops that gave each.
 */
function resolve(ck: CompleteKey, x: Behaviour, items: [string, number][], stats: Stats): [Map<string, number>, Map<string, Op[]>] {
  const m = new Map<string, number>();
  const ops = new Map<string, Op[]>();
  for (const [k, n] of items) {
    stats.surplusItems += n;
    if (k === 'SAME' || k.startsWith('VIOLATION:')) { m.set(k, (m.get(k) ?? 0) + n); for (const op of x.succOps.get(k)!) note(ops, k, op); continue; }
    // every op that gave k (the surplus n of them are not told apart: all are keyed); if the
    // symmetric key is sound they all get one complete key
    const all = x.succOps.get(k)!;
    const fulls: string[] = [];
    for (const op of all) {
      const c = x.s.c.clone();
      const r = c.apply(op);
      const full = ck.key({ c, names: bindNames(x.s.names, op, r.spec) });
      stats.completeKeys++;
      fulls.push(full);
      note(ops, full, op);
    }
    if (new Set(fulls).size > 1) {
      stats.keyConflicts++;
      if (stats.keyConflictExamples.length < 5) stats.keyConflictExamples.push(`one symmetric key, ${new Set(fulls).size} complete keys after ${showPath(x.path)} by ${all.map(showOp).join(' | ')}`);
    }
    m.set(fulls[0]!, (m.get(fulls[0]!) ?? 0) + n);
  }
  return [m, ops];
}

/** The first aspect in which two behaviours differ, or null. */
function compare(a: Behaviour, b: Behaviour, ck: CompleteKey, stats: Stats): Diff | null {
  if (a.check !== b.check) return { aspect: 'check', kind: `check ${a.check} vs ${b.check}`, lines: [`checkState: A ${a.check}, B ${b.check}`] };
  if (a.allLive !== b.allLive) return { aspect: 'allLive', kind: 'allLive', lines: [`allLive: A ${a.allLive}, B ${b.allLive}`] };
  for (const [aspect, ma0, mb0, oa0, ob0] of [['outcome', a.outc, b.outc, a.outcOps, b.outcOps], ['succ', a.succ, b.succ, a.succOps, b.succOps]] as const) {
    let ma = ma0, mb = mb0, oa = oa0, ob = ob0;
    let onlyA = surplus(ma, mb);
    let onlyB = surplus(mb, ma);
    if (onlyA.length === 0 && onlyB.length === 0) continue;
    if (aspect === 'succ') {
      // the symmetric key is not complete: compare the surplus successors up to isomorphism
      [ma, oa] = resolve(ck, a, onlyA, stats);
      [mb, ob] = resolve(ck, b, onlyB, stats);
      onlyA = surplus(ma, mb);
      onlyB = surplus(mb, ma);
      if (onlyA.length === 0 && onlyB.length === 0) { stats.succResolved++; continue; }
    }
    const lines: string[] = [];
    const item = (k: string): string => (aspect === 'succ' ? shortKey(k) : k);
    for (const [k, n] of onlyA.slice(0, 4)) lines.push(`A has ${n} more of ${item(k)}: ${(oa.get(k) ?? []).slice(0, 4).map(showOp).join(' | ')}`);
    for (const [k, n] of onlyB.slice(0, 4)) lines.push(`B has ${n} more of ${item(k)}: ${(ob.get(k) ?? []).slice(0, 4).map(showOp).join(' | ')}`);
    if (aspect === 'succ') lines.push(`(A ${[...ma.values()].reduce((x, y) => x + y, 0)} ops, ${ma.size} distinct successors; B ${[...mb.values()].reduce((x, y) => x + y, 0)} ops, ${mb.size})`);
    const first = onlyA[0] ?? onlyB[0]!;
    const fam = (aspect === 'succ' ? (oa.get(first[0]) ?? ob.get(first[0]) ?? [])[0]?.op : first[0].split(' ')[0]) ?? '?';
    return { aspect, kind: `${aspect} ${fam}${first[0].startsWith('VIOLATION:') ? ` ${first[0]}` : ''}`, lines };
  }
  // no behaviour told them apart: are they isomorphic at all?
  if (ck.key(a.s) !== ck.key(b.s)) return { aspect: 'iso', kind: 'iso', lines: ['one symmetric key, two complete keys (no order of the names makes the two states encode alike)'] };
  return null;
}

/** Whether the two paths reach states with one symmetric key that behave differently. */
function differ(profile: Profile, alphabet: Alphabet, sym: KeyEncoder, raw: KeyEncoder, ck: CompleteKey, pa: readonly Op[], pb: readonly Op[]): Diff | null {
  const a = replay(profile, pa);
  const b = replay(profile, pb);
  if (!a || !b) return null;
  sym.encode(a.c, a.names); const ka = sym.exactKey();
  sym.encode(b.c, b.names); const kb = sym.exactKey();
  if (ka !== kb) return null;
  raw.encode(a.c, a.names); const ra = raw.exactKey();
  raw.encode(b.c, b.names); const rb = raw.exactKey();
  if (ra === rb) return null;
  return compare(behaviour(alphabet, sym, a, pa), behaviour(alphabet, sym, b, pb), ck, newStats());
}

/** Greedy: drop single ops from either path while the pair still differs (same kind). */
function minimisePair(profile: Profile, alphabet: Alphabet, sym: KeyEncoder, raw: KeyEncoder, ck: CompleteKey, pa: Op[], pb: Op[], kind: string): [Op[], Op[], Diff] | null {
  let best = differ(profile, alphabet, sym, raw, ck, pa, pb);
  if (!best) return null;
  let changed = true;
  while (changed) {
    changed = false;
    for (const side of [0, 1]) {
      const p = side === 0 ? pa : pb;
      for (let i = 0; i < p.length; i++) {
        const q = [...p.slice(0, i), ...p.slice(i + 1)];
        const d = side === 0 ? differ(profile, alphabet, sym, raw, ck, q, pb) : differ(profile, alphabet, sym, raw, ck, pa, q);
        if (d && d.kind === kind) {
          if (side === 0) pa = q; else pb = q;
          best = d;
          changed = true;
          break;
        }
      }
    }
  }
  return [pa, pb, best];
}

// ---------------------------------------------------------------------------------------------
// the run
export interface Summary {
  profile: string;
  depth: number;
  bounds: Partial<Bounds>;
  statesKept: number;
  complete: boolean;
  transitions: number;
  violatingTransitions: number;
  symClasses: number;
  classesWith2: number;
  largestClass: number;
  pairsCompared: number;
  differences: number;
  differenceKinds: Record<string, number>;
  checkConflicts: number;
  /** Compared pairs by the kinds of names the renaming between them permutes. */
  symmetriesUsed: Record<string, number>;
  /** --completeness: classes of the kept states under the complete key (-1: not measured). */
  completeClasses: number;
  /** Pairs whose successor key multisets differed only by isomorphic successors (the key's incompleteness). */
  succResolvedByCompleteKey: number;
  completeKeysComputed: number;
  /** Ops from one state to one symmetric key whose successors got two complete keys (a non-injective key). */
  keyConflicts: number;
  bfsSeconds: number;
  compareSeconds: number;
  seconds: number;
  /** The printed report of each difference (minimised paths and what differs). */
  reports: string[];
}

/** The check on one profile (see the head of this file). */
export function runBisimulation(name: string, options: Partial<BisimOptions> = {}): Summary {
  const o: BisimOptions = { ...DEFAULT_OPTIONS, ...options };
  const { maxStates, beam, shuffle, maxPairs, show, minimise, completeness, log } = o;
  const profile = getProfile(name);
  if (!profile) throw new Error(`unknown profile ${name}`);
  const bounds = exploreBounds(profile, o.bounds);
  const depth = o.depth === 'auto' ? exploreDepth(profile) : o.depth;
  const alphabet = new Alphabet(profile, bounds);
  const sym = symEncoder(o.inject, alphabet.bounds.maxFds);
  const raw = new KeyEncoder(false, alphabet.bounds.maxFds);
  const ck = new CompleteKey(alphabet.bounds.mounts, o.inject, alphabet.bounds.maxFds);
  const stats = newStats();
  const t0 = performance.now();

  // 1. BFS deduplicated by the non-symmetric key
  const paths: Op[][] = [[]];
  const symKeys: string[] = [];
  const rawSeen = new Set<string>();
  const root: State = { c: new Checker(profile), names: NO_NAMES };
  raw.encode(root.c, root.names); rawSeen.add(raw.exactKey());
  sym.encode(root.c, root.names); symKeys.push(sym.exactKey());
  // d. checkState by symmetric key, over every successor met (allLive ones)
  const checkByKey = new Map<string, [string, Op[]]>();
  const checkConflicts: string[] = [];
  let transitions = 0, violating = 0;
  let frontier: number[] = [0];
  let complete = true;
  let sampled = false; // --beam cut a level
  let seed = shuffle >>> 0;
  const rnd = (): number => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
  for (let d = 0; d < depth && frontier.length && complete; d++) {
    if (shuffle >= 0) for (let i = frontier.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [frontier[i], frontier[j]] = [frontier[j]!, frontier[i]!]; }
    if (frontier.length > beam) { frontier.length = beam; sampled = true; }
    const next: number[] = [];
    for (const idx of frontier) {
      const path = paths[idx]!;
      const node = replay(profile, path)!;
      for (const op of alphabet.enumerate(node.c.spec, node.names)) {
        transitions++;
        const c = node.c.clone();
        const r = c.apply(op);
        const names = bindNames(node.names, op, r.spec);
        if (r.violation) violating++;
        else if (names === node.names && c.sameAs(node.c)) continue;
        raw.encode(c, names);
        const rk = raw.exactKey();
        if (rawSeen.has(rk)) continue;
        if (!r.violation) rawSeen.add(rk); // a violating step to a state need not be the only way there
        sym.encode(c, names);
        const sk = sym.exactKey();
        if (sym.allLive) {
          const st = checkState(c.sim);
          const v = st ? st[0] : 'ok';
          const prev = checkByKey.get(sk);
          if (!prev) checkByKey.set(sk, [v, [...path, op]]);
          else if (prev[0] !== v && checkConflicts.length < 20) checkConflicts.push(`checkState ${prev[0]} after ${showPath(prev[1])}\n      but ${v} after ${showPath([...path, op])} (one symmetric key, allLive)`);
        }
        if (r.violation) continue; // not kept, not expanded (as explore)
        if (paths.length >= maxStates) { complete = false; break; }
        paths.push([...path, op]);
        symKeys.push(sk);
        next.push(paths.length - 1);
      }
      if (!complete) break;
    }
    frontier = next;
  }
  rawSeen.clear();
  const t1 = performance.now();

  // 2. groups by symmetric key
  const groups = new Map<string, number[]>();
  for (let i = 0; i < symKeys.length; i++) {
    const g = groups.get(symKeys[i]!);
    if (g) g.push(i); else groups.set(symKeys[i]!, [i]);
  }
  let classesWith2 = 0, largest = 0, pairs = 0, diffs = 0;
  const symmetriesUsed = new Map<string, number>(); // what renaming maps each compared pair onto each other
  const kinds = new Map<string, { n: number; examples: [Op[], Op[]][] }>();
  for (const g of groups.values()) {
    largest = Math.max(largest, g.length);
    if (g.length < 2) continue;
    classesWith2++;
    if (pairs >= maxPairs) continue;
    const first = replay(profile, paths[g[0]!]!)!;
    const bf = behaviour(alphabet, sym, first, paths[g[0]!]!);
    for (let j = 1; j < g.length && pairs < maxPairs; j++) {
      pairs++;
      const other = replay(profile, paths[g[j]!]!)!;
      const bo = behaviour(alphabet, sym, other, paths[g[j]!]!);
      bump(symmetriesUsed, ck.witness(first, other));
      const d = compare(bf, bo, ck, stats);
      if (!d) continue;
      diffs++;
      const k = kinds.get(d.kind) ?? { n: 0, examples: [] };
      k.n++;
      // keep the shortest examples of each kind
      k.examples.push([paths[g[0]!]!, paths[g[j]!]!]);
      k.examples.sort((x, y) => (x[0].length + x[1].length) - (y[0].length + y[1].length));
      if (k.examples.length > Math.max(show, 1)) k.examples.length = Math.max(show, 1);
      kinds.set(d.kind, k);
    }
  }
  // --completeness: how many classes a complete canonical form (CompleteKey) gives the kept states
  let completeClasses = -1;
  if (completeness) {
    const set = new Set<string>();
    for (const g of groups.values()) set.add(ck.key(replay(profile, paths[g[0]!]!)!));
    completeClasses = set.size;
  }
  const t2 = performance.now();

  const summary: Summary = {
    profile: name, depth, bounds: o.bounds, statesKept: paths.length, complete: complete && !sampled, transitions, violatingTransitions: violating,
    symClasses: groups.size, classesWith2, largestClass: largest, pairsCompared: pairs, differences: diffs,
    differenceKinds: Object.fromEntries([...kinds].map(([k, v]) => [k, v.n])), checkConflicts: checkConflicts.length, completeClasses,
    symmetriesUsed: Object.fromEntries([...symmetriesUsed].sort((x, y) => y[1] - x[1])),
    succResolvedByCompleteKey: stats.succResolved, completeKeysComputed: stats.completeKeys, keyConflicts: stats.keyConflicts,
    bfsSeconds: (t1 - t0) / 1000, compareSeconds: (t2 - t1) / 1000, seconds: (t2 - t0) / 1000, reports: [],
  };

  // 3. report
  log(`\n## ${name}: depth ${depth}, bounds ${JSON.stringify({ maxTasks: bounds.maxTasks, maxFds: bounds.maxFds, maxNsNames: bounds.maxNsNames, mounts: bounds.mounts, ...(bounds.ops ? { ops: bounds.ops } : {}) })}`);
  for (const [kind, k] of kinds) {
    const lines = [`DIFFERENCE (${k.n} pair${k.n === 1 ? '' : 's'}): ${kind}`];
    for (const [pa, pb] of k.examples.slice(0, show)) {
      let A = pa, B = pb;
      let d = differ(profile, alphabet, sym, raw, ck, A, B);
      if (minimise && d) {
        const m = minimisePair(profile, alphabet, sym, raw, ck, [...A], [...B], kind);
        if (m) { [A, B, d] = m; }
      }
      lines.push(`  A: ${showPath(A)}`, `  B: ${showPath(B)}`);
      for (const l of d?.lines ?? ['(not reproduced on replay)']) lines.push(`    ${l}`);
    }
    summary.reports.push(lines.join('\n'));
    log(lines.join('\n'));
  }
  for (const c of checkConflicts) log(`CHECK CONFLICT (d): ${c}`);
  for (const c of stats.keyConflictExamples) log(`KEY CONFLICT: ${c}`);
  log(`${name}: states kept ${paths.length}${complete ? '' : ' (capped by --max-states)'}${sampled ? ' (levels sampled by --beam)' : ''}, transitions ${transitions} (${violating} violating), `
    + `symmetric classes ${groups.size}${completeClasses >= 0 ? ` (complete-key classes ${completeClasses})` : ''}, classes with 2+ members ${classesWith2} (largest ${largest}), pairs compared ${pairs}, `
    + `differences ${diffs}${diffs ? ` in ${kinds.size} kind${kinds.size === 1 ? '' : 's'}` : ''}, checkState conflicts ${checkConflicts.length}, `
    + `successor multisets equal only up to isomorphism ${stats.succResolved} (complete keys ${stats.completeKeys}, key conflicts ${stats.keyConflicts}), `
    + `pairs by renaming ${JSON.stringify(summary.symmetriesUsed)}, `
    + `${summary.seconds.toFixed(1)} s (BFS ${summary.bfsSeconds.toFixed(1)} s, compare ${summary.compareSeconds.toFixed(1)} s)`);
  return summary;
}

