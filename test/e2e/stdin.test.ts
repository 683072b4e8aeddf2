/**
 * A background stack (`up -d`) keeps its services' stdin open too: the supervisor holds the pipes,
 * not the terminal (a detached supervisor's own stdin is /dev/null).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { running } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import type { PsJson } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

describe('stdin of a background stack', () => {
  it("a watcher that exits on stdin EOF stays up; with stdin: 'null' it completes", async () => {
    bg = makeBackgroundHome();
    const watcher = [NODE, fixture('stdin-watcher.mjs')];
    const root = bg.project('app', {
      services: {
        watcher: { command: watcher, ready: { log: '^watching' } },
        once: { command: watcher, stdin: 'null', ready: false },
      },
    });
    await bg.upDetached(root);
    const ps = async () => JSON.parse((await bg!.cli(root, ['ps', '--json'])).stdout) as PsJson;
    const statuses = async () => Object.fromEntries((await ps()).services.map((s) => [s.name, s.status]));
    await waitFor(async () => (await statuses()).once === 'completed', { timeout: 20_000, message: 'once completed' });
    const ticks = async () =>
      (await bg!.cli(root, ['logs', 'watcher', '-n', '1000'])).stdout.match(/tick \d+/g)?.length ?? 0;
    const before = await ticks();
    await waitFor(async () => (await ticks()) >= before + 5, { timeout: 20_000, message: 'five more ticks' });
    expect(await statuses()).toEqual({ watcher: 'ready', once: 'completed' });
    const logs = (await bg.cli(root, ['logs', '-n', '1000'])).stdout;
    expect(logs).toMatch(/^watcher +\| watching \(no tty\)$/m);
    expect(logs).toMatch(/^once +\| stdin closed$/m);
    expect(logs).not.toMatch(/^watcher +\| stdin closed$/m);
  });

  it('kill -9 of the supervisor leaves neither a piped nor a tty service running', async () => {
    bg = makeBackgroundHome();
    const watcher = [NODE, fixture('stdin-watcher.mjs'), '--quiet'];
    const root = bg.project('app', {
      services: {
        piped: { command: watcher, ready: { log: '^watching' } },
        term: { command: watcher, tty: true, ready: { log: '^watching' } },
      },
    });
    const up = await bg.upDetached(root);
    const pids = up.services.map((service) => service.pid!);
    expect(pids.every(running)).toBe(true);
    process.kill(up.stack.pid, 'SIGKILL');
    // The pipe's writer and the terminal's master die with it (EOF, a hang-up), and the
    // coordinator reaps the groups it was told of: nothing is left either way.
    await waitFor(() => pids.every((pid) => !running(pid)), { timeout: 20_000, message: 'both services gone' });
    await waitFor(() => bg!.leftovers().length === 0, { timeout: 20_000, message: 'nothing of the stack left' });
  });
});
