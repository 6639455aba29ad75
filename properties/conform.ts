// The differential conformance campaign: random traces (Alphabet.decode over fast-check choice
// sequences, as in random.ts) run in lockstep on the model (spec and simulation, through the
// Checker) and on the live kernel (oracle/KernelBackend). A divergence is the first step where
// the kernel's outcome differs from the spec's; it is shrunk by re-running candidate traces on
// the kernel, and reported with both outcomes side by side. Namespace identities differ
// between model and kernel, so `ns` outcomes are compared up to a consistent bijection.
import fc from 'fast-check';
import type { Op, Outcome, Step, Trace } from '../model/types.ts';
import { TRACE_FORMAT } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { meets, wellFormed } from '../model/trace.ts';
import { KernelBackend } from '../oracle/kernel.ts';
import type { SState } from '../model/spec/state.ts';
import { cloneSState, initialSState, RUNNING, S } from '../model/spec/state.ts';
import { specStep } from '../model/spec/spec.ts';
import { Alphabet, bindNames, DEFAULT_BOUNDS, NO_NAMES } from './alphabet.ts';
import type { Bounds, Names } from './alphabet.ts';
import { Checker, fmt } from './harness.ts';
import { runArbitrary } from './random.ts';
import { rename } from './shrink.ts';
import { asExpect, opOf } from './replay.ts';

/**
 * What conform leaves out of the alphabet, and why (the kernel backend can run all of it, but
 * these would not test the model): `shrink` writes /proc/sys/vm/drop_caches, which is
 * machine-wide, and on v6.18 nothing the model observes depends on the dcache (nsfs dentries
 * are deleted on their last dput).
 */
export const CONFORM_EXCLUDED_OPS: Readonly<Record<string, string>> = {
  shrink: 'drop_caches is machine-wide; on v6.18 no observable outcome depends on the dcache',
};

/** Argument classes conform leaves out (oracle/README.md "Out of scope"), each replaced by a harmless query. */
export const CONFORM_EXCLUDED_ARGS: Readonly<Record<string, string>> = {
  'bind of a /proc/<task>/fd link': 'a bind whose source /proc/<task>/fd/<fd> is an O_PATH|O_NOFOLLOW fd of a ' +
    '/proc/<pid>/fd/<n> link mounts that procfs magic link itself (observed 6.18); the model mounts the links of ' +
    '/proc/<pid>/ns/<x> only (link mounts) and answers EINVAL; replaced by a stat of the same path',
  'bind of another mount namespace': '6.18 mnt_ns_loop compares namespace ids, which come from per-CPU batches, so ' +
    'whether binding the file of another mount ns is EINVAL depends on the CPUs that created them; replaced by a stat',
};

/** The ns entry of link handle `h` through /proc/<pid>/fd jumps; '' for a link of /proc/<pid>/fd itself. */
function linkEntry(s: SState, h: number): string {
  let x = s.handles[h]!;
  while (x.entry === 'jumped') x = s.handles[x.linkHandle]!;
  return x.entry;
}

/** The op conform runs instead of `op` (see CONFORM_EXCLUDED_ARGS), judged on the spec state. */
export function conformOp(op: Op, s: SState): Op {
  if (op.op !== 'bind') return op; // only binds are left out
  const src = op.source;
  const stat: Op = { op: 'stat', task: op.task, path: src };
  const m = /^\/proc\/([^/]+)\/fd\/([^/]+)$/.exec(src);
  if (m) {
    const t = s.byName.get(m[1]!);
    const h = t === undefined ? undefined : s.tasks[t]!.fds.get(m[2]!);
    if (h !== undefined && s.handles[h]!.kind === 'link' && linkEntry(s, h) === '') return stat;
  }
  const caller = s.tasks[s.byName.get(op.task) ?? -1];
  if (!caller || caller.state !== RUNNING || !caller.ns) return op;
  const o = specStep(cloneSState(s), { op: 'nsid', task: op.task, path: op.source, as: '_' });
  if (o.ns === undefined) return op;
  const id = Number(o.ns);
  return s.ns[id]!.kind === 'mnt' && id !== caller.ns[S.mnt] ? stat : op;
}

/**
 * Whether conform runs every op of `ops` as it is: none is a case it leaves out
 * (CONFORM_EXCLUDED_ARGS) at its step. Shrinking keeps to such traces, so that a shrunk
 * divergence is never one of the cases left out.
 */
export function inScope(profile: Profile, ops: readonly Op[]): boolean {
  const s = initialSState(profile);
  for (const op of ops) {
    if (conformOp(op, s) !== op) return false;
    specStep(s, op);
  }
  return true;
}

/** The alphabet bounds a conformance campaign uses (DEFAULT_BOUNDS minus the excluded ops). */
export function conformBounds(profile: Profile, over: Partial<Bounds> = {}): Partial<Bounds> {
  const all = new Alphabet(profile, { ...DEFAULT_BOUNDS, ...over }).families.map((f) => f.name);
  return { ...over, ops: (over.ops ?? all).filter((o) => !(o in CONFORM_EXCLUDED_OPS)) };
}

/** The kernel outcome as the model reports it (an error carries nothing but its errno). */
export function comparable(_op: Op, k: Outcome): Outcome {
  return k.errno !== undefined ? { errno: k.errno } : k;
}

/** A consistent renaming between model and kernel namespace identities. */
export class Bijection {
  private readonly m2k = new Map<string, string>();
  private readonly k2m = new Map<string, string>();

  /** '' when model id `m` and kernel id `k` may be the same namespace (and binds them), else why not. */
  unify(m: string, k: string): string {
    const a = this.m2k.get(m);
    const b = this.k2m.get(k);
    if (a === undefined && b === undefined) {
      this.m2k.set(m, k);
      this.k2m.set(k, m);
      return '';
    }
    if (a === k && b === m) return '';
    return `model ns ${m} is kernel ${a ?? '(none yet)'}, kernel ns ${k} is model ${b ?? '(none yet)'}`;
  }

  kernelOf(m: string): string | undefined {
    return this.m2k.get(m);
  }
}

/** '' when the outcomes agree (namespaces up to the bijection), else what differs. */
export function compareOutcomes(op: Op, model: Outcome, kernel: Outcome, bij: Bijection): string {
  const k = comparable(op, kernel);
  if (model.errno !== k.errno) return 'errno';
  if (model.errno !== undefined) return '';
  if (model.value !== k.value) return 'value';
  if (model.text !== k.text) return 'text';
  if ((model.names ?? []).join('/') !== (k.names ?? []).join('/')) return 'names';
  if ((model.ns === undefined) !== (k.ns === undefined)) return 'ns';
  if (model.ns !== undefined && k.ns !== undefined && bij.unify(model.ns, k.ns) !== '') return 'ns-identity';
  return '';
}

/** One step run on both sides. */
export interface LockstepStep {
  op: Op;
  model: Outcome;
  sim: Outcome;
  kernel: Outcome;
  /** '' when they agree; else errno / value / text / names / ns / ns-identity / invariant. */
  diff: string;
  /** A model-internal violation (spec vs simulation, or an invariant), if any. */
  violation?: string;
}

/** The model (Checker: spec + sim) and a live kernel sandbox, step by step. */
export class Lockstep {
  readonly checker: Checker;
  readonly bij = new Bijection();
  /** ns name (nsid ... as) → kernel identity. */
  readonly kernelNames = new Map<string, string>();
  names: Names = NO_NAMES;

  private constructor(readonly profile: Profile, readonly kernel: KernelBackend) {
    this.checker = new Checker(profile);
  }

  static async start(profile: Profile, settleMs?: number): Promise<Lockstep> {
    const k = new KernelBackend(settleMs === undefined ? {} : { settleMs });
    await k.start();
    return new Lockstep(profile, k);
  }

  stop(): Promise<void> {
    return this.kernel.stop();
  }

  async apply(op: Op): Promise<LockstepStep> {
    const r = this.checker.apply(op);
    const kop: Op = op.op === 'alive' ? { op: 'alive', ns: this.kernelNames.get(op.ns) ?? '-1' } : op;
    const kernel = await this.kernel.apply(kop);
    if (op.op === 'nsid' && kernel.ns !== undefined) this.kernelNames.set(op.as, kernel.ns);
    this.names = bindNames(this.names, op, r.spec);
    let diff = compareOutcomes(op, r.spec, kernel, this.bij);
    const violation = r.violation ? `${r.violation.property}: ${r.violation.detail}` : undefined;
    if (diff === '' && violation) diff = 'invariant';
    return { op, model: r.spec, sim: r.sim, kernel, diff, ...(violation ? { violation } : {}) };
  }
}

/** Runs ops on both sides from a fresh sandbox; stops after the first divergence. */
export async function runBoth(profile: Profile, ops: readonly Op[], settleMs?: number): Promise<{ steps: LockstepStep[]; at: number }> {
  const ls = await Lockstep.start(profile, settleMs);
  const steps: LockstepStep[] = [];
  try {
    for (const op of ops) {
      const st = await ls.apply(op);
      steps.push(st);
      if (st.diff !== '') return { steps, at: steps.length - 1 };
    }
  } finally {
    await ls.stop();
  }
  return { steps, at: -1 };
}

/** What identifies a divergence across runs: the op and both outcomes' kinds. */
export function divergenceKey(st: LockstepStep): string {
  const kind = (o: Outcome) => o.errno ?? 'ok';
  if (st.diff === 'invariant') return `${st.op.op}: model invariant ${st.violation?.split(':')[0] ?? ''}`;
  return `${st.op.op}: model ${kind(st.model)}, kernel ${kind(comparable(st.op, st.kernel))}${st.diff === 'errno' ? '' : ` (${st.diff})`}`;
}

/**
 * Shrinks a diverging op sequence: the prefix up to the divergence, then ddmin-style deletion
 * of chunks and single steps, keeping a candidate when it is well formed and, re-run on the
 * model and the kernel, still diverges with the same key; finally names are renamed t1.., f1...
 */
export async function shrinkDivergence(profile: Profile, ops: readonly Op[], key: string, settleMs?: number): Promise<{ ops: Op[]; runs: number }> {
  let runs = 0;
  // a trace the campaign ran keeps to its scope: no candidate may become a left-out case
  const scoped = inScope(profile, ops);
  const fails = async (c: readonly Op[]): Promise<boolean> => {
    if (c.length === 0 || !wellFormed(c) || (scoped && !inScope(profile, c))) return false;
    runs++;
    const r = await runBoth(profile, c, settleMs);
    return r.at >= 0 && divergenceKey(r.steps[r.at]!) === key;
  };
  let cur = ops.slice();
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1; chunk >>= 1) {
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i + chunk <= cur.length; i++) {
        // never delete the diverging (last) step
        if (i + chunk >= cur.length) break;
        const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
        if (await fails(cand)) {
          cur = cand;
          changed = true;
          i--;
        }
      }
    }
  }
  const renamed = rename(cur);
  return { ops: (await fails(renamed)) ? renamed : cur, runs };
}

/** A diverging step (its op and the three outcomes), with the minimal trace that shows it. */
export interface Divergence extends LockstepStep {
  key: string;
  /** Index of the diverging step in `ops` (the last one). */
  step: number;
  /** The minimal trace's ops and its length before shrinking. */
  ops: Op[];
  shrunkFrom: number;
  /** The run (0-based) that first showed it, and how many runs showed it. */
  run: number;
  count: number;
  seed: number;
  /** The minimal trace, trace format v1, each step expecting what the kernel did. */
  trace: Trace;
}

export interface ConformOptions {
  runs?: number;
  seed?: number;
  maxOps?: number;
  bounds?: Partial<Bounds>;
  /** KernelBackend settleMs (alive on user/pid namespaces). */
  settleMs?: number;
  /** Stop shrinking new divergences after this many distinct ones (they are still counted). */
  maxDivergences?: number;
  onRun?: (run: number, ops: number) => void;
}

export interface ConformResult {
  ok: boolean;
  profile: string;
  runs: number;
  ops: number;
  ms: number;
  seed: number;
  maxOps: number;
  /** Distinct divergences (by key), in order of discovery. */
  divergences: Divergence[];
  /** Ops and argument classes left out of the alphabet, with the reason. */
  excluded: Record<string, string>;
}

/** The trace of format v1 for diverging ops: expects are the kernel's outcomes, notes the model's. */
export function divergenceTrace(profile: Profile, steps: readonly LockstepStep[], title: string, origin: Record<string, unknown>): Trace {
  const nameOf = (names: Map<string, string>) => (id: string) => {
    for (const [n, v] of names) if (v === id) return n;
    return undefined;
  };
  const kNames = new Map<string, string>();
  const out: Step[] = steps.map((st, i) => {
    if (st.op.op === 'nsid' && st.kernel.ns !== undefined) kNames.set(st.op.as, st.kernel.ns);
    const step: Step = { ...st.op, expect: asExpect(comparable(st.op, st.kernel), nameOf(kNames)) };
    if (i === steps.length - 1 && st.diff !== '') {
      step.note = `kernel ${fmt(comparable(st.op, st.kernel))}, model ${fmt(st.model)}${st.violation ? ` (${st.violation})` : ''}`;
    }
    return step;
  });
  return { format: TRACE_FORMAT, title, profile: profile.name, origin, steps: out };
}

/** The campaign: `runs` random traces of up to `maxOps` ops on the model and the kernel. */
export async function conform(profile: Profile, opts: ConformOptions = {}): Promise<ConformResult> {
  const runs = opts.runs ?? 200;
  const seed = opts.seed ?? 7;
  const maxOps = opts.maxOps ?? 12;
  const maxDiv = opts.maxDivergences ?? 20;
  const alphabet = new Alphabet(profile, conformBounds(profile, opts.bounds));
  const samples = fc.sample(runArbitrary(maxOps), { seed, numRuns: runs });
  const found = new Map<string, Divergence>();
  let ops = 0;
  const t0 = performance.now();
  for (let run = 0; run < samples.length; run++) {
    const ls = await Lockstep.start(profile, opts.settleMs);
    const done: LockstepStep[] = [];
    try {
      for (const c of samples[run]!) {
        const op = conformOp(alphabet.decode(c, ls.checker.spec, ls.names), ls.checker.spec);
        const st = await ls.apply(op);
        done.push(st);
        if (st.diff !== '') break;
      }
    } finally {
      await ls.stop();
    }
    ops += done.length;
    opts.onRun?.(run, done.length);
    const last = done[done.length - 1];
    if (!last || last.diff === '') continue;
    const key = divergenceKey(last);
    const seen = found.get(key);
    if (seen) {
      seen.count++;
      continue;
    }
    const all = done.map((d) => d.op);
    const small = found.size < maxDiv ? (await shrinkDivergence(profile, all, key, opts.settleMs)).ops : all;
    const again = await runBoth(profile, small, opts.settleMs);
    const steps = again.at >= 0 ? again.steps : done;
    const at = steps[steps.length - 1]!;
    const minimal = steps.map((s) => s.op);
    found.set(key, {
      key, step: minimal.length - 1, op: at.op, model: at.model, sim: at.sim, kernel: comparable(at.op, at.kernel), diff: at.diff,
      ...(at.violation ? { violation: at.violation } : {}),
      ops: minimal, shrunkFrom: all.length, run, count: 1, seed,
      trace: divergenceTrace(profile, steps, `conform ${profile.name}: ${key}`, { command: 'conform', seed, run, shrunkFrom: all.length }),
    });
  }
  return {
    ok: found.size === 0, profile: profile.name, runs: samples.length, ops, ms: performance.now() - t0, seed, maxOps,
    divergences: [...found.values()], excluded: { ...CONFORM_EXCLUDED_OPS, ...CONFORM_EXCLUDED_ARGS },
  };
}

/** One step of a trace replayed on the kernel, beside its expectation. */
export interface KernelReplayStep {
  index: number;
  step: Step;
  outcome: Outcome;
  met: boolean;
}

/** Replays a trace on the live kernel; `met` judges each outcome against its expect. */
export async function replayKernel(trace: Trace, settleMs?: number): Promise<{ steps: KernelReplayStep[]; mismatches: number[] }> {
  const k = new KernelBackend(settleMs === undefined ? {} : { settleMs });
  await k.start();
  const names = new Map<string, string>();
  const steps: KernelReplayStep[] = [];
  const mismatches: number[] = [];
  try {
    for (const [index, step] of trace.steps.entries()) {
      let op = opOf(step);
      if (op.op === 'alive') op = { op: 'alive', ns: names.get(op.ns) ?? '-1' };
      const outcome = await k.apply(op);
      if (op.op === 'nsid' && outcome.ns !== undefined) names.set(op.as, outcome.ns);
      const met = meets(step.expect, outcome, (n) => names.get(n));
      if (!met) mismatches.push(index);
      steps.push({ index, step, outcome, met });
    }
  } finally {
    await k.stop();
  }
  return { steps, mismatches };
}
