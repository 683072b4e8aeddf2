/**
 * Issue 13's acceptance for services that daemonize, with real Redis (`--daemonize yes
 * --pidfile`): after `down`, after Ctrl-C of `up`, and after `kill -9` of the supervisor, no
 * process of it is left and nothing listens on its port; a stop command runs after `kill -9`.
 * Skipped with a message where redis-server is not installed (fails in CI).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/types.js';
import { findPortHolder } from '../../src/os/port-holder.js';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes, running } from '../helpers/coordinator.js';
import { requirePrograms } from '../helpers/programs.js';
import { waitFor } from '../helpers/wait.js';

const programs = requirePrograms('daemons.test', ['redis-server', 'redis-cli']);

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

/** Redis, daemonized, its pid file in the project folder; `stop` when given. */
function redis(stop?: string): ServiceConfig {
  return {
    command: `${programs.paths['redis-server']} --port $PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile redis.pid --logfile redis.log`,
    ports: { PORT: 'infrastructure' },
    daemon: { pidFile: 'redis.pid' },
    ...(stop === undefined ? {} : { stop }),
  };
}

/** The daemon's pid, from its pid file (Redis removes it when it shuts down). */
const daemonPid = (root: string) => Number(readFileSync(join(root, 'redis.pid'), 'utf8'));

async function gone(pid: number, port: number): Promise<void> {
  await waitFor(() => !running(pid), { timeout: 15_000, message: `redis (pid ${pid}) to be gone` });
  await waitFor(async () => (await findPortHolder(port)) === null, {
    timeout: 5000,
    message: `nothing listening on ${port}`,
  });
}

describe.skipIf(programs.missing.length > 0)('a daemonized redis-server', () => {
  it('after down: no process, no listener; down names the port it freed', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ infrastructure: 2 }) });
    const root = bg.project('shop', { services: { cache: redis() } });
    const up = await bg.upDetached(root);
    const cache = up.services[0]!;
    expect(cache.pid).toBe(daemonPid(root));
    expect((await findPortHolder(cache.ports.PORT!))?.pid).toBe(cache.pid);
    const down = await bg.cli(root, ['down']);
    expect(down.code).toBe(0);
    expect(down.stderr + down.stdout).toContain(`freed port ${cache.ports.PORT}`);
    expect(running(cache.pid!)).toBe(false);
    expect(await findPortHolder(cache.ports.PORT!)).toBeNull();
  });

  it('after Ctrl-C of up: no process, no listener', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ infrastructure: 2 }) });
    const root = bg.project('shop', { services: { cache: redis() } });
    const up = bg.spawn(root, ['up', '--no-tui']);
    await waitFor(() => /cache ready on :(\d+)/.test(up.stderr()), { timeout: 60_000, message: 'cache ready' });
    const port = Number(/cache ready on :(\d+)/.exec(up.stderr())![1]);
    const pid = daemonPid(root);
    up.child.kill('SIGINT');
    const result = await up.exited;
    expect(result.code).toBe(130);
    await gone(pid, port);
  });

  it('after kill -9 of its supervisor: the coordinator stops the daemon it verified', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ infrastructure: 2 }) });
    const root = bg.project('shop', { services: { cache: redis() } });
    const up = await bg.upDetached(root);
    const port = up.services[0]!.ports.PORT!;
    const pid = daemonPid(root);
    expect(up.services[0]!.pid).toBe(pid);
    process.kill(up.stack.pid, 'SIGKILL');
    await gone(pid, port);
    await waitFor(async () => (await bg!.cli(root, ['ps'])).code === 1, { message: 'the stack to be reaped' });
  });

  it('after kill -9 of its supervisor: the coordinator runs its stop command', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ infrastructure: 2 }) });
    const marker = 'stopped-by.txt';
    const root = bg.project('shop', {
      services: {
        cache: redis(
          `echo "$STYXY_SERVICE $PORT" > ${marker} && ${programs.paths['redis-cli']} -p $PORT shutdown nosave`,
        ),
      },
    });
    const up = await bg.upDetached(root);
    const port = up.services[0]!.ports.PORT!;
    const pid = daemonPid(root);
    expect(up.services[0]!.pid).toBe(pid);
    process.kill(up.stack.pid, 'SIGKILL');
    await gone(pid, port);
    await waitFor(() => existsSync(join(root, marker)), { message: 'the stop command to have run' });
    expect(readFileSync(join(root, marker), 'utf8').trim()).toBe(`cache ${port}`);
  });
});
