/**
 * Fuzz: a real coordinator takes thousands of random and malformed frames on many connections
 * (garbage bytes, invalid JSON, oversized and half frames, wrong envelope types, wrong field
 * types, unknown methods, colliding ids, requests before hello) while well-behaved clients keep
 * leasing and releasing. It must answer or drop the bad peers, serve the good ones without a
 * single error, and never crash or log a bug.
 */

import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { COORDINATOR_PARAMS } from '../../../src/protocol/coordinator-params.js';
import type { Lease } from '../../../src/protocol/coordinator-protocol.js';
import { homePaths } from '../../../src/protocol/home.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import {
  coordinatorLog,
  onlyTypes,
  running,
  startTestCoordinator,
  stopCoordinator,
} from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';

let home: TestHome | undefined;

afterEach(async () => {
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}\f`;
const hello = (id: unknown = 0, protocol = PROTOCOL_VERSION) =>
  frame('request', {
    id,
    method: 'hello',
    params: { protocol, pid: process.pid, kind: 'fuzz', cwd: '/', version: 'x' },
  });

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
});
