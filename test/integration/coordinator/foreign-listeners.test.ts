/**
 * Ports other programs hold, on any local address, are never handed out: real listeners on
 * `::` (IPv6 only), `0.0.0.0`, 127.0.0.1, ::1 and every interface address of this machine,
 * inside a real coordinator's range.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { createPortProbe, localAddresses } from '../../../src/coordinator/bind-probe.js';
import type { Lease, PortCheck } from '../../../src/protocol/coordinator-protocol.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { onlyTypes, startTestCoordinator, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';

let home: TestHome | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

/** Listens on `port` at `host`; null when this machine cannot (no such address family). */
function listen(port: number, host: string, ipv6Only = false): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host, ipv6Only, exclusive: true }, () => {
      servers.push(server);
      resolve(server);
    });
  });
}

describe('foreign listeners', () => {
  it('are seen on every address, and their ports are never leased', async () => {
    const hosts = localAddresses();
    home = makeTestHome({ sizes: onlyTypes({ dev: hosts.length + 3 }) });
    const [from, to] = home.ranges.dev!;
    const held = new Map<number, string>();
    const probe = createPortProbe();
    for (const [index, host] of hosts.entries()) {
      // Spread over the range, so that "lowest free" has to skip them.
      const port = from + index + (index >= 2 ? 3 : 0);
      if (!(await listen(port, host, host === '::'))) continue;
      held.set(port, host);
      expect(await probe(port), `a listener on ${host}:${port} must make the port look taken`).toBe(false);
    }
    expect([...held.values()]).toEqual(expect.arrayContaining(['0.0.0.0', '127.0.0.1']));

    await startTestCoordinator(home);
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    const leased: number[] = [];
    for (;;) {
      try {
        const [lease] = (await client.reserve({
          requests: [{ service: `s${leased.length}`, portName: 'PORT', type: 'dev', preferred: null, fixed: null }],
        })) as [Lease];
        leased.push(lease.port);
      } catch (error) {
        if (!isStyxyError(error)) throw error;
        expect(error.code).toBe('STYXY_RANGE_EXHAUSTED');
        expect(error.message).toContain(`${held.size} in use by other programs`);
        break;
      }
    }
    expect(leased.length).toBe(to - from + 1 - held.size);
    for (const port of leased) expect(held.has(port), `port ${port} is held on ${held.get(port)}`).toBe(false);
    await client.close();
  });

  it('names the program holding a fixed port, and `check` tells the same', async () => {
    home = makeTestHome();
    const port = home.spare[0]!;
    expect(await listen(port, '127.0.0.1')).not.toBeNull();
    await startTestCoordinator(home);
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    const error = await client
      .reserve({ requests: [{ service: 'db', portName: 'PORT', type: null, preferred: null, fixed: port }] })
      .catch((e: unknown) => e);
    expect(isStyxyError(error) && error.code).toBe('STYXY_PORT_TAKEN');
    expect((error as Error).message).toMatch(
      new RegExp(`port ${port} for "db" \\(PORT\\) is in use by another program: pid ${process.pid} \\(.*node`),
    );
    const check = (await client.check(port)) as PortCheck & { holder: { pid: number; address: string } };
    expect(check).toMatchObject({
      port,
      free: false,
      holder: { kind: 'process', pid: process.pid, address: '127.0.0.1' },
    });
    expect(await client.check(home.spare[1]!)).toEqual({ port: home.spare[1], free: true, holder: null });
    await client.close();
  });
});
