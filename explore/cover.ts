// explore's cover phase: a directed search for the statechart transitions that the exhaustive
// search could not reach within its bounds. Exhaustive search to the depths those transitions
// need (5 to 10 ops, two or three children) is far beyond any default budget (depth 4 alone is
// about 1.5 million v6.18 states), so this phase trades completeness for depth: a swarm of beam
// searches (Holzmann's swarm verification; beam search as in Wijs's directed model checking):
// two over the whole op alphabet (the second tells states apart by their exact canonical key),
// the others over seeded subsets, each keeping per depth only the `beam` successors that look
// most new to the statecharts (model/lifecycle lifecycleSignature), first those whose
// transition took a statechart edge never taken before. Every transition runs the
// same lockstep Checker as the exhaustive search, with every invariant and the refinement, so a
// violation found here is real (its trace is short, not proven shortest). What it reports is a
// lower bound: states it pruned were never looked at.
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import type { LifecycleTracker } from '../model/lifecycle/index.ts';
import type { Projection } from '../model/lifecycle/projection.ts';
import { pct } from '../model/lifecycle/coverage.ts';
import { lifecycles } from '../model/lifecycle/index.ts';
import { applies, signatureCodes, signatureToken } from '../model/lifecycle/projection.ts';
import { rng } from '../model/lifecycle/traces.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Bounds, Names } from '../properties/alphabet.ts';
import { Checker, violationKey } from '../properties/harness.ts';
import type { FoundViolation } from './bfs.ts';
import { KeyEncoder } from './key.ts';
import { FingerprintSet } from './fingerprint.ts';

export interface CoverOptions {
  /** Most ops per trace of a beam. */
  depth: number;
  /** States a beam keeps per depth. */
  beam: number;
  /** Beams in the swarm: the first two have the whole alphabet (the second deduplicates by exact state), the others a subset each. */
  members: number;
  /** Seed of the swarm's subsets (the search is deterministic for a seed). */
  seed: number;
  /** Most transitions the splice step may run after the beams (0: no splicing). */
  splice: number;
  /** The alphabet's bounds (over which each member draws its subset of families and entries). */
  bounds: Partial<Bounds>;
  /** Violation keys to let pass (those the exhaustive phase already reported with shortest traces). */
  ignore: ReadonlySet<string>;
  /** Where coverage accumulates; the phase stops once every transition has been taken. */
  tracker: LifecycleTracker;
  /** Called after each beam with its index and the coverage so far (percent). */
  onMember?: (k: number, percent: number) => void;
  /** Called during the splice step, at most every `progressMs` (2000) and once at its end: pairs run, transitions of the budget, coverage so far. */
  onSplice?: (p: SpliceProgress) => void;
  progressMs?: number;
}

export interface SpliceProgress {
  pairs: number;
  transitions: number;
  budget: number;
  /** Lifecycle transitions taken so far, in percent (as the summary rounds it). */
  percent: number;
  done: boolean;
}

export interface CoverMember {
  ops: string[];
  entries: string[];
  /** Transitions this beam took first. */
  newTransitions: number;
  transitions: number;
}

export interface CoverResult {
  transitions: number;
  /** Distinct signatures kept over all beams and depths. */
  kept: number;
  members: CoverMember[];
  /** First trace found per violation key (short, not proven shortest). */
  violations: FoundViolation[];
  ms: number;
  /** Every statechart transition was taken (the phase stopped early). */
  full: boolean;
  /** The splice step: witness traces, pairs run, transitions, and the transitions it took first. */
  splice: { witnesses: number; pairs: number; transitions: number; newTransitions: number };
  /** The lookahead step after the splice: witness end states extended, transitions, and the transitions it took first. */
  lookahead: { bases: number; transitions: number; newTransitions: number };
}

/** Default cover bounds: up to three children and three fd names, one credential drop and back. */
export const COVER_BOUNDS: Partial<Bounds> = {
  maxTasks: 3,
  maxFds: 3,
  maxNsNames: 0,
  flagSets: [[]],
  creds: [{ uid: 1000 }, { caps: [] }, { dumpable: false }, { dumpable: true }],
};
export const COVER_DEFAULTS = { depth: 8, beam: 200, members: 3, seed: 1, splice: 1_000_000 };
/** The lookahead step after the splice may run a further splice budget / LOOKAHEAD_SHARE transitions. */
export const LOOKAHEAD_SHARE = 8;

/** Families no subset drops: without them no object is born or dies. */
const ALWAYS = new Set(['spawn', 'exit']);

/**
 * The op families that are the event of some statechart edge on this profile; with a tracker,
 * only of the edges it has not taken yet (the splice step's goal).
 */
export function moverFamilies(profile: Profile, untakenBy?: LifecycleTracker): Set<string> {
  const out = new Set<string>();
  (untakenBy?.lifecycles ?? lifecycles()).forEach((l, li) => {
    if (!applies(l, profile)) return;
    l.edges.forEach((e, k) => {
      if (e.profiles.includes(profile.name) && !(untakenBy && untakenBy.edgeHits[li]![k]! > 0)) out.add(e.event);
    });
  });
  return out;
}

/**
 * The families of the untaken transitions an op could take from a state of projection `p`: a
 * move starts in the object's state before the op, or in `unborn` (index 0) for an object the op
 * makes, so an untaken edge whose from-state no object is in (and is not `unborn`) cannot be
 * taken by the next op. Recomputes its list of untaken edges when the tracker took one.
 */
export function enabledGoals(profile: Profile, tracker: LifecycleTracker): (p: Projection) => Set<string> {
  let untaken: [number, number, string][] = [];
  let untakenAt = -1;
  return (p: Projection): Set<string> => {
    if (untakenAt !== tracker.edgesReached) {
      untakenAt = tracker.edgesReached;
      untaken = [];
      tracker.lifecycles.forEach((l, li) => {
        if (!applies(l, profile)) return;
        l.edges.forEach((e, k) => {
          if (e.profiles.includes(profile.name) && tracker.edgeHits[li]![k] === 0) untaken.push([li, l.states.indexOf(e.from), e.event]);
        });
      });
    }
    const out = new Set<string>();
    for (const [li, from, ev] of untaken) if (!out.has(ev) && (from === 0 || p[li]!.includes(from))) out.add(ev);
    return out;
  };
}

/** Keeps the first trace found for each violation key (a masked key is let pass). */
function noteViolation(found: Map<string, FoundViolation>, ops: Op[], v: { property: string; detail: string; masked?: boolean }): void {
  const key = violationKey(v.property, v.detail);
  if (!v.masked && !found.has(key)) found.set(key, { key, property: v.property, detail: v.detail, ops });
}

/** A 64-bit fingerprint of a signature (signatureCodes: integers below 2^53), two independent 32-bit lanes. */
export function signatureFingerprint(codes: readonly number[], out: Uint32Array): void {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x3c6ef372 | 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    const lo = c >>> 0;
    const hi = (c - lo) / 4294967296;
    h1 = Math.imul(h1 ^ lo, 0x01000193);
    h1 = Math.imul(h1 ^ hi, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x9e3779b1) ^ lo;
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x9e3779b1) ^ hi;
  }
  out[0] = (h1 ^ (h1 >>> 15)) >>> 0;
  out[1] = (Math.imul(h2 ^ (h2 >>> 13), 0x85ebca6b) ^ codes.length) >>> 0;
}

/**
 * A fresh copy of `from` to apply an op to: `spare` (a copy the last op left equal to `from` in
 * both levels and every binding, made fresh again by Checker.rewind) or a clone. Ops that fail
 * change nothing, and a third to a half of the cover phase's ops fail: each saves a copy of both
 * levels, as in explore's expand().
 */
function reuse(spare: Checker | null, from: Checker): Checker {
  if (spare === null) return from.clone();
  spare.rewind(from);
  return spare;
}

/** A state a beam keeps. */
interface Beamed {
  c: Checker;
  names: Names;
  ops: Op[];
}

/** A successor that may make the beam: rebuilt from its parent and op only if it does. */
interface Candidate {
  parent: number;
  op: Op;
  codes: number[];
  score: number;
}

/** The swarm of beam searches; coverage goes into opts.tracker. */
export function coverSearch(profile: Profile, opts: CoverOptions): CoverResult {
  const t0 = performance.now();
  const all = new Alphabet(profile, opts.bounds);
  // the cone of influence of the statecharts: a family that is no event of any of the profile's
  // statechart edges moves no object (the tracker would report the move as a disagreement)
  const events = moverFamilies(profile);
  const families = all.families.map((f) => f.name as string).filter((f) => events.has(f));
  const entries = [...(all.bounds.entries ?? [...profile.entries, 'bogus'])];
  const found = new Map<string, FoundViolation>();
  const members: CoverMember[] = [];
  const tracker = opts.tracker;
  let transitions = 0;
  let kept = 0;
  /** The first kept trace that showed each signature token (the splice step's material). */
  const witness = new Map<string, Op[]>();
  for (let k = 0; k < opts.members && !tracker.full(); k++) {
    const r = rng(opts.seed * 7919 + k);
    // beams 0 and 1 have the whole alphabet; beam 1 tells states apart by their exact canonical key
    // (explore/key.ts), so an enabling step that looks like nothing new to the statecharts (a child
    // opening an fd that init could have opened) still makes it; the others draw a subset
    const whole = k < 2;
    const exact = k === 1;
    const ops = whole ? families : families.filter((f) => ALWAYS.has(f) || r() < 0.5);
    let ents = whole ? entries : entries.filter(() => r() < 0.6);
    if (ents.length === 0) ents = [entries[Math.floor(r() * entries.length)]!];
    const alphabet = new Alphabet(profile, { ...opts.bounds, ops, entries: ents });
    const before = tracker.edgesReached;
    const m: CoverMember = { ops, entries: ents, newTransitions: 0, transitions: 0 };
    const root = new Checker(profile, opts.ignore.size ? { ignore: opts.ignore } : {});
    const seen = new FingerprintSet(1 << 12); // signatures (or exact keys) kept: 64-bit fingerprints
    const tokens = new Set<number>(); // signatureCodes values kept so far
    const codeBuf: number[] = [];
    const enc = new KeyEncoder(true, alphabet.bounds.maxFds);
    const fp = new Uint32Array(2);
    let frontier: Beamed[] = [{ c: root, names: NO_NAMES, ops: [] }];
    for (let d = 0; d < opts.depth && frontier.length > 0 && !tracker.full(); d++) {
      const cands: Candidate[] = [];
      for (let pi = 0; pi < frontier.length; pi++) {
        const node = frontier[pi]!;
        let spare: Checker | null = null; // a copy of node.c that the last op left as it was
        for (const op of alphabet.enumerate(node.c.spec, node.names)) {
          const c = reuse(spare, node.c);
          spare = null;
          const res = c.apply(op);
          m.transitions++;
          if (res.violation) {
            noteViolation(found, [...node.ops, op], res.violation);
            continue;
          }
          // nothing keeps c past this op (a kept successor is rebuilt): unchanged, it is the next op's copy
          if (c.simUnchanged && c.sameAs(node.c)) spare = c;
          // an op that left the simulation as it was moves no object, and below the root its
          // signature is the parent's, which `seen` holds (the parent was a candidate)
          if (!exact && d > 0 && c.simUnchanged) { tracker.stutter(); continue; }
          const had = tracker.edgesReached;
          tracker.transition(node.c.sim, c.sim, op, res, node.ops);
          if (exact) {
            enc.encode(c, bindNames(node.names, op, res.spec));
            enc.fingerprint(fp);
            if (seen.has(fp[0]!, fp[1]!)) continue;
          }
          const codes = signatureCodes(c.sim, tracker.last(), 2, codeBuf);
          if (!exact) {
            signatureFingerprint(codes, fp);
            if (seen.has(fp[0]!, fp[1]!)) continue;
          }
          seen.add(fp[0]!, fp[1]!);
          let score = (tracker.edgesReached - had) * 1000;
          for (let q = 0; q < codes.length; q++) if (!tokens.has(codes[q]!)) score++;
          cands.push({ parent: pi, op, codes: codes.slice(), score });
        }
      }
      cands.sort((a, b) => b.score - a.score); // stable: ties keep the order they were found in
      if (cands.length > opts.beam) cands.length = opts.beam;
      // the step function is deterministic: a kept successor is its parent's clone and op again
      frontier = cands.map((x) => {
        const from = frontier[x.parent]!;
        const c = from.c.clone();
        const res = c.apply(x.op);
        const ops = [...from.ops, x.op];
        for (const code of x.codes) tokens.add(code);
        // the witnesses in the order of the tokens' text (the splice step's order depends on it)
        for (const t of x.codes.map(signatureToken).sort()) if (!witness.has(t)) witness.set(t, ops);
        return { c, names: bindNames(from.names, x.op, res.spec), ops };
      });
      kept += frontier.length;
    }
    m.newTransitions = tracker.edgesReached - before;
    transitions += m.transitions;
    members.push(m);
    opts.onMember?.(k, tracker.summary().percent);
  }
  const before = tracker.edgesReached;
  const wit = witnesses(witness, tracker);
  const sp = !tracker.full() && opts.splice > 0 ? splice(profile, opts, wit, found)
    : { witnesses: 0, pairs: 0, transitions: 0 };
  transitions += sp.transitions;
  const afterSplice = tracker.edgesReached;
  const la = !tracker.full() && opts.splice > 0 ? lookahead(profile, { ...opts, budget: Math.ceil(opts.splice / LOOKAHEAD_SHARE) }, wit, found)
    : { bases: 0, transitions: 0 };
  transitions += la.transitions;
  return { transitions, kept, members, violations: [...found.values()], ms: performance.now() - t0, full: tracker.full(),
    splice: { ...sp, newTransitions: afterSplice - before }, lookahead: { ...la, newTransitions: tracker.edgesReached - afterSplice } };
}

/**
 * The splice step's material: the first kept trace that showed each signature token, then the
 * first trace that took each statechart transition (of the exhaustive phase, the beams, or
 * whatever fed the tracker before), each trace once. The second kind holds set-ups a signature
 * does not tell apart from ones seen before: on v6.18 two of them, run one after the other, are
 * what copies a mount into a namespace that is then dropped (mount `unborn --spawn-->
 * unmounted`, which no pair of token witnesses took; explore/README.md).
 */
export function witnesses(byToken: ReadonlyMap<string, Op[]>, tracker: LifecycleTracker): Op[][] {
  const out: Op[][] = [];
  const seen = new Set<string>();
  for (const ops of [...byToken.values(), ...tracker.firsts.map((f) => f.ops)]) {
    const k = JSON.stringify(ops);
    if (!seen.has(k)) { seen.add(k); out.push(ops); }
  }
  return out;
}

/**
 * Runs ops[from..to) on `c` with every check, calling `onOp` for each op run. A violation is
 * noted with its trace (`pre`, then the ops up to it) and ends the run: null. Returns the names
 * the ops bound.
 */
function runOps(c: Checker, names: Names, pre: Op[], ops: Op[], found: Map<string, FoundViolation>, onOp: () => void,
  from = 0, to = ops.length): Names | null {
  for (let i = from; i < to; i++) {
    const res = c.apply(ops[i]!);
    onOp();
    if (res.violation) { noteViolation(found, [...pre, ...ops.slice(0, i + 1)], res.violation); return null; }
    names = bindNames(names, ops[i]!, res.spec);
  }
  return names;
}

/**
 * Every op of `alphabet` that `keep` lets through, each applied to a copy of `c` (reached from
 * the initial state by `path`) with every check: a violation is noted with its trace, a move of
 * the simulation is counted by the tracker, an unchanged simulation is a stutter. The copy an
 * op left equal to `c` is the next op's. `more(ran)` is asked before each op, with the ops this
 * call ran so far (the caller's budget). Returns how many ops ran.
 */
function extend(c: Checker, names: Names, path: Op[], alphabet: Alphabet, tracker: LifecycleTracker, found: Map<string, FoundViolation>,
  keep: (op: Op) => boolean = () => true, more: (ran: number) => boolean = () => true): number {
  let ran = 0;
  let spare: Checker | null = null; // a copy of c that the last op left as it was
  for (const op of alphabet.enumerate(c.spec, names)) {
    if (!keep(op)) continue;
    if (!more(ran)) break;
    const next = reuse(spare, c);
    spare = null;
    const res = next.apply(op);
    ran++;
    if (res.violation) { noteViolation(found, [...path, op], res.violation); continue; }
    if (!next.simUnchanged) { tracker.transition(c.sim, next.sim, op, res, path); continue; }
    // the simulation as it was moves no object (the projection is a function of it), and a
    // successor equal to c in both levels is the next op's copy
    tracker.stutter();
    if (next.sameAs(c)) spare = next;
  }
  return ran;
}

/**
 * The splice step (splicing, as AFL does with inputs, here with traces): a transition the beams
 * left may need two things at once that each was set up alone (a bind mount, and a pid namespace
 * whose init died; a busy mount in a child's mount namespace, and that namespace held only by a
 * bind of its file), which single-token novelty cannot tell from either alone. Each ordered pair
 * of witness traces (witnesses(): the first kept trace that showed a signature token, and the
 * first trace that took each statechart transition; ranked longest first,
 * pairs in diagonal order of their ranks) is run one after the other (a name the second reuses
 * refers to what the first made: its spawn fails, its later ops act on the first's task), and
 * each state along the second trace, if new, is extended by every op of the families that are
 * the event of a transition not yet taken (only the end states before 2026-12-07: the same budget
 * then took 3 fewer v6.18 transitions). Stops when every transition is taken or after
 * opts.splice transitions.
 */
export function splice(profile: Profile, opts: Pick<CoverOptions, 'bounds' | 'ignore' | 'tracker' | 'splice' | 'onSplice' | 'progressMs'>, witnesses: Op[][], found: Map<string, FoundViolation>): { witnesses: number; pairs: number; transitions: number } {
  const tracker = opts.tracker;
  const goal = moverFamilies(profile, tracker);
  const fams = new Alphabet(profile, opts.bounds).families.map((f) => f.name as string).filter((f) => goal.has(f));
  // longest first (stable): the deepest states have the most to combine
  const wit = [...witnesses].sort((x, y) => y.length - x.length);
  let n = 0;
  let pairs = 0;
  if (fams.length === 0) return { witnesses: wit.length, pairs, transitions: n };
  const alphabet = new Alphabet(profile, { ...opts.bounds, ops: fams });
  const enc = new KeyEncoder(true, alphabet.bounds.maxFds);
  const fp = new Uint32Array(2);
  const seen = new FingerprintSet(1 << 10); // states of pairs extended, by canonical key
  const fresh = (): Checker => new Checker(profile, opts.ignore.size ? { ignore: opts.ignore } : {});
  /** Runs ops[from..to) on c (every invariant); null at a violation, which is noted with its trace (pre, then ops). */
  const run = (c: Checker, names: Names, pre: Op[], ops: Op[], from = 0, to = ops.length): Names | null =>
    runOps(c, names, pre, ops, found, () => { n++; }, from, to);
  const more = (): boolean => !tracker.full() && n < opts.splice;
  let lastReport = performance.now();
  const report = (done: boolean): void => {
    const now = performance.now();
    if (!opts.onSplice || (!done && now - lastReport < (opts.progressMs ?? 2000))) return;
    lastReport = now;
    opts.onSplice({ pairs, transitions: n, budget: opts.splice, percent: pct(tracker.edgesReached, tracker.edgesTotal), done });
  };
  // the first trace of a pair is run once (bases[a], null if it breaks a property), each second
  // one from a copy of where it ends; the replayed ops are checked but not counted for coverage
  // (conservative: a transition only a replay takes goes unreported)
  const bases: ({ c: Checker; names: Names } | null | undefined)[] = new Array(wit.length);
  const baseOf = (a: number): { c: Checker; names: Names } | null => {
    if (bases[a] === undefined) {
      const c = fresh();
      const names = run(c, NO_NAMES, [], wit[a]!);
      bases[a] = names === null ? null : { c, names };
    }
    return bases[a]!;
  };
  // the pairs in diagonal order of their ranks (a + b = 1, 2, ..., a ascending within one), so
  // that every witness soon runs first and second: row by row (every b after the longest a, then
  // the next a) spent the default budget on the five longest firsts (explore/README.md)
  const last = wit.length - 1;
  for (let d = 1; d <= 2 * last && more(); d++) {
    for (let a = Math.max(0, d - last); a <= Math.min(d, last) && more(); a++) {
      const b = d - a;
      if (a === b) continue;
      const start = baseOf(a);
      if (start === null) continue;
      const { c: base, names: baseNames } = start;
      pairs++;
      if ((pairs & 63) === 0) report(false);
      // every state along the second trace is extended, not only where it ends: a transition
      // may need a state that the second trace's later ops leave (its task exits, its fd closes)
      let c = base.clone();
      const wb = wit[b]!;
      let names: Names | null = baseNames;
      for (let i = 0; i < wb.length && more(); i++) {
        // each state along the trace is a new object: the tracker names a state's projection by
        // its identity (LifecycleTracker.transition), so a state stepped in place would keep the
        // projection of the one before it (every move of the op that led here counted again, as
        // taken edges or as disagreements: the bug of 0c5b071)
        if (i > 0) c = c.clone();
        names = run(c, names, wit[a]!, wb, i, i + 1);
        if (names === null) break;
        enc.encode(c, names);
        enc.fingerprint(fp);
        if (!seen.add(fp[0]!, fp[1]!)) continue;
        const path = [...wit[a]!, ...wb.slice(0, i + 1)]; // what reached c (a disagreement's trace starts with it)
        n += extend(c, names, path, alphabet, tracker, found);
      }
    }
  }
  report(true);
  return { witnesses: wit.length, pairs, transitions: n };
}

/**
 * The lookahead step, after the splice: each witness's end state (shortest witness first) is
 * extended by two ops, the first of any family of the cone (moverFamilies), the second of the
 * families that are the event of a transition still untaken. A signature cannot see every
 * relation a transition needs (which task's /proc/<pid>/ns directory an fd pins; a dentry or a
 * proc inode left cached by a lookup), so the beams score the op that sets one up as nothing new
 * and cut it, and the witnesses, whose ops name the tasks of their own run, rarely set it up on
 * another witness's objects; here the first op sets it up on the tasks the witness made, and the
 * second is the move. Shortest first: a short witness has few objects, so few ops to try, and
 * what it takes is a short trace. Each state after the first op is extended once (its exact key);
 * stops when every transition is taken or after opts.budget transitions.
 */
export function lookahead(profile: Profile, opts: Pick<CoverOptions, 'bounds' | 'ignore' | 'tracker'> & { budget: number }, witnesses: Op[][], found: Map<string, FoundViolation>): { bases: number; transitions: number } {
  const tracker = opts.tracker;
  const goal = moverFamilies(profile, tracker);
  const cone = moverFamilies(profile);
  const families = new Alphabet(profile, opts.bounds).families.map((f) => f.name as string);
  const fams = families.filter((f) => goal.has(f));
  let n = 0;
  let bases = 0;
  if (fams.length === 0) return { bases, transitions: n };
  const first = new Alphabet(profile, { ...opts.bounds, ops: families.filter((f) => cone.has(f)) });
  const second = new Alphabet(profile, { ...opts.bounds, ops: fams });
  const enc = new KeyEncoder(true, first.bounds.maxFds);
  const fp = new Uint32Array(2);
  const seen = new FingerprintSet(1 << 10); // states after the first op, by canonical key
  const more = (): boolean => !tracker.full() && n < opts.budget;
  const possible = enabledGoals(profile, tracker);
  // shortest first (stable)
  const wit = [...witnesses].sort((x, y) => x.length - y.length);
  for (let w = 0; w < wit.length && more(); w++) {
    const ops = wit[w]!;
    const c = new Checker(profile, opts.ignore.size ? { ignore: opts.ignore } : {});
    const names = runOps(c, NO_NAMES, [], ops, found, () => { n++; });
    if (names === null) continue;
    bases++;
    let spare: Checker | null = null;
    for (const op of first.enumerate(c.spec, names)) {
      if (!more()) break;
      const mid = reuse(spare, c);
      spare = null;
      const res = mid.apply(op);
      n++;
      if (res.violation) { noteViolation(found, [...ops, op], res.violation); continue; }
      if (mid.simUnchanged) { tracker.stutter(); if (mid.sameAs(c)) spare = mid; continue; }
      const path = [...ops, op];
      tracker.transition(c.sim, mid.sim, op, res, ops);
      const midNames = bindNames(names, op, res.spec);
      enc.encode(mid, midNames);
      enc.fingerprint(fp);
      if (!seen.add(fp[0]!, fp[1]!)) continue;
      const can = possible(tracker.last());
      if (can.size === 0) continue;
      n += extend(mid, midNames, path, second, tracker, found, (op2) => can.has(op2.op), (ran) => !tracker.full() && n + ran < opts.budget);
    }
  }
  return { bases, transitions: n };
}
