// The one step function every engine uses (random checking, exhaustive search, trace replay,
// coverage): step(state, op) -> { state', outcome }, pure and deterministic, for either level
// of the model: the spec (model/spec) and the kernel simulation (model/kernel).
import type { Op, Outcome } from './types.ts';
import type { Profile } from './profiles.ts';
import type { KState } from './kernel/state.ts';
import { cloneKState, initialKState, sameKState } from './kernel/state.ts';
import { simStep } from './kernel/sim.ts';
import type { SState } from './spec/state.ts';
import { cloneSState, initialSState, sameSState } from './spec/state.ts';
import { specStep } from './spec/spec.ts';

/** A level of the model. `apply` mutates its state; `step` is the pure form. */
export interface Level<S> {
  readonly name: 'spec' | 'sim';
  init(profile: Profile): S;
  clone(s: S): S;
  /** Equal field for field (conservative: false when unsure). */
  same(a: S, b: S): boolean;
  apply(s: S, op: Op): Outcome;
}

export const SPEC: Level<SState> = { name: 'spec', init: initialSState, clone: cloneSState, same: sameSState, apply: specStep };
export const SIM: Level<KState> = { name: 'sim', init: initialKState, clone: cloneKState, same: sameKState, apply: simStep };

/** The pure step: the old state is left as it was. */
export function step<S>(level: Level<S>, s: S, op: Op): { state: S; outcome: Outcome } {
  const next = level.clone(s);
  const outcome = level.apply(next, op);
  return { state: next, outcome };
}
