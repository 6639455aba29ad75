// The procns command line. Exit codes: 0 all properties hold, 1 a violation was found,
// 2 bad usage or input (one line on stderr), 3 a resource bound was hit first.
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './common.ts';
import { OutputError } from '../reports/writers.ts';
import { registerCheck } from './check.ts';
import { registerReplay } from './replay.ts';
import { registerSpec } from './spec.ts';
import { registerConform } from './conform.ts';
import { registerRepro } from './repro.ts';
import { registerKernelReplay } from './kernel-replay.ts';
import { registerExplore } from './explore.ts';
import { registerMutants } from './mutants.ts';

const program = new Command();
program.name('procns')
  .description('model checker and property-test suite for Linux /proc/<pid>/ns/* namespace files')
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .showHelpAfterError(false);

let pending: Promise<void> = Promise.resolve();

// A reader that closed its end early (`procns spec | head -1`) ends the output, not the run: the
// exit code stays the run's. Output that cannot be written for another reason (a full disk) is
// lost output: one line, exit 2.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') return;
  process.stderr.write(`procns: cannot write the output: ${e.code ?? e.message}\n`);
  process.exit(EXIT.usage);
});
process.stderr.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') process.exit(EXIT.usage);
});

function fatal(e: unknown): never {
  if (e instanceof UsageError || e instanceof OutputError) {
    // one line whatever the input held: a name or path with a newline in it is shown escaped
    process.stderr.write(`procns: ${e.message.replace(/\r?\n/g, '\\n')}\n`);
    process.exit(EXIT.usage);
  }
  throw e;
}

/** Runs a command body; its number is the exit code. */
function run(body: () => number | Promise<number>): void {
  pending = (async () => {
    try {
      process.exitCode = await body();
    } catch (e) {
      fatal(e);
    }
  })();
}

registerCheck(program, run);
registerReplay(program, run);
registerSpec(program, run);
registerConform(program, run);
registerRepro(program, run);
registerKernelReplay(program, run);
registerExplore(program, run);
registerMutants(program, run);

try {
  if (process.argv.length <= 2) {
    throw new UsageError(`missing command: one of ${program.commands.map((c) => c.name()).join(', ')} (procns --help says more)`);
  }
  await program.parseAsync(process.argv);
  await pending;
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
    // one line: commander puts its suggestion ("(Did you mean --json?)") on a line of its own
    process.stderr.write(`procns: ${e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(EXIT.usage);
  }
  fatal(e);
}
