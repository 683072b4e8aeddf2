import { defineConfig } from 'vitest/config';

// Three projects (docs/architecture.md, "Tests"): unit (pure code, fast), integration (a real
// coordinator and real processes), e2e (the built CLI, the TUI through tmux). Files run in
// parallel: every test gets its own STYXY_HOME and its own narrow port ranges
// (test/helpers/home.ts).
export default defineConfig({
  test: {
    pool: 'forks',
    // Most test time is spent waiting on real processes and sockets, not on the CPU: vitest's
    // default (one worker fewer than the cores) would run one file at a time on 2 cores.
    maxWorkers: 4,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.{ts,tsx}'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.{ts,tsx}'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
