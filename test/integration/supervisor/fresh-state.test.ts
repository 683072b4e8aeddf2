// What a supervisor's answers promise: once `start()` settles, or an action on one service
// does, the coordinator (what `ps`, `port` and `ls` read) already has the state they left. The
// periodic push is set far beyond the test, so only the answer's own push can bring it.
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';

let harness: StackHarness;
afterEach(async () => {
  await harness?.cleanup();
});

const api = { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } };
const NEVER = 10 * 60_000;

describe('fresh state', () => {
  it('the coordinator has the state start() and each action answered with, every time', async () => {
    harness = await createHarness();
    const reader = await harness.coordinator.connect();
    const pushed = async () => {
      const [stack] = await reader.listStacks();
      return Object.fromEntries(stack!.services.map((s) => [s.name, { status: s.status, pid: s.pid }]));
    };
    const supervisor = harness.supervisor(
      { name: 'shop', services: { api, web: { ...api, ports: { PORT: 'dev' } } } },
      { pushIntervalMs: NEVER },
    );
    const up = await supervisor.start();
    const expected = Object.fromEntries(up.services.map((s) => [s.name, { status: s.status, pid: s.pid }]));
    expect(expected.api!.status).toBe('ready');
    expect(await pushed()).toEqual(expected);
    for (let round = 0; round < 5; round++) {
      await supervisor.actions.restart('api');
      const api = supervisor.getSnapshot().services.find((s) => s.name === 'api')!;
      expect(api.status).toBe('ready');
      expect((await pushed()).api).toEqual({ status: 'ready', pid: api.pid });
    }
    await supervisor.actions.stop('web');
    expect((await pushed()).web).toEqual({ status: 'stopped', pid: null });
    await supervisor.actions.start('web');
    expect((await pushed()).web?.status).toBe('ready');
  });
});
