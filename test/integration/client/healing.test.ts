/**
 * A client connection that was closed stays closed, even when it was closed while reconnecting
 * and the coordinator answered its reclaim afterwards (it used to reopen itself, and `styxy run`
 * then hung after its command ended). Deterministic: a fake coordinator (test/helpers/
 * fake-coordinator.ts) behind a real socket holds the reclaim reply until the test lets it go.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { homePaths } from '../../../src/protocol/home.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import { type RpcServer, serveRpc } from '../../../src/transport/rpc-server.js';
import { fakeCoordinator } from '../../helpers/fake-coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

let home: TestHome | undefined;
let server: RpcServer | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
  home?.cleanup();
  home = undefined;
});

describe('a healing connection', () => {
  it('closed while its reclaim waits for an answer: stays closed when the answer comes', async () => {
    home = makeTestHome();
    const fake = fakeCoordinator();
    fake.markAlive(process.pid); // the client here says hello as itself
    let releaseReclaim!: () => void;
    const held = new Promise<void>((resolve) => {
      releaseReclaim = resolve;
    });
    let reclaims = 0;
    let answered = false;
    const reclaim = fake.coordinator.methods.reclaim!;
    server = await serveRpc({
      socketPath: homePaths(home.home).socket,
      protocolVersion: PROTOCOL_VERSION,
      mismatch: () => {
        throw new Error('no mismatch here');
      },
      hello: async (params, peer) => fake.coordinator.hello(params, peer),
      methods: {
        ...fake.coordinator.methods,
        reclaim: {
          params: reclaim.params,
          handle: async (params, session, peer) => {
            reclaims++;
            await held;
            const result = await reclaim.handle(params, session, peer);
            answered = true;
            return result;
          },
        },
      },
      onDisconnect: (owner, peer) => fake.coordinator.disconnected(owner, peer),
      log: () => {},
    });

    const client = await connectCoordinator({ home: home.home, kind: 'run', autoStart: false, timeoutMs: 2000 });
    let reconnected = false;
    client.on('reconnected', () => {
      reconnected = true;
    });
    for (const peer of server.peers()) peer.close(); // the coordinator "restarts"
    await waitFor(() => reclaims === 1, { message: 'the reclaim to arrive' });
    await client.close();
    releaseReclaim();
    await waitFor(() => answered, { message: 'the reclaim to be answered' });
    await waitFor(() => server!.connections === 0, { timeout: 3000, message: 'the client to be gone' });
    expect(reconnected).toBe(false);
    await expect(client.status()).rejects.toThrow('the client is closed');
    expect(server.connections).toBe(0);
  });
});
