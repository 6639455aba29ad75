// Live-kernel throughput: ops/s through the persistent executor versus doing each op as a
// separate process (a fresh `unshare` sandbox per op, and a bare exec of a tiny tool per
// op), measured in the same run. Prints Markdown table rows.
//
//   npx tsx bench/oracle-throughput.ts [seconds per measurement, default 2]
import { execFileSync } from 'node:child_process';
import { cpus, release } from 'node:os';
import { KernelBackend } from '../oracle/kernel.ts';
import type { Op } from '../model/types.ts';

const secs = Number(process.argv[2] ?? 2);

async function timed(label: string, body: () => Promise<number> | number): Promise<{ label: string; rate: number }> {
  const t0 = process.hrtime.bigint();
  let ops = 0;
  while (Number(process.hrtime.bigint() - t0) / 1e9 < secs) ops += await body();
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  return { label, rate: ops / dt };
}

const probe = await KernelBackend.probe();
if (!probe.ok) {
  console.log(`skipped: ${probe.reason}`);
  process.exit(0);
}

const loop: Op[] = [
  { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f' },
  { op: 'stat', task: 'init', fd: 'f' },
  { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_NSTYPE' },
  { op: 'close', task: 'init', fd: 'f' },
];
async function viaBackend(sync: boolean) {
  const k = new KernelBackend({ sync });
  await k.start();
  await k.apply({ op: 'spawn', task: 'a', parent: 'init', newns: ['net'] });
  const r = await timed(`executor (${sync ? 'sync pipes' : 'stdio'})`, async () => {
    for (const op of loop) await k.apply(op);
    return loop.length;
  });
  await k.stop();
  return r;
}
const viaExecutor = await viaBackend(true);
const viaStdio = await viaBackend(false);

// baseline 1: one sandbox per op, as a shell script would do it
const viaUnshare = await timed('unshare per op', () => {
  execFileSync('unshare', ['--mount', '--pid', '--net', '--fork', '--propagation', 'private', 'stat', '-L', '-c', '%i', '/proc/self/ns/net'], {
    stdio: 'ignore',
  });
  return 1;
});
// baseline 2: one bare exec per op (no sandbox at all)
const viaExec = await timed('exec per op', () => {
  execFileSync('stat', ['-L', '-c', '%i', '/proc/self/ns/net'], { stdio: 'ignore' });
  return 1;
});

const machine = `${cpus().length}x ${cpus()[0]?.model.trim() ?? '?'}, Linux ${release()}`;
console.log('| machine | executor ops/s | executor (stdio) ops/s | unshare-per-op ops/s | exec-per-op ops/s | executor / unshare | executor / exec |');
console.log('|---|---|---|---|---|---|---|');
console.log(
  `| ${machine} | ${viaExecutor.rate.toFixed(0)} | ${viaStdio.rate.toFixed(0)} | ${viaUnshare.rate.toFixed(0)} | ${viaExec.rate.toFixed(0)} | ` +
    `${(viaExecutor.rate / viaUnshare.rate).toFixed(1)}x | ${(viaExecutor.rate / viaExec.rate).toFixed(1)}x |`,
);
