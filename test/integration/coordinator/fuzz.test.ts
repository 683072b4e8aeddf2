/**
 * Fuzz: a real coordinator takes thousands of random and malformed frames on many connections
 * (garbage bytes, invalid JSON, oversized and half frames, wrong envelope types, wrong field
 * types, unknown methods, colliding ids, requests before hello) while well-behaved clients keep
 * leasing and releasing. It must answer or drop the bad peers, serve the good ones without a
 * single error, and never crash or log a bug.
 *
 * Then the ways one client used to degrade the coordinator for all: unknown fields of 900 KB
 * (dropped, never stored), a field nested 100,000 deep (never stored, so persisting never
 * stops), and thousands of connections that never say hello (closed, so others get in).
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { holdPidProof } from '../../../src/client/pid-proof.js';
import { COORDINATOR_PARAMS } from '../../../src/protocol/coordinator-params.js';
import type { Lease } from '../../../src/protocol/coordinator-protocol.js';
import { homePaths } from '../../../src/protocol/home.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import {
  coordinatorLog,
  onlyTypes,
  runCli,
  running,
  startTestCoordinator,
  stopCoordinator,
} from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

let home: TestHome | undefined;

afterEach(async () => {
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}\f`;

const held: (() => void)[] = [];
afterEach(() => {
  for (const release of held.splice(0)) release();
});

const hello = (id: unknown = 0, protocol = PROTOCOL_VERSION) => {
  // Proof that the raw hello comes from this process, as the client gives it (client/pid-proof.ts).
  const { proof, release } = holdPidProof(homePaths(home!.home));
  held.push(release);
  return frame('request', {
    id,
    method: 'hello',
    params: { protocol, pid: process.pid, kind: 'fuzz', cwd: '/', version: 'x', proof },
  });
};

// Every method but `shutdown`, which any client of this user may rightly call.
const FUZZED = Object.keys(COORDINATOR_PARAMS).filter((name) => name !== 'shutdown');
const methodName = fc.oneof(
  fc.constantFrom(...FUZZED, 'hello', 'nope', '__proto__', 'constructor', 'toString'),
  fc.string(),
);
const requestId = fc.oneof(fc.nat(5), fc.string({ maxLength: 3 }), fc.constant(null), fc.double(), fc.constant(-1));

/** One thing a bad peer writes. */
const badWrite: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 200 }).map((text) => `${text}\f`),
  fc.jsonValue({ maxDepth: 3 }).map((value) => `${JSON.stringify(value)}\f`),
  fc
    .record({
      type: fc.constantFrom('request', 'reply', 'event', 'hello', 'error', 'x'),
      data: fc.jsonValue({ maxDepth: 3 }),
    })
    .map(({ type, data }) => frame(type, data)),
  fc
    .record({ id: requestId, method: methodName, params: fc.jsonValue({ maxDepth: 4 }) })
    .map((request) => frame('request', request)),
  // Plausible requests with wrong field types.
  fc
    .record({
      id: fc.nat(3),
      method: fc.constantFrom(...FUZZED),
      params: fc.record({
        requests: fc.array(
          fc.record({
            service: fc.jsonValue(),
            portName: fc.jsonValue(),
            type: fc.jsonValue(),
            preferred: fc.jsonValue(),
            fixed: fc.jsonValue(),
          }),
        ),
        port: fc.jsonValue(),
        stackId: fc.jsonValue(),
        registration: fc.jsonValue(),
        pid: fc.jsonValue(),
        ports: fc.jsonValue(),
      }),
    })
    .map((request) => frame('request', request)),
  // Half a frame: the rest never comes.
  fc.constant(frame('request', { id: 1, method: 'status', params: {} }).slice(0, 20)),
);

const session = fc.record({
  saysHello: fc.boolean(),
  writes: fc.array(badWrite, { minLength: 1, maxLength: 25 }),
  ending: fc.constantFrom('end', 'destroy', 'linger'),
});

function run(socketPath: string, plan: { saysHello: boolean; writes: readonly (string | Buffer)[]; ending: string }) {
  return new Promise<void>((resolve) => {
    const socket: Socket = connect({ path: socketPath });
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('close', () => resolve());
    socket.once('connect', () => {
      if (plan.saysHello) socket.write(hello());
      for (const write of plan.writes) if (!socket.destroyed) socket.write(write);
      if (plan.ending === 'end') socket.end();
      else if (plan.ending === 'destroy') setTimeout(() => socket.destroy(), 20);
      else setTimeout(() => socket.destroy(), 300);
    });
  });
}

describe('fuzz', () => {
  it('survives malformed input on 300 connections while good clients are served without an error', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 20 }) });
    const pid = await startTestCoordinator(home);
    const socketPath = homePaths(home.home).socket;

    let stop = false;
    const served = [0, 0, 0, 0];
    const good = served.map(async (_, index) => {
      const client = await connectCoordinator({ home: home!.home, kind: 'cli', autoStart: false });
      while (!stop) {
        const service = `good-${index}`;
        const leases = (await client.reserve({
          requests: [{ service, portName: 'PORT', type: 'dev', preferred: null, fixed: null }],
        })) as Lease[];
        expect(leases[0]!.service).toBe(service); // never someone else's reply
        await client.release(leases.map((lease) => lease.port));
        served[index]!++;
      }
      await client.close();
    });

    const plans = fc.sample(session, { seed: 20_260_101, numRuns: 300 });
    // A few hand-made ones: oversized frames, a flood, ids that collide, another protocol.
    const extra = [
      ['x'.repeat(1024 * 1024 + 100)],
      [
        `${JSON.stringify({ type: 'request', data: { id: 1, method: 'status', params: { pad: 'y'.repeat(1024 * 1024) } } })}\f`,
      ],
      Array.from({ length: 400 }, (_, i) => frame('request', { id: i, method: 'status', params: {} })),
      [
        frame('request', { id: 7, method: 'check', params: { port: 1 } }),
        frame('request', { id: 7, method: 'check', params: { port: 2 } }),
      ],
      [hello(1, 999)],
    ].map((writes) => ({ saysHello: true, writes, ending: 'end' }));
    const all = [...plans, ...extra];
    for (let i = 0; i < all.length; i += 25)
      await Promise.all(all.slice(i, i + 25).map((plan) => run(socketPath, plan)));

    stop = true;
    await Promise.all(good);
    expect(running(pid)).toBe(true);
    for (const count of served) expect(count).toBeGreaterThan(10);
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    expect(client.coordinatorPid).toBe(pid);
    const status = await client.status();
    expect(status.running).toBe(true);
    await client.close();
    const log = coordinatorLog(home);
    expect(log).not.toMatch(/bug|crashed/);
    expect(log).toMatch(/malformed request|unknown message type|peer dropped/);
  });

  it('drops unknown fields: 40 requests of 900 KB leave the home small and nothing of them stored', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 4 }) });
    const pid = await startTestCoordinator(home);
    const pad = 'p'.repeat(900 * 1024);
    const registration = {
      id: 'padded-default-1',
      name: 'default',
      project: 'padded',
      root: '/padded',
      configFile: '/padded/styxy.config.ts',
      pid: process.pid,
      detached: false,
      controlSocket: null,
      runToken: 'paddedtoken0001',
    };
    const replies = await raw(
      homePaths(home.home).socket,
      [
        { method: 'registerStack', params: { registration: { ...registration, pad } } },
        ...Array.from({ length: 39 }, () => ({
          method: 'updateStack',
          params: {
            stackId: registration.id,
            phase: 'running',
            pad,
            services: [{ name: 'web', status: 'running', ports: {}, pid: null, restarts: 0, pad: pad.slice(0, 1000) }],
          },
        })),
      ],
      undefined,
      true,
    );
    expect(replies.every((reply) => (reply as { ok: boolean }).ok)).toBe(true);
    const state = homePaths(home.home).state;
    await waitFor(() => readFileSync(state, 'utf8').includes('padded-default-1'), { message: 'the state file' });
    expect(readFileSync(state, 'utf8')).not.toContain('ppppp');
    const bytes = readdirSync(home.home).reduce((sum, name) => sum + statSync(join(home!.home, name)).size, 0);
    expect(bytes).toBeLessThan(256 * 1024);
    expect(running(pid)).toBe(true);
  });

  it('a field nested 100,000 deep is never stored: the state keeps being written, the journal does not pile up', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 4 }) });
    await startTestCoordinator(home);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const socketPath = homePaths(home.home).socket;
    const replies = await raw(
      socketPath,
      [
        {
          method: 'reserve',
          params: { requests: [{ service: 'a', portName: 'PORT', type: 'dev', preferred: null, fixed: null }] },
        },
      ],
      (request) => request.replace('"params":{', `"params":{"deep":${deep},`),
    );
    expect((replies[0] as { ok: boolean }).ok).toBe(true);
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    const [lease] = await client.reserve({
      requests: [{ service: 'later', portName: 'PORT', type: 'dev', preferred: null, fixed: null }],
    });
    const state = homePaths(home.home).state;
    await waitFor(() => readFileSync(state, 'utf8').includes(`"service":"later"`), {
      message: 'a state file written after the deep request',
    });
    expect(readdirSync(home.home).filter((name) => name.includes('.journal.')).length).toBeLessThanOrEqual(2);
    expect((await client.listStacks()).length).toBe(0); // and listing still works for everyone
    expect(lease!.service).toBe('later');
    await client.close();
    expect(coordinatorLog(home)).not.toMatch(/bug|could not write/);
  });

  it('4,200 connections that never say hello do not lock the others out, and are closed', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 4 }) });
    const pid = await startTestCoordinator(home);
    const socketPath = homePaths(home.home).socket;
    const idle: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 4200; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, () => {
          const socket = connect({ path: socketPath });
          socket.on('error', () => {});
          socket.once('close', () => closed++);
          idle.push(socket);
          return new Promise((resolve) => socket.once('connect', resolve).once('error', resolve));
        }),
      );
    }
    try {
      const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false, timeoutMs: 5000 });
      expect((await client.status()).running).toBe(true);
      await client.close();
      const status = await runCli(['daemon', 'status', '--json'], { env: home.env });
      expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid });
      // Those beyond the budget went at once; the rest within the hello timeout.
      await waitFor(() => closed === idle.length, { timeout: 15_000, message: 'every silent connection to be closed' });
    } finally {
      for (const socket of idle) socket.destroy();
    }
    expect(running(pid)).toBe(true);
    expect(coordinatorLog(home)).toMatch(/no hello within 5000 ms|newer connections wait for their hello/);
  });
});

/**
 * Says hello (with this process's proof) and sends `requests` on one raw connection; resolves
 * with the replies. `oneAtATime`: each request once the one before is answered, as a client
 * does; otherwise all at once. (Frames sent back to back keep the server's input mid-frame, and
 * node-ipc drops a peer whose input stays mid-frame for 5 s: 36 MB at once takes longer than that
 * on a busy machine.)
 */
function raw(
  socketPath: string,
  requests: readonly { method: string; params: unknown }[],
  edit: (frame: string) => string = (text) => text,
  oneAtATime = false,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: socketPath });
    const replies: unknown[] = [];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (text: string) => {
      buffer += text;
      for (let end = buffer.indexOf('\f'); end >= 0; end = buffer.indexOf('\f')) {
        const message = JSON.parse(buffer.slice(0, end)) as { type: string; data: { id: number } };
        buffer = buffer.slice(end + 1);
        if (message.type === 'reply' && message.data.id !== 0) {
          replies.push(message.data);
          if (oneAtATime && replies.length < requests.length) send(replies.length);
        }
        if (replies.length === requests.length) {
          socket.end();
          resolve(replies);
        }
      }
    });
    const send = (index: number) => {
      socket.write(edit(frame('request', { id: index + 1, ...requests[index] })));
    };
    socket.once('connect', () => {
      socket.write(hello(0));
      if (oneAtATime) send(0);
      else for (let index = 0; index < requests.length; index++) send(index);
    });
  });
}
