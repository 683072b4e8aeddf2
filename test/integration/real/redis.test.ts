/**
 * Real Redis (the Debian package's redis-server) under a real supervisor and coordinator: it gets
 * its leased port, is ready by TCP, and once the stack is stopped no process of it runs and
 * nothing listens on its port. Skipped with a message where redis-server is not installed (fails
 * in CI: test/helpers/programs.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolder } from '../../../src/coordinator/port-holder.js';
import { processInfo } from '../../../src/os/process-table.js';
import { requirePrograms } from '../../helpers/programs.js';
import { createHarness, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

const programs = requirePrograms('redis.test', ['redis-server']);
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
