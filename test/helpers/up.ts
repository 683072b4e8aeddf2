/**
 * `styxy up` as users run it, for e2e tests: a project folder with an inline config, the built
 * CLI started in it, waits on its output, and a cleanup that leaves nothing running even when a
 * test fails halfway (every `up` killed, then every process that inherited the test home's
 * STYXY_HOME, then the coordinator, then the home).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectCoordinator } from '../../src/client/coordinator-client.js';
import type { StyxyConfig } from '../../src/config/types.js';
import { processInfo } from '../../src/os/process-table.js';
import type { StackInfo } from '../../src/protocol/coordinator-protocol.js';
import { type CliOptions, type CliProcess, type CliResult, runCli, spawnCli, stopCoordinator } from './coordinator.js';
import { makeTestHome, type TestHome, type TestHomeOptions } from './home.js';
import { waitFor } from './wait.js';

export interface UpProject {
  readonly home: TestHome;
  /** The project folder (holding `.styxyrc.json`). */
  readonly root: string;
  /** Starts `styxy up …args` in the project (or `options.cwd`), without waiting. */
  up(args?: readonly string[], options?: CliOptions): CliProcess;
  /** Starts `styxy up --no-tui …args` and waits until every service is up. */
  upReady(args?: readonly string[], options?: CliOptions): Promise<CliProcess>;
  /** Runs another command in the project to its end. */
  cli(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** The stacks the coordinator knows (none when it does not run). */
  stacks(): Promise<readonly StackInfo[]>;
  /** Processes (other than the coordinator) that inherited this home: what `up` started. */
  leftovers(): number[];
  cleanup(): Promise<void>;
}

/**
 * A project whose config is `config` (written as `.styxyrc.json`: JSON loads fastest; a function
 * gets the home first, for its spare ports). Null: no config (write one, or run with `-c`).
 */
export function makeUpProject(
  config: StyxyConfig | ((home: TestHome) => StyxyConfig) | null,
  homeOptions: TestHomeOptions = {},
): UpProject {
  const home = makeTestHome(homeOptions);
  const root = join(home.home, 'project');
  mkdirSync(root);
  const written = typeof config === 'function' ? config(home) : config;
  if (written) writeFileSync(join(root, '.styxyrc.json'), JSON.stringify({ name: 'test', ...written }, null, 2));
  const started: CliProcess[] = [];
  const inProject = (options: CliOptions = {}): CliOptions => ({
    env: home.env,
    cwd: root,
    ...options,
  });
  const project: UpProject = {
    home,
    root,
    up(args = [], options = {}) {
      const child = spawnCli(['up', ...args], { timeoutMs: 90_000, ...inProject(options) });
      started.push(child);
      return child;
    },
    async upReady(args = [], options = {}) {
      const child = project.up(['--no-tui', ...args], options);
      await waitUp(child);
      return child;
    },
    cli: (args, options = {}) => runCli(args, inProject(options)),
    async stacks() {
      const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false }).catch(() => null);
      if (!client) return [];
      try {
        return await client.listStacks();
      } finally {
        await client.close();
      }
    },
    leftovers: () => processesOfHome(home.home),
    async cleanup() {
      try {
        await stopEverything();
      } finally {
        await stopCoordinator(home);
        home.cleanup();
      }
    },
  };

  async function stopEverything(): Promise<void> {
    // A graceful stop first (quicker than reaping), SIGKILL for an `up` that does not end.
    const ending = started.filter((child) => child.child.exitCode === null && child.child.signalCode === null);
    for (const child of ending) child.child.kill('SIGINT');
    await Promise.all(
      ending.map((child) =>
        waitFor(() => child.child.exitCode !== null || child.child.signalCode !== null, { timeout: 10_000 }).catch(() =>
          child.child.kill('SIGKILL'),
        ),
      ),
    );
    await Promise.all(started.map((child) => child.exited));
    // The coordinator reaps what a killed `up` left; whatever is still there after that goes now.
    await waitFor(() => processesOfHome(home.home).length === 0, { timeout: 5000 }).catch(() => {
      for (const pid of processesOfHome(home.home)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    });
  }
  return project;
}

/** Resolves once `up` says every service is up; fails with its output if it exits first. */
export async function waitUp(child: CliProcess, timeout = 30_000): Promise<void> {
  let exited: CliResult | null = null;
  void child.exited.then((result) => {
    exited = result;
  });
  await waitFor(
    () => {
      if (exited) throw new Error(`styxy up exited (${exited.code}):\n${exited.stderr}`);
      return /every service is up/.test(child.stderr());
    },
    { timeout, message: `every service up; stderr so far:\n${child.stderr()}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- stderr:\n${child.stderr()}`);
  });
}

/**
 * Pids whose environment holds `STYXY_HOME=<home>`, but for coordinators: the CLI, the services
 * it started and everything they started (Linux: /proc).
 */
export function processesOfHome(home: string): number[] {
  const needle = Buffer.from(`\0STYXY_HOME=${home}\0`);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.startsWith('styxy-coordinator') || cmdline.includes('coordinator/main.js')) continue;
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${name}/environ`), Buffer.from([0])]);
      if (environ.includes(needle) && processInfo(Number(name)) !== null) found.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return found;
}

/** The `ps --json` document of the project's stack (run in `cwd`, default the project folder). */
export async function psJson(project: UpProject, args: readonly string[] = [], cwd?: string): Promise<PsJson> {
  const result = await project.cli(['ps', '--json', ...args], cwd === undefined ? {} : { cwd });
  if (result.code !== 0) throw new Error(`styxy ps failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as PsJson;
}

export interface PsJson {
  readonly stack: { id: string; name: string; project: string; pid: number; root: string };
  /** `up -d --json` only. */
  readonly reused?: boolean;
  readonly changed?: readonly { readonly service: string; readonly action: string }[];
  /** `up --dry-run --json` only. */
  readonly dryRun?: boolean;
  readonly services: {
    name: string;
    status: string;
    ports: Record<string, number>;
    pid: number | null;
    restarts: number;
    health?: { status: string; misses: number; failures: number; lastFailure: string | null } | null;
  }[];
}
