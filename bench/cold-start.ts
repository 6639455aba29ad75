// What one `procns explore` run gets: the first search of a fresh process, with and without the
// V8 priming (SearchCtx.prime: the committed covering traces run once before the search), with
// 1 and 2 workers. The four variants run in turn, round after round, each in a fresh process, so
// that the machine's drift (large here) falls on all of them alike; medians per variant.
// Run: npx tsx bench/cold-start.ts [--profile v6.18] [--rounds 5]
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getProfile } from '../model/profiles.ts';
import { closeExplorePool, explore, exploreBounds, exploreDepth } from '../explore/index.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const profile = getProfile(arg('profile', 'v6.18'));
if (!profile) throw new Error(`unknown profile ${arg('profile', '')}`);

if (process.argv.includes('--child')) {
  const workers = Number(arg('workers', '1'));
  const prime = arg('prime', 'true') === 'true';
  const c0 = process.cpuUsage();
  const r = await explore(profile, { depth: exploreDepth(profile), bounds: exploreBounds(profile), workers, prime });
  const c = process.cpuUsage(c0);
  await closeExplorePool();
  process.stdout.write(JSON.stringify({ ms: r.ms, cpuMs: (c.user + c.system) / 1000, states: r.distinctStates, transitions: r.transitions }));
} else {
  const rounds = Number(arg('rounds', '5'));
  const variants = [
    { workers: 1, prime: false }, { workers: 1, prime: true }, { workers: 2, prime: false }, { workers: 2, prime: true },
  ];
  const self = fileURLToPath(import.meta.url);
  const runs = variants.map(() => [] as { ms: number; cpuMs: number; states: number }[]);
  for (let k = 0; k < rounds; k++) {
    variants.forEach((v, i) => {
      const p = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', '--profile', profile.name, '--workers', String(v.workers), '--prime', String(v.prime)], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`child failed: ${p.stderr}`);
      runs[i]!.push(JSON.parse(p.stdout) as { ms: number; cpuMs: number; states: number });
    });
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`# cold start: ${profile.name}, default bounds, the first search of a fresh process, ${rounds} rounds`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('');
  console.log('| workers | priming | search ms (median) | each round | CPU s (median) | distinct states |');
  console.log('|---|---|---|---|---|---|');
  variants.forEach((v, i) => {
    const r = runs[i]!;
    if (new Set(r.map((x) => x.states)).size !== 1 || r[0]!.states !== runs[0]![0]!.states) throw new Error('variants disagree on the distinct states');
    console.log(`| ${v.workers} | ${v.prime ? 'yes' : 'no'} | ${Math.round(med(r.map((x) => x.ms)))} | ${r.map((x) => Math.round(x.ms)).join(' ')} | ${(med(r.map((x) => x.cpuMs)) / 1000).toFixed(2)} | ${r[0]!.states} |`);
  });
  const m = (i: number): number => med(runs[i]!.map((x) => x.ms));
  console.log('');
  console.log(`priming: 1 worker ${(m(0) / m(1)).toFixed(2)}x, 2 workers ${(m(2) / m(3)).toFixed(2)}x; 2 workers over 1: ${(m(0) / m(2)).toFixed(2)}x without, ${(m(1) / m(3)).toFixed(2)}x with`);
  console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
