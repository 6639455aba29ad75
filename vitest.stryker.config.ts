// The vitest configuration Stryker runs (npm run mutation): only the fast suites that kill
// model mutations (scenario replays, spec rules, short lockstep checks of every clean profile,
// the stored counterexample of every catalog mutant: the killer of the `mutant('x')` hook lines;
// trace v1 validation and `meets`, what keeps a namespace alive, records.ts, and the printed
// rule reference: the change detector that kills the prose mutants of rules.ts; the printed
// statecharts, the coverage reports and the realiser's seeds: lifecycle-report.test.ts).
// Speed (model/mutants/README.md "Speed"): no test file runs model code at collection time (that
// made most mutants "static": every test of every file for each); `isolate: false` lets the files
// of one mutant's run share one module graph (each mutant run still starts a fresh worker, so no
// module state crosses mutants); the live-kernel rule checks are off (host-dependent).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/scenarios.test.ts', 'tests/spec-rules.test.ts', 'tests/mutants.test.ts', 'tests/mutant-traces.test.ts', 'tests/mutants-killers.test.ts', 'tests/stryker-killers.test.ts', 'tests/refs-detector.test.ts', 'tests/state-same.test.ts', 'tests/lifecycle.test.ts',
      'tests/trace-validate.test.ts', 'tests/spec-alive.test.ts', 'tests/records.test.ts', 'tests/spec-reference.test.ts',
      'tests/spec-killers.test.ts', 'tests/lifecycle-report.test.ts', 'tests/lifecycle-seed.test.ts',
      'tests/lifecycle-projection.test.ts', 'tests/lifecycle-traces.test.ts', 'tests/lifecycle-machines.test.ts',
      'tests/gap-killers-access.test.ts', 'tests/gap-killers-spec.test.ts', 'tests/gap-killers-kernel.test.ts'],
    env: { PROCNS_STRYKER: '1', PROCNS_KERNEL_RULES: '0' },
    testTimeout: 60_000,
    isolate: false,
  },
});
