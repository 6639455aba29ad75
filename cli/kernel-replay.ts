// procns replay FILE --backend kernel: runs a trace on the live kernel (oracle/) and prints each
// step's real outcome beside its expect; exit 1 on a mismatch, "skipped: <reason>" (exit 0)
// when the kernel backend cannot run here (not root, no namespaces, no C compiler).
import type { Command } from 'commander';
import { KernelBackend, LIVE_PROFILE } from '../oracle/kernel.ts';
import { replayKernel } from '../properties/conform.ts';
import { EXIT, UsageError, printJson, profileOpt, readTrace, say } from './common.ts';
import { extraBackends, printReplay } from './replay.ts';
import type { ReplayCliOptions } from './replay.ts';

/** Prints the skip notice of a live-kernel command; the exit code is 0. */
export function reportSkipped(command: string, reason: string, json: boolean): number {
  if (json) printJson({ command, result: 'skipped', reason });
  else say(`skipped: ${reason}`);
  return EXIT.ok;
}

/**
 * The kernel backend runs this machine's kernel, which LIVE_PROFILE models: another --profile
 * asks for what it cannot do (UsageError, before the probe). A trace of another profile still
 * runs (its expects are that profile's, so a difference may be the version's), and says so.
 */
export async function runKernelReplay(file: string, o: ReplayCliOptions): Promise<number> {
  if (o.profile !== undefined && profileOpt(o.profile).name !== LIVE_PROFILE) {
    throw new UsageError(`--profile ${o.profile}: the kernel backend runs this machine's live kernel, which profile ${LIVE_PROFILE} models; replay on --backend spec or sim for ${o.profile}`);
  }
  const trace = readTrace(file);
  const probe = await KernelBackend.probe();
  if (!probe.ok) return reportSkipped('replay', probe.reason, o.json ?? false);
  const traceProfile = o.profile === undefined ? trace.profile : undefined;
  const note = traceProfile === undefined || traceProfile === LIVE_PROFILE ? undefined : {
    traceProfile,
    note: `the trace's expects are for profile ${traceProfile}; this is the live kernel (modelled by ${LIVE_PROFILE}), so a step may differ because the kernel version does`,
  };
  const r = await replayKernel(trace);
  const steps = r.steps.map((s) => ({ ...s, ...(s.step.expect !== undefined ? { expect: s.step.expect } : {}) }));
  return printReplay(file, { backend: 'kernel', profile: 'live', steps, mismatches: r.mismatches, violation: null, ok: r.mismatches.length === 0 }, o.json ?? false, note);
}

/** Adds the `kernel` backend to `procns replay` (the program and run are not needed). */
export function registerKernelReplay(_program: Command, _run: unknown): void {
  extraBackends.set('kernel', runKernelReplay);
}
