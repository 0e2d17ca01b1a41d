import { defineConfig } from 'vitest/config'

// Tests import the packages by name (@pybundle/*), i.e. their built dist/;
// `npm test` runs `tsc -b` first so dist is never stale.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Differential sweeps run real interpreters over whole standard libraries.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
