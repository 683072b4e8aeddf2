/**
 * Replies and events of the wrong shape, fed to the real clients over a real socket: the
 * coordinator client (the fake coordinator's handlers behind a real server, one method answering
 * nonsense) and the control client (a toy supervisor). A reply that does not fit its method's
 * result shape is a coded protocol error with a hint, never a value the caller trusts; the
 * connection stays usable; an event that does not fit is dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectControl, type StackStreamEvent } from '../../../src/client/control-client.js';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import type { Owner } from '../../../src/coordinator/state.js';
import { CONTROL_PROTOCOL_VERSION } from '../../../src/protocol/control-protocol.js';
import { StyxyError } from '../../../src/protocol/errors.js';
import { ensureHome, homePaths } from '../../../src/protocol/home.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import { method, type Peer, type RpcMethod, type RpcServer, serveRpc } from '../../../src/transport/rpc-server.js';
import { fakeCoordinator, portRequest } from '../../helpers/fake-coordinator.js';
import { waitFor } from '../../helpers/wait.js';

const dirs: string[] = [];
const servers: RpcServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mismatch = () => new StyxyError('STYXY_PROTOCOL_MISMATCH', 'another version');
const any = z.looseObject({});

/** The fake coordinator's own handlers behind a real socket, with `overrides` answering instead. */
async function coordinatorAnswering(
  overrides: Readonly<Record<string, (params: unknown, peer: Peer) => unknown>>,
  hello?: (result: object) => object,
): Promise<string> {
  const home = ensureHome(mkdtempSync(join(tmpdir(), 'styxy-malformed-')));
  dirs.push(home);
  const fake = fakeCoordinator();
  const methods: Record<string, RpcMethod<Owner>> = { ...fake.coordinator.methods };
  for (const [name, handle] of Object.entries(overrides)) {
    methods[name] = method(any, (params, _session, peer) => handle(params, peer));
  }
  servers.push(
    await serveRpc<Owner>({
      socketPath: homePaths(home).socket,
      protocolVersion: PROTOCOL_VERSION,
      mismatch,
      // The client's pid is real; the fake knows only its own pids.
      hello: async (params, peer) => {
        const answer = await fake.coordinator.hello({ ...(params as object), pid: fake.spawnPid() }, peer);
        return { session: answer.session, result: hello ? hello(answer.result) : answer.result };
      },
      methods,
      log: () => {},
    }),
  );
  return home;
}

describe('a coordinator reply of the wrong shape', () => {
  it('is STYXY_PROTOCOL_ERROR naming the method and the field, with a hint; the connection goes on', async () => {
    const home = await coordinatorAnswering({
      listLeases: () => ({ leases: [{ port: 'three thousand' }], next: null }),
      status: () => ({ running: true }),
    });
    const client = await connectCoordinator({ home, kind: 'cli', autoStart: false });
    try {
      await expect(client.listLeases()).rejects.toMatchObject({
        code: 'STYXY_PROTOCOL_ERROR',
        message: expect.stringMatching(
          /malformed "listLeases" reply: leases\.0\.port: expected a number, found "three thousand"$/,
        ),
        hint: expect.stringMatching(/styxy daemon stop/),
      });
      await expect(client.status()).rejects.toMatchObject({
        code: 'STYXY_PROTOCOL_ERROR',
        message: expect.stringMatching(/"status" reply: pid: expected a number, found nothing$/),
      });
      // The methods that answer well still do, on the same connection.
      const leases = await client.reserve({ requests: [portRequest('web', 'PORT', 'dev')] });
      expect(leases.map((lease) => lease.port)).toEqual([3000]);
    } finally {
      await client.close();
    }
  });

  it('in the hello fails the connection with the same coded error (no retrying, no hang)', async () => {
    const home = await coordinatorAnswering({}, ({ token: _token, ...rest }: { token?: unknown }) => rest);
    const error = await connectCoordinator({ home, kind: 'cli', autoStart: false, timeoutMs: 3000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'STYXY_PROTOCOL_ERROR',
      message: expect.stringMatching(/malformed "hello" reply: token: expected a string, found nothing$/),
    });
  });
});

describe('a control reply or event of the wrong shape', () => {
  it('is STYXY_PROTOCOL_ERROR for a reply; an event that does not fit is dropped, the next one arrives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'styxy-malformed-'));
    dirs.push(dir);
    const socketPath = join(dir, 'control.sock');
    const stack = { id: 's-1', name: 'default', project: 'shop', root: dir, pid: process.pid };
    const snapshot = {
      stack: { ...stack, detached: false },
      coordinator: { pid: null, leases: 0 },
      phase: 'running',
      services: [],
    };
    const line = { seq: 1, service: 'api', stream: 'stdout', text: 'hi', time: 1 };
    servers.push(
      await serveRpc<unknown>({
        socketPath,
        protocolVersion: CONTROL_PROTOCOL_VERSION,
        mismatch,
        hello: async () => ({ session: {}, result: { stack } }),
        methods: {
          snapshot: method(any, () => ({ ...snapshot, phase: 'dancing' })),
          subscribe: method(any, (_params, _session, peer) => {
            setTimeout(() => {
              peer.send('logs', { lines: [{ ...line, stream: 'stdin' }], dropped: 0 });
              peer.send('snapshot', { snapshot: { stack } });
              peer.send('logs', { lines: [line], dropped: 2 });
            }, 10);
            return { snapshot, lines: [] };
          }),
        },
        log: () => {},
      }),
    );
    const client = await connectControl(socketPath);
    try {
      await expect(client.snapshot()).rejects.toMatchObject({
        code: 'STYXY_PROTOCOL_ERROR',
        message: expect.stringMatching(/malformed "snapshot" reply: phase: expected one of .*, found "dancing"$/),
        hint: expect.stringMatching(/styxy down/),
      });
      const subscription = await client.subscribe();
      const events: StackStreamEvent[] = [];
      subscription.listen((event) => events.push(event));
      await waitFor(() => events.length > 0);
      expect(events).toEqual([{ type: 'logs', lines: [line], dropped: 2 }]);
    } finally {
      client.close();
    }
  });
});
