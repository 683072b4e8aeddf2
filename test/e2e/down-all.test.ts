/**
 * `styxy down --all` of many background stacks (cli/stack/stop-stack.ts's stopStacks): ten stacks,
 * three of them with a real HTTP server on their port, stopped together. Every stack is reported
 * stopped through its control socket with the ports it held, and afterwards nothing of them runs,
 * the coordinator lists no stack and no lease, and every one of their ports can be bound again.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { StyxyConfig } from '../../src/config/types.js';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

const STACKS = 10;
const SERVERS = 3;

const server: StyxyConfig = {
  services: { web: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } } },
};
const sleeper: StyxyConfig = {
  services: { hold: { command: ['sleep', '600'], ports: { A: 'api', B: 'api' }, ready: false } },
};

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

interface DownJson {
  stacks: { name: string; project: string; how: string; stopped: boolean; ports: number[]; stillHeld?: unknown[] }[];
}

describe('down --all', () => {
  it('stops ten stacks together: each reported with its ports, nothing left running or leased', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: SERVERS + 2 * (STACKS - SERVERS) }) });
    const home = bg;
    const folders = Array.from({ length: STACKS }, (_, i) =>
      home.project(`stack-${i}`, { name: `s${i}`, ...(i < SERVERS ? server : sleeper) }),
    );
    const ups = await Promise.all(folders.map((folder) => home.upDetached(folder)));
    const leased = ups.flatMap((up) => up.services.flatMap((service) => Object.values(service.ports)));
    expect(new Set(leased).size).toBe(SERVERS + 2 * (STACKS - SERVERS));
    for (const up of ups.slice(0, SERVERS)) expect(await bindable(up.services[0]!.ports.PORT!)).toBe(false);

    const down = await home.cli(home.home.home, ['down', '--all', '--json'], { timeoutMs: 120_000 });
    expect(down.code, down.stderr).toBe(0);
    const { stacks } = JSON.parse(down.stdout) as DownJson;
    expect(stacks.map((stack) => stack.project).sort()).toEqual(folders.map((_, i) => `s${i}`).sort());
    for (const stack of stacks) {
      expect(stack).toMatchObject({ name: 'default', how: 'control', stopped: true });
      expect(stack.stillHeld).toBeUndefined();
    }
    expect(stacks.flatMap((stack) => stack.ports).sort()).toEqual([...leased].sort());

    // down returned only once all of it was gone: nothing to wait for here.
    expect(home.leftovers()).toEqual([]);
    const ps = JSON.parse((await home.cli(home.home.home, ['ps', '--all', '--json'])).stdout) as { stacks: unknown[] };
    expect(ps.stacks).toEqual([]);
    const ls = JSON.parse((await home.cli(home.home.home, ['ls', '--json'])).stdout) as { leases: unknown[] };
    expect(ls.leases).toEqual([]);
    for (const port of leased) expect(await bindable(port), `port ${port}`).toBe(true);
  }, 240_000);
});
