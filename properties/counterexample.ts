// Turning a failing op sequence into a trace of format v1: each step expects what the spec
// says must happen, and the failing step carries a note with what the simulation did.
import type { Op, Step, Trace } from '../model/types.ts';
import { TRACE_FORMAT } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { Checker, fmt } from './harness.ts';
import { asExpect } from './replay.ts';

export function counterexampleTrace(
  profile: Profile, ops: readonly Op[], property: string, detail: string, origin: Record<string, unknown>,
): Trace {
  const checker = new Checker(profile);
  const steps: Step[] = [];
  let broke = false;
  for (const op of ops) {
    const r = checker.apply(op);
    const nameOf = (id: string): string | undefined => {
      for (const [name, [spec]] of checker.names) if (spec === id) return name;
      return undefined;
    };
    const step: Step = { ...op, expect: asExpect(r.spec, nameOf) };
    if (r.violation && !broke) {
      broke = true;
      step.note = `${r.violation.property}: ${r.violation.detail} (spec ${fmt(r.spec)}, sim ${fmt(r.sim)})`;
    }
    steps.push(step);
  }
  return {
    format: TRACE_FORMAT,
    title: `${property} on ${profile.name}: ${detail}`,
    profile: profile.name,
    origin: { property, ...origin },
    steps,
  };
}
