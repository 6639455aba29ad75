// Stryker over model/ (npm run mutation; not part of npm test). The killer suites are listed in
// vitest.stryker.config.ts. The catalog itself (model/mutants) is data, the seeded bugs and their
// search bounds, and is not mutated. Survivors are accounted for in model/mutants/README.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  // all of model/ (about 9,200 mutants) but the catalog; a run by file group with `--mutate`
  // and the incremental file is how it was measured (model/mutants/README.md "Stryker").
  mutate: ['model/**/*.ts', '!model/mutants/**'],
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
