/**
 * A supervisor `kill -9`ed between spawning a service and reporting its pid leaves nothing
 * running, for a stack's own service and for a shared service's instance. The service is one that
 * nothing else the coordinator reaps with can find: `env -i` drops STYXY_TAG (as Redis does when
 * it overwrites its environment with its process title) and it listens on no port. The supervisor
 * is stopped in that window by its test hook (STYXY_TEST_STOP_AFTER_SPAWN, effect-runner.ts).
 * Before the gate (service-process.ts) the service ran on after the reap.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { StyxyConfig } from '../../src/config/types.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { makeUpProject, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let project: UpProject | undefined;
let spawned: number | null = null;
afterEach(async () => {
  // Not in the home's environment (env -i): the cleanup would not find it.
  if (spawned !== null && sleeping(spawned)) process.kill(spawned, 'SIGKILL');
  spawned = null;
  await project?.cli(['down', '--all'], { timeoutMs: 60_000 }).catch(() => {});
  await project?.cleanup();
  project = undefined;
});

/** Whether `pid` is the service's `sleep` (or its gate: a shell that has not run it yet). */
function sleeping(pid: number): boolean {
  try {
    return /sleep|styxy-gate/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** Untagged, and never listening: only its report can get it reaped. */
const HIDDEN = { command: 'env -i sleep 600', ports: { PORT: 'infrastructure' } };

async function killInWindow(p: UpProject, service: string, args: readonly string[]): Promise<void> {
  const hook = join(p.home.home, 'spawned.txt');
  const up = p.up(args, { env: { ...p.home.env, STYXY_TEST_STOP_AFTER_SPAWN: `${service}:${hook}` } });
  await waitFor(() => existsSync(hook) && readFileSync(hook, 'utf8').endsWith('\n'), {
    timeout: 60_000,
    message: `the supervisor stopped after spawning ${service}; stderr:\n${up.stderr()}`,
  });
  const [child, supervisor] = readFileSync(hook, 'utf8').trim().split(' ').map(Number) as [number, number];
  spawned = child;
  expect(sleeping(child)).toBe(true);
  process.kill(supervisor, 'SIGKILL');
  await up.exited;
  // Reaping takes about a second; the gate ends at once when its supervisor is gone.
  await waitFor(() => !sleeping(child), { timeout: 8000, message: `pid ${child} (${service}) still runs` });
  await waitFor(async () => (await p.stacks()).length === 0, { timeout: 8000, message: 'the stacks reaped' });
}

test("a stack's own service spawned but not yet reported is not left running after kill -9", async () => {
  const config: StyxyConfig = { services: { cache: HIDDEN } };
  const p = makeUpProject(config, { sizes: onlyTypes({ infrastructure: 2 }) });
  project = p;
  await killInWindow(p, 'cache', ['--no-tui']);
});

test('a shared instance whose supervisor is killed before it reported its service leaves it not running', async () => {
  const config: StyxyConfig = {
    services: {
      cache: { ...HIDDEN, shared: true },
      app: { command: [NODE, fixture('ticker.mjs')], dependsOn: ['cache'] },
    },
  };
  const p = makeUpProject(config, { sizes: onlyTypes({ infrastructure: 2 }) });
  project = p;
  await killInWindow(p, 'cache', ['-d']);
});
