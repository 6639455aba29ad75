// Lifecycle coverage of runs: which states and transitions of each statechart the runs reached,
// and every step where an object moved along a transition its statechart does not allow (a
// disagreement between the statecharts and the model: a bug in one of them).
import type { KState } from '../kernel/state.ts';
import type { Op, Outcome } from '../types.ts';
import type { Profile } from '../profiles.ts';
import type { Edge } from './machines.ts';
import type { Lifecycle } from './machines.ts';
import type { AllowedTables, Charts, Move, Projection } from './projection.ts';
import { allowedTables, applies, charts, describeMove, INVALID, moves, NONE, project, stateName } from './projection.ts';

export interface Disagreement {
  lifecycle: string;
  object: number;
  from: string;
  event: string;
  to: string;
  detail: string;
  /** The run's ops up to and including the step. */
  ops: Op[];
}

export interface MachineCoverage {
  id: string;
  title: string;
  states: { reached: number; total: number; percent: number; missed: string[] };
  transitions: { reached: number; total: number; percent: number; missed: string[] };
}

/** A tracker's counts as plain data (what a worker thread sends: LifecycleTracker.take, mergeData). */
export interface TrackerData {
  runs: number;
  steps: number;
  stateHits: number[][];
  edgeHits: number[][];
  disagreements: Disagreement[];
  /** The first trace that took each transition these counts took (LifecycleTracker.firsts). */
  firsts: FirstTaken[];
}

/** The ops (from the initial state) of the first run or search path that took a statechart transition. */
export interface FirstTaken {
  lifecycle: number;
  edge: number;
  ops: Op[];
}

export interface CoverageSummary {
  profile: string;
  runs: number;
  steps: number;
  /** Transitions reached over all applicable statecharts, in percent. */
  percent: number;
  machines: MachineCoverage[];
  disagreements: Disagreement[];
}

const NO_MOVES: Move[] = [];
const NO_OPS: readonly Op[] = [];
/** a of b in percent, rounded down to a tenth (every coverage figure). */
export const pct = (a: number, b: number): number => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);

/** "from --event--> to" */
export function edgeLabel(e: { from: string; event: string; to: string }): string {
  return `${e.from} --${e.event}--> ${e.to}`;
}

/**
 * Records the lifecycle moves of runs. Feed it the sim state at the start of a run and after
 * every op (the shape of an observer of properties/random.ts play()); read summary().
 */
export class LifecycleTracker {
  readonly profile: Profile;
  readonly stateHits: Uint32Array[];
  readonly edgeHits: Uint32Array[];
  readonly disagreements: Disagreement[] = [];
  runs = 0;
  steps = 0;
  /** How many distinct transitions have been taken so far (a search's progress measure). */
  edgesReached = 0;
  /**
   * For each transition taken, in the order they were first taken: the ops that took it, from
   * the initial state (a search's path to the pre-state, then the op). explore's splice step
   * combines them (explore/cover.ts). Merged in order (mergeData), so a search split into chunks
   * that are merged in BFS order keeps the one-thread search's list.
   */
  readonly firsts: FirstTaken[] = [];
  /** The transitions of the statecharts that apply to the profile. */
  readonly edgesTotal: number;
  /** Its own statecharts, built once (stateHits and edgeHits index them). */
  readonly lifecycles: readonly Lifecycle[];
  private readonly charts: Charts;
  private readonly allowed: AllowedTables;
  private readonly seen = new Set<string>();
  private prev: Projection = [];
  private fromState: KState | null = null;
  private fromProj: Projection = [];
  private ops: Op[] = [];
  /** Whether the search's first state was visited (transition() visits it before the first edge). */
  private started = false;
  /** transition(): the ops that reached its pre-state (a disagreement's trace is these, then `ops`). */
  private before: readonly Op[] = NO_OPS;
  private readonly buf: Move[] = [];

  /** `drop`: transitions to take out of the statecharts (to test that the property catches it). */
  constructor(profile: Profile, readonly maxDisagreements = 8, drop?: (lifecycle: string, e: Edge) => boolean) {
    this.profile = profile;
    this.charts = charts();
    this.lifecycles = this.charts.lifecycles;
    this.allowed = allowedTables(profile, drop, this.lifecycles);
    this.stateHits = this.lifecycles.map((l) => new Uint32Array(l.states.length));
    this.edgeHits = this.lifecycles.map((l) => new Uint32Array(l.edges.length));
    this.edgesTotal = this.lifecycles.reduce((a, l) => a + (applies(l, profile) ? l.edges.filter((e) => e.profiles.includes(profile.name)).length : 0), 0);
  }

  /** Whether every transition of every applicable statechart has been taken. */
  full(): boolean {
    return this.edgesReached >= this.edgesTotal;
  }

  /** A run begins at this state. */
  start(c: { sim: KState }): void {
    this.runs++;
    this.ops = [];
    this.before = NO_OPS;
    this.prev = project(c.sim, this.charts);
    this.visit(this.prev);
  }

  /**
   * `op` has just been applied; the state is its post-state. Returns the moves not allowed.
   * Fast path: a pure read (lseek, read, alive), or an op that failed in the simulation and
   * allocated nothing, is taken to move nothing (the invariants check its refcounts).
   */
  step(c: { sim: KState }, op: Op, result?: { sim: Outcome }): Move[] {
    this.steps++;
    this.ops.push(op);
    const s = c.sim;
    if (op.op === 'lseek' || op.op === 'read' || op.op === 'alive') return NO_MOVES;
    if (result?.sim.errno !== undefined && this.sizes(s)) return NO_MOVES;
    const next = project(s, this.charts);
    this.buf.length = 0;
    const ms = moves(this.prev, next, op, this.allowed, this.buf);
    const bad: Move[] = [];
    for (const m of ms) {
      if (m.edge >= 0) {
        if (this.edgeHits[m.lifecycle]![m.edge]!++ === 0) {
          this.edgesReached++;
          this.firsts.push({ lifecycle: m.lifecycle, edge: m.edge, ops: [...this.before, ...this.ops] });
        }
        this.stateHits[m.lifecycle]![m.from]!++; // `unborn` is reached by leaving it
      } else bad.push(m);
      if (m.to < NONE) this.stateHits[m.lifecycle]![m.to]!++;
    }
    for (const m of bad) this.disagree(m);
    this.prev = next;
    return bad;
  }

  /**
   * One edge of a state graph (exhaustive search): `op` led from `before` to `after`. The
   * projection of `before` is kept for its next successor (a search expands a node's
   * successors one after another; states are values, never changed after their step, so the
   * object identity of `before` names its projection). `path`: the ops that reached `before`
   * from the initial state, the start of a disagreement's trace (kept, not copied: a search's
   * paths are never changed).
   */
  transition(before: KState, after: KState, op: Op, result?: { sim: Outcome }, path: readonly Op[] = NO_OPS): Move[] {
    if (before !== this.fromState) {
      this.fromState = before;
      this.fromProj = project(before, this.charts);
    }
    this.prev = this.fromProj;
    if (!this.started) {
      this.started = true;
      this.visit(this.prev);
    }
    this.ops = [];
    this.before = path;
    return this.step({ sim: after }, op, result);
  }

  /**
   * A transition of a search (see transition()) whose post-state equals its pre-state in the
   * simulation: the projection is a function of that state, so no object moves. Counted as a
   * step, nothing projected; only after a first transition() (which visits the initial state).
   */
  stutter(): void {
    this.steps++;
    this.ops = [];
  }

  /** The projection of the state the last step or transition ended in. */
  last(): Projection {
    return this.prev;
  }

  /** Whether no object array grew since the last projection. */
  private sizes(s: KState): boolean {
    const p = this.prev;
    return p[0]!.length === s.ns.length && p[1]!.length === s.files.length && p[2]!.length === s.mounts.length
      && p[3]!.length === s.tasks.length && (!s.profile.procInodePerLookup || p[4]!.length === s.inodes.length);
  }

  private visit(p: Projection): void {
    for (let l = 0; l < p.length; l++) for (const st of p[l]!) if (st < NONE) this.stateHits[l]![st]!++;
  }

  private disagree(m: Move): void {
    const l = this.lifecycles[m.lifecycle]!;
    const from = stateName(l, m.from);
    const to = stateName(l, m.to);
    const key = `${l.id}|${from}|${m.event}|${to}`;
    if (this.seen.has(key) || this.disagreements.length >= this.maxDisagreements) return;
    this.seen.add(key);
    const why = m.to === INVALID ? 'the object reached a state that no statechart state describes'
      : m.from === INVALID ? 'the object was in a state that no statechart state describes'
        : `the ${l.id} statechart has no such transition on ${this.profile.name}`;
    this.disagreements.push({ lifecycle: l.id, object: m.object, from, event: m.event, to, detail: `${describeMove(m, this.lifecycles)}: ${why}`, ops: [...this.before, ...this.ops] });
  }

  /** Coverage per applicable statechart, with what was never reached. */
  summary(): CoverageSummary {
    const machines: MachineCoverage[] = [];
    let reached = 0;
    let total = 0;
    this.lifecycles.forEach((l, li) => {
      if (!applies(l, this.profile)) return;
      const states = l.states.filter((s) => l.stateProfiles[s]!.includes(this.profile.name));
      const sMissed = states.filter((s) => this.stateHits[li]![l.states.indexOf(s)] === 0);
      const edges = l.edges.map((e, k) => ({ e, k })).filter(({ e }) => e.profiles.includes(this.profile.name));
      const eMissed = edges.filter(({ k }) => this.edgeHits[li]![k] === 0).map(({ e }) => edgeLabel(e));
      const sReached = states.length - sMissed.length;
      machines.push({
        id: l.id, title: l.title,
        states: { reached: sReached, total: states.length, percent: pct(sReached, states.length), missed: sMissed },
        transitions: { reached: edges.length - eMissed.length, total: edges.length, percent: pct(edges.length - eMissed.length, edges.length), missed: eMissed },
      });
      reached += edges.length - eMissed.length;
      total += edges.length;
    });
    return { profile: this.profile.name, runs: this.runs, steps: this.steps, percent: pct(reached, total), machines, disagreements: this.disagreements };
  }

  /** A search begins at `s`: its projection is visited now, once (transition() would visit its first pre-state). */
  searchFrom(s: KState): void {
    if (this.started) return;
    this.started = true;
    this.visit(project(s, this.charts));
  }

  /**
   * A tracker that takes up a search another one began (a worker thread's share of explore's
   * levels): the search's first state was visited there, so transition() does not visit the
   * first state it is given.
   */
  continued(): this {
    this.started = true;
    return this;
  }

  /** The counts so far as data, and this tracker's counts back to zero (a worker sends them after each chunk). */
  take(): TrackerData {
    const d: TrackerData = { runs: this.runs, steps: this.steps, stateHits: this.stateHits.map((h) => [...h]),
      edgeHits: this.edgeHits.map((h) => [...h]), disagreements: this.disagreements.splice(0), firsts: this.firsts.splice(0) };
    this.runs = 0;
    this.steps = 0;
    this.edgesReached = 0;
    for (const h of this.stateHits) h.fill(0);
    for (const h of this.edgeHits) h.fill(0);
    return d;
  }

  /** Adds another tracker's counts (same profile). */
  merge(o: LifecycleTracker): void {
    this.mergeData(o);
  }

  /** Adds counts taken from a tracker of the same profile (take(), or a tracker itself). */
  mergeData(o: { runs: number; steps: number; stateHits: ArrayLike<number>[]; edgeHits: ArrayLike<number>[]; disagreements: readonly Disagreement[]; firsts: readonly FirstTaken[] }): void {
    // a transition these counts took first is one this tracker had not taken (before the counts are added)
    for (const f of o.firsts) if (this.edgeHits[f.lifecycle]![f.edge] === 0) this.firsts.push(f);
    this.runs += o.runs;
    this.steps += o.steps;
    o.stateHits.forEach((h, l) => { for (let i = 0; i < h.length; i++) this.stateHits[l]![i]! += h[i]!; });
    o.edgeHits.forEach((h, l) => {
      for (let i = 0; i < h.length; i++) {
        const v = h[i]!;
        if (v > 0 && this.edgeHits[l]![i] === 0) this.edgesReached++;
        this.edgeHits[l]![i]! += v;
      }
    });
    for (const d of o.disagreements) {
      const key = `${d.lifecycle}|${d.from}|${d.event}|${d.to}`;
      if (!this.seen.has(key) && this.disagreements.length < this.maxDisagreements) { this.seen.add(key); this.disagreements.push(d); }
    }
  }
}

/** Human lines: one per statechart, then what was missed and any disagreement. */
export function coverageLines(c: CoverageSummary, indent = '  ', note: (machine: string, edge: string) => string = () => ''): string[] {
  const out = [`${indent}lifecycle coverage: ${c.percent}% of transitions (${c.machines.length} statecharts, ${c.steps} steps)`];
  for (const m of c.machines) {
    out.push(`${indent}  ${m.id.padEnd(10)} states ${m.states.reached}/${m.states.total} (${m.states.percent}%), transitions ${m.transitions.reached}/${m.transitions.total} (${m.transitions.percent}%)`);
    if (m.states.missed.length) out.push(`${indent}    never reached states: ${m.states.missed.join(', ')}`);
    for (const e of m.transitions.missed) out.push(`${indent}    never taken: ${e}${note(m.id, e)}`);
  }
  for (const d of c.disagreements) out.push(`${indent}  DISAGREEMENT ${d.detail} (after ${d.ops.length} ops)`);
  return out;
}

/** The Markdown section of a report. */
export function coverageMarkdown(c: CoverageSummary, mdTable: (h: readonly string[], r: readonly (readonly unknown[])[]) => string): string[] {
  return [
    '## Lifecycle coverage', '',
    `${c.percent}% of the statecharts' transitions reached (${c.steps} steps). See \`procns spec\` for the diagrams.`, '',
    mdTable(['statechart', 'states', 'transitions', 'never reached'], c.machines.map((m) => [
      m.id, `${m.states.reached}/${m.states.total} (${m.states.percent}%)`, `${m.transitions.reached}/${m.transitions.total} (${m.transitions.percent}%)`,
      [...m.states.missed.map((s) => `state ${s}`), ...m.transitions.missed].join('; ') || '-',
    ])), '',
    ...(c.disagreements.length ? ['### Disagreements between the statecharts and the model', '',
      ...c.disagreements.map((d) => `- ${d.detail} (after ${d.ops.length} ops)`), ''] : []),
  ];
}

/** JSON form for output documents: the summary, with each disagreement's ops kept. */
export function coverageJson(c: CoverageSummary): Record<string, unknown> {
  return { ...c };
}
