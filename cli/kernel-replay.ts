// procns replay FILE --backend kernel: runs a trace on the live kernel (oracle/) and prints each
// step's real outcome beside its expect; exit 1 on a mismatch, "skipped: <reason>" (exit 0)
// when the kernel backend cannot run here (not root, no namespaces, no C compiler).
import type { Command } from 'commander';
import { KernelBackend } from '../oracle/kernel.ts';
import { replayKernel } from '../properties/conform.ts';
import { EXIT, printJson, readTrace, say } from './common.ts';
import { extraBackends, printReplay } from './replay.ts';
import type { ReplayCliOptions } from './replay.ts';

/** Prints the skip notice of a live-kernel command; the exit code is 0. */
export function reportSkipped(command: string, reason: string, json: boolean): number {
  if (json) printJson({ command, result: 'skipped', reason });
  else say(`skipped: ${reason}`);
  return EXIT.ok;
}

export async function runKernelReplay(file: string, o: ReplayCliOptions): Promise<number> {
  const trace = readTrace(file);
  const probe = await KernelBackend.probe();
  if (!probe.ok) return reportSkipped('replay', probe.reason, o.json ?? false);
  if (trace.profile !== undefined && trace.profile !== 'v6.18' && !o.json) {
    say(`note: the trace is for profile ${trace.profile}; this kernel is judged as it is (6.18)`);
  }
  const r = await replayKernel(trace);
  const steps = r.steps.map((s) => ({ ...s, ...(s.step.expect !== undefined ? { expect: s.step.expect } : {}) }));
  return printReplay(file, { backend: 'kernel', profile: 'live', steps, mismatches: r.mismatches, violation: null, ok: r.mismatches.length === 0 }, o.json ?? false);
}

/** Adds the `kernel` backend to `procns replay` (the program and run are not needed). */
export function registerKernelReplay(_program: Command, _run: unknown): void {
  extraBackends.set('kernel', runKernelReplay);
}
