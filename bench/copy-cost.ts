// What a cheaper copy of the search state could save the exhaustive search, before anyone builds
// one. Over the states explore expands at the default bounds (every level but the last), it
// counts how many records a transition's op writes against how many a copy holds, and times,
// warm, a Checker.clone(), the two state copies under it (cloneKState + cloneSState), and the
// floor of any copy-on-write scheme: copying the record arrays alone, every record shared.
// From those it prints what per-record copy-on-write and an in-place engine with an undo log
// would take off each transition, against the whole transition's CPU time at the same bounds.
// Run: npx tsx bench/copy-cost.ts [--profile v6.18] [--rounds 5]
import { cpus, loadavg } from 'node:os';
import { getProfile } from '../model/profiles.ts';
import { closeExplorePool, explore, exploreBounds, exploreDepth } from '../explore/index.ts';
import { expand, Rebuilder, SearchCtx } from '../explore/bfs.ts';
import type { Op } from '../model/types.ts';
import type { Checker } from '../properties/harness.ts';
import type { KState } from '../model/kernel/state.ts';
import type { SState } from '../model/spec/state.ts';
import { cloneKState } from '../model/kernel/state.ts';
import { cloneSState } from '../model/spec/state.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const profile = getProfile(arg('profile', 'v6.18'));
if (!profile) throw new Error(`unknown profile ${arg('profile', 'v6.18')}`);
const rounds = Math.max(1, Number(arg('rounds', '5')));
const bounds = exploreBounds(profile);
const depth = exploreDepth(profile);

const SIM_KINDS = ['tasks', 'pids', 'nsproxies', 'ns', 'files', 'dentries', 'inodes', 'mounts'] as const;
const SPEC_KINDS = ['tasks', 'ns', 'handles', 'mounts'] as const;
type Rec = Record<string, unknown>;

/** Whether a record differs from its old version: a field, or an element of a list field. */
function written(a: Rec | undefined, b: Rec): boolean {
  if (a === undefined) return true;
  for (const k of Object.keys(b)) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return true;
    } else if (x !== y) return true;
  }
  return false;
}

/** Records of both levels that `after` changed or added against `before`, and how many it holds. */
function delta(before: Checker, after: Checker): [number, number] {
  let changed = 0;
  let held = 0;
  const side = (x: Rec, y: Rec, kinds: readonly string[]): void => {
    for (const k of kinds) {
      const xs = x[k] as Rec[];
      const ys = y[k] as Rec[];
      held += ys.length;
      for (let i = 0; i < ys.length; i++) if (written(xs[i], ys[i]!)) changed++;
    }
  };
  side(before.sim as unknown as Rec, after.sim as unknown as Rec, SIM_KINDS);
  side(before.spec as unknown as Rec, after.spec as unknown as Rec, SPEC_KINDS);
  return [changed, held];
}

// the expanded states, level by level, as explore finds them (its own BFS over expand())
const ctx = new SearchCtx(profile, bounds, new Set(), true);
const nodes: Checker[] = [];
let level: Op[][] = [[]];
let transitions = 0;
let unchanged = 0;
let changedRecs = 0;
let heldRecs = 0;
const seen = new Set<string>(); // fingerprints, as explore's visited set: every level
ctx.key(ctx.root());
seen.add(`${ctx.fp[0]}:${ctx.fp[1]}`);
for (let d = 0; d < depth; d++) {
  const rebuild = new Rebuilder(ctx.root());
  const next: Op[][] = [];
  for (const path of level) {
    const node = rebuild.node(path);
    nodes.push(node.c);
    for (const op of ctx.alphabet.enumerate(node.c.spec, node.names)) {
      const c = node.c.clone();
      c.apply(op);
      transitions++;
      const [ch, held] = delta(node.c, c);
      if (ch === 0) unchanged++;
      changedRecs += ch;
      heldRecs += held;
    }
    if (d + 1 < depth) {
      expand(ctx, node, () => seen.has(`${ctx.fp[0]}:${ctx.fp[1]}`), (op) => {
        seen.add(`${ctx.fp[0]}:${ctx.fp[1]}`);
        next.push([...path, op]);
      }, () => {});
    }
  }
  level = next;
}

const shallowK = (s: KState): KState => ({ ...s, tasks: s.tasks.slice(), pids: s.pids.slice(), nsproxies: s.nsproxies.slice(),
  ns: s.ns.slice(), files: s.files.slice(), dentries: s.dentries.slice(), inodes: s.inodes.slice(), mounts: s.mounts.slice() });
const shallowS = (s: SState): SState => ({ ...s, tasks: s.tasks.slice(), ns: s.ns.slice(), handles: s.handles.slice(), mounts: s.mounts.slice() });
/** Median over rounds of the CPU microseconds per call of f over every node (a first round warms up, not counted). */
function time(f: (c: Checker) => number): number {
  const per: number[] = [];
  let sink = 0;
  for (let r = 0; r <= rounds; r++) {
    const c0 = process.cpuUsage();
    for (let k = 0; k < 20; k++) for (const c of nodes) sink += f(c);
    const c = process.cpuUsage(c0);
    if (r > 0) per.push((c.user + c.system) / (20 * nodes.length));
  }
  if (sink < 0) console.log(sink);
  return per.sort((a, b) => a - b)[per.length >> 1]!;
}
const tClone = time((c) => c.clone().steps);
const tStates = time((c) => cloneKState(c.sim).ns.length + cloneSState(c.spec).ns.length);
const tShallow = time((c) => shallowK(c.sim).ns.length + shallowS(c.spec).ns.length);

// the whole transition's CPU time at the same bounds: a warm one-worker search
await explore(profile, { depth, bounds });
const c0 = process.cpuUsage();
const r = await explore(profile, { depth, bounds });
const cu = process.cpuUsage(c0);
await closeExplorePool();
const perTransition = (cu.user + cu.system) / r.transitions;

const copied = 1 - unchanged / transitions; // explore copies a node only for an op after one that changed it
const perRecord = (tStates - tShallow) / (heldRecs / transitions);
const changedPerCopy = changedRecs / (transitions - unchanged);
const cow = copied * (tStates - tShallow - changedPerCopy * perRecord);
const undo = copied * tClone;
const pct = (x: number): string => `${((100 * x) / perTransition).toFixed(1)} %`;
console.log(`# copy cost: ${profile.name}, depth ${depth}, default bounds`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('');
console.log(`expanded states: ${nodes.length}; their transitions: ${transitions}, ${((100 * unchanged) / transitions).toFixed(1)} % of them change no record`);
console.log(`records held per state: ${(heldRecs / transitions).toFixed(1)}; written (changed or added) by an op that changes any: ${changedPerCopy.toFixed(1)}`);
console.log('');
console.log('| CPU us per call, warm (median) | Checker.clone() | cloneKState + cloneSState | record arrays only (copy-on-write floor) |');
console.log('|---|---|---|---|');
console.log(`| ${profile.name} | ${tClone.toFixed(3)} | ${tStates.toFixed(3)} | ${tShallow.toFixed(3)} |`);
console.log('');
console.log(`a whole transition (warm search, ${r.transitions} transitions): ${perTransition.toFixed(2)} CPU us`);
console.log(`per-record copy-on-write would save at most ${cow.toFixed(3)} us per transition (${pct(cow)}),`);
console.log(`an in-place engine with an undo log at most ${undo.toFixed(3)} us (${pct(undo)}), before the cost of its write barrier`);
