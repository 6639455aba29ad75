// procns repro FILE --emit c|sh [--out FILE]: a standalone reproducer of a trace: one C file
// (cc -O2 -o r r.c && sudo ./r prints each step's outcome and PASS/FAIL) or, for the traces
// that unshare/nsenter/mount can express, a bash script. No kernel access is needed to emit.
import type { Command } from 'commander';
import { emitC, emitSh } from '../oracle/repro.ts';
import { EXIT, UsageError, checkOutputs, readTrace, samePath, say, shellWord } from './common.ts';
import { writeText } from '../reports/writers.ts';

export interface ReproCliOptions { emit?: string; out?: string }

export function runRepro(file: string, o: ReproCliOptions): number {
  const emit = o.emit ?? 'c';
  if (emit !== 'c' && emit !== 'sh') throw new UsageError(`--emit must be c or sh, got "${emit}"`);
  checkOutputs([{ flag: '--out', file: o.out }]);
  if (o.out !== undefined && samePath(o.out, file)) throw new UsageError(`--out ${o.out}: is the trace being read (${file}); give another path`);
  const trace = readTrace(file);
  let text: string;
  try {
    text = emit === 'c' ? emitC(trace) : emitSh(trace);
  } catch (e) {
    throw new UsageError(`${file}: cannot emit ${emit === 'c' ? 'C' : 'a shell script'}: ${(e as Error).message}`);
  }
  if (o.out === undefined) {
    process.stdout.write(text);
    return EXIT.ok;
  }
  writeText(o.out, text, emit === 'sh' ? 0o755 : 0o644);
  // -x c: cc takes the file as C whatever its name ends with
  say(emit === 'c'
    ? `wrote ${o.out}: build and run as root with  cc -O2 -o repro -x c ${shellWord(o.out)} && sudo ./repro`
    : `wrote ${o.out}: run as root with  sudo bash ${shellWord(o.out)}`);
  return EXIT.ok;
}

export function registerRepro(program: Command, run: (code: () => number | Promise<number>) => void): void {
  program.command('repro <FILE>')
    .description('write a standalone reproducer of a trace: C (any Linux, root) or a shell script (unshare/mount)')
    .option('--emit <KIND>', 'c or sh', 'c')
    .option('--out <FILE>', 'write it there (default: stdout)')
    .action((file: string, opts: ReproCliOptions) => run(() => runRepro(file, opts)));
}
