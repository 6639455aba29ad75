// The search's building blocks shared by the one-thread engine and the parallel workers: search
// nodes (the lockstep Checker, the alphabet's Names and the op path that reached the node), a
// Checker copy without the constructor's wasted initial states, the expansion of one node into
// its successors, and (de)serialisation of nodes for worker_threads.
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { getProfile } from '../model/profiles.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Bounds, Names } from '../properties/alphabet.ts';
import { Checker, violationKey } from '../properties/harness.ts';
import type { CheckerSnapshot } from '../properties/harness.ts';
import { KeyEncoder } from './key.ts';
import type { LifecycleTracker } from '../model/lifecycle/index.ts';

/** A state of the search and the shortest op path (in BFS order) that reached it. */
export interface Node {
  c: Checker;
  names: Names;
  ops: Op[];
}

/** What the search found broken: the first (shortest, then BFS-first) transition per key. */
export interface FoundViolation {
  key: string;
  property: string;
  detail: string;
  ops: Op[];
}

/** A copy of a search state's Checker (Checker.clone: the states are cloned, not rebuilt). */
export function fastClone(c: Checker): Checker {
  return c.clone();
}

/** The search's fixed context: alphabet, key encoder and what to let pass. */
export class SearchCtx {
  readonly alphabet: Alphabet;
  readonly encoder: KeyEncoder;
  readonly fp = new Uint32Array(2);
  /** Lifecycle coverage of every transition, when asked for (model/lifecycle). */
  tracker: LifecycleTracker | null = null;

  constructor(readonly profile: Profile, bounds: Partial<Bounds>, readonly ignore: ReadonlySet<string>, symmetry: boolean) {
    this.alphabet = new Alphabet(profile, bounds);
    this.encoder = new KeyEncoder(symmetry);
  }

  root(): Node {
    return { c: new Checker(this.profile, this.ignore.size ? { ignore: this.ignore } : {}), names: NO_NAMES, ops: [] };
  }

  /** Encodes a state's canonical key and leaves its fingerprint in `fp`. */
  key(n: { c: Checker; names: Names }): void {
    this.encoder.encode(n.c, n.names);
    this.encoder.fingerprint(this.fp);
  }
}

/**
 * Every successor of `node`, in the alphabet's order: `onState` for a successor that breaks
 * nothing (with its key already encoded in ctx; `child()` builds the node, op path included,
 * only for the successors a caller keeps), `onViolation` for one that breaks a property
 * (masked ones are dropped: they are neither reported nor expanded). Returns the op count.
 */
export function expand(
  ctx: SearchCtx, node: Node,
  onState: (child: () => Node) => void,
  onViolation: (key: string, property: string, detail: string, ops: Op[]) => void,
): number {
  const ops = ctx.alphabet.enumerate(node.c.spec, node.names);
  for (const op of ops) {
    const c = fastClone(node.c);
    const r = c.apply(op);
    if (ctx.tracker && !r.violation) ctx.tracker.transition(node.c.sim, c.sim, op);
    if (r.violation) {
      if (!r.violation.masked) {
        const v = r.violation;
        onViolation(violationKey(v.property, v.detail), v.property, v.detail, [...node.ops, op]);
      }
      continue;
    }
    const st = { c, names: bindNames(node.names, op, r.spec) };
    ctx.key(st);
    onState(() => ({ c: st.c, names: st.names, ops: [...node.ops, op] }));
  }
  return ops.length;
}

/** A node as plain data for postMessage (structured clone keeps Maps). */
export interface WireNode {
  checker: CheckerSnapshot;
  fds: readonly string[];
  ns: readonly string[];
  ops: Op[];
}

export function toWire(n: Node): WireNode {
  return { checker: n.c.snapshot(), fds: n.names.fds, ns: n.names.ns, ops: n.ops };
}

export function fromWire(w: WireNode, profile: Profile, ignore: ReadonlySet<string>): Node {
  const c = Checker.restore(w.checker, profile, ignore.size ? { ignore } : {});
  return { c, names: { fds: w.fds, ns: w.ns }, ops: w.ops };
}

/** The setup every worker repeats: profile by name, bounds, mutant, masked keys. */
export interface WorkerSetup {
  profile: string;
  bounds: Partial<Bounds>;
  ignore: string[];
  symmetry: boolean;
  mutant: string | null;
}

export function profileOf(name: string): Profile {
  const p = getProfile(name);
  if (!p) throw new Error(`unknown profile ${name}`);
  return p;
}

/** What a worker returns for one chunk of a level. */
export interface ChunkResult {
  /** Fingerprints (hi, lo pairs) of the chunk's new successors, first occurrence each, in order. */
  fps: Uint32Array;
  nodes: WireNode[];
  violations: FoundViolation[];
  transitions: number;
}

/**
 * Expands a contiguous run of the frontier, in order. A successor is kept when its fingerprint
 * is neither in `visited` (a snapshot that holds only states earlier in BFS order) nor earlier in
 * this chunk; the caller merges chunks in order, so the result equals the one-thread search.
 */
export function expandChunk(ctx: SearchCtx, nodes: Node[], visited: { has(hi: number, lo: number): boolean }, last: boolean): ChunkResult {
  const local = new Set<string>(); // hi:lo of this chunk's successors (a chunk is small)
  const fps: number[] = [];
  const out: WireNode[] = [];
  const violations: FoundViolation[] = [];
  const seenKeys = new Set<string>();
  let transitions = 0;
  for (const node of nodes) {
    transitions += expand(ctx, node, (child) => {
      const hi = ctx.fp[0]!;
      const lo = ctx.fp[1]!;
      if (visited.has(hi, lo)) return;
      const k = `${hi}:${lo}`;
      if (local.has(k)) return;
      local.add(k);
      fps.push(hi, lo);
      if (!last) out.push(toWire(child())); // the last level is counted, never expanded
    }, (key, property, detail, ops) => {
      if (seenKeys.has(key)) return;
      seenKeys.add(key);
      violations.push({ key, property, detail, ops });
    });
  }
  return { fps: Uint32Array.from(fps), nodes: out, violations, transitions };
}
