import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // a fork per core: vitest's default is one fewer, which on a 2-core machine runs every file in turn
    maxWorkers: availableParallelism(),
  },
});
