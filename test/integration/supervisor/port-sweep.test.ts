/**
 * Nothing of a stack keeps its port: a process that left the service's group (setsid), its
 * parent (a double fork) and its tag (`env -i`) but listens on a leased port is found by that
 * port when the stack stops, stopped, and named in the log; `down`-style reports see no listener.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolder } from '../../../src/os/port-holder.js';
import { processInfo } from '../../../src/os/process-table.js';
import { createHarness, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe('the listener sweep after a stop', () => {
  it('stops an escaped process of the stack that still listens on a leased port, and says so', async () => {
    harness = await createHarness();
    const server = `require("node:net").createServer().listen(Number(process.argv[1]), "127.0.0.1")`;
    const supervisor = harness.supervisor({
      services: {
        web: {
          command: `(setsid env -i ${NODE} -e '${server}' $PORT > /dev/null 2>&1 &) ; exec sleep 1000`,
          ports: { PORT: 'dev' },
        },
      },
    });
    const up = await supervisor.start();
    const port = up.services[0]!.ports.PORT!;
    const escaped = await waitFor(async () => (await findPortHolder(port))?.pid, { message: 'the escaped listener' });
    await supervisor.stop();
    expect(processInfo(escaped)).toBeNull();
    expect(await findPortHolder(port)).toBeNull();
    expect(supervisor.getLogs('web').map((line) => line.text)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^pid ${escaped} \\(.*\\) still listened on :${port} after the stack stopped: stopped it$`),
      ),
    );
  });
});
