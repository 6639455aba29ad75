// The search's building blocks shared by the one-thread engine and the parallel workers: search
// nodes (the lockstep Checker, the alphabet's Names and the op path that reached the node), the
// expansion of one node into its successors, and nodes rebuilt from op paths (what the frontier
// keeps, and what travels to worker_threads).
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { getProfile } from '../model/profiles.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Bounds, Names } from '../properties/alphabet.ts';
import { Checker, violationKey } from '../properties/harness.ts';
import type { StepResult } from '../properties/harness.ts';
import { KeyEncoder } from './key.ts';
import { FingerprintSet } from './fingerprint.ts';
import type { LifecycleTracker } from '../model/lifecycle/index.ts';
import type { TrackerData } from '../model/lifecycle/coverage.ts';

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

/** The search's fixed context: alphabet, key encoder and what to let pass. */
export class SearchCtx {
  readonly alphabet: Alphabet;
  readonly encoder: KeyEncoder;
  readonly fp = new Uint32Array(2);
  /** The set of one chunk's successors (expandChunk), kept for the next chunk. */
  chunkSet: FingerprintSet | null = null;
  /** The fingerprint buffer of one chunk's new successors (expandChunk), kept for the next chunk. */
  chunkFps = new Uint32Array(1 << 12);
  /** Lifecycle coverage of every transition, when asked for (model/lifecycle). */
  tracker: LifecycleTracker | null = null;

  constructor(readonly profile: Profile, bounds: Partial<Bounds>, readonly ignore: ReadonlySet<string>, symmetry: boolean) {
    this.alphabet = new Alphabet(profile, bounds);
    this.encoder = new KeyEncoder(symmetry, this.alphabet.bounds.maxFds);
  }

  root(): Node {
    return { c: new Checker(this.profile, this.ignore.size ? { ignore: this.ignore } : {}), names: NO_NAMES, ops: [] };
  }

  /**
   * Runs `traces` once through the hot path of the search, on throwaway states: clone, apply and
   * settle (every check), sameAs and the key. It changes no result (nothing it touches is kept but the
   * path strings' memo); it is for V8. Without it V8 optimises the hot functions on the small
   * states of the first levels, whose branches and loops have not all run yet, and deoptimises
   * and compiles them again each time a deeper state takes one. Three cold v6.18 searches each
   * way (`node --trace-opt --trace-deopt`): 56 to 57 deoptimisations and 5.0 to 5.3 s of compiler
   * time unprimed; 52 and 3.6 to 4.6 s after the 250 or so ops of the committed covering traces
   * (tens of ms, too few for V8 to optimise anything yet). bench/cold-start.ts (8 fresh processes
   * each way): CPU 8.00 to 7.75 s with one worker, 11.27 to 10.30 s with two, and median search
   * time 1.02x and 1.09x shorter, the priming included. A violation ends a trace. Returns the ops applied.
   */
  prime(traces: readonly (readonly Op[])[]): number {
    let applied = 0;
    for (const ops of traces) {
      let node: { c: Checker; names: Names } = { c: this.root().c, names: NO_NAMES };
      for (const op of ops) {
        const c = node.c.clone();
        const r = c.apply(op, true); // as expand() applies, the state invariants after
        applied++;
        if (r.violation || c.settle()) break;
        const next = { c, names: bindNames(node.names, op, r.spec) };
        next.c.sameAs(node.c);
        this.key(next);
        node = next;
      }
    }
    return applied;
  }

  /** Encodes a state's canonical key and leaves its fingerprint in `fp`. */
  key(n: { c: Checker; names: Names }): void {
    this.encoder.encode(n.c, n.names);
    this.encoder.fingerprint(this.fp);
  }
}

/**
 * Every successor of `node`, in the alphabet's order. A successor that breaks nothing has its
 * key encoded in ctx; `seen()` says whether the caller has it already (nothing more happens
 * then), and `onState(op)` hands over a new one (the caller keeps `[...node.ops, op]`, the path,
 * if it keeps the state; the successor's checker is not the caller's). One equal to its node is
 * neither looked up nor handed over: the node itself was seen. `onViolation` gets one that
 * breaks a property (masked ones are dropped: neither reported nor expanded). Returns the op count.
 *
 * The state invariants are checked only on successors not seen before (Checker.settle): a seen
 * state passed them when it was first reached (explore/README.md says why that is sound). Of the
 * ops at the default v6.18 bounds, 34% change nothing, 46% reach a changed state seen before
 * and 20% a new one.
 */
export function expand(
  ctx: SearchCtx, node: Node,
  seen: () => boolean,
  onState: (op: Op) => void,
  onViolation: (key: string, property: string, detail: string, ops: Op[]) => void,
): number {
  const ops = ctx.alphabet.enumerate(node.c.spec, node.names);
  const st: { c: Checker; names: Names } = { c: node.c, names: node.names };
  let spare: Checker | null = null; // a copy of node.c that the last op left as it was
  for (const op of ops) {
    const c: Checker = spare ?? node.c.clone();
    spare = null;
    const r = c.apply(op, true);
    let v = r.violation;
    if (!v) {
      st.c = c;
      st.names = bindNames(node.names, op, r.spec);
      // an op that changes nothing (most errors) leads back to this node: no key, no lookup
      if (st.names === node.names && c.sameAs(node.c)) {
        if (ctx.tracker) track(ctx.tracker, node, c, op, r);
        c.rewind(node.c);
        spare = c;
        continue;
      }
      ctx.key(st);
      const old = seen();
      // a state seen before passed the state invariants, and they are a function of its key
      // when the key reached every live object (KeyEncoder.allLive)
      if (!old || !ctx.encoder.allLive) v = c.settle();
      if (!v) {
        if (ctx.tracker) track(ctx.tracker, node, c, op, r);
        if (!old) onState(op);
        continue;
      }
    }
    if (!v.masked) onViolation(violationKey(v.property, v.detail), v.property, v.detail, [...node.ops, op]);
  }
  return ops.length;
}

/** Lifecycle coverage of one transition that broke nothing (model/lifecycle). */
function track(tracker: LifecycleTracker, node: Node, c: Checker, op: Op, r: StepResult): void {
  // a simulation left as it was moves no object (the projection is a function of it)
  if (c.simUnchanged && tracker.steps > 0) tracker.stutter();
  else tracker.transition(node.c.sim, c.sim, op, r, node.ops);
}

/**
 * Search nodes from their op paths. The frontier keeps only paths (a few hundred bytes a state
 * instead of two model states); a node is rebuilt by replaying its path from the root, reusing
 * the longest prefix of the last path rebuilt. BFS order keeps siblings together, so a node
 * costs about one copy and one step (against some 80 successors to expand).
 */
export class Rebuilder {
  /** states[k]: the node after the first k ops of `path`. */
  private readonly states: Node[];
  private path: Op[] = [];

  constructor(root: Node) {
    this.states = [root];
  }

  node(ops: Op[]): Node {
    let k = 0;
    const n = Math.min(ops.length, this.path.length);
    while (k < n && ops[k] === this.path[k]) k++;
    this.states.length = k + 1;
    for (let i = k; i < ops.length; i++) {
      const from = this.states[i]!;
      const c = from.c.clone();
      const r = c.apply(ops[i]!);
      if (r.violation) throw new Error(`explore: a frontier path breaks ${r.violation.property} on replay (the step is not deterministic)`);
      this.states.push({ c, names: bindNames(from.names, ops[i]!, r.spec), ops: ops.slice(0, i + 1) });
    }
    this.path = ops;
    return this.states[ops.length]!;
  }
}

/** The setup every worker repeats: profile by name, bounds, mutant, masked keys. */
export interface WorkerSetup {
  profile: string;
  bounds: Partial<Bounds>;
  ignore: string[];
  symmetry: boolean;
  mutant: string | null;
  /** The traces a worker primes V8 with before its first chunk (SearchCtx.prime); empty: none. */
  prime: Op[][];
  /** Track lifecycle coverage of every transition (each chunk's counts go back with its result). */
  lifecycle: boolean;
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
  /** Their op paths (none on the last level, which is counted, never expanded). */
  paths: Op[][];
  violations: FoundViolation[];
  transitions: number;
  /** A worker thread's lifecycle counts of this chunk (WorkerSetup.lifecycle), to merge in chunk order. */
  lifecycle?: TrackerData;
}

/**
 * Expands a contiguous run of the frontier (op paths), in order. A successor is kept when its
 * fingerprint is neither in `visited` (which holds only states earlier in BFS order) nor
 * earlier in this chunk; the caller merges chunks in order, so the result equals the
 * one-thread search.
 */
export function expandChunk(ctx: SearchCtx, rebuild: Rebuilder, paths: Op[][], visited: { has(hi: number, lo: number): boolean }, last: boolean): ChunkResult {
  const local = ctx.chunkSet ??= new FingerprintSet(1 << 10); // this chunk's successors (one set per thread, emptied per chunk)
  local.clear();
  let fps = ctx.chunkFps; // (hi, lo) pairs of the new successors, in a buffer kept for the next chunk
  let n = 0;
  const out: Op[][] = [];
  const violations: FoundViolation[] = [];
  const seenKeys = new Set<string>();
  let transitions = 0;
  for (const path of paths) {
    const node = rebuild.node(path);
    transitions += expand(ctx, node, () => visited.has(ctx.fp[0]!, ctx.fp[1]!) || local.has(ctx.fp[0]!, ctx.fp[1]!), (op) => {
      const hi = ctx.fp[0]!;
      const lo = ctx.fp[1]!;
      local.add(hi, lo);
      if (n + 2 > fps.length) {
        const grown = new Uint32Array(fps.length * 2);
        grown.set(fps);
        fps = ctx.chunkFps = grown;
      }
      fps[n++] = hi;
      fps[n++] = lo;
      if (!last) out.push([...path, op]);
    }, (key, property, detail, ops) => {
      if (seenKeys.has(key)) return;
      seenKeys.add(key);
      violations.push({ key, property, detail, ops });
    });
  }
  return { fps: fps.slice(0, n), paths: out, violations, transitions };
}
