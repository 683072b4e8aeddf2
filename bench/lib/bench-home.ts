/**
 * A private STYXY_HOME for a bench module, and the built CLI run in it exactly as users run it
 * (`node dist/cli/bin.js …`, the same Node binary as the bench). Its config.json maps every
 * default service type into 10 ports of the module's own block (cli.ts: from 12400 with `dev`
 * 18000–18099, bundle-ab.ts: from 18400 with `dev` 18100–18199, stack-start.ts: from 12600), so nothing lands on a user's real ranges, the test suite's block
 * (20000–32000), the lease bench's (12000–12399), the stress suite's (13000–16999) or the scale bench's (17000–17999). `close()` leaves nothing behind: every stack
 * down, the coordinator stopped, every process that still carries the home killed, the folder gone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TYPES } from '../../dist/protocol/service-types.js';
import { removeOnAbort } from './abort.ts';
import { killAll, processesWithEnv, until } from './processes.ts';

/** STYXY_BENCH_CLI: another build's bin.js, for an A/B of two builds (as log-throughput.ts). */
export const CLI = process.env.STYXY_BENCH_CLI ?? new URL('../../dist/cli/bin.js', import.meta.url).pathname;
const PORTS_PER_TYPE = 10;

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From just before the spawn to the exit, in ms. */
  readonly ms: number;
}

/** Runs `argv[0] …argv[1..]` to its end, timing it from spawn to exit. */
export function timed(
  argv: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'exit', not 'close': a background supervisor may keep a copy of an output pipe open.
    child.once('exit', (code) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms });
    });
  });
}

export interface BenchHome {
  readonly home: string;
  /** `process.env` plus STYXY_HOME, without colour or a stack tag. */
  readonly env: NodeJS.ProcessEnv;
  /** Type name → [first, last] port. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  /** Runs the CLI in `cwd`; fails with its stderr unless it exits 0. */
  cli(args: readonly string[], cwd?: string, timeoutMs?: number): Promise<Finished>;
  /** Runs the CLI in `cwd`, whatever its exit code. */
  tryCli(args: readonly string[], cwd?: string, timeoutMs?: number): Promise<Finished>;
  close(): Promise<void>;
}

/**
 * `wider` gives some types a range of their own instead of 10 ports: a burst of concurrent
 * `styxy run` leases one `dev` port each at once, more than 10 (cli.ts).
 */
export function makeBenchHome(
  firstPort: number,
  wider: Readonly<Record<string, readonly [number, number]>> = {},
): BenchHome {
  const home = mkdtempSync(join(tmpdir(), 'styxy-bench-'));
  const forget = removeOnAbort(home);
  const ranges: Record<string, readonly [number, number]> = {};
  DEFAULT_TYPES.forEach((type: { name: string }, index: number) => {
    const from = firstPort + index * PORTS_PER_TYPE;
    ranges[type.name] = wider[type.name] ?? [from, from + PORTS_PER_TYPE - 1];
  });
  const types = Object.fromEntries(Object.entries(ranges).map(([name, range]) => [name, { range }]));
  writeFileSync(join(home, 'config.json'), `${JSON.stringify({ types }, null, 2)}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, STYXY_HOME: home, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.STYXY_TAG;

  const tryCli = (args: readonly string[], cwd = home, timeoutMs = 60_000) =>
    timed([process.execPath, CLI, ...args], { cwd, env, timeoutMs });
  const cli = async (args: readonly string[], cwd = home, timeoutMs = 60_000) => {
    const result = await tryCli(args, cwd, timeoutMs);
    if (result.code !== 0) {
      throw new Error(`styxy ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
    }
    return result;
  };
  return {
    home,
    env,
    ranges,
    cli,
    tryCli,
    async close() {
      try {
        await tryCli(['down', '--all', '--force', '--timeout', '5'], home, 20_000);
        await tryCli(['daemon', 'stop'], home, 20_000);
        const left = () => processesWithEnv(`STYXY_HOME=${home}`);
        await until(() => left().length === 0, 3000, 'the processes of the bench home to end').catch(() =>
          killAll(left()),
        );
      } finally {
        rmSync(home, { recursive: true, force: true });
        forget();
      }
    },
  };
}
