/** The coordinator of a stress home: start it, find it, talk to it, stop it. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type CoordinatorClient, connectCoordinator } from '../../dist/client/coordinator-client.js';
import { homePaths } from '../../dist/protocol/home.js';
import { readLockFile } from '../../dist/protocol/lock-file.js';
import { pollUntil, sleep } from './clock.ts';
import { isCoordinator, kill, processesOfHome, running } from './processes.ts';
import type { StressHome } from './stress-home.ts';

const COORDINATOR_MAIN = new URL('../../dist/coordinator/main.js', import.meta.url).pathname;

export type Client = CoordinatorClient & { readonly coordinatorPid: number };

/** Starts a coordinator for `home` (detached, as a client would) and resolves with its pid once it answers. */
export async function startCoordinator(home: StressHome): Promise<number> {
  const child = spawn(process.execPath, [COORDINATOR_MAIN], {
    detached: true,
    stdio: 'ignore',
    env: home.env,
    cwd: home.home,
  });
  child.unref();
  const client = await pollUntil(() => connect(home, 1000), 20_000);
  if (!client) throw new Error(`the coordinator of ${home.home} did not answer: ${logTail(home)}`);
  const pid = client.coordinatorPid;
  await client.close();
  return pid;
}

/** A client that never starts a coordinator. */
export function connect(home: StressHome, timeoutMs = 10_000): Promise<Client> {
  return connectCoordinator({ home: home.home, kind: 'cli', autoStart: false, timeoutMs });
}

/** The pid of the coordinator holding the home's lock, while it runs. */
export function coordinatorPid(home: StressHome): number | null {
  const holder = readLockFile(homePaths(home.home).lock);
  if (typeof holder !== 'object' || holder === null) return null;
  return running(holder.pid) ? holder.pid : null;
}

/** Every coordinator process of the home (also one that never took the lock). */
export function coordinatorProcesses(home: StressHome): number[] {
  return processesOfHome(`${home.home}\0`).filter(isCoordinator);
}

/** Calls `use` with a fresh client (closed after). */
export async function withClient<T>(home: StressHome, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(home);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Stops the home's coordinator(s): SIGTERM, SIGKILL after 3 s. */
export async function stopCoordinator(home: StressHome): Promise<void> {
  for (const pid of coordinatorProcesses(home)) kill(pid, 'SIGTERM');
  const gone = await pollUntil(() => coordinatorProcesses(home).length === 0, 3000);
  if (!gone) for (const pid of coordinatorProcesses(home)) kill(pid, 'SIGKILL');
  await sleep(0);
}

export function logText(home: StressHome): string {
  const file = homePaths(home.home).log;
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export function logTail(home: StressHome, lines = 3): string {
  return logText(home).trim().split('\n').slice(-lines).join(' | ');
}
