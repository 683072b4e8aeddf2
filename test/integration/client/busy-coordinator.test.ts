/**
 * A coordinator whose accept queue is full (a burst of connections it has not taken yet) is
 * busy, not gone: a client's connect gets EAGAIN and tries again until its deadline
 * (client/open-connection.ts). Made deterministic with a real coordinator stopped (SIGSTOP)
 * while raw connections fill its queue.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { homePaths } from '../../../src/protocol/home.js';
import { onlyTypes, startTestCoordinator, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';

let home: TestHome | undefined;
let stopped: number | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
  stopped = undefined;
  for (const socket of sockets.splice(0)) socket.destroy();
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

/** Connects until the kernel refuses one with EAGAIN: the queue is full. */
async function fillAcceptQueue(path: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ path });
      sockets.push(socket);
      socket.once('connect', () => resolve(false));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EAGAIN'));
    });
    if (refused) return;
  }
  throw new Error('the accept queue never filled');
}

it('a client waits for a coordinator whose accept queue is full, and connects once it takes connections again', async () => {
  home = makeTestHome({ sizes: onlyTypes({ dev: 2 }) });
  const pid = await startTestCoordinator(home);
  process.kill(pid, 'SIGSTOP');
  stopped = pid;
  await fillAcceptQueue(homePaths(home.home).socket);

  const connecting = connectCoordinator({ home: home.home, kind: 'cli', autoStart: false, timeoutMs: 20_000 });
  // Still refused with EAGAIN while it is stopped: the client must be waiting, not failed.
  const early = await Promise.race([
    connecting.then(
      () => 'connected',
      (error: Error) => `failed: ${error.message}`,
    ),
    new Promise((resolve) => setTimeout(resolve, 300, 'waiting')),
  ]);
  expect(early).toBe('waiting');

  process.kill(pid, 'SIGCONT');
  stopped = undefined;
  for (const socket of sockets.splice(0)) socket.destroy();
  const client = await connecting;
  expect((await client.status()).running).toBe(true);
  await client.close();
});
