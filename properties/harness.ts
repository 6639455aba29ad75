// The checker every engine drives: it runs one op on the spec and on the simulation, keeps the
// names a trace binds (namespaces named by `nsid ... as`), and checks every invariant and the
// refinement after the op. Engines never look inside ops or states: they call apply().
import type { Op, Outcome } from '../model/types.ts';
import { OP_NAMES } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import type { KState } from '../model/kernel/state.ts';
import { F_NS } from '../model/kernel/state.ts';
import type { SState } from '../model/spec/state.ts';
import { REAPED, RUNNING } from '../model/spec/state.ts';
import { SIM, SPEC } from '../model/step.ts';
import { mapWith } from '../model/records.ts';
import { mayInspect } from '../model/spec/access.ts';
import { file_ns } from '../model/kernel/nsfs.ts';
import { checkState, currentNs, INVARIANT_DOCS, pinnedNs, setnsAllowed, setnsAnswers } from './invariants.ts';
import { parsePath, P_FD, P_NSENTRY } from '../model/kernel/namei.ts';

export interface Violation {
  property: string;
  detail: string;
  step: number;
  /** A violation whose key the caller asked to let pass: the run should stop here quietly. */
  masked?: boolean;
}

const NO_KEYS: ReadonlySet<string> = new Set();

export interface StepResult {
  spec: Outcome;
  sim: Outcome;
  violation: Violation | null;
}

export interface CheckerOptions {
  /** Check the state invariants after every op (the default). */
  invariants?: boolean;
  /** Violation keys (see violationKey) to let pass, so that a search can look for others. */
  ignore?: ReadonlySet<string>;
}

/** The key a violation is masked by: the property, and for refinement the op too. */
export function violationKey(property: string, detail: string): string {
  if (property === 'refinement') return `refinement(${detail.split(':')[0]})`;
  if (property === 'ptrace-gate' && detail.includes(' answered ')) return 'ptrace-gate(errno)';
  return property;
}

/** Every key violationKey gives: each property, ptrace-gate's errno one, refinement's per op. */
export const VIOLATION_KEYS: readonly string[] = [...Object.keys(INVARIANT_DOCS).filter((p) => p !== 'refinement'),
  'ptrace-gate(errno)', ...OP_NAMES.map((op) => `refinement(${op})`)];

/** Two levels in lockstep, with the trace's namespace names bound per level. */
export class Checker {
  readonly profile: Profile;
  spec: SState;
  sim: KState;
  steps = 0;
  // The Maps below are values, as in the model states: replaced on write, shared by clones.
  /** ns name → [spec identity, sim identity] */
  names: ReadonlyMap<string, [string, string]>;
  private simToSpec: ReadonlyMap<string, string>;
  private specToSim: ReadonlyMap<string, string>;
  private readonly checkInvariants: boolean;
  private readonly ignore: ReadonlySet<string>;
  /** Whether the state invariants held after the last op (or at init); false before any check. */
  private passed = false;
  /**
   * The checker this one was cloned from and its step count then, until the first apply(): a
   * successor whose simulation equals that state field for field needs no state-invariant
   * check (the parent passed them, and they are a function of the simulation state alone).
   */
  private origin: Checker | null = null;
  private originSteps = -1;
  /** After apply(): the simulation state this one was compared with (the origin's), or null, and the answer. */
  private simComparedTo: KState | null = null;
  private simSame = false;
  /** After apply(op, true): the state invariants are still to check (settle()). */
  private pending = false;

  constructor(profile: Profile, opts: CheckerOptions = {}, from?: Checker) {
    this.profile = profile;
    if (from) {
      // a copy: the states are cloned, not built anew, and nothing else is allocated (the exhaustive search's hot path)
      this.checkInvariants = from.checkInvariants;
      this.ignore = from.ignore;
      this.spec = SPEC.clone(from.spec);
      this.sim = SIM.clone(from.sim);
      this.names = from.names;
      this.simToSpec = from.simToSpec;
      this.specToSim = from.specToSim;
      this.rewind(from);
    } else {
      this.checkInvariants = opts.invariants ?? true;
      this.ignore = opts.ignore ?? NO_KEYS;
      this.spec = SPEC.init(profile);
      this.sim = SIM.init(profile);
      this.names = new Map();
      this.simToSpec = new Map();
      this.specToSim = new Map();
    }
  }

  /** An independent copy (for engines that branch: exhaustive search). */
  clone(): Checker {
    return new Checker(this.profile, undefined, this);
  }

  /**
   * The state invariants that the last apply(op, true) left to check, checked now: the
   * violation or null (null too when nothing was left). A search that has seen a state may skip
   * this for it: that state passed them when first seen, and they are a function of the
   * simulation state up to the renamings that its keys reduce by (explore/README.md).
   */
  settle(): Violation | null {
    if (!this.pending) return null;
    this.pending = false;
    const st = checkState(this.sim);
    this.passed = st === null;
    return st ? this.breach(st[0], st[1], this.steps - 1) : null;
  }

  /**
   * The step bookkeeping of a fresh clone of `from` (the constructor's for a copy). Called on
   * its own, it makes this checker a fresh clone of `from` again without copying: only after an
   * apply() that left it `sameAs(from)` (equal field for field, both levels and every binding),
   * so only the bookkeeping differs. The exhaustive search applies its next op to it (a third to
   * three fifths of the ops at the default bounds change nothing: each saves a copy of both levels).
   */
  rewind(from: Checker): void {
    this.steps = from.steps;
    this.passed = false;
    this.origin = from.passed ? from : null;
    this.originSteps = from.passed ? from.steps : -1;
    this.simComparedTo = null;
    this.simSame = false;
    this.pending = false;
  }

  /**
   * Whether the last apply() left the simulation field for field as the checker this one was
   * cloned from had it (compared only when that one had passed its checks; false otherwise).
   */
  get simUnchanged(): boolean {
    return this.simSame;
  }

  /** Whether both levels and every binding equal `other`'s (an op that changed nothing). */
  sameAs(other: Checker): boolean {
    return this.names === other.names && this.simToSpec === other.simToSpec && this.specToSim === other.specToSim
      && (this.simComparedTo === other.sim && other.steps === this.originSteps ? this.simSame : SIM.same(this.sim, other.sim))
      && SPEC.same(this.spec, other.spec);
  }

  /** The namespace renaming learnt so far (sim identity → spec identity), for state keys. */
  renaming(): ReadonlyMap<string, string> {
    return this.simToSpec;
  }

  /** The identity a level gives to a namespace name, or undefined. */
  nsIdentity(name: string, level: 'spec' | 'sim'): string | undefined {
    const b = this.names.get(name);
    return b ? b[level === 'spec' ? 0 : 1] : undefined;
  }

  /**
   * One op on both levels, then every check. With `deferState` the state invariants wait for
   * settle() when nothing else broke (the exhaustive search checks them only on states it has
   * not seen); the violation found, if any, is the one apply(op) would report.
   */
  apply(op: Op, deferState = false): StepResult {
    const i = this.steps++;
    let specOp = op;
    let simOp = op;
    if (op.op === 'alive') {
      const b = this.names.get(op.ns);
      specOp = { op: 'alive', ns: b ? b[0] : '-1' };
      simOp = { op: 'alive', ns: b ? b[1] : '-1' };
    }
    const pre = this.preFacts(op);
    const spec = SPEC.apply(this.spec, specOp);
    const sim = SIM.apply(this.sim, simOp);
    const o = this.origin;
    this.origin = null;
    this.simComparedTo = o !== null && o.steps === this.originSteps && o.passed ? o.sim : null;
    this.simSame = this.simComparedTo !== null && SIM.same(this.simComparedTo, this.sim);
    if (op.op === 'nsid' && spec.ns !== undefined && sim.ns !== undefined) this.names = mapWith(this.names, op.as, [spec.ns, sim.ns]);
    const violation = this.judge(op, pre, spec, sim, i, deferState);
    return { spec, sim, violation };
  }

  /** Facts about the pre-state that the step invariants need. */
  private preFacts(op: Op): PreFacts {
    // only the path ops and setns have any: the other ops need no lookup at all
    if (op.op !== 'open' && op.op !== 'stat' && op.op !== 'readlink' && op.op !== 'nsid' && op.op !== 'bind' && op.op !== 'setns') return NO_FACTS;
    const caller = this.spec.byName.get(op.task);
    if (caller === undefined || this.spec.tasks[caller]!.state !== RUNNING) return NO_FACTS;
    const f: PreFacts = { denied: false, gate: '', expectNs: -2, setnsErrno: null };
    const path = op.op === 'bind' ? op.source : op.op === 'setns' ? undefined : op.path;
    if (path !== undefined) {
      const p = parsePath(path);
      if (p && (p.kind === P_NSENTRY || p.kind === P_FD)) {
        const target = this.spec.byName.get(p.task);
        if (target !== undefined && this.spec.tasks[target]!.state !== REAPED) {
          f.denied = !mayInspect(this.spec, caller, target);
          // the ptrace gate must be what answers a denied caller on a listed ns entry
          const listed = p.kind === P_NSENTRY && (this.profile.entries as readonly string[]).includes(p.name);
          const nofollow = op.op === 'open' && (op.flags ?? []).includes('O_NOFOLLOW');
          if (f.denied && listed && op.op !== 'bind') {
            if (!this.profile.magicLinks) f.gate = 'EPERM';
            else if (!nofollow) f.gate = 'EACCES';
          }
          if (p.kind === P_NSENTRY && op.op !== 'readlink') {
            const simTask = this.sim.taskByName.get(p.task);
            if (simTask !== undefined) f.expectNs = currentNs(this.sim, simTask, p.name);
          }
        }
      }
    }
    if (op.op === 'setns') {
      const simTask = this.sim.taskByName.get(op.task);
      if (simTask !== undefined) f.setnsErrno = setnsAllowed(this.sim, simTask, op.fd);
    }
    return f;
  }

  /** The namespace (sim id) that a successful op's result names, or -1. */
  private resultNs(op: Op, sim: Outcome): number {
    if (sim.errno !== undefined) return -1;
    if (sim.ns !== undefined) return Number(sim.ns);
    if (op.op === 'open') {
      const t = this.sim.taskByName.get(op.task)!;
      const fid = this.sim.tasks[t]!.fds.get(op.fd);
      return fid !== undefined && this.sim.files[fid]!.kind === F_NS ? file_ns(this.sim, fid) : -1;
    }
    if (op.op === 'bind') {
      const m = this.sim.mounts[this.sim.mounts.length - 1];
      return m && m.dentry >= 0 ? this.sim.inodes[this.sim.dentries[m.dentry]!.inode]!.ns : -1;
    }
    return -1;
  }

  private judge(op: Op, pre: PreFacts, spec: Outcome, sim: Outcome, step: number, defer: boolean): Violation | null {
    this.pending = false;
    let diff: string | null = null; // the refinement's answer, once asked (refines() learns renamings)
    if (this.checkInvariants) {
      const stepV = this.stepInvariants(op, pre, sim, step);
      if (defer && !this.simSame && stepV === null) {
        diff = this.refines(op, spec, sim);
        // nothing else broke: only the state invariants could, and the caller asks settle() if it keeps the state
        if (diff === '') { this.pending = true; this.passed = false; return null; }
      }
      const st = this.simSame ? null : checkState(this.sim);
      this.passed = st === null;
      if (st && (st[0] === 'no-use-after-put' || st[0] === 'refcount-exact')) return this.breach(st[0], st[1], step);
      if (stepV) return stepV;
      if (st) return this.breach(st[0], st[1], step);
    }
    diff ??= this.refines(op, spec, sim);
    return diff ? this.breach('refinement', diff, step) : null;
  }

  /** The first step invariant the op broke (ptrace-gate, identity, ns-fd-only), or null. */
  private stepInvariants(op: Op, pre: PreFacts, sim: Outcome, step: number): Violation | null {
    const got = this.resultNs(op, sim);
    if (pre.denied && got >= 0) return this.breach('ptrace-gate', `${op.op} reached ${this.sim.ns[got]!.kind} ns ${got} of a task it may not ptrace-read`, step);
    if (pre.gate !== '' && sim.errno !== pre.gate) {
      return this.breach('ptrace-gate', `${op.op} of a task it may not ptrace-read answered ${sim.errno ?? 'success'}, not the gate's ${pre.gate}`, step);
    }
    if (pre.expectNs !== -2 && got >= 0 && got !== pre.expectNs) {
      return this.breach('identity', `${op.op} ${'path' in op ? op.path : ''} gave ns ${got}, but the task's current one is ${pre.expectNs < 0 ? 'none' : pre.expectNs}`, step);
    }
    if (pre.setnsErrno !== null && !setnsAnswers(this.profile, pre.setnsErrno, sim.errno)) return this.breach('ns-fd-only', `setns on a non-namespace fd gave ${sim.errno ?? 'success'}`, step);
    return null;
  }

  /** A violation, marked `masked` when its key is one the caller lets pass. */
  private breach(property: string, detail: string, step: number): Violation {
    const masked = this.ignore.size > 0 && this.ignore.has(violationKey(property, detail));
    return masked ? { property, detail, step, masked: true } : { property, detail, step };
  }

  /** '' when the outcomes agree (namespaces up to a consistent renaming), else what differs. */
  private refines(op: Op, spec: Outcome, sim: Outcome): string {
    if (spec.errno !== sim.errno) return `${op.op}: ${show(spec, sim)}`;
    if (op.op === 'alive' && spec.value === false && sim.value === true) {
      // a profile cache (v3.0 dcache) may hold an unpinned namespace until shrink
      const id = Number(this.nsIdentity(op.ns, 'sim'));
      if (pinnedNs(this.sim)[id] === 2) return '';
    }
    if (spec.value !== sim.value || spec.text !== sim.text) return `${op.op}: ${show(spec, sim)}`;
    if (!sameNames(spec.names, sim.names)) return `${op.op}: ${show(spec, sim)}`;
    if ((spec.ns === undefined) !== (sim.ns === undefined)) return `${op.op}: ${show(spec, sim)}`;
    if (spec.ns !== undefined && sim.ns !== undefined) {
      const a = this.simToSpec.get(sim.ns);
      const b = this.specToSim.get(spec.ns);
      if (a === undefined && b === undefined) {
        this.simToSpec = mapWith(this.simToSpec, sim.ns, spec.ns);
        this.specToSim = mapWith(this.specToSim, spec.ns, sim.ns);
      } else if (a !== spec.ns || b !== sim.ns) {
        return `${op.op} named different namespaces: ${show(spec, sim)}`;
      }
    }
    return '';
  }
}

/** The facts of an op that has none to check (shared: never written). */
const NO_FACTS: PreFacts = Object.freeze({ denied: false, gate: '', expectNs: -2, setnsErrno: null });

interface PreFacts {
  denied: boolean; // the caller fails ptrace_may_access on the path's task
  gate: string; // the errno the ptrace check gives there ('' when something else may answer first)
  expectNs: number; // identity: the namespace the path names now (sim id), -1 none, -2 not applicable
  setnsErrno: 'EBADF' | 'EINVAL' | null;
}

/**
 * Two readdir listings alike, an absent one as an empty one, compared in place. Not
 * records.ts sameNumbers: that one is hot in sameKState on number lists, and string lists
 * through it too cost the whole search 1.7 % (measured, old and new alternating in one process).
 */
function sameNames(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? NO_NAMES_LIST;
  const y = b ?? NO_NAMES_LIST;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
const NO_NAMES_LIST: readonly string[] = [];

function show(spec: Outcome, sim: Outcome): string {
  return `spec ${fmt(spec)}, sim ${fmt(sim)}`;
}

export function fmt(o: Outcome): string {
  if (o.errno) return o.errno;
  const parts: string[] = [];
  if (o.ns !== undefined) parts.push(`ns ${o.ns}`);
  if (o.names) parts.push(`[${o.names.join(' ')}]`);
  if (o.value !== undefined) parts.push(String(o.value));
  if (o.text !== undefined) parts.push(`"${o.text}:[…]"`);
  return parts.length ? `ok ${parts.join(' ')}` : 'ok';
}
