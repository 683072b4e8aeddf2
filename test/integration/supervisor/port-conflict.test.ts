/**
 * A service that exits before it is ready because a port it wants is taken names the holder:
 * another stack's lease (stack, service, pid), as `fixed` ports already do.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portsInLines } from '../../../src/supervisor/port-conflict.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';

let harness: StackHarness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe('a port held by another stack', () => {
  it('is named in the failure of a service that exits before it is ready', async () => {
    harness = await createHarness();
    const first = harness.supervisor({
      services: { api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } } },
    });
    const up = await first.start();
    const taken = up.services[0]!.ports.PORT!;
    const other = join(harness.root, 'other');
    mkdirSync(other);
    const second = harness.supervisor(
      {
        services: {
          web: {
            command: [NODE, '-e', 'require("node:net").createServer().listen(Number(process.env.TARGET))'],
            env: { TARGET: taken },
            ready: { log: 'never printed' },
          },
        },
      },
      { root: other },
    );
    const failure = await second.start().then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(
      new RegExp(
        `exited with code 1 before it was ready: port ${taken} is held by stack .+/default \\(service api, pid ${process.pid}\\)`,
      ),
    );
    await first.stop();
  });
});

describe('ports in log lines', () => {
  it.each([
    ['Error: listen EADDRINUSE: address already in use :::5173', [5173]],
    ['Could not create server TCP listening socket *:6379: bind: Address already in use', [6379]],
    ['Error: listen EADDRINUSE: address already in use 127.0.0.1:6379', [6379]],
    ['Port 3000 is in use, trying another one...', [3000]],
    [
      "OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use",
      [8000],
    ],
    ['all good on 8080', []],
  ])('%s', (line, ports) => {
    expect(portsInLines([line])).toEqual(ports);
  });
});
