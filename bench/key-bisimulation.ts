// The symmetry-reduced key as a bisimulation, checked on every state within bounds larger than
// explore's defaults (explore/key-audit.ts says how): states kept apart by the key without
// symmetry, grouped by the symmetric one, and each group's members compared on checkState,
// allLive, every op's outcome and their successors up to isomorphism.
//
// Run (from the repository root):
//   npx tsx bench/key-bisimulation.ts                       # all profiles, larger bounds, depth 3, 30k states
//   npx tsx bench/key-bisimulation.ts --defaults --depth auto --max-states 1000000   # explore's defaults
//   npx tsx bench/key-bisimulation.ts --depth 4 --max-states 50000 --shuffle 1
//   npx tsx bench/key-bisimulation.ts --depth 7 --beam 300 --max-fds 3 --max-states 40000
// Flags: --profile P[,P..] (default all four), --depth D (3; 'auto': exploreDepth, 4 on seed and
// v3.0, 3 on v3.8 and v6.18), --max-states N per profile (30000), --max-tasks N (2), --max-fds N
// (2), --max-ns-names N (2), --mounts @m1,@m2, --ops a,b,.. (only these op families),
// --defaults (exploreBounds(profile) with no overrides), --max-pairs N (no cap), --show N
// (examples printed per kind of difference, 2), --no-minimise, --json (one summary document),
// --shuffle SEED (each level expanded in a seeded random order: the cap keeps a sample),
// --beam N (at most N nodes of each level expanded, a seeded sample: deeper levels within the
// cap; implies --shuffle 1), --completeness (also count the kept states' classes under the
// complete key: what a complete canonical form would merge), --inject cred|mount-target|fd-last
// (a known unsoundness put into the key: the check must fail).
// Exit code: 0 no difference, 1 differences found, 2 bad usage.
import { pathToFileURL } from 'node:url';
import { getProfile, PROFILE_NAMES } from '../model/profiles.ts';
import type { Bounds } from '../properties/alphabet.ts';
import { INJECTIONS, runBisimulation } from '../explore/key-audit.ts';
import type { BisimOptions, Summary } from '../explore/key-audit.ts';

/** The command line (see the head of this file). */
function main(argv: string[]): void {
  const flag = (name: string): boolean => argv.includes(`--${name}`);
  const arg = (name: string, dflt: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : dflt;
  };
  const fail = (msg: string): never => { console.error(`key-bisimulation: ${msg}`); process.exit(2); };
  const profiles = arg('profile', PROFILE_NAMES.join(',')).split(',');
  for (const p of profiles) if (!getProfile(p)) fail(`unknown profile ${p}`);
  const depthArg = arg('depth', '3');
  const json = flag('json');
  const bounds: Partial<Bounds> = flag('defaults') ? {} : {
    maxTasks: Number(arg('max-tasks', '2')),
    maxFds: Number(arg('max-fds', '2')),
    maxNsNames: Number(arg('max-ns-names', '2')),
    mounts: arg('mounts', '@m1,@m2').split(','),
  };
  if (arg('ops', '')) bounds.ops = arg('ops', '').split(',');
  const beam = Number(arg('beam', 'Infinity'));
  const opts: BisimOptions = {
    bounds,
    depth: depthArg === 'auto' ? 'auto' : Number(depthArg),
    maxStates: Number(arg('max-states', '30000')),
    beam,
    shuffle: flag('shuffle') || Number.isFinite(beam) ? Number(arg('shuffle', '1')) : -1,
    maxPairs: Number(arg('max-pairs', 'Infinity')),
    show: Number(arg('show', '2')),
    minimise: !flag('no-minimise'),
    completeness: flag('completeness'),
    inject: arg('inject', ''),
    log: (line) => { if (!json) console.log(line); },
  };
  if (!(opts.depth === 'auto' || opts.depth >= 1) || !(opts.maxStates >= 1) || !(opts.beam >= 1)) fail('bad --depth, --max-states or --beam');
  if (opts.inject && !INJECTIONS.includes(opts.inject)) fail(`unknown --inject ${opts.inject} (${INJECTIONS.join(', ')})`);
  const all: Summary[] = [];
  for (const p of profiles) all.push(runBisimulation(p, opts));
  if (json) console.log(JSON.stringify(all, null, 2));
  else {
    console.log('\n| profile | depth | states kept | complete | symmetric classes | classes 2+ | pairs compared | differences | equal up to iso | checkState / key conflicts | s (BFS + compare) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of all) console.log(`| ${s.profile} | ${s.depth} | ${s.statesKept} | ${s.complete ? 'yes' : 'no'} | ${s.symClasses} | ${s.classesWith2} | ${s.pairsCompared} | ${s.differences} | ${s.succResolvedByCompleteKey} | ${s.checkConflicts} / ${s.keyConflicts} | ${s.seconds.toFixed(1)} (${s.bfsSeconds.toFixed(1)} + ${s.compareSeconds.toFixed(1)}) |`);
  }
  process.exit(all.some((s) => s.differences > 0 || s.checkConflicts > 0 || s.keyConflicts > 0) ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
