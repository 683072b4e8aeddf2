/** The pid a stack shows is the server's, not the `sh -c` wrapper's (one simple command is exec'd). */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';

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
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv[0]).toBe(NODE);
    expect(argv[1]).toBe(fixture('ticker.mjs'));
    await supervisor.stop();
  });
});
