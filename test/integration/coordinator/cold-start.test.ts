/**
 * Cold start races: many clients (in separate processes) finding no coordinator at once end with
 * exactly one coordinator, and all of them served; many daemons started at once leave one.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import {
  COORDINATOR_MAIN,
  coordinatorLog,
  coordinatorPid,
  onlyTypes,
  running,
  stopCoordinator,
} from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

const RACE_CLIENT = fileURLToPath(new URL('../../fixtures/race-client.mjs', import.meta.url));
let home: TestHome | undefined;

afterEach(async () => {
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

describe('cold start', () => {
  it('50 clients in 10 processes at once: one coordinator, 50 distinct ports', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 50 }) });
    const [from, to] = home.ranges.dev!;
    const env = home.env;
    const racers = Array.from({ length: 10 }, () => {
      const child = spawn(process.execPath, [RACE_CLIENT, '5'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        out += text;
      });
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        err += text;
      });
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      return { child, out: () => out, err: () => err, exited };
    });
    try {
      await waitFor(() => racers.every((r) => r.out().includes('\n')), {
        timeout: 45_000,
        message: 'every racer to lease its ports',
      });
      const results = racers.map((r) => JSON.parse(r.out()) as { pids: number[]; ports: number[] });
      const pids = new Set(results.flatMap((r) => r.pids));
      const ports = results.flatMap((r) => r.ports);
      expect(pids.size).toBe(1);
      expect(new Set(ports).size).toBe(50);
      for (const port of ports) expect(port >= from && port <= to).toBe(true);
      expect(coordinatorPid(home)).toBe([...pids][0]);
    } finally {
      for (const racer of racers) racer.child.stdin.end();
      const codes = await Promise.all(racers.map((r) => r.exited));
      expect(codes, racers.map((r) => r.err()).join('\n')).toEqual(Array(10).fill(0));
    }
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    expect(await client.listLeases()).toEqual([]);
    await client.close();
  });

  it('8 daemons started at once: one serves, the others exit quietly', async () => {
    home = makeTestHome();
    const env = home.env;
    const daemons = Array.from({ length: 8 }, () => {
      const child = spawn(process.execPath, [COORDINATOR_MAIN], { env, stdio: 'ignore', detached: true });
      return { pid: child.pid!, exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) };
    });
    const server = await waitFor(() => coordinatorPid(home!), { timeout: 20_000, message: 'a coordinator' });
    const losers = daemons.filter((d) => d.pid !== server);
    expect(losers).toHaveLength(7);
    expect(await Promise.all(losers.map((d) => d.exited))).toEqual(Array(7).fill(0));
    expect(running(server)).toBe(true);
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    expect(client.coordinatorPid).toBe(server);
    await client.close();
    expect(coordinatorLog(home).match(/listening on/g)).toHaveLength(1);
  });
});
