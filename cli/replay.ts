// procns replay FILE: runs a trace on the spec, the simulation (or the live kernel) and prints
// each step's outcome beside its expect; exit 1 on a mismatch or a broken invariant.
import type { Command } from 'commander';
import type { Step } from '../model/types.ts';
import { fmt } from '../properties/harness.ts';
import { replayModel } from '../properties/replay.ts';
import type { ReplayResult } from '../properties/replay.ts';
import { activate, findMutant, MUTANTS } from '../model/mutants/index.ts';
import type { Trace } from '../model/types.ts';
import { EXIT, UsageError, printJson, profileOpt, readTrace, say } from './common.ts';

export interface ReplayCliOptions { backend?: string; profile?: string; json?: boolean; mutant?: string }

/** Backends beyond the model register here (the live kernel: cli/kernel-replay.ts). */
export const extraBackends = new Map<string, (file: string, o: ReplayCliOptions) => Promise<number>>();

export function describeStep(s: Step): string {
  const { op, expect: _e, note: _n, ...rest } = s as Step & Record<string, unknown>;
  return `${op} ${Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`;
}

/** What a replay tells beside its steps: the trace's own profile where it is not the one run. */
export interface ReplayNote { traceProfile: string; note: string }

export function printReplay(file: string, r: ReplayResult, json: boolean, note?: ReplayNote, mutant?: string): number {
  if (json) {
    printJson({
      command: 'replay', file, backend: r.backend, profile: r.profile, ...(mutant ? { mutant } : {}), ...note, result: r.ok ? 'pass' : 'fail',
      mismatches: r.mismatches, violation: r.violation,
      steps: r.steps.map((s) => ({ index: s.index, op: s.step.op, outcome: s.outcome, ...(s.expect !== undefined ? { expect: s.expect } : {}), met: s.met })),
    });
  } else {
    say(`procns replay ${file}: backend ${r.backend}, profile ${r.profile}${mutant ? `, mutant ${mutant}` : ''}`);
    if (note) say(`note: ${note.note}`);
    for (const s of r.steps) {
      const exp = s.expect === undefined ? '' : `expect ${typeof s.expect === 'object' ? JSON.stringify(s.expect) : String(s.expect)}`;
      say(`  ${String(s.index).padStart(3)} ${s.met ? ' ' : '✗'} ${describeStep(s.step).padEnd(58)} → ${fmt(s.outcome).padEnd(14)} ${exp}`);
    }
    if (r.violation) say(`  violation at step ${r.violation.step}: ${r.violation.property}: ${r.violation.detail}`);
    say(`  result: ${r.ok ? 'PASS' : `FAIL (${r.mismatches.length} step(s) differ from expect${r.violation ? ', an invariant broke' : ''})`}`);
  }
  return r.ok ? EXIT.ok : EXIT.violation;
}

export async function runReplay(file: string, o: ReplayCliOptions): Promise<number> {
  const backend = o.backend ?? 'sim';
  const extra = extraBackends.get(backend);
  if (backend !== 'spec' && backend !== 'sim' && !extra) {
    throw new UsageError(`unknown backend "${backend}" (one of spec, sim${[...extraBackends.keys()].map((k) => `, ${k}`).join('')})`);
  }
  // an unknown --profile is refused on every backend, before anything runs
  const chosen = o.profile === undefined ? undefined : profileOpt(o.profile);
  const trace = readTrace(file);
  const mutant = mutantOpt(trace, o.mutant);
  if (extra) {
    if (o.mutant !== undefined && o.mutant !== 'none') throw new UsageError(`--mutant ${o.mutant}: the ${backend} backend runs the live kernel, which no model mutant changes`);
    return extra(file, o);
  }
  const profile = chosen ?? profileOpt(trace.profile);
  // a counterexample of a seeded bug (check or explore --mutant) breaks only with that bug in
  activate(mutant ?? null);
  try {
    return printReplay(file, replayModel(trace, backend as 'spec' | 'sim', profile), o.json ?? false, undefined, mutant);
  } finally {
    activate(null);
  }
}

/** The mutant to replay with: --mutant (none: no mutant), else the one the trace's origin names. */
function mutantOpt(trace: Trace, flag: string | undefined): string | undefined {
  if (flag === 'none') return undefined;
  const origin = trace.origin?.mutant;
  const name = flag ?? (typeof origin === 'string' ? origin : undefined);
  if (name !== undefined && !findMutant(name)) {
    throw new UsageError(`unknown mutant "${name}"${flag === undefined ? ' (the trace\'s origin.mutant)' : ''} (one of ${MUTANTS.map((m) => m.name).join(', ')})`);
  }
  return name;
}

export function registerReplay(program: Command, run: (code: () => number | Promise<number>) => void): void {
  program.command('replay <FILE>')
    .description('run a trace and print each outcome beside its expect')
    .option('--backend <B>', 'spec, sim, or kernel', 'sim')
    .option('--profile <P>', 'kernel profile (default: the trace\'s, else v6.18; the kernel backend: v6.18 only)')
    .option('--mutant <M>', 'replay with a seeded bug in the model (default: the trace\'s origin.mutant, as check and explore --mutant write it; none: without)')
    .option('--json', 'print one JSON document')
    .action((file: string, opts: ReplayCliOptions) => run(() => runReplay(file, opts)));
}
