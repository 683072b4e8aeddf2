/** The pid a stack shows is the server's, not the `sh -c` wrapper's (one simple command is exec'd). */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe('the real pid', () => {
  it('of a shell-string service is the server itself', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: { tick: { command: `${NODE} ${fixture('ticker.mjs')} 1000`, ready: false } },
    });
    const up = await supervisor.start();
    const pid = up.services[0]!.pid!;
    // `sh -c` execs the server a moment after the spawn (and /proc shows an empty command line
    // while a process is in exec): the pid's command line becomes the server's, the pid stays.
    const argv = await waitFor(
      () => {
        const now = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return now[0] === NODE ? now : null;
      },
      { message: `pid ${pid} to exec the server` },
    );
    expect(argv[1]).toBe(fixture('ticker.mjs'));
    expect(supervisor.getSnapshot().services[0]!.pid).toBe(pid);
    await supervisor.stop();
  });
});
