import { defineConfig } from 'vitest/config';

// Three projects: unit (pure, fast), integration (real Docker engine, real git, real SQLite),
// e2e (real Chromium driving the web mode). Integration and e2e run files one at a time:
// they share one Docker engine on a 2-core machine.
export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          globalSetup: ['./tests/support/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          globalSetup: ['./tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
