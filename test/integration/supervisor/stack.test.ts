import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../../src/os/process-table.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
let foreign: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve(undefined)));
  foreign = undefined;
  await harness?.cleanup();
});

const api = { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } };

describe('a stack and its coordinator', () => {
  it('registers the stack, reserves in one batch, reports its processes and exits, pushes its state, unregisters', async () => {
    harness = await createHarness();
    // Records the calls the supervisor makes, whatever coordinator is behind.
    const calls: [string, unknown][] = [];
    const recording = new Proxy(harness.client, {
      get(target, key) {
        // The target as receiver: the client's getters read its #private fields.
        const value = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push([String(key), args[0]]);
          return value.apply(target, args);
        };
      },
    });
    const supervisor = harness.supervisor(
      { name: 'shop', services: { api, web: { ...api, ports: { PORT: 'dev' } } } },
      { pushIntervalMs: 20, coordinator: recording },
    );
    await supervisor.start();
    const [stack] = await harness.client.listStacks();
    expect(stack).toMatchObject({
      id: supervisor.id,
      name: 'default',
      project: 'shop',
      root: harness.root,
      pid: process.pid,
    });
    // The run token names what the coordinator kills: it never leaves the coordinator.
    expect(JSON.stringify(stack)).not.toContain(supervisor.runToken);
    expect(stack!.leases.map((lease) => [lease.service, lease.portName]).sort()).toEqual([
      ['api', 'PORT'],
      ['web', 'PORT'],
    ]);
    const pids = supervisor.getSnapshot().services.map((service) => service.pid);
    await waitFor(
      async () => {
        const [pushed] = await harness.client.listStacks();
        return pushed?.phase === 'running' && pushed.services.map((s) => s.pid).join() === pids.join();
      },
      { message: 'the pushed state' },
    );
    expect(supervisor.getSnapshot().coordinator).toEqual({ pid: harness.client.coordinatorPid, leases: 2 });
    const names = calls.map(([name]) => name);
    expect(names.slice(0, 2)).toEqual(['registerStack', 'reserve']);
    expect(names.filter((name) => name === 'reserve')).toHaveLength(1);
    expect(calls.filter(([name]) => name === 'reportProcess').map(([, report]) => report)).toEqual(
      expect.arrayContaining(
        pids.map((pid) => ({ stackId: supervisor.id, service: expect.any(String), pid, pgid: pid })),
      ),
    );
    await supervisor.stop();
    const reportedExits = calls
      .filter(([name]) => name === 'reportExit')
      .map(([, report]) => (report as { pid: number }).pid);
    expect(reportedExits.sort()).toEqual([...pids].sort());
    expect(calls.at(-1)![0]).toBe('unregisterStack');
  });

  it('refuses a second copy of a running stack, untouched', async () => {
    harness = await createHarness();
    const logDir = join(harness.home.home, 'stacks', 'same');
    const first = harness.supervisor({ services: { api } }, { logDir });
    await first.start();
    const second = harness.supervisor(
      { services: { api } },
      { coordinator: await harness.coordinator.connect(), logDir },
    );
    await expect(second.start()).rejects.toMatchObject({ code: 'STYXY_STACK_RUNNING' });
    expect((await second.done).kind).toBe('failed');
    // The refused copy left the running one's log files alone (no rotation).
    expect(readdirSync(logDir)).toEqual(['api.log']);
    expect(first.getSnapshot().services[0]!.status).toBe('ready');
    expect(await harness.client.listLeases()).toHaveLength(1);
    // Another name is another stack.
    const named = harness.supervisor({ services: { api } }, { stackName: 'second' });
    const snapshot = await named.start();
    expect(snapshot.services[0]!.ports.PORT).not.toBe(first.getSnapshot().services[0]!.ports.PORT);
  });

  it('a batch that cannot be leased starts nothing; the error names the port and its holder', async () => {
    harness = await createHarness();
    const port = harness.home.spare[0]!;
    foreign = createServer();
    await new Promise<void>((resolve) => foreign!.listen(port, resolve));
    const supervisor = harness.supervisor({
      services: {
        free: { command: 'exec sleep 30', ports: { PORT: 'api' }, ready: false },
        pinned: { command: 'exec sleep 30', ports: { PORT: { port, fixed: true } }, ready: false },
      },
    });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'STYXY_PORT_TAKEN',
      message: expect.stringContaining(`port ${port}`),
    });
    expect(supervisor.getSnapshot().services.map((s) => s.pid)).toEqual([null, null]);
    expect(await harness.client.listLeases()).toEqual([]);
    expect(await harness.client.listStacks()).toEqual([]);
  });

  it('restart by hand keeps the ports and counts; stop and start by hand', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: { api, web: { ...api, ports: { PORT: 'dev' }, dependsOn: ['api'] } },
    });
    const before = (await supervisor.start()).services[0]!;
    await supervisor.actions.restart('api');
    const after = supervisor.getSnapshot().services[0]!;
    expect(after).toMatchObject({ status: 'ready', restarts: 1, ports: before.ports });
    expect(after.pid).not.toBe(before.pid);
    expect(processInfo(before.pid!)).toBeNull();
    await supervisor.actions.stop('api');
    expect(supervisor.getSnapshot().services[0]).toMatchObject({ status: 'stopped', pid: null });
    expect(supervisor.getSnapshot().services[1]!.status).toBe('ready'); // dependents keep running
    await supervisor.actions.start('api');
    expect(supervisor.getSnapshot().services[0]).toMatchObject({ status: 'ready', ports: before.ports });
    await expect(supervisor.actions.restart('nope')).rejects.toMatchObject({ code: 'STYXY_UNKNOWN_SERVICE' });
    await supervisor.actions.stopStack();
    expect((await supervisor.done).kind).toBe('clean');
    await expect(supervisor.actions.start('api')).rejects.toMatchObject({ code: 'STYXY_STACK_STOPPING' });
  });

  it('`up web` starts web and what it needs only', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor(
      {
        services: {
          db: { command: 'exec sleep 30', ready: false },
          api: { ...api, dependsOn: ['db'] },
          web: { command: 'exec sleep 30', env: { API: 'http://localhost:${api.PORT}' }, ready: false },
          docs: { command: 'exec sleep 30', ready: false },
        },
      },
      { services: ['web'] },
    );
    const snapshot = await supervisor.start();
    expect(snapshot.services.map((s) => s.name)).toEqual(['db', 'api', 'web']);
  });

  it('ends by itself once every service has completed', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: { a: { command: 'echo a' }, b: { command: 'echo b', dependsOn: { a: 'completed' } } },
    });
    await supervisor.start();
    expect(await supervisor.done).toEqual({ kind: 'clean' });
    expect(supervisor.getSnapshot().phase).toBe('stopped');
    expect(await harness.client.listStacks()).toEqual([]);
  });
});
