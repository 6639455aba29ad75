// Exhaustive search throughput, side by side in one run (absolute times drift on this machine):
// the naive baseline (raw JSON state keys in a Map, one thread, no symmetry), explore with one
// worker and with two, at the default v6.18 bounds; bytes per stored state; and where the time
// of one transition goes (Checker.clone vs explore's copy, apply with every check, the key).
// Run: npx tsx bench/explore-throughput.ts [--depth 3] [--max-states 25000] [--profile v6.18]
import { cpus, loadavg } from 'node:os';
import { getProfile } from '../model/profiles.ts';
import { explore, exploreBounds } from '../explore/index.ts';
import { naiveExplore, rawKey } from '../explore/naive.ts';
import { fastClone, SearchCtx } from '../explore/bfs.ts';
import type { Node } from '../explore/bfs.ts';
import { bindNames } from '../properties/alphabet.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const profile = getProfile(arg('profile', 'v6.18'))!;
const depth = Number(arg('depth', '3'));
const maxStates = Number(arg('max-states', '25000'));
const bounds = exploreBounds(profile);

const row = (name: string, distinct: number, transitions: number, ms: number, bytes: number): string =>
  `| ${name} | ${distinct} | ${transitions} | ${(ms / 1000).toFixed(2)} | ${Math.round((distinct / ms) * 1000)} | ${Math.round((transitions / ms) * 1000)} | ${bytes.toFixed(1)} |`;

console.log(`# explore throughput: ${profile.name}, depth ${depth}, stop at ${maxStates} distinct states`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('');
console.log('| engine | distinct states | transitions | s | states/s | transitions/s | bytes/stored state |');
console.log('|---|---|---|---|---|---|---|');
const naive = naiveExplore(profile, bounds, depth, maxStates);
// a V8 one-byte string: 16 bytes of header + its chars; a Map entry about 3 words + table slack
const naiveBytes = (naive.keyChars + naive.distinctStates * (16 + 40)) / naive.distinctStates;
console.log(row('naive (JSON keys in a Map, 1 thread)', naive.distinctStates, naive.transitions, naive.ms, naiveBytes));
const one = await explore(profile, { depth, maxStates, bounds });
console.log(row('explore, 1 worker', one.distinctStates, one.transitions, one.ms, one.bytesPerState));
const two = await explore(profile, { depth, maxStates, bounds, workers: 2 });
console.log(row('explore, 2 workers', two.distinctStates, two.transitions, two.ms, two.bytesPerState));
const tps = (r: { transitions: number; ms: number }) => r.transitions / r.ms;
console.log('');
console.log(`speed-up in transitions/s: explore 1 worker / naive = ${(tps(one) / tps(naive)).toFixed(2)}x, `
  + `2 workers / 1 worker = ${(tps(two) / tps(one)).toFixed(2)}x; same states with 2 workers: ${two.distinctStates === one.distinctStates && JSON.stringify(two.statesPerDepth) === JSON.stringify(one.statesPerDepth)}`);
console.log(`bytes per stored state: ${one.bytesPerState.toFixed(1)} (fingerprints) vs ${naiveBytes.toFixed(0)} (naive JSON keys)`);

// where one transition's time goes, on states of the first two levels
const ctx = new SearchCtx(profile, bounds, new Set(), true);
const sample: Node[] = [];
const root = ctx.root();
for (const op of ctx.alphabet.enumerate(root.c.spec, root.names)) {
  const c = fastClone(root.c);
  const r = c.apply(op);
  if (!r.violation) sample.push({ c, names: bindNames(root.names, op, r.spec), ops: [op] });
}
const time = (f: (n: Node) => number): number => {
  let n = 0;
  for (const s of sample) n += f(s); // warm-up
  n = 0;
  const t0 = performance.now();
  for (let k = 0; k < 5; k++) for (const s of sample) n += f(s);
  return ((performance.now() - t0) * 1000) / n;
};
const opsOf = sample.map((s) => ctx.alphabet.enumerate(s.c.spec, s.names));
let idx = 0;
const per = (g: (n: Node, op: ReturnType<typeof opsOf[0]['at']>) => void) => time((s) => {
  const ops = opsOf[idx++ % sample.length]!;
  for (const op of ops) g(s, op);
  return ops.length;
});
idx = 0; const tClone = per((s) => { s.c.clone(); });
idx = 0; const tFast = per((s) => { fastClone(s.c); });
idx = 0; const tApply = per((s, op) => { fastClone(s.c).apply(op!); }) - tFast;
idx = 0; const tKey = per((s) => { ctx.key(s); });
idx = 0; const tRaw = per((s) => { rawKey(s); });
console.log('');
console.log('| per transition (us) | Checker.clone() | explore fastClone | apply (spec + sim + invariants + refinement) | canonical key + fingerprint | naive JSON key |');
console.log('|---|---|---|---|---|---|');
console.log(`| ${profile.name}, depth-1 states | ${tClone.toFixed(2)} | ${tFast.toFixed(2)} | ${tApply.toFixed(2)} | ${tKey.toFixed(2)} | ${tRaw.toFixed(2)} |`);
console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
