import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../src/protocol/stack.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

const statusOf = (supervisor: Supervisor, name: string): ServiceStatus | undefined =>
  supervisor.getSnapshot().services.find((service) => service.name === name)?.status;
const texts = (supervisor: Supervisor, name: string) => supervisor.getLogs(name).map((line) => line.text);

describe('stdin (real processes)', () => {
  it("keeps stdin open: watchers that exit on EOF stay up; stdin: 'null' gives them EOF at once", async () => {
    harness = await createHarness();
    const watcher = [NODE, fixture('stdin-watcher.mjs')];
    const supervisor = harness.supervisor({
      services: {
        watcher: { command: watcher, ready: { log: '^watching' } },
        cat: { command: 'cat', ready: false },
        'watcher-null': { command: watcher, stdin: 'null', ready: false },
        'cat-null': { command: 'cat', stdin: 'null', ready: false },
      },
    });
    await supervisor.start();
    // The same program with stdin: 'null' reads EOF and completes…
    await waitFor(() => statusOf(supervisor, 'watcher-null') === 'completed', { message: 'watcher-null completed' });
    await waitFor(() => statusOf(supervisor, 'cat-null') === 'completed', { message: 'cat-null completed' });
    expect(texts(supervisor, 'watcher-null')).toContain('stdin closed');
    // …while the one with the default pipe, started at the same time, has read no EOF since: it
    // has ticked on (a few more ticks, so it had every chance to see an EOF) and is still up.
    const ticked = texts(supervisor, 'watcher').filter((text) => text.startsWith('tick')).length;
    await waitFor(() => texts(supervisor, 'watcher').filter((text) => text.startsWith('tick')).length >= ticked + 5, {
      message: 'five more ticks',
    });
    expect(texts(supervisor, 'watcher')).toContain('watching (no tty)');
    expect(texts(supervisor, 'watcher')).not.toContain('stdin closed');
    expect(statusOf(supervisor, 'watcher')).toBe('ready');
    expect(statusOf(supervisor, 'cat')).toBe('running');
    expect(await supervisor.stop()).toEqual({ kind: 'clean' });
    expect(statusOf(supervisor, 'watcher')).toBe('stopped');
    expect(statusOf(supervisor, 'cat')).toBe('stopped');
  });
});
