import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/kit/**/*.test.ts', 'e2e/gateway/**/*.test.ts', 'e2e/crash/**/*.test.ts', 'e2e/real/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // Most files wait on loopback HTTP, child processes and timers, not the CPU: two workers halve
    // the suite on a 2-core machine (330 s → 177 s measured), where Vitest's default would use one.
    maxWorkers: 2,
  },
});
