/**
 * The dev loop through the built CLI (issue 16): a health check that starts failing after ready
 * marks the service unhealthy and restarts it on the same port.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import type { PsJson } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

async function ps(root: string): Promise<PsJson['services'][number]> {
  const result = await bg!.cli(root, ['ps', '--json']);
  if (result.code !== 0) throw new Error(`styxy ps failed (${result.code}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as PsJson).services[0]!;
}

describe('health after ready', () => {
  it('failing checks after ready: unhealthy in ps --json, then restarted on the same port', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 2 }) });
    const root = bg.project('shop', {
      services: {
        api: {
          command: [NODE, fixture('http-server.mjs')],
          ports: { PORT: 'api' },
          env: { HEALTH_FILE: 'sick' },
          ready: { http: '/health' },
          health: { http: '/health', interval: 150, failures: 2 },
          // A backoff long enough for `ps` to see "unhealthy" between the stop and the restart.
          restart: { policy: 'on-failure', backoff: 3000 },
        },
      },
    });
    const up = await bg.upDetached(root);
    const before = up.services[0]!;
    expect(before.status).toBe('ready');
    await waitFor(async () => (await ps(root)).health?.status === 'healthy', { timeout: 15_000 });

    writeFileSync(join(root, 'sick'), '');
    const sick = await waitFor(
      async () => {
        const api = await ps(root);
        return api.status === 'unhealthy' ? api : null;
      },
      { timeout: 15_000, interval: 50, message: 'api unhealthy' },
    );
    expect(sick.health).toMatchObject({ status: 'unhealthy', failures: 2, lastFailure: 'answered 503' });
    rmSync(join(root, 'sick'));

    const after = await waitFor(
      async () => {
        const api = await ps(root);
        return api.status === 'ready' && api.restarts === 1 ? api : null;
      },
      { timeout: 30_000, message: 'api restarted and ready' },
    );
    expect(after.pid).not.toBe(before.pid);
    expect(after.ports).toEqual(before.ports);
    const logs = (await bg.cli(root, ['logs', 'api', '-n', '100'])).stdout;
    expect(logs).toContain('[styxy] unhealthy: 2 health checks in a row failed (answered 503)');
    expect(logs).toMatch(/\[styxy\] was unhealthy, restarting in 3\.0 s \(1\/5\)/);
  });
});
