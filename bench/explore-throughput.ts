// Exhaustive search throughput, side by side in one run (absolute times drift on this machine):
// the naive baseline (raw JSON state keys in a Map, one thread, no symmetry), explore with one
// worker and with two (each cold and warm), at the default v6.18 bounds; bytes per stored
// state; and where the time of one transition goes (Checker.clone, apply with every check, the
// key).
// explore runs complete (the default bounds and depth); the naive baseline stops at --max-states.
// Run: npx tsx bench/explore-throughput.ts [--depth 3] [--max-states 15000] [--profile v6.18] [--rounds 3]
import { cpus, loadavg } from 'node:os';
import { getProfile } from '../model/profiles.ts';
import { closeExplorePool, explore, exploreBounds } from '../explore/index.ts';
import { naiveExplore, rawKey } from '../explore/naive.ts';
import { SearchCtx } from '../explore/bfs.ts';
import type { Node } from '../explore/bfs.ts';
import { bindNames } from '../properties/alphabet.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const profile = getProfile(arg('profile', 'v6.18'))!;
const depth = Number(arg('depth', '3'));
const maxStates = Number(arg('max-states', '15000'));
const rounds = Math.max(1, Number(arg('rounds', '3')));
const bounds = exploreBounds(profile);

const row = (name: string, distinct: number, transitions: number, ms: number, bytes: number, cpuMs: number): string =>
  `| ${name} | ${distinct} | ${transitions} | ${(ms / 1000).toFixed(2)} | ${Math.round((distinct / ms) * 1000)} | ${Math.round((transitions / ms) * 1000)} | ${((cpuMs * 1000) / transitions).toFixed(1)} | ${bytes.toFixed(1)} |`;
/** CPU milliseconds (user + system, all threads of the process) spent by f. */
async function cpu<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const r = await f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
}

console.log(`# explore throughput: ${profile.name}, depth ${depth}, default bounds (naive baseline: first ${maxStates} distinct states)`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('');
console.log('| engine | distinct states | transitions | s | states/s | transitions/s | CPU us/transition | bytes/stored state |');
console.log('|---|---|---|---|---|---|---|---|');
const [naive, naiveCpu] = await cpu(() => naiveExplore(profile, bounds, depth, maxStates));
// a V8 one-byte string: 16 bytes of header + its chars; a Map entry about 3 words + table slack
const naiveBytes = (naive.keyChars + naive.distinctStates * (16 + 40)) / naive.distinctStates;
console.log(row('naive (JSON keys in a Map, 1 thread)', naive.distinctStates, naive.transitions, naive.ms, naiveBytes, naiveCpu));
// Each engine twice in one process: the first search runs cold code (V8 compiles the model's
// hot functions as it goes, seconds of CPU on this machine), the second warm code; the second
// 2-worker search uses the thread the first one kept (explore keeps its worker threads between
// searches). A `procns explore` CLI run is one search, so it gets the cold figures.
const [one, oneCpu] = await cpu(() => explore(profile, { depth, bounds }));
console.log(row('explore, 1 worker, first search (cold)', one.distinctStates, one.transitions, one.ms, one.bytesPerState, oneCpu));
const [two, twoCpu] = await cpu(() => explore(profile, { depth, bounds, workers: 2 }));
console.log(row('explore, 2 workers, new worker thread (cold)', two.distinctStates, two.transitions, two.ms, two.bytesPerState, twoCpu));
const [oneW, oneWCpu] = await cpu(() => explore(profile, { depth, bounds }));
console.log(row('explore, 1 worker, second search (warm)', oneW.distinctStates, oneW.transitions, oneW.ms, oneW.bytesPerState, oneWCpu));
const [twoW, twoWCpu] = await cpu(() => explore(profile, { depth, bounds, workers: 2 }));
console.log(row('explore, 2 workers, kept thread (warm)', twoW.distinctStates, twoW.transitions, twoW.ms, twoW.bytesPerState, twoWCpu));
// More warm pairs, 1 worker then 2, each pair close in time: this host's speed drifts within
// minutes, and a ratio of two adjacent searches suffers less of it than one of two rows apart.
const warmPairs: [number, number][] = [[oneW.ms, twoW.ms]];
for (let k = 1; k < rounds; k++) {
  const a = await explore(profile, { depth, bounds });
  const b = await explore(profile, { depth, bounds, workers: 2 });
  warmPairs.push([a.ms, b.ms]);
}
await closeExplorePool();
const pairRatios = warmPairs.map(([a, b]) => a / b).sort((x, y) => x - y);
const warmRatio = pairRatios[pairRatios.length >> 1]!;
const tps = (r: { transitions: number; ms: number }) => r.transitions / r.ms;
const same = (a: typeof one, b: typeof one): boolean => a.distinctStates === b.distinctStates && JSON.stringify(a.statesPerDepth) === JSON.stringify(b.statesPerDepth);
console.log('');
console.log(`speed-up in transitions/s: explore 1 worker / naive = ${(tps(one) / tps(naive)).toFixed(2)}x (cold), ${(tps(oneW) / tps(naive)).toFixed(2)}x (warm); `
  + `2 workers / 1 worker = ${(tps(two) / tps(one)).toFixed(2)}x (first searches), ${warmRatio.toFixed(2)}x (warm, the median of ${warmPairs.length} adjacent pairs: `
  + `${warmPairs.map(([a, b]) => `${Math.round(a)} / ${Math.round(b)} ms`).join(', ')}); `
  + `same states with 2 workers: ${same(two, one) && same(twoW, one) && same(oneW, one)}`);
console.log(`bytes per stored state: ${one.bytesPerState.toFixed(1)} (fingerprints) vs ${naiveBytes.toFixed(0)} (naive JSON keys)`);
// What the machine allows 2 workers: the same search needs at least the CPU time one worker
// spent (V8's GC and compiler threads included), and this machine has cpus().length cores.
const cores = cpus().length;
const busy = oneCpu / one.ms;
console.log(`cores busy during the first 1-worker search: ${busy.toFixed(2)} (CPU ${(oneCpu / 1000).toFixed(2)} s over ${(one.ms / 1000).toFixed(2)} s), `
  + `so no number of workers can beat ${(cores / busy).toFixed(2)}x on these ${cores} cores; `
  + `the first 2-worker search spent ${((twoCpu - oneCpu) / 1000).toFixed(2)} CPU s more (a second isolate boots, compiles the model again and runs cold code), `
  + `which bounds it to ${((cores * one.ms) / twoCpu).toFixed(2)}x; warm, the 2-worker search spent ${((twoWCpu - oneWCpu) / 1000).toFixed(2)} CPU s more than the 1-worker one`);

// where one transition's time goes, on states of the first two levels
const ctx = new SearchCtx(profile, bounds, new Set(), true);
const sample: Node[] = [];
const root = ctx.root();
for (const op of ctx.alphabet.enumerate(root.c.spec, root.names)) {
  const c = root.c.clone();
  const r = c.apply(op);
  if (!r.violation) sample.push({ c, names: bindNames(root.names, op, r.spec), ops: [op] });
}
const pairs = sample.flatMap((n) => ctx.alphabet.enumerate(n.c.spec, n.names).map((op) => [n, op] as const));
/** CPU microseconds per (state, op) pair of f, after a warm-up pass. */
const per = (f: (n: Node, op: (typeof pairs)[number][1]) => void): number => {
  for (const [n, op] of pairs) f(n, op);
  const c0 = process.cpuUsage();
  for (let k = 0; k < 3; k++) for (const [n, op] of pairs) f(n, op);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / (3 * pairs.length);
};
const tClone = per((n) => { n.c.clone(); });
const tApply = per((n, op) => { n.c.clone().apply(op); }) - tClone;
const tKey = per((n) => { ctx.key(n); });
const tRaw = per((n) => { rawKey(n); });
console.log('');
console.log('| CPU us per transition | Checker.clone() | apply (spec + sim + invariants + refinement) | canonical key + fingerprint | naive JSON key |');
console.log('|---|---|---|---|---|');
console.log(`| ${profile.name}, depth-1 states (${pairs.length} transitions) | ${tClone.toFixed(2)} | ${tApply.toFixed(2)} | ${tKey.toFixed(2)} | ${tRaw.toFixed(2)} |`);
console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
