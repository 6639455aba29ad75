// Writes scenarios/generated/: one covering trace per statechart transition (see traces.ts).
// Each transition is realised on the first profile of PREFERENCE that has it.
// Run: npx tsx model/lifecycle/generate.ts [--runs N=80000] [--check]   (--check: compare, write nothing)
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES } from '../profiles.ts';
import type { Profile, ProfileName } from '../profiles.ts';
import type { Trace } from '../types.ts';
import { replayTraces } from './corpus.ts';
import { edgeLabel, LifecycleTracker } from './coverage.ts';
import { applies } from './projection.ts';
import { coveringFileName, coveringTargets, coveringTrace, realise } from './traces.ts';
import type { Realised } from './traces.ts';

export const GENERATED_DIR = join('scenarios', 'generated');
export const PREFERENCE: readonly ProfileName[] = ['v6.18', 'v3.0', 'v3.8', 'seed'];

/** The transitions of `profile` that no trace of `files` takes when replayed on it (as `check` replays them all). */
function untakenOn(profile: Profile, files: ReadonlyMap<string, string>): Set<string> {
  const t = new LifecycleTracker(profile);
  replayTraces(profile, t, [...files.values()].map((text) => JSON.parse(text) as Trace));
  const out = new Set<string>();
  t.lifecycles.forEach((l, li) => l.edges.forEach((e, k) => {
    if (e.profiles.includes(profile.name) && applies(l, profile) && t.edgeHits[li]![k] === 0) out.add(`${l.id}:${edgeLabel(e)}`);
  }));
  return out;
}

/**
 * Generates every covering trace; returns file → JSON text, and the transitions not realised.
 * First each transition on the first profile of PREFERENCE that has it; then, per profile, each
 * transition that none of those traces takes when replayed on that profile (`check` replays
 * every trace on the profile it checks, and a v6.18 trace often means nothing on the seed).
 */
export function generateAll(runs: number): { files: Map<string, string>; missing: string[] } {
  const files = new Map<string, string>();
  const missing: string[] = [];
  const done = new Set<string>();
  const add = (name: ProfileName, rs: readonly Realised[]): void => {
    for (const r of rs) files.set(join(name, coveringFileName(r.target)), `${JSON.stringify(coveringTrace(PROFILES[name], r), null, 2)}\n`);
  };
  for (const name of PREFERENCE) {
    const profile = PROFILES[name];
    const targets = coveringTargets(profile, (l, e) => !done.has(`${l.id}:${edgeLabel(e)}`));
    const { found, missing: miss } = realise(profile, targets, { runs, seed: 1 });
    for (const r of found) done.add(`${r.target.lifecycle.id}:${edgeLabel(r.target.edge)}`);
    add(name, found);
    for (const t of miss) missing.push(`${name} ${t.lifecycle.id}: ${edgeLabel(t.edge)}`);
  }
  // a transition realised on a later profile is not missing
  const left = missing.filter((m) => !done.has(m.slice(m.indexOf(' ') + 1).replace(': ', ':')));
  for (const name of PREFERENCE) {
    const profile = PROFILES[name];
    const untaken = untakenOn(profile, files);
    if (untaken.size === 0) continue;
    const { found, missing: miss } = realise(profile, coveringTargets(profile, (l, e) => untaken.has(`${l.id}:${edgeLabel(e)}`)), { runs, seed: 1 });
    add(name, found);
    for (const t of miss) {
      const m = `${name} ${t.lifecycle.id}: ${edgeLabel(t.edge)}`;
      if (!left.includes(m)) left.push(`${m} (realised on another profile only)`);
    }
  }
  return { files, missing: left };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 80_000;
  const t0 = performance.now();
  const { files, missing } = generateAll(runs);
  if (process.argv.includes('--check')) {
    let stale = 0;
    for (const [f, text] of files) {
      let old = '';
      try { old = readFileSync(join(GENERATED_DIR, f), 'utf8'); } catch { /* new */ }
      if (old !== text) { stale++; process.stdout.write(`differs: ${f}\n`); }
    }
    process.stdout.write(`${files.size} traces, ${stale} differ\n`);
  } else {
    rmSync(GENERATED_DIR, { recursive: true, force: true });
    for (const [f, text] of files) {
      mkdirSync(join(GENERATED_DIR, f, '..'), { recursive: true });
      writeFileSync(join(GENERATED_DIR, f), text);
    }
    process.stdout.write(`wrote ${files.size} traces to ${GENERATED_DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    for (const d of readdirSync(GENERATED_DIR)) process.stdout.write(`  ${d}: ${readdirSync(join(GENERATED_DIR, d)).length}\n`);
  }
  for (const m of missing) process.stdout.write(`not realised: ${m}\n`);
}
