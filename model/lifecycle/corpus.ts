// The committed covering traces (scenarios/generated) as a coverage corpus: `check` replays
// their ops on its profile after the random runs, so what it reports covered was exercised.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Op, Trace } from '../types.ts';
import type { Profile } from '../profiles.ts';
import { Checker } from '../../properties/harness.ts';
import { opOf } from '../../properties/replay.ts';
import type { LifecycleTracker } from './coverage.ts';

/** scenarios/generated, located from this file (no absolute paths in the project). */
export const GENERATED_ROOT = fileURLToPath(new URL('../../scenarios/generated/', import.meta.url));

/** Every generated covering trace, with its file name relative to scenarios/generated. */
export function coveringTraces(): { file: string; trace: Trace }[] {
  const out: { file: string; trace: Trace }[] = [];
  let dirs: string[] = [];
  try { dirs = readdirSync(GENERATED_ROOT).sort(); } catch { return out; }
  for (const d of dirs) {
    for (const f of readdirSync(join(GENERATED_ROOT, d)).filter((x) => x.endsWith('.json')).sort()) {
      out.push({ file: join(d, f), trace: JSON.parse(readFileSync(join(GENERATED_ROOT, d, f), 'utf8')) as Trace });
    }
  }
  return out;
}

/** Replays every covering trace's ops on `profile` into `tracker`; returns how many traces ran. */
export function replayCorpus(profile: Profile, tracker: LifecycleTracker): number {
  const traces = coveringTraces();
  replayTraces(profile, tracker, traces.map((t) => t.trace));
  return traces.length;
}

/** Replays the traces' ops on `profile` into `tracker`, each as a run (no invariants: coverage only). */
export function replayTraces(profile: Profile, tracker: LifecycleTracker, traces: Iterable<Trace>): void {
  for (const trace of traces) {
    const c = new Checker(profile, { invariants: false });
    tracker.start(c);
    for (const step of trace.steps) {
      const op: Op = opOf(step);
      tracker.step(c, op, c.apply(op));
    }
  }
}

/**
 * For each statechart transition with a committed covering trace on `profile`: that trace's
 * length and file, keyed "<lifecycle>: <from --event--> to>". Tells a user who sees a transition
 * never taken how deep a search would have to go (the traces are short, not always shortest).
 */
export function coveringLengths(profile: Profile): Map<string, { ops: number; file: string }> {
  const out = new Map<string, { ops: number; file: string }>();
  for (const { file, trace } of coveringTraces()) {
    const o = trace.origin as { lifecycle?: string; transition?: string } | undefined;
    if (trace.profile !== profile.name || !o?.lifecycle || !o.transition) continue;
    const key = `${o.lifecycle}: ${o.transition}`;
    const had = out.get(key);
    if (!had || trace.steps.length < had.ops) out.set(key, { ops: trace.steps.length, file: join('scenarios', 'generated', file) });
  }
  return out;
}
