/**
 * Real coordinators and the real CLI for tests: start a coordinator on a test home, stop it (and
 * any coordinator a client started there), run the built CLI. Everything runs from dist/ (the
 * integration and e2e projects rebuild it when src/ is newer: test/global-setup.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectCoordinator } from '../../src/client/coordinator-client.js';
import { processInfo } from '../../src/os/process-table.js';
import { homePaths } from '../../src/protocol/home.js';
import { readLockFile } from '../../src/protocol/lock-file.js';
import { type TestHome, TYPE_NAMES } from './home.js';
import { waitFor } from './wait.js';

export const CLI_BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
export const COORDINATOR_MAIN = fileURLToPath(new URL('../../dist/coordinator/main.js', import.meta.url));

type HomeLike = TestHome | string;
const homeOf = (home: HomeLike) => (typeof home === 'string' ? home : home.home);
const envOf = (home: HomeLike): NodeJS.ProcessEnv =>
  typeof home === 'string' ? { ...process.env, STYXY_HOME: home } : home.env;

/** True while `pid` runs (a zombie counts as gone). */
export function running(pid: number): boolean {
  return processInfo(pid) !== null;
}

/**
 * Every coordinator process of `home`, found by its environment (also one that never took the
 * lock, or whose lock file is gone).
 */
export function coordinatorProcesses(home: HomeLike): number[] {
  const needle = Buffer.from(`\0STYXY_HOME=${homeOf(home)}\0`);
  const found: number[] = [];
  if (!existsSync('/proc')) return found;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmdline.startsWith('styxy-coordinator') && !cmdline.includes('coordinator/main.js')) continue;
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${name}/environ`), Buffer.from([0])]);
      if (environ.includes(needle)) found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** The pid of the coordinator holding `home`'s lock, if it runs. */
export function coordinatorPid(home: HomeLike): number | null {
  const holder = readLockFile(homePaths(homeOf(home)).lock);
  if (typeof holder !== 'object' || holder === null) return null;
  return running(holder.pid) ? holder.pid : null;
}

/** Spawns a coordinator for `home` (as a client would) and resolves once it answers, with its pid. */
export async function startTestCoordinator(home: HomeLike): Promise<number> {
  const child = spawn(process.execPath, [COORDINATOR_MAIN], {
    detached: true,
    stdio: 'ignore',
    env: { ...envOf(home), STYXY_TAG: undefined },
    cwd: homeOf(home),
  });
  let exit: number | null | undefined;
  child.once('exit', (code) => {
    exit = code;
  });
  child.unref();
  const client = await waitFor(
    async () => {
      if (exit !== undefined && coordinatorPid(home) === null) {
        throw new Error(`the coordinator exited (${exit}): ${coordinatorLog(home).trim().split('\n').at(-1)}`);
      }
      return connectCoordinator({ home: homeOf(home), kind: 'cli', autoStart: false, timeoutMs: 1000 }).catch(
        () => null,
      );
    },
    { timeout: 15_000, message: 'the coordinator to answer' },
  );
  const pid = client.coordinatorPid;
  await client.close();
  return pid;
}

/**
 * Stops whatever coordinator runs for `home` (SIGTERM, SIGKILL after 8 s) and waits until it is
 * gone. Safe to call when none runs. Call it in afterEach, before `home.cleanup()`.
 */
export async function stopCoordinator(home: HomeLike): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const pid = coordinatorPid(home) ?? coordinatorProcesses(home)[0] ?? null;
    if (pid === null) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
    try {
      // It first reaps owners that just died (up to 4 s): those would leave their services running.
      await waitFor(() => !running(pid), { timeout: 8000, message: `coordinator ${pid} to exit` });
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      await waitFor(() => !running(pid), { timeout: 3000, message: `coordinator ${pid} to die` });
    }
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, then closed (stdin is a pipe, never a terminal). */
  readonly input?: string;
  /** Kills the CLI (SIGKILL) after this long. @default 30000 */
  readonly timeoutMs?: number;
  /** The CLI to run (another copy of the package). @default this checkout's dist/cli/bin.js */
  readonly bin?: string;
}

/** A running CLI process with its output collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when it exits. */
  readonly exited: Promise<CliResult>;
}

/** Starts the built CLI (`node dist/cli/bin.js …args`) without waiting for it. */
export function spawnCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, [options.bin ?? CLI_BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdin!.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const exited = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the built CLI to the end: `{ code, signal, stdout, stderr }`. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).exited;
}

/** The coordinator log of `home` (empty when there is none). */
export function coordinatorLog(home: HomeLike): string {
  const file = homePaths(homeOf(home)).log;
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Sizes for makeTestHome that give only these types a range in the home's block (the others keep their defaults). */
export function onlyTypes(sizes: Readonly<Record<string, number>>): Partial<Record<string, number>> {
  const result: Partial<Record<string, number>> = {};
  for (const name of TYPE_NAMES) result[name] = sizes[name] ?? 0;
  return result;
}

/**
 * A coordinator that dies as it accepts, listening on `socket`: it takes one connection, drops it
 * before any answer, and is gone (its socket removed).
 */
export async function listenDying(socket: string): Promise<void> {
  const dying = createServer((connection) => {
    connection.destroy();
    dying.close();
    try {
      unlinkSync(socket);
    } catch {}
  });
  await new Promise<void>((resolve) => dying.listen(socket, resolve));
}
