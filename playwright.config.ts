import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (these machines cannot fetch one).
export const CHROMIUM = process.env.PLUGBOARD_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two: the specs mostly wait (demo processes, time travel, consent pages), and each has its own demo or host on
  // its own ports. Measured on this 2-core machine: the whole suite took 9.7 min with two workers, 53 passed;
  // with one it ran past 13 min (both before axe ran in the page, which halved the sum of the tests' times).
  workers: 2,
  reporter: process.env.PLUGBOARD_PW_JSON ? [['list'], ['json', { outputFile: process.env.PLUGBOARD_PW_JSON }]] : [['list']],
  use: {
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    // The spinner and pulse animations repaint without end in software rendering, taking CPU the
    // tests need on a 2-core machine; the app honours the setting like any user's.
    reducedMotion: 'reduce',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
