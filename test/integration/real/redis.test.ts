/**
 * Real Redis (the Debian package's redis-server) under a real supervisor and coordinator: it gets
 * its leased port, is ready by TCP, and once the stack is stopped no process of it runs and
 * nothing listens on its port. Skipped with a message where redis-server is not installed (fails
 * in CI: test/helpers/programs.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolder } from '../../../src/os/port-holder.js';
import { processInfo } from '../../../src/os/process-table.js';
import { requirePrograms } from '../../helpers/programs.js';
import { createHarness, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

const programs = requirePrograms('redis.test', ['redis-server', 'redis-cli']);
const redisCli = programs.paths['redis-cli'];
let harness: StackHarness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe.skipIf(programs.missing.length > 0)('real redis-server', () => {
  it('runs on its leased port and leaves no process and no listener after the stack stops', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        cache: {
          command: `${programs.paths['redis-server']} --port $PORT --bind 127.0.0.1 --save '' --appendonly no`,
          ports: { PORT: 'infrastructure' },
        },
      },
    });
    const snapshot = await supervisor.start();
    const cache = snapshot.services[0]!;
    expect(cache.status).toBe('ready');
    const port = cache.ports.PORT!;
    expect(port).toBeGreaterThanOrEqual(harness.home.ranges.infrastructure![0]);
    const holder = await findPortHolder(port);
    expect(holder?.command).toContain('redis-server');
    await supervisor.stop();
    await waitFor(async () => (await findPortHolder(port)) === null, { message: `nothing listening on ${port}` });
    expect(holder?.pid == null || processInfo(holder.pid) === null).toBe(true);
    expect(await harness.client.listLeases()).toEqual([]);
  });
});

describe.skipIf(programs.missing.length > 0)('real redis-server --daemonize yes', () => {
  const daemonized = (root: string) =>
    `${programs.paths['redis-server']} --port $PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile ${root}/redis.pid --logfile ${root}/redis.log`;
  const daemonService = (root: string) => ({
    command: daemonized(root),
    ports: { PORT: 'infrastructure' },
    daemon: { pidFile: 'redis.pid' },
  });

  it('runs while its pid file names a live process, shows that pid, and stops it', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        cache: daemonService(harness.root),
      },
    });
    await supervisor.start();
    const daemonPid = Number(readFileSync(join(harness.root, 'redis.pid'), 'utf8'));
    const cache = await waitFor(() => supervisor.getSnapshot().services.find((s) => s.pid === daemonPid), {
      message: 'the daemon pid shown',
    });
    expect(cache.status).toBe('ready');
    const port = cache.ports.PORT!;
    expect((await findPortHolder(port))?.pid).toBe(daemonPid);
    // The daemon is taken only once its command has exited 0: the service is up without it.
    await supervisor.stop();
    expect(processInfo(daemonPid)).toBeNull();
    expect(await findPortHolder(port)).toBeNull();
    expect(supervisor.getLogs('cache').map((line) => line.text)).toContain(`daemon running (pid ${daemonPid})`);
  });

  it('fails, naming its pid file, when the daemon dies', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        cache: daemonService(harness.root),
      },
    });
    await supervisor.start();
    const daemonPid = await waitFor(() => supervisor.getSnapshot().services[0]!.pid);
    process.kill(daemonPid, 'SIGKILL');
    const outcome = await supervisor.done;
    expect(outcome.kind).toBe('failed');
    expect(supervisor.getLogs('cache').map((line) => line.text)).toContain(
      `its daemon (pid ${daemonPid}, from ${join(harness.root, 'redis.pid')}) is gone`,
    );
  });

  it('runs its stop command with the service environment before the stop signal', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        cache: {
          ...daemonService(harness.root),
          env: { WHO: 'styxy-test' },
          stop: { command: `echo "stopping as $WHO on $PORT" > stop.txt && ${redisCli} -p $PORT shutdown nosave` },
        },
      },
    });
    await supervisor.start();
    const daemonPid = await waitFor(() => supervisor.getSnapshot().services[0]!.pid);
    const port = supervisor.getSnapshot().services[0]!.ports.PORT!;
    await supervisor.stop();
    expect(readFileSync(join(harness.root, 'stop.txt'), 'utf8').trim()).toBe(`stopping as styxy-test on ${port}`);
    expect(processInfo(daemonPid)).toBeNull();
    const notes = supervisor.getLogs('cache').map((line) => line.text);
    expect(notes).toContain('stop command exited with code 0');
    expect(notes.at(-1)).toBe('stopped');
  });
});
