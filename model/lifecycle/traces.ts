// Covering traces: for every transition of every statechart, the machine's shortest path to it
// (xstate/graph getShortestPaths) is realised as a concrete trace of format v1. The realiser
// searches: random runs over a small alphabet until some object takes exactly that sequence of
// lifecycle moves, then the run is cut there and shrunk (ddmin) while an object still takes it.
// Expects are the spec's outcomes, so the trace replays on spec and sim (and the kernel).
import { getShortestPaths } from 'xstate/graph';
import type { Op, Trace } from '../types.ts';
import type { Profile } from '../profiles.ts';
import { wellFormed } from '../trace.ts';
import { Checker } from '../../properties/harness.ts';
import { Alphabet, bindNames, NO_NAMES } from '../../properties/alphabet.ts';
import type { Bounds, Names } from '../../properties/alphabet.ts';
import { rename } from '../../properties/shrink.ts';
import { counterexampleTrace } from '../../properties/counterexample.ts';
import type { Edge, Lifecycle } from './machines.ts';
import { lifecycles } from './machines.ts';
import type { AllowedTables, Charts, Projection } from './projection.ts';
import { allowedTables, applies, charts, moves, project } from './projection.ts';
import { edgeLabel } from './coverage.ts';
import { realiserSeeds, wholeSeeds } from './seeds.ts';

/** A transition to cover, with the machine's shortest event path to it (from `unborn`). */
export interface CoveringTarget {
  lifecycle: Lifecycle;
  edge: Edge;
  /** Every step of the path, the covered transition last. */
  path: { event: string; to: string }[];
}

/** The targets of a profile: one per applicable transition, from xstate/graph shortest paths. */
export function coveringTargets(profile: Profile, only?: (l: Lifecycle, e: Edge) => boolean): CoveringTarget[] {
  const out: CoveringTarget[] = [];
  for (const l of lifecycles()) {
    if (!applies(l, profile)) continue;
    const edges = l.edges.filter((e) => e.profiles.includes(profile.name));
    const events = [...new Map(edges.map((e) => [`${e.event}>${e.to}`, { type: e.event, to: e.to, profile: profile.name }])).values()];
    const paths = getShortestPaths(l.machine, { events: events as never });
    const toState = new Map<string, { event: string; to: string }[]>();
    for (const p of paths) {
      const steps = p.steps.map((s) => s.event as unknown as { type: string; to?: string }).filter((e) => e.to !== undefined);
      toState.set(String(p.state.value), steps.map((e) => ({ event: e.type, to: e.to! })));
    }
    for (const e of edges) {
      if (only && !only(l, e)) continue;
      const prefix = toState.get(e.from);
      if (prefix) out.push({ lifecycle: l, edge: e, path: [...prefix, { event: e.event, to: e.to }] });
    }
  }
  return out;
}

const keyOf = (l: string, path: readonly { event: string; to: string }[]): string => `${l}:${path.map((p) => `${p.event}>${p.to}`).join(',')}`;

/** Runs ops; calls `hit` with the move sequence of an object each time that object moves. Stops at a violation. */
function track(profile: Profile, ops: readonly Op[], hit: (key: string, step: number) => boolean, cx: Context): { violation: boolean; stoppedAt: number } {
  const c = new Checker(profile);
  const { charts: ch, allowed } = cx;
  let prev: Projection = project(c.sim, ch);
  const born = prev.map((a) => a.length);
  const seqs = new Map<string, { event: string; to: string }[]>();
  for (let i = 0; i < ops.length; i++) {
    const r = c.apply(ops[i]!);
    if (r.violation) return { violation: true, stoppedAt: i };
    const next = project(c.sim, ch);
    for (const m of moves(prev, next, ops[i]!, allowed)) {
      if (m.object < born[m.lifecycle]! || m.edge < 0) continue; // objects of the initial state start mid-life
      const l = ch.lifecycles[m.lifecycle]!;
      const k = `${m.lifecycle}/${m.object}`;
      const seq = seqs.get(k) ?? [];
      seq.push({ event: m.event, to: l.states[m.to]! });
      seqs.set(k, seq);
      if (hit(keyOf(l.id, seq), i)) return { violation: false, stoppedAt: i };
    }
    prev = next;
  }
  return { violation: false, stoppedAt: -1 };
}

/** Whether `ops` make some object take exactly `key`'s move sequence, with no violation on the way. */
function realises(profile: Profile, ops: readonly Op[], key: string, cx: Context = context(profile)): boolean {
  if (!wellFormed(ops)) return false;
  const r = track(profile, ops, (k) => k === key, cx);
  return !r.violation && r.stoppedAt >= 0;
}

/** ddmin: drop chunks, then single ops, while the sequence still realises the target. */
function shrink(profile: Profile, ops: readonly Op[], key: string, cx: Context): Op[] {
  let cur = ops.slice();
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let i = 0; i + chunk <= cur.length;) {
      const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
      if (cand.length > 0 && realises(profile, cand, key, cx)) cur = cand;
      else i++;
    }
  }
  const renamed = rename(cur);
  return realises(profile, renamed, key, cx) ? renamed : cur;
}

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The realiser's alphabet: few tasks, fds and names, the entries the lifecycles need. */
export function realiserBounds(profile: Profile): Partial<Bounds> {
  const want = ['net', 'user', 'pid', 'mnt', 'uts'];
  return {
    maxTasks: 3, maxFds: 4, maxNsNames: 1, mounts: ['@m1'],
    entries: profile.entries.filter((e) => want.includes(e)),
    creds: [{ uid: 1000 }, { dumpable: false }, { dumpable: true }, { caps: [] }],
    flagSets: [[], ['O_PATH']],
    ops: ['spawn', 'unshare', 'setns', 'exit', 'reap', 'cred', 'open', 'close', 'dup', 'pidfd', 'readdir', 'readlink', 'stat', 'nsid', 'ioctl', 'bind', 'umount', 'shrink'],
  };
}

export interface Realised {
  target: CoveringTarget;
  ops: Op[];
}

/**
 * Searches (deterministic for a seed) for every target, coverage-guided: a corpus keeps each
 * run prefix that made some object take a move sequence not seen before, and every try extends
 * a corpus entry with a few random ops. Targets are prefix-closed paths, so the frontier grows
 * towards them. Returns the shrunk op sequences found and the targets not found.
 */
export function realise(profile: Profile, targets: readonly CoveringTarget[], opts: { runs?: number; maxOps?: number; seed?: number } = {}): { found: Realised[]; missing: CoveringTarget[] } {
  const want = new Map<string, CoveringTarget>(targets.map((t) => [keyOf(t.lifecycle.id, t.path), t]));
  const raw = new Map<string, Op[]>();
  const seen = new Set<string>();
  const corpus: Op[][] = [[]];
  const seeds = realiserSeeds(profile);
  const alphabet = new Alphabet(profile, realiserBounds(profile));
  const cx = context(profile);
  const { charts: ch, allowed } = cx;
  const rand = rng(opts.seed ?? 1);
  const maxOps = opts.maxOps ?? 30;
  for (let run = 0; run < (opts.runs ?? 20_000) && raw.size < want.size; run++) {
    const pool = seeds.length > 0 && rand() < 0.5 ? seeds : corpus;
    const base = pool[Math.floor(rand() * pool.length)]!;
    const c = new Checker(profile);
    let names: Names = NO_NAMES;
    let prev: Projection = project(c.sim, ch);
    const born = prev.map((a) => a.length);
    const seqs = new Map<string, string>();
    const ops: Op[] = [];
    const extra = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < base.length + extra && i < maxOps; i++) {
      const op = i < base.length ? base[i]! : alphabet.decode([0, 0, 0, 0, 0].map(() => Math.floor(rand() * 0x10000)), c.spec, names);
      // no binds of mount ns files: 6.18 decides them by namespace ids, so no trace of them
      // replays the same on every kernel run (oracle/README.md, out of scope)
      if (op.op === 'bind' && /\/ns\/mnt$/.test(op.source)) continue;
      ops.push(op);
      const r = c.apply(op);
      if (r.violation) break;
      names = bindNames(names, op, r.spec);
      const next = project(c.sim, ch);
      for (const m of moves(prev, next, op, allowed)) {
        if (m.object < born[m.lifecycle]! || m.edge < 0) continue;
        const l = ch.lifecycles[m.lifecycle]!;
        const k = `${m.lifecycle}/${m.object}`;
        const seq = `${seqs.get(k) ?? `${l.id}:`}${seqs.has(k) ? ',' : ''}${m.event}>${l.states[m.to]}`;
        seqs.set(k, seq);
        if (!seen.has(seq)) {
          seen.add(seq);
          corpus.push(ops.slice());
          if (want.has(seq) && !raw.has(seq)) raw.set(seq, ops.slice());
        }
      }
      prev = next;
    }
  }
  // what random extension left: the whole hand-written traces, as they are
  for (const k of want.keys()) {
    if (raw.has(k)) continue;
    const whole = wholeSeeds(profile).find((ops) => ops.length <= maxOps && realises(profile, ops, k, cx)); // maxOps bounds these too
    if (whole) raw.set(k, whole);
  }
  const found: Realised[] = [];
  for (const [k, ops] of raw) found.push({ target: want.get(k)!, ops: shrink(profile, ops, k, cx) });
  return { found, missing: [...want.entries()].filter(([k]) => !raw.has(k)).map(([, t]) => t) };
}

/** File name of a covering trace: <lifecycle>--<from>--<event>--<to>.json */
export function coveringFileName(t: CoveringTarget): string {
  return `${t.lifecycle.id}--${t.edge.from}--${t.edge.event}--${t.edge.to}.json`;
}

/** The trace of format v1 of a realised target (expects from the spec). */
export function coveringTrace(profile: Profile, r: Realised): Trace {
  const t = counterexampleTrace(profile, r.ops, 'lifecycle', '', {});
  return {
    format: t.format,
    title: `${r.target.lifecycle.id}: ${edgeLabel(r.target.edge)}`,
    profile: profile.name,
    description: `Covers the ${r.target.lifecycle.id} statechart transition ${edgeLabel(r.target.edge)} (${r.target.edge.description}). `
      + `Shortest path of the statechart: ${r.target.path.map((p) => `--${p.event}--> ${p.to}`).join(' ')}.`,
    origin: { generator: 'model/lifecycle/generate.ts', lifecycle: r.target.lifecycle.id, transition: edgeLabel(r.target.edge),
      path: r.target.path.map((p) => `${p.event}>${p.to}`) },
    steps: t.steps.map(({ note: _n, ...s }) => s),
  };
}

/** Whether a trace's ops make some object take its origin's path (for the replay tests). */
export function traceCovers(profile: Profile, ops: readonly Op[], lifecycle: string, path: readonly string[]): boolean {
  return realises(profile, ops, `${lifecycle}:${path.join(',')}`);
}

/** What tracking a run needs, built once per realise / traceCovers call (not per run or op). */
interface Context {
  charts: Charts;
  allowed: AllowedTables;
}

function context(profile: Profile): Context {
  const ch = charts();
  return { charts: ch, allowed: allowedTables(profile, undefined, ch.lifecycles) };
}
