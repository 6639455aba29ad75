// What two workers can gain on this machine at most, measured beside what they gain: the same
// one-thread explore in one process alone, then in two independent processes started together
// (no shared thread, queue or visited set: the machine's own ceiling for two searches), then two
// independent searches on two threads of one process (what sharing a process costs: one V8
// platform, its compiler and GC threads), then one process with --workers 2. Each process is
// fresh and runs the search twice: "cold" is the first run (what a user's `procns explore`
// gets), "warm" the second (compiled code; with --workers 2 on the thread the first run kept).
// Run: npx tsx bench/parallel-ceiling.ts [--profile v6.18] [--depth D]
import { spawn } from 'node:child_process';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getProfile } from '../model/profiles.ts';
import { explore, exploreBounds, exploreDepth, exploreSync } from '../explore/index.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const profile = getProfile(arg('profile', 'v6.18'));
if (!profile) throw new Error(`unknown profile ${arg('profile', '')}`);
const depth = Number(arg('depth', String(exploreDepth(profile))));

interface Timing { cold: number; warm: number; transitions: number }

if (!isMainThread) {
  // one of the two threads of --thread-pair: the one-thread search, cold then warm
  const run = () => exploreSync(profile, { depth, bounds: exploreBounds(profile) });
  const a = run();
  const b = run();
  parentPort!.postMessage({ cold: a.ms, warm: b.ms, transitions: b.transitions } satisfies Timing);
} else if (process.argv.includes('--thread-pair')) {
  const thread = (): Promise<Timing> => new Promise((resolve, reject) => {
    // a thread does not inherit this process's tsx hooks: explore's shim registers them, then loads this file
    const w = new Worker(new URL('../explore/worker-shim.mjs', import.meta.url), { workerData: { entry: import.meta.url }, argv: process.argv.slice(2) });
    w.once('message', (t: Timing) => { resolve(t); void w.terminate(); });
    w.once('error', reject);
  });
  process.stdout.write(JSON.stringify(await Promise.all([thread(), thread()])));
} else if (process.argv.includes('--child')) {
  const workers = Number(arg('child', '1'));
  const run = async () => explore(profile, { depth, bounds: exploreBounds(profile), workers });
  const a = await run();
  const b = await run();
  const t: Timing = { cold: a.ms, warm: b.ms, transitions: b.transitions };
  process.stdout.write(JSON.stringify(t));
} else {
  const self = fileURLToPath(import.meta.url);
  const child = <T = Timing>(workers: number, mode = '--child'): Promise<T> => new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', self, mode, String(workers), '--profile', profile.name, '--depth', String(depth)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`child exited ${code}`))));
  });
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`# 2-worker ceiling: ${profile.name}, depth ${depth}, default explore bounds`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('');
  const alone = await child(1);
  const [x, y] = await Promise.all([child(1), child(1)]);
  const [tx, ty] = await child<[Timing, Timing]>(1, '--thread-pair');
  const two = await child(2);
  console.log('| run | cold s | warm s | throughput against one process alone (warm) |');
  console.log('|---|---|---|---|');
  console.log(`| one process, 1 worker, alone | ${s(alone.cold)} | ${s(alone.warm)} | 1.00x |`);
  console.log(`| two processes at once, 1 worker each | ${s(x.cold)} / ${s(y.cold)} | ${s(x.warm)} / ${s(y.warm)} | ${(alone.warm / x.warm + alone.warm / y.warm).toFixed(2)}x (the ceiling) |`);
  console.log(`| two threads of one process, 1 search each | ${s(tx.cold)} / ${s(ty.cold)} | ${s(tx.warm)} / ${s(ty.warm)} | ${(alone.warm / tx.warm + alone.warm / ty.warm).toFixed(2)}x (cold: ${(alone.cold / tx.cold + alone.cold / ty.cold).toFixed(2)}x) |`);
  console.log(`| one process, 2 workers | ${s(two.cold)} | ${s(two.warm)} | ${(alone.warm / two.warm).toFixed(2)}x (cold: ${(alone.cold / two.cold).toFixed(2)}x) |`);
  console.log('');
  console.log(`${alone.transitions} transitions per search; load average at end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
}
