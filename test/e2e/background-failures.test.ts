/**
 * When a background stack goes wrong, nothing is left behind: a failing `up -d`, one that runs
 * out of `--timeout`, one interrupted with Ctrl-C, a `kill -9` of the background supervisor, and
 * a supervisor so stuck that `down` must kill it. Also `down`, `restart` and `logs` on a
 * foreground stack, which serves the same control socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { running } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { waitUp } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

const api = { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } };
const leases = async (home: BackgroundHome) =>
  (JSON.parse((await home.cli(home.home.home, ['ls', '--json'])).stdout) as { leases: unknown[] }).leases;

describe('background stacks that go wrong', () => {
  it('a service failing: exit 1 with which and its last lines, after everything is stopped and freed', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', {
      services: {
        api,
        bad: { command: [NODE, fixture('crasher.mjs'), '3'], ports: { PORT: 'dev' }, dependsOn: ['api'] },
      },
    });
    const result = await bg.cli(root, ['up', '-d', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('styxy: service "bad" failed: exited with code 3 before it was ready\n');
    expect(result.stderr).toMatch(/last 2 lines of bad:\n {2}\| run 1\n {2}\| crashing with code 3\nhint: /);
    expect(result.stderr).toContain('api ready on :'); // the progress it made first
    // At once, not eventually: the parent returned only once all of it was gone.
    expect(bg.leftovers()).toEqual([]);
    expect(await leases(bg)).toEqual([]);
    expect((await bg.cli(root, ['logs', 'bad'])).stdout).toContain('crashing with code 3\n');
  });

  it('--timeout: what was not up and why, everything stopped, exit 1', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', { services: { slow: { ...api, env: { DELAY_MS: 60_000 } } } });
    const started = Date.now();
    const result = await bg.cli(root, ['up', '-d', '--timeout', '2']);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stderr).toContain(
      'styxy: not every service was up within 2 s: slow (starting: waiting for its ready check)\n(slow printed nothing)\n',
    );
    expect(result.stderr).toContain('hint: everything was stopped; raise --timeout, or read `styxy logs slow`');
    expect(bg.leftovers()).toEqual([]);
    expect(await leases(bg)).toEqual([]);
  });

  it('Ctrl-C while up -d waits: the start is stopped, exit 130, nothing left', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', { services: { slow: { ...api, env: { DELAY_MS: 60_000 } } } });
    const up = bg.spawn(root, ['up', '-d']);
    await waitFor(() => up.stderr().includes('slow starting (pid'), { message: 'slow to start' });
    up.child.kill('SIGINT');
    const result = await up.exited;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('styxy: stopped (SIGINT): nothing was left running\n');
    expect(bg.leftovers()).toEqual([]);
    expect(await leases(bg)).toEqual([]);
  });

  it('the background supervisor killed while up -d waits: exit 1 saying so, and nothing left', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', { services: { slow: { ...api, env: { DELAY_MS: 60_000 } } } });
    const up = bg.spawn(root, ['up', '-d']);
    await waitFor(() => up.stderr().includes('slow starting (pid'), { message: 'slow to start' });
    const [stack] = JSON.parse((await bg.cli(root, ['ps', '--all', '--json'])).stdout).stacks;
    process.kill(stack.stack.pid, 'SIGKILL');
    const result = await up.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('styxy: the background supervisor was killed by SIGKILL before the stack was up\n');
    expect(result.stderr).toMatch(/ {2}\| .*starting in .*shop \(stack default\)\n/); // its own output, quoted
    expect(result.stderr).toMatch(/hint: its own output is in .*\/supervisor\.out\n/);
    expect(bg.leftovers()).toEqual([]);
    expect(await leases(bg)).toEqual([]);
  });

  it('kill -9 of the background supervisor: its services are killed and its ports freed', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', {
      services: { api, worker: { command: [NODE, fixture('ticker.mjs'), '100'], ready: false } },
    });
    const up = await bg.upDetached(root);
    const pids = up.services.map((s) => s.pid!);
    process.kill(up.stack.pid, 'SIGKILL');
    await waitFor(() => pids.every((pid) => !running(pid)), { timeout: 5000, message: 'the services to be reaped' });
    await waitFor(async () => (await leases(bg!)).length === 0, { timeout: 5000, message: 'the ports to be freed' });
    expect((await bg.cli(root, ['ps'])).code).toBe(1);
    // Its leftover control socket is no obstacle to the next start.
    const again = await bg.upDetached(root);
    expect(again.services[0]!.ports).toEqual(up.services[0]!.ports);
  });

  it('down of a supervisor that does not answer (stopped with SIGSTOP): killed, reaped, exit 0', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', { services: { api } });
    const up = await bg.upDetached(root);
    process.kill(up.stack.pid, 'SIGSTOP');
    const down = await bg.cli(root, ['down', '--timeout', '1']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain('does not answer on its control socket');
    expect(down.stdout).toBe(
      `stopped test/default (reaped by the coordinator); freed port ${up.services[0]!.ports.PORT}\n`,
    );
    expect(running(up.services[0]!.pid!)).toBe(false);
    expect(await leases(bg)).toEqual([]);
  });

  it('a foreground stack answers restart, logs and down the same way; down ends its `up` (exit 0)', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', { services: { api } });
    const up = bg.spawn(root, ['up', '--no-tui']);
    await waitUp(up);
    const before = JSON.parse((await bg.cli(root, ['ps', '--json'])).stdout).services[0];
    const restarted = await bg.cli(root, ['restart', 'api', '--json']);
    expect(restarted.code, restarted.stderr).toBe(0);
    const after = JSON.parse(restarted.stdout).services[0];
    expect(after).toMatchObject({ ports: before.ports, restarts: 1, status: 'ready' });
    expect(after.pid).not.toBe(before.pid);
    expect((await bg.cli(root, ['logs', 'api'])).stdout).toContain('[styxy] restarting (by request)\n');
    const down = await bg.cli(root, ['down']);
    expect(down.code).toBe(0);
    expect((await up.exited).code).toBe(0);
    expect(bg.leftovers()).toEqual([]);
  });
});
