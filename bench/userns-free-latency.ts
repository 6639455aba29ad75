// How long after a reap the live kernel frees the reaped task's user namespace, as `alive`
// sees it (open_by_handle_at → ESTALE). The free is asynchronous: release_task drops the
// task through RCU, its cred through RCU again, and free_user_ns runs from a workqueue.
// KernelBackend's settleMs (default 1000) must stay well above the maximum printed here.
//
//   npx tsx bench/userns-free-latency.ts [trials, default 30]
import { KernelBackend } from '../oracle/kernel.ts';

const trials = Number(process.argv[2] ?? 30);
if (!Number.isInteger(trials) || trials < 1) {
  console.error(`userns-free-latency: trials must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}
const probe = await KernelBackend.probe();
if (!probe.ok) {
  console.log(`skipped: ${probe.reason}`);
  process.exit(0);
}

const k = new KernelBackend({ settleMs: 10_000 });
await k.start();
const ms: number[] = [];
try {
  for (let i = 0; i < trials; i++) {
    const task = `u${i}`;
    await k.apply({ op: 'spawn', task, parent: 'init', newns: ['user'] });
    const id = await k.apply({ op: 'nsid', task: 'init', path: `/proc/${task}/ns/user`, as: `U${i}` });
    if (id.ns === undefined) throw new Error(`nsid of ${task}'s user ns failed: ${id.errno}`);
    await k.apply({ op: 'exit', task });
    await k.apply({ op: 'reap', task });
    const t0 = performance.now();
    const r = await k.apply({ op: 'alive', ns: id.ns });
    const dt = performance.now() - t0;
    if (r.value !== false) throw new Error(`the user ns of ${task} was still alive after 10 s`);
    ms.push(dt);
  }
} finally {
  await k.stop();
}
ms.sort((a, b) => a - b);
const at = (q: number): string => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
console.log(`| ${trials} | ${at(0)} | ${at(0.5)} | ${at(0.9)} | ${at(1)} |`);
