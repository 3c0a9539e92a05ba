import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'e2e/fakes/**/*.test.ts', 'e2e/kit/**/*.test.ts', 'e2e/crash/**/*.test.ts', 'e2e/real/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
  },
});
