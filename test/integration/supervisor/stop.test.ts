import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../../src/os/process-table.js';
import { processesTagged } from '../../../src/os/tag.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

const gone = (pid: number) => processInfo(pid) === null;

describe('stopping (real processes)', () => {
  it('stops in reverse dependency order, independent services together, then releases every port', async () => {
    harness = await createHarness();
    const record = join(harness.root, 'record');
    const recorder = { command: [NODE, fixture('recorder.mjs')], env: { RECORD_FILE: record, STOP_DELAY_MS: 150 } };
    const supervisor = harness.supervisor({
      services: {
        db: { ...recorder, ports: { PORT: 'database' }, ready: { log: 'up$' } },
        cache: { ...recorder, ports: { PORT: 'infrastructure' }, ready: { log: 'up$' } },
        api: { ...recorder, ports: { PORT: 'api' }, dependsOn: ['db', 'cache'], ready: { log: 'up$' } },
        web: { ...recorder, ports: { PORT: 'dev' }, dependsOn: ['api'], ready: { log: 'up$' } },
      },
    });
    await supervisor.start();
    expect((await harness.client.listLeases()).map((lease) => lease.service).sort()).toEqual([
      'api',
      'cache',
      'db',
      'web',
    ]);
    const outcome = await supervisor.stop();
    expect(outcome).toEqual({ kind: 'clean' });
    const lines = readFileSync(record, 'utf8').trim().split('\n');
    const starts = lines.filter((line) => line.startsWith('start'));
    const stops = lines.filter((line) => line.startsWith('stop'));
    expect(starts.slice(2)).toEqual(['start api', 'start web']);
    // Each one once (a second SIGTERM reads as "force quit" to many programs), dependents first.
    expect(stops.slice(0, 2)).toEqual(['stop web', 'stop api']);
    expect(stops.slice(2).sort()).toEqual(['stop cache', 'stop db']);
    expect(stops).toHaveLength(4);
    expect(await harness.client.listLeases()).toEqual([]);
    expect(await harness.client.listStacks()).toEqual([]);
    expect(supervisor.getSnapshot().services.every((service) => service.status === 'stopped')).toBe(true);
  });

  it('SIGKILLs a service that ignores SIGTERM once stopTimeout has passed', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        stubborn: { command: [NODE, fixture('term-ignorer.mjs')], stopTimeout: 300, ready: { log: 'started' } },
      },
    });
    const snapshot = await supervisor.start();
    const pid = snapshot.services[0]!.pid!;
    const began = Date.now();
    await supervisor.stop();
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
    expect(gone(pid)).toBe(true);
    const notes = supervisor.getLogs('stubborn').map((line) => line.text);
    expect(notes).toContain('ignoring SIGTERM');
    expect(notes).toContain('did not stop within 300 ms of SIGTERM; killed with SIGKILL');
  });

  it('a forced stop (second Ctrl-C) skips the grace period', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        stubborn: { command: [NODE, fixture('term-ignorer.mjs')], stopTimeout: 20_000, ready: { log: 'started' } },
      },
    });
    const snapshot = await supervisor.start();
    const began = Date.now();
    void supervisor.stop({ signal: 'SIGINT' });
    await waitFor(() => supervisor.getLogs('stubborn').some((line) => line.text === 'ignoring SIGTERM'));
    const outcome = await supervisor.stop({ force: true, signal: 'SIGINT' });
    expect(outcome).toEqual({ kind: 'interrupted', signal: 'SIGINT' });
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(gone(snapshot.services[0]!.pid!)).toBe(true);
  });

  it('leaves no grandchild behind: plain, setsid and double-forked ones, after a stop', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        forker: { command: ['sh', fixture('escapees.sh')], stopTimeout: 300, ready: { log: 'doublefork=' } },
      },
    });
    await supervisor.start();
    const pids = Object.fromEntries(
      supervisor
        .getLogs('forker')
        .flatMap((line) => [...(/(\w+)=(\d+)/.exec(line.text) ? [/(\w+)=(\d+)/.exec(line.text)!] : [])])
        .map((match) => [match[1]!, Number(match[2])]),
    );
    expect(Object.keys(pids).sort()).toEqual(['child', 'doublefork', 'setsid', 'stubborn']);
    // `$!` is printed as the child forks, before setsid(2) has run in it: wait until it has escaped.
    const group = supervisor.getSnapshot().services[0]!.pid;
    await waitFor(() => processInfo(pids.setsid!)?.pgid !== group, { message: 'the setsid child to leave the group' });
    await supervisor.stop();
    for (const pid of Object.values(pids)) expect(gone(pid)).toBe(true);
    expect(processesTagged(supervisor.runToken)).toEqual([]);
  });

  it('a stop while services are still starting ends the start with STYXY_INTERRUPTED', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        slow: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' }, env: { DELAY_MS: 5000 } },
      },
    });
    const starting = supervisor.start();
    starting.catch(() => {}); // asserted below
    await waitFor(() => supervisor.getSnapshot().services[0]!.pid !== null);
    const pid = supervisor.getSnapshot().services[0]!.pid!;
    const outcome = await supervisor.stop({ signal: 'SIGTERM' });
    await expect(starting).rejects.toMatchObject({ code: 'STYXY_INTERRUPTED' });
    expect(outcome).toEqual({ kind: 'interrupted', signal: 'SIGTERM' });
    expect(gone(pid)).toBe(true);
    expect(await harness.client.listLeases()).toEqual([]);
  });
});
