/**
 * The generic request/reply transport over a real Unix socket: a toy server in this process,
 * real clients (ours, and raw sockets writing node-ipc frames by hand).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StyxyError } from '../../../src/protocol/errors.js';
import { number, object, type Shape, unknown } from '../../../src/protocol/shape.js';
import { connectRpc, openRpc } from '../../../src/transport/rpc-client.js';
import { method, type RpcServer, serveRpc } from '../../../src/transport/rpc-server.js';
import { waitFor } from '../../helpers/wait.js';

let dir: string;
let socketPath: string;
let server: RpcServer;
const disconnects: (string | null)[] = [];
const logs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'styxy-rpc-'));
  socketPath = join(dir, 'sock', 'test.sock');
  disconnects.length = 0;
  logs.length = 0;
  let calls = 0;
  server = await serveRpc<string>({
    socketPath,
    protocolVersion: 7,
    mismatch: (peer) => new StyxyError('STYXY_PROTOCOL_MISMATCH', `server speaks 7, peer ${peer}`, { hint: 'restart' }),
    hello: async (params) => {
      const name = (params as { name?: string }).name;
      if (name === 'refused') throw new StyxyError('STYXY_NOT_OWNER', 'hello refused: not you');
      return { session: String(name ?? 'anon'), result: { hi: true } };
    },
    methods: {
      echo: method(z.looseObject({ value: z.unknown() }), (params, session) => ({ value: params.value, session })),
      add: method(z.looseObject({ a: z.number(), b: z.number() }), (params) => params.a + params.b),
      slow: method(z.looseObject({ ms: z.number() }), async (params) => {
        await new Promise((resolve) => setTimeout(resolve, params.ms));
        return ++calls;
      }),
      boom: method(z.looseObject({}), () => {
        throw new Error('kaboom');
      }),
      big: method(z.looseObject({}), () => 'x'.repeat(2 * 1024 * 1024)),
      push: method(z.looseObject({}), (_params, _session, peer) => peer.send('tick', { n: 1 })),
    },
    onDisconnect: (session) => disconnects.push(session),
    log: (line) => logs.push(line),
  });
});

afterEach(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The toy protocol as its clients see it (`nope`: a method this server does not have). */
type Toy = {
  [M in 'hello' | 'echo' | 'add' | 'slow' | 'boom' | 'big' | 'push' | 'nope']: {
    params: Record<string, unknown>;
    result: unknown;
  };
};
const anything = unknown as Shape<unknown>;
const results = {
  hello: object({ protocol: number }),
  echo: anything,
  add: number,
  slow: number,
  boom: anything,
  big: anything,
  push: anything,
  nope: anything,
};
const events = { tick: object({ n: number }) };
const closed = () => new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', 'closed');
const malformed = (what: string, problem: string) => new StyxyError('STYXY_PROTOCOL_ERROR', `${what}: ${problem}`);
const client = (name = 'a', version = 7) =>
  connectRpc<Toy>({ socketPath, protocolVersion: version, hello: { name }, results, malformed, closedError: closed });

/** A raw socket speaking node-ipc frames by hand. */
function raw(): Promise<{ socket: Socket; replies: unknown[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: socketPath });
    const replies: unknown[] = [];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffer += text;
      let at = buffer.indexOf('\f');
      while (at >= 0) {
        replies.push(JSON.parse(buffer.slice(0, at)));
        buffer = buffer.slice(at + 1);
        at = buffer.indexOf('\f');
      }
    });
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, replies, ended }));
    socket.once('error', reject);
  });
}
const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}\f`;

describe('rpc transport', () => {
  it('says hello, answers requests by id, pushes events; the socket folder is owner-only', async () => {
    const pushed: unknown[] = [];
    const { client: c, hello } = await connectRpc<Toy, { tick: { n: number } }>({
      socketPath,
      protocolVersion: 7,
      hello: { name: 'ann' },
      results,
      events,
      malformed,
      closedError: closed,
      onEvent: (event) => pushed.push(event),
    });
    expect(hello).toEqual({ protocol: 7, hi: true });
    expect(await Promise.all([c.call('add', { a: 1, b: 2 }), c.call('echo', { value: [1] })])).toEqual([
      3,
      { value: [1], session: 'ann' },
    ]);
    await c.call('push', {});
    await waitFor(() => pushed.length === 1);
    expect(pushed).toEqual([{ event: 'tick', data: { n: 1 } }]);
    expect(statSync(join(dir, 'sock')).mode & 0o777).toBe(0o700);
    c.close();
    await waitFor(() => disconnects.includes('ann'));
  });

  it('answers bad requests with coded errors and keeps the connection', async () => {
    const { client: c } = await client();
    await expect(c.call('nope', {})).rejects.toMatchObject({
      code: 'STYXY_BAD_REQUEST',
      message: 'unknown method "nope"',
    });
    await expect(c.call('add', { a: 'x', b: 2 })).rejects.toMatchObject({
      code: 'STYXY_BAD_REQUEST',
      message: expect.stringMatching(/invalid params for "add": a: /),
    });
    await expect(c.call('boom', {})).rejects.toMatchObject({ code: 'STYXY_INTERNAL' });
    await expect(c.call('big', {})).rejects.toMatchObject({
      message: expect.stringMatching(/larger than the largest/),
    });
    await expect(c.call('hello', { protocol: 7 })).rejects.toMatchObject({ message: '"hello" was already said' });
    expect(await c.call('add', { a: 2, b: 2 })).toBe(4);
    c.close();
  });

  it('refuses another protocol version with the mismatch error, and closes', async () => {
    await expect(client('old', 6)).rejects.toMatchObject({
      code: 'STYXY_PROTOCOL_MISMATCH',
      message: 'server speaks 7, peer 6',
      hint: 'restart',
    });
  });

  it('pipelined: calls made before the hello is answered run behind it, in order', async () => {
    const { client: c, hello } = await openRpc<Toy>({
      socketPath,
      protocolVersion: 7,
      hello: { name: 'p' },
      results,
      malformed,
      closedError: closed,
    });
    expect(c.greeted).toBe(false);
    const calls = [c.call('slow', { ms: 0 }), c.call('echo', { value: 1 })];
    expect(await hello).toEqual({ protocol: 7, hi: true });
    expect(await Promise.all(calls)).toEqual([1, { value: 1, session: 'p' }]);
    expect(c.greeted).toBe(true);
    c.close();
  });

  it('a refused hello fails the calls pipelined behind it with its own error, and runs none of them', async () => {
    for (const [name, version, error] of [
      ['a', 6, { code: 'STYXY_PROTOCOL_MISMATCH', message: 'server speaks 7, peer 6', hint: 'restart' }],
      ['refused', 7, { code: 'STYXY_NOT_OWNER', message: 'hello refused: not you' }],
    ] as const) {
      const { client: c, hello } = await openRpc<Toy>({
        socketPath,
        protocolVersion: version,
        hello: { name },
        results,
        malformed,
        closedError: closed,
      });
      const behind = c.call('slow', { ms: 0 });
      await expect(hello).rejects.toMatchObject(error);
      await expect(behind).rejects.toMatchObject(error);
      // Later calls too: the connection is closed, and says why.
      await expect(c.call('add', { a: 1, b: 1 })).rejects.toMatchObject(error);
      expect(c.closed).toBe(true);
    }
    // The server's side, by hand: one reply (the hello's error), then the connection closes.
    const peer = await raw();
    peer.socket.write(frame('request', { id: 1, method: 'hello', params: { protocol: 7, name: 'refused' } }));
    peer.socket.write(frame('request', { id: 2, method: 'slow', params: { ms: 0 } }));
    await peer.ended;
    expect(peer.replies).toEqual([{ type: 'reply', data: expect.objectContaining({ id: 1, ok: false }) }]);
    // None of the pipelined `slow` calls ran: this is the first.
    const { client: c } = await client();
    expect(await c.call('slow', { ms: 0 })).toBe(1);
    c.close();
  });

  it('runs one connection in order, even when a slow request comes first', async () => {
    const { client: c } = await client();
    const results = await Promise.all([c.call('slow', { ms: 50 }), c.call('slow', { ms: 0 })]);
    expect(results).toEqual([1, 2]);
    c.close();
  });

  it('requires hello first; answers colliding ids; survives broken frames', async () => {
    const first = await raw();
    first.socket.write(frame('request', { id: 1, method: 'add', params: { a: 1, b: 1 } }));
    await first.ended;
    expect(first.replies).toEqual([
      {
        type: 'reply',
        data: {
          id: 1,
          ok: false,
          error: expect.objectContaining({ message: expect.stringMatching(/first request must be "hello"/) }),
        },
      },
    ]);

    const second = await raw();
    second.socket.write(frame('request', { id: 1, method: 'hello', params: { protocol: 7, name: 'raw' } }));
    second.socket.write(frame('request', { id: 2, method: 'slow', params: { ms: 30 } }));
    second.socket.write(frame('request', { id: 2, method: 'add', params: { a: 1, b: 1 } }));
    await waitFor(() => second.replies.length === 3);
    // The collision is answered at once, the others in order.
    const data = second.replies.map((r) => (r as { data: { id: number; ok: boolean } }).data);
    expect(data).toEqual([
      expect.objectContaining({
        id: 2,
        ok: false,
        error: expect.objectContaining({ message: 'request id 2 is already in flight' }),
      }),
      expect.objectContaining({ id: 1, ok: true }),
      expect.objectContaining({ id: 2, ok: true }),
    ]);
    // A frame of the wrong type: answered with id null, then the connection is closed.
    second.socket.write(frame('shout', { id: 3 }));
    await second.ended;
    expect(second.replies.at(-1)).toMatchObject({ data: { id: null, ok: false } });

    for (const garbage of [
      'not json\f',
      '[1,2]\f',
      `${JSON.stringify({ type: 'connect', data: {} })}\f`,
      Buffer.alloc(64, 0),
    ]) {
      const peer = await raw();
      peer.socket.write(garbage);
      if (typeof garbage === 'string') await peer.ended;
      else peer.socket.destroy();
    }
    const huge = await raw();
    huge.socket.write('x'.repeat(1024 * 1024 + 10)); // no delimiter: over the frame cap
    await huge.ended;

    const { client: c } = await client();
    expect(await c.call('add', { a: 20, b: 22 })).toBe(42);
    c.close();
  });

  it('a lazy method table is loaded once, by the first request, and requests sent meanwhile keep their order', async () => {
    let loads = 0;
    const lazyPath = join(dir, 'lazy', 'lazy.sock');
    const lazy = await serveRpc<string>({
      socketPath: lazyPath,
      protocolVersion: 7,
      mismatch: () => new StyxyError('STYXY_PROTOCOL_MISMATCH', 'no'),
      hello: async () => ({ session: 'lazy', result: {} }),
      methods: async () => {
        loads++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { add: method(z.looseObject({ a: z.number(), b: z.number() }), (params) => params.a + params.b) };
      },
      log: (line) => logs.push(line),
    });
    try {
      const socket = connect({ path: lazyPath });
      const replies: { id: number; ok: boolean; result?: unknown }[] = [];
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        buffer += text;
        for (let at = buffer.indexOf('\f'); at >= 0; at = buffer.indexOf('\f')) {
          replies.push((JSON.parse(buffer.slice(0, at)) as { data: (typeof replies)[number] }).data);
          buffer = buffer.slice(at + 1);
        }
      });
      await new Promise((resolve) => socket.once('connect', resolve));
      // One write: every frame arrives before the table has loaded.
      socket.write(
        frame('request', { id: 1, method: 'hello', params: { protocol: 7 } }) +
          frame('request', { id: 2, method: 'add', params: { a: 1, b: 2 } }) +
          frame('request', { id: 3, method: 'add', params: { a: 'x' } }) +
          frame('request', { id: 4, method: 'add', params: { a: 3, b: 4 } }),
      );
      await waitFor(() => replies.length === 4);
      expect(replies.map((reply) => [reply.id, reply.ok, reply.result])).toEqual([
        [1, true, { protocol: 7 }],
        [2, true, 3],
        [3, false, undefined],
        [4, true, 7],
      ]);
      expect(loads).toBe(1);
      socket.destroy();
    } finally {
      lazy.close();
    }
  });
});
