import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

const lifecycle = (lines: readonly { stream: string; text: string }[]) =>
  lines.filter((line) => line.stream === 'styxy').map((line) => line.text);

describe('restart policies (real processes)', () => {
  it('on-failure: restarts a crashing service with growing backoff until it stays up', async () => {
    harness = await createHarness();
    const counter = join(harness.root, 'runs');
    const supervisor = harness.supervisor({
      services: {
        flaky: {
          command: [NODE, fixture('crasher.mjs'), '3'],
          ports: { PORT: 'api' },
          env: { COUNT_FILE: counter, SUCCEED_AFTER: 2 },
          restart: { policy: 'on-failure', backoff: 50, maxBackoff: 1000, maxRestarts: 5 },
        },
      },
    });
    const snapshot = await supervisor.start();
    const flaky = snapshot.services[0]!;
    expect(flaky.status).toBe('ready');
    expect(flaky.restarts).toBe(2);
    expect(flaky.lastExit).toMatchObject({ code: 3, signal: null });
    expect(readFileSync(counter, 'utf8')).toBe('3');
    const notes = lifecycle(supervisor.getLogs('flaky'));
    expect(notes).toContain('exited with code 3, restarting in 50 ms (1/5)');
    expect(notes).toContain('exited with code 3, restarting in 100 ms (2/5)');
    // The crash's own last words come before Styxy's note about it.
    const lines = supervisor.getLogs('flaky').map((line) => line.text);
    expect(lines.indexOf('crashing with code 3')).toBeLessThan(
      lines.indexOf('exited with code 3, restarting in 50 ms (1/5)'),
    );
  });

  it('on-failure: gives up after maxRestarts in a row, failing the stack', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        broken: {
          command: [NODE, fixture('crasher.mjs'), '2'],
          restart: { policy: 'on-failure', backoff: 10, maxRestarts: 2 },
        },
        other: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
      },
    });
    // `broken` has no readiness check: it is running as soon as it runs, so start() may resolve
    // first; the failure then arrives through `done`.
    await supervisor.start().catch(() => {});
    const outcome = await supervisor.done;
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.error.code).toBe('STYXY_SERVICE_FAILED');
    expect(outcome.error.message).toContain(
      'service "broken" failed: exited with code 2 again after restarting 2 times in a row; giving up',
    );
    expect(outcome.error.message).toContain('| crashing with code 2');
    const snapshot = supervisor.getSnapshot();
    expect(snapshot.phase).toBe('failed');
    expect(snapshot.services.map((s) => [s.name, s.status])).toEqual([
      ['broken', 'failed'],
      ['other', 'stopped'],
    ]);
    expect(await harness.client.listLeases()).toEqual([]);
  });

  it('always: restarts a service that exits 0, without counting it as a failure', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        ticker: {
          command: [NODE, '-e', 'console.log("tick"); setTimeout(() => {}, 50)'],
          restart: { policy: 'always', backoff: 20, maxRestarts: 1 },
        },
      },
    });
    await supervisor.start();
    await waitFor(() => supervisor.getSnapshot().services[0]!.restarts >= 4, { message: '4 restarts' });
    const ticker = supervisor.getSnapshot().services[0]!;
    expect(['running', 'exited', 'starting']).toContain(ticker.status);
    expect(supervisor.getSnapshot().phase).toBe('running');
    expect(lifecycle(supervisor.getLogs('ticker'))).toContain('exited with code 0, restarting in 20 ms');
  });

  it('no: exit 0 is completed, and a dependent waiting for completion starts then', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        migrate: { command: [NODE, '-e', 'setTimeout(() => console.log("migrated"), 200)'] },
        api: {
          command: [NODE, fixture('http-server.mjs')],
          ports: { PORT: 'api' },
          dependsOn: { migrate: 'completed' },
        },
      },
    });
    const snapshot = await supervisor.start();
    expect(snapshot.services.map((s) => [s.name, s.status])).toEqual([
      ['migrate', 'completed'],
      ['api', 'ready'],
    ]);
    expect(snapshot.services[1]!.startedAt!).toBeGreaterThanOrEqual(snapshot.services[0]!.lastExit!.at);
    expect(lifecycle(supervisor.getLogs('migrate'))).toContain('completed');
  });

  it('no: a non-zero exit before ready fails the stack; nothing it blocks is started', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        db: { command: [NODE, fixture('crasher.mjs'), '4', '100'], ports: { PORT: 'database' } },
        api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' }, dependsOn: ['db'] },
      },
    });
    await expect(supervisor.start()).rejects.toThrow(/service "db" failed: exited with code 4 before it was ready/);
    expect((await supervisor.done).kind).toBe('failed');
    const api = supervisor.getSnapshot().services[1]!;
    expect(api.status).toBe('stopped');
    expect(api.lastExit).toBeNull();
  });

  it('no: a crash after it was up leaves it exited while the rest runs on', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        short: { command: [NODE, fixture('crasher.mjs'), '5', '300'] },
        api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
      },
    });
    await supervisor.start();
    await waitFor(() => supervisor.getSnapshot().services[0]!.status === 'exited', { message: 'short exited' });
    const snapshot = supervisor.getSnapshot();
    expect(snapshot.phase).toBe('running');
    expect(snapshot.services[0]).toMatchObject({ status: 'exited', detail: 'exited with code 5', pid: null });
    expect(snapshot.services[1]!.status).toBe('ready');
  });
});
