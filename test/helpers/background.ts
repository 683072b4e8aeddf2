/**
 * Background stacks for e2e tests: one test home holding any number of project folders (as git
 * worktrees of one repo would be), the built CLI run in them, `up -d` with its `ps --json`
 * document, and a cleanup that leaves nothing running even when a test fails halfway: `down
 * --all --force`, then SIGKILL for anything still carrying the home, then the coordinator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { StyxyConfig } from '../../src/config/types.js';
import { type CliOptions, type CliProcess, type CliResult, runCli, spawnCli, stopCoordinator } from './coordinator.js';
import { makeTestHome, type TestHome, type TestHomeOptions } from './home.js';
import { type PsJson, processesOfHome } from './up.js';
import { waitFor } from './wait.js';

export interface BackgroundHome {
  readonly home: TestHome;
  /** Writes `<home>/<folder>/.styxyrc.json` and returns the folder. */
  project(folder: string, config: StyxyConfig): string;
  /** Runs the CLI in `cwd` to its end. */
  cli(cwd: string, args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** Starts the CLI in `cwd` without waiting (stopped by the cleanup). */
  spawn(cwd: string, args: readonly string[], options?: CliOptions): CliProcess;
  /** `styxy up -d --json …args` in `cwd`, which must succeed: its document. */
  upDetached(cwd: string, args?: readonly string[]): Promise<PsJson & { result: CliResult }>;
  /** Processes that carry this home (supervisors and services; not the coordinator). */
  leftovers(): number[];
  cleanup(): Promise<void>;
}

export function makeBackgroundHome(options: TestHomeOptions = {}): BackgroundHome {
  const home = makeTestHome(options);
  const spawned: CliProcess[] = [];
  const at = (cwd: string, options: CliOptions = {}): CliOptions => ({ env: home.env, cwd, ...options });
  const self: BackgroundHome = {
    home,
    project(folder, config) {
      const root = join(home.home, folder);
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, '.styxyrc.json'), JSON.stringify({ name: 'test', ...config }, null, 2));
      return root;
    },
    cli: (cwd, args, options) => runCli(args, at(cwd, options)),
    spawn(cwd, args, options) {
      const child = spawnCli(args, at(cwd, { timeoutMs: 60_000, ...options }));
      spawned.push(child);
      return child;
    },
    async upDetached(cwd, args = []) {
      const result = await runCli(['up', '-d', '--json', ...args], at(cwd, { timeoutMs: 60_000 }));
      if (result.code !== 0) throw new Error(`styxy up -d failed (${result.code}):\n${result.stderr}`);
      return { ...(JSON.parse(result.stdout) as PsJson), result };
    },
    leftovers: () => processesOfHome(home.home),
    async cleanup() {
      try {
        for (const child of spawned) if (child.child.exitCode === null) child.child.kill('SIGKILL');
        await runCli(['down', '--all', '--force', '--timeout', '5'], at(home.home, { timeoutMs: 20_000 }));
        await waitFor(() => processesOfHome(home.home).length === 0, { timeout: 3000 }).catch(() => {
          for (const pid of processesOfHome(home.home)) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {}
          }
        });
      } finally {
        await stopCoordinator(home);
        home.cleanup();
      }
    },
  };
  return self;
}

/**
 * For a test file: `const home = backgroundHomes();` then `const bg = home(options)` in a test;
 * each is cleaned up after its test, whatever happened.
 */
export function backgroundHomes(): (options?: TestHomeOptions) => BackgroundHome {
  let current: BackgroundHome | undefined;
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return (options) => {
    current = makeBackgroundHome(options);
    return current;
  };
}
