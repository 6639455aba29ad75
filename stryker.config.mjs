// Stryker over model/kernel (npm run mutation; not part of npm test). The killer suites are listed in
// vitest.stryker.config.ts. The catalog itself (model/mutants) is data and is not mutated.
// Survivors are accounted for in model/mutants/README.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  // model/kernel: the simulation that mirrors the kernel C code (what the seeded bugs live in);
  // widen to 'model/**/*.ts' for the whole model (about 8,700 mutants: hours on two cores).
  mutate: ['model/kernel/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 2000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'procns-out/stryker/mutation.json' },
  incremental: true,
  incrementalFile: 'procns-out/stryker/incremental.json',
  ignorePatterns: ['procns-out', 'tmpx', 'bench', '*.tmp.ts', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
