/**
 * The hello is pipelined (client/healing-connection.ts): a pipelined client's first request goes
 * right behind its hello instead of waiting a round trip for its answer. Against a stand-in
 * that reads frames and answers nothing, the request must arrive all the same; against a
 * coordinator that dies as it accepts, the request (never run) is sent again to one started for it.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoordinatorConnection, connectCoordinator } from '../../../src/client/coordinator-client.js';
import { ensureHome, homePaths } from '../../../src/protocol/home.js';
import { listenDying, onlyTypes, running, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

let home: TestHome | undefined;
let client: CoordinatorConnection | undefined;
let server: Server | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  server?.close();
  server = undefined;
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

describe('the pipelined hello', () => {
  it('sends the first request before the hello is answered', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 2 }) });
    const socket = homePaths(ensureHome(home.home)).socket;
    const frames: { type: string; data: { method?: string } }[] = [];
    // Reads node-ipc frames and never answers.
    server = createServer((connection) => {
      let buffer = '';
      connection.setEncoding('utf8');
      connection.on('data', (text: string) => {
        buffer += text;
        for (let at = buffer.indexOf('\f'); at >= 0; at = buffer.indexOf('\f')) {
          frames.push(JSON.parse(buffer.slice(0, at)));
          buffer = buffer.slice(at + 1);
        }
      });
    });
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
    client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false, pipelined: true });
    const status = client.status();
    status.catch(() => {});
    await waitFor(() => frames.length >= 2, { message: 'the hello and the request behind it' });
    expect(frames.map((frame) => [frame.type, frame.data.method])).toEqual([
      ['request', 'hello'],
      ['request', 'status'],
    ]);
  });

  it('a first connection closed before the hello is answered: the request goes to a coordinator started for it', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 2 }) });
    const socket = homePaths(ensureHome(home.home)).socket;
    await listenDying(socket);
    client = await connectCoordinator({ home: home.home, kind: 'cli', timeoutMs: 15_000, pipelined: true });
    const status = await client.status();
    expect(status.running).toBe(true);
    expect(running(client.coordinatorPid)).toBe(true);
    expect(client.coordinatorPid).toBe(status.pid);
  });
});
