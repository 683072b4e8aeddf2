/**
 * Background stacks as a coding agent uses them, through the built CLI with no terminal: two
 * project folders side by side (two worktrees), each `up -d --json`, their ports, logs and
 * environment, `restart`, `down` of one leaving the other, the refused second copy and `--name`.
 */
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { shortFolder } from '../../src/cli/stack/short-folder.js';
import type { StyxyConfig } from '../../src/config/types.js';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes, running } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

const stack: StyxyConfig = {
  services: {
    api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
    worker: {
      command: [NODE, fixture('ticker.mjs'), '50'],
      env: { API_URL: 'http://localhost:${api.PORT}' },
      dependsOn: ['api'],
      ready: false,
    },
  },
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const get = async (port: number) => (await fetch(`http://localhost:${port}/`)).text();

describe('background stacks', () => {
  it('two worktrees side by side: up -d, port, logs, env, ps; down of one leaves the other', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 4 }) });
    const a = bg.project('worktree-a', stack);
    const b = bg.project('worktree-b', stack);
    const [upA, upB] = await Promise.all([bg.upDetached(a), bg.upDetached(b)]);

    // Each returned once every service was up, leaving its stack running in the background.
    for (const [up, root] of [
      [upA, a],
      [upB, b],
    ] as const) {
      expect(up.stack).toMatchObject({ name: 'default', project: 'test', root, detached: true, phase: 'running' });
      expect(up.services.map((s) => [s.name, s.status])).toEqual([
        ['api', 'ready'],
        ['worker', 'running'],
      ]);
      expect(running(up.stack.pid)).toBe(true);
      expect(up.result.stderr).toContain('api ready on :');
      expect(up.result.stderr).toContain('runs in the background');
    }
    // Detached: a session of its own (no terminal's signal reaches it), stdin closed, its output in a file.
    const supervisor = upA.stack.pid;
    const stat = readFileSync(`/proc/${supervisor}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])).toBe(supervisor); // session id
    expect(readlinkSync(`/proc/${supervisor}/fd/0`)).toBe('/dev/null');
    expect(readlinkSync(`/proc/${supervisor}/fd/2`)).toMatch(/\/stacks\/worktree-a-default-\w+\/supervisor\.out$/);
    const portA = upA.services[0]!.ports.PORT!;
    const portB = upB.services[0]!.ports.PORT!;
    expect(portA).not.toBe(portB);
    expect([await get(portA), await get(portB)]).toEqual(['ok api', 'ok api']);

    // What an agent runs next, in each folder.
    expect((await bg.cli(a, ['port', 'api'])).stdout).toBe(`${portA}\n`);
    expect((await bg.cli(b, ['port', 'api'])).stdout).toBe(`${portB}\n`);
    expect((await bg.cli(b, ['env', 'worker'])).stdout).toContain(`API_URL=http://localhost:${portB}\n`);
    const ps = await bg.cli(a, ['ps']);
    expect(ps.stdout.split('\n')[0]).toBe(
      `test/default  running  pid ${upA.stack.pid} (background)  ${shortFolder(a)}`,
    );
    // Two worktrees of one repository: the same project and stack name, told apart by their folder.
    const ls = await bg.cli(a, ['ls']);
    for (const [root, port] of [
      [a, portA],
      [b, portB],
    ] as const) {
      expect(ls.stdout).toMatch(
        new RegExp(`^${port} +api +default +test +${escapeRegExp(shortFolder(root))} +api +PORT `, 'm'),
      );
    }
    expect(shortFolder(a)).not.toBe(shortFolder(b));
    const lsJson = JSON.parse((await bg.cli(a, ['ls', '--json'])).stdout) as { leases: Record<string, unknown>[] };
    expect(lsJson.leases.map((lease) => [lease.port, lease.root, lease.folder]).sort()).toEqual(
      [
        [portA, a, shortFolder(a)],
        [portB, b, shortFolder(b)],
      ].sort(),
    );
    const all = await bg.cli(a, ['ps', '--all']);
    expect(all.stdout).toContain(`(background)  ${shortFolder(a)}\n`);
    expect(all.stdout).toContain(`(background)  ${shortFolder(b)}\n`);
    const apiLogs = await bg.cli(a, ['logs', 'api', '-n', '50']);
    expect(apiLogs.code).toBe(0);
    expect(apiLogs.stdout).toContain(`listening on ${portA}\n`);
    expect(apiLogs.stdout).toMatch(new RegExp(`^\\[styxy\\] ready on :${portA} in (\\d+ ms|\\d+(\\.\\d)? s)$`, 'm'));
    await waitFor(
      async () => (await bg!.cli(a, ['logs', '-n', '3'])).stdout.match(/^worker \| tick \d+$/gm)?.length === 3,
    );

    // down in A: returns once A's processes are gone and its port is free; B runs on.
    const aPids = [upA.stack.pid, ...upA.services.map((s) => s.pid!)];
    const down = await bg.cli(a, ['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toBe(`stopped test/default; freed port ${portA}\n`);
    expect(aPids.filter(running)).toEqual([]);
    expect((await bg.cli(a, ['check', String(portA)])).code).toBe(0);
    expect(await get(portB)).toBe('ok api');
    expect((await bg.cli(b, ['ps', '--json'])).code).toBe(0);
    // A's logs stay readable after it stopped.
    expect((await bg.cli(a, ['logs', 'api'])).stdout).toContain('[styxy] stopped');
    expect((await bg.cli(a, ['ps'])).code).toBe(1);

    const downB = await bg.cli(b, ['down', '--json']);
    expect(JSON.parse(downB.stdout)).toEqual({
      stacks: [expect.objectContaining({ root: b, pid: upB.stack.pid, how: 'control', ports: [portB], stopped: true })],
    });
    expect(await bg.cli(b, ['down'])).toMatchObject({
      code: 0,
      stderr: `styxy: no stack of ${b} is running; nothing to stop\n`,
    });
    expect(bg.leftovers()).toEqual([]);
  });

  it('restart: same ports, a new pid, once up again; an unknown service or a failing restart exits 1', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', {
      services: {
        api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
        // Fails once the file `broken` exists: its restart cannot come up.
        fragile: {
          command: 'if [ -f broken ]; then echo "config is broken"; exit 3; fi; echo started; exec sleep 60',
          ready: { log: 'started' },
        },
      },
    });
    const up = await bg.upDetached(root);
    const api = up.services[0]!;
    const restarted = await bg.cli(root, ['restart', 'api']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stderr).toBe(`styxy: restarting api (pid ${api.pid})\n`);
    const [, port, pid] = /^api ready on :(\d+) \(pid (\d+)\)\n$/.exec(restarted.stdout) ?? [];
    expect(Number(port)).toBe(api.ports.PORT);
    expect(Number(pid)).not.toBe(api.pid);
    expect(running(api.pid!)).toBe(false);
    expect(await get(api.ports.PORT!)).toBe('ok api');

    const unknown = await bg.cli(root, ['restart', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('styxy: no service "nope" in this stack\nhint: services: api, fragile\n');

    await bg.cli(root, ['down']); // (a failing restart fails the stack: start a fresh one for it)
    const again = await bg.upDetached(root);
    writeFileSync(`${root}/broken`, '');
    const failing = await bg.cli(root, ['restart', 'fragile']);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('service "fragile" failed: exited with code 3 before it was ready');
    expect(failing.stderr).toContain('  | config is broken');
    await waitFor(() => !running(again.stack.pid), { message: 'the failed stack to stop' });
  });

  it('a second up -d reuses the running stack, a foreground up is refused saying how to attach; --name runs another copy; down --all stops both', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 3 }) });
    const root = bg.project('shop', stack);
    const first = await bg.upDetached(root);
    expect(first).toMatchObject({ reused: false, changed: [] });
    const second = await bg.upDetached(root);
    expect(second).toMatchObject({ reused: true, changed: [], stack: { pid: first.stack.pid } });
    expect(second.services.map((s) => [s.name, s.ports, s.pid])).toEqual(
      first.services.map((s) => [s.name, s.ports, s.pid]),
    );
    expect(second.result.stderr).toContain('was running already');
    const foreground = await bg.cli(root, ['up', '--no-tui']);
    expect(foreground.code).toBe(1);
    expect(foreground.stdout).toBe('');
    expect(foreground.stderr).toContain(`styxy: stack test/default is already running (pid ${first.stack.pid})\n`);
    expect(foreground.stderr).toMatch(
      /hint: attach to it with `styxy attach`, .*start another copy with `--name <other>`/,
    );
    expect(await get(first.services[0]!.ports.PORT!)).toBe('ok api');

    const review = await bg.upDetached(root, ['--name', 'review']);
    expect(review.stack.name).toBe('review');
    expect(review.services[0]!.ports.PORT).not.toBe(first.services[0]!.ports.PORT);
    expect((await bg.cli(root, ['port', 'api', '--name', 'review'])).stdout).toBe(
      `${review.services[0]!.ports.PORT}\n`,
    );

    const down = await bg.cli(bg.home.home, ['down', '--all']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout.split('\n').sort()).toEqual(
      [
        '',
        `stopped test/default; freed port ${first.services[0]!.ports.PORT}`,
        `stopped test/review; freed port ${review.services[0]!.ports.PORT}`,
      ].sort(),
    );
    expect(bg.leftovers()).toEqual([]);
  });
});
