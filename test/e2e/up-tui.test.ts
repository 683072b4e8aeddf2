/**
 * The real `styxy up` with its live UI, in a real terminal (tmux): every service shown ready with
 * its ports and lines, r / s / search on a real stack (checked against `styxy ps --json`), s on
 * a service outside the active profiles (off) starting it, and
 * every way out — q, Ctrl-C twice, SIGTERM, a service failing to start, the terminal closing —
 * with the exit code a shell expects, the terminal restored, and no process and no lease left.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { StyxyConfig } from '../../src/config/types.js';
import { stackDir } from '../../src/protocol/home.js';
import { CLI_BIN } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { Tmux } from '../helpers/tmux.js';
import { makeUpProject, type PsJson, psJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `up` runs under a shell that prints its exit status and stays (tmux can mark a pane dead
 * before it has read the last bytes its program wrote). The shell drops STYXY_HOME before it
 * stays, so that it does not count as a process left behind by the stack.
 */
const SHELL = ['bash', '--norc', '--noprofile', '-c', '"$0" "$@"; echo "[exit $?]"; unset STYXY_HOME; exec sleep 600'];
const RESTORED = { alternateScreen: '0', cursorVisible: '1', mouse: '000' };
/** The first screen waits for the coordinator to start and Ink to load, on a busy machine. */
const FIRST_SCREEN_MS = 20_000;

let project: UpProject | undefined;
let tmux: Tmux | undefined;
afterEach(async () => {
  tmux?.kill(); // the terminal closes: a running `up` stops its stack (SIGHUP)
  await project?.cleanup();
  tmux = undefined;
  project = undefined;
});

function upInTerminal(config: StyxyConfig, size = { columns: 120, rows: 32 }): { p: UpProject; t: Tmux } {
  project = makeUpProject(config);
  tmux = new Tmux();
  tmux.start([...SHELL, NODE, CLI_BIN, 'up'], { ...size, cwd: project.root, env: { STYXY_HOME: project.home.home } });
  return { p: project, t: tmux };
}

async function exitStatus(t: Tmux, timeout = 15_000): Promise<number> {
  const screen = await t.waitForScreen((s) => /\[exit \d+\]/.test(s), timeout);
  return Number(/\[exit (\d+)\]/.exec(screen)![1]);
}

const rowOf = (screen: string, name: string) =>
  screen.split('\n').find((row) => row.startsWith(`${name} `) || row.slice(2).startsWith(`${name} `)) ?? '';
const bottomRow = (screen: string) => screen.trimEnd().split('\n').at(-1) ?? '';
const serviceIn = (ps: PsJson, name: string) => ps.services.find((s) => s.name === name)!;

/** Nothing of the stack left: no process, no lease, no stack. */
async function expectNothingLeft(p: UpProject): Promise<void> {
  await waitFor(() => p.leftovers().length === 0, { timeout: 5000, message: 'every process of the stack gone' });
  const ls = JSON.parse((await p.cli(['ls', '--json'])).stdout) as { leases: unknown[] };
  expect(ls.leases).toEqual([]);
  expect(await p.stacks()).toEqual([]);
}

const HTTP = (type: string) => ({ command: [NODE, fixture('http-server.mjs')], ports: { PORT: type } });

test('shows every service ready with ports and lines; r, s and / work on the real stack; q exits 0 and leaves nothing', async () => {
  const { p, t } = upInTerminal({
    services: {
      api: { ...HTTP('api'), ready: { http: '/health' } },
      web: HTTP('dev'),
      ticker: { command: 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done' },
    },
  });
  let screen = await t.waitForScreen(
    (s) => /api\s+● ready/.test(s) && /web\s+● ready/.test(s) && /ticker\s+● running/.test(s) && s.includes('tick 2'),
    FIRST_SCREEN_MS,
  );
  const ps = await psJson(p);
  const api = serviceIn(ps, 'api');
  const web = serviceIn(ps, 'web');
  expect(screen).toContain('test / default');
  expect(screen).toMatch(/coordinator pid \d+ · 2 ports leased · running/);
  expect(rowOf(screen, '▸ api')).toMatch(new RegExp(`api\\s+● ready\\s+PORT=${api.ports.PORT}\\s+${api.pid}\\s`));
  expect(rowOf(screen, 'web')).toMatch(new RegExp(`web\\s+● ready\\s+PORT=${web.ports.PORT}\\s+${web.pid}\\s`));
  // (The api's "listening on" line may have scrolled out under the ticks by now on a slow
  // machine: the search below finds it.)
  expect(screen).toMatch(/ticker\s+\| tick \d+/);
  expect(t.modes()).toEqual({ alternateScreen: '1', cursorVisible: '0', mouse: '101' });

  // r: the selected service (api, the first) restarts on its port, with a new pid.
  t.send('r');
  const restarted = await waitFor(
    async () => {
      const now = serviceIn(await psJson(p), 'api');
      return now.pid !== api.pid && now.status === 'ready' ? now : null;
    },
    { message: 'api restarted and ready' },
  );
  expect(restarted).toMatchObject({ ports: api.ports, restarts: 1 });
  // The row is drawn from the same state a moment later (redraws are coalesced): wait for the
  // ready row itself, not only for the new pid (the pid shows while "starting").
  const readyRow = new RegExp(`● ready\\s+PORT=${api.ports.PORT}\\s+${restarted.pid}\\s+\\S+\\s+1`);
  screen = await t.waitForScreen((s) => readyRow.test(rowOf(s, '▸ api')));
  expect(rowOf(screen, '▸ api')).toMatch(readyRow);

  // s stops it, s starts it again, on the same port.
  t.send('s');
  await t.waitForScreen((s) => /▸ api\s+■ stopped/.test(s));
  expect(serviceIn(await psJson(p), 'api')).toMatchObject({ status: 'stopped', pid: null });
  t.send('s');
  const started = await waitFor(
    async () => {
      const now = serviceIn(await psJson(p), 'api');
      return now.status === 'ready' ? now : null;
    },
    { message: 'api started again' },
  );
  expect(started.ports).toEqual(api.ports);
  expect(started.pid).not.toBe(restarted.pid);
  await t.waitForScreen((s) => /▸ api\s+● ready/.test(s));

  // / searches every service's lines: three runs of api said where they listen.
  t.send('/', `listening on ${api.ports.PORT}`, 'Enter');
  screen = await t.waitForScreen((s) => /\/listening on \d+ \d\/3/.test(s));
  expect(screen).toMatch(new RegExp(`api\\s+\\| listening on ${api.ports.PORT}`));
  // Esc and q apart: sent together they read as one alt-q.
  t.send('Escape');
  await t.waitForScreen((s) => !s.includes('/listening on'));
  t.send('q');
  expect(await exitStatus(t)).toBe(0);
  screen = t.capture();
  expect(screen).not.toContain('SERVICE');
  expect(t.modes()).toEqual(RESTORED);
  await expectNothingLeft(p);
  expect((await p.cli(['ps'])).code).toBe(1); // no stack runs here any more
});

test('Ctrl-C stops gracefully, a second Ctrl-C forces: exit 130, terminal restored, nothing left', async () => {
  const { p, t } = upInTerminal({
    services: {
      stubborn: { command: [NODE, fixture('term-ignorer.mjs')], ready: { log: '^started$' }, stopTimeout: 60_000 },
    },
  });
  await t.waitForScreen((s) => /stubborn\s+● ready/.test(s), FIRST_SCREEN_MS);
  t.send('C-c');
  const screen = await t.waitForScreen((s) => s.includes('ignoring SIGTERM') && s.includes('ctrl-c again: force'));
  expect(screen.split('\n')[0]).toMatch(/· stopping$/);
  const forcedAt = Date.now();
  t.send('C-c');
  expect(await exitStatus(t)).toBe(130);
  expect(Date.now() - forcedAt).toBeLessThan(15_000); // not the 60 s stopTimeout
  expect(t.modes()).toEqual(RESTORED);
  await expectNothingLeft(p);
});

test('SIGTERM from outside: told in the UI, the stack stops gracefully, exit 143, terminal restored', async () => {
  const { p, t } = upInTerminal({
    services: {
      api: { ...HTTP('api'), ready: { http: '/health' } },
      // Takes its stopTimeout to stop: time to see the UI stopping.
      stubborn: { command: [NODE, fixture('term-ignorer.mjs')], ready: { log: '^started$' }, stopTimeout: 1500 },
    },
  });
  await t.waitForScreen((s) => /stubborn\s+● ready/.test(s) && /api\s+● ready/.test(s), FIRST_SCREEN_MS);
  const { stack } = await psJson(p);
  process.kill(stack.pid, 'SIGTERM');
  const screen = await t.waitForScreen((s) => bottomRow(s).includes('stopping the stack…'));
  expect(bottomRow(screen)).toContain('SIGTERM received; press Ctrl-C again to force');
  expect(await exitStatus(t)).toBe(143);
  expect(t.modes()).toEqual(RESTORED);
  await expectNothingLeft(p);
  expect(readFileSync(join(stackDir(p.home.home, stack.id), 'api.log'), 'utf8')).toMatch(/stdout closing\n/);
});

test('a service that fails to start: shown failed, then up exits 1 with the failure readable on the shell screen', async () => {
  const { p, t } = upInTerminal({
    services: {
      slow: { command: [NODE, fixture('term-ignorer.mjs')], ready: { log: '^started$' }, stopTimeout: 1500 },
      broken: { command: [NODE, fixture('crasher.mjs'), '3', '300'], ready: { log: '^never$' }, dependsOn: ['slow'] },
    },
  });
  const screen = await t.waitForScreen((s) => /broken\s+✗ failed/.test(s), FIRST_SCREEN_MS);
  expect(screen).toMatch(/broken\s+\| crashing with code 3/);
  expect(bottomRow(screen)).toContain('a service failed: stopping the stack…');
  expect(await exitStatus(t)).toBe(1);
  const after = t.capture();
  expect(after).toMatch(/styxy: .*broken/);
  expect(after).toContain('crashing with code 3'); // its last lines, quoted
  expect(after).not.toContain('SERVICE');
  expect(t.modes()).toEqual(RESTORED);
  await expectNothingLeft(p);
});

test('the terminal closing (SIGHUP) stops every service gracefully and frees every port', async () => {
  const { p, t } = upInTerminal({ services: { api: { ...HTTP('api'), ready: { http: '/health' } } } });
  await t.waitForScreen((s) => /api\s+● ready/.test(s), FIRST_SCREEN_MS);
  const { stack } = await psJson(p);
  t.kill();
  tmux = undefined;
  await expectNothingLeft(p);
  // Stopped by `up` itself (its own lifecycle lines), not reaped by the coordinator.
  const log = readFileSync(join(stackDir(p.home.home, stack.id), 'api.log'), 'utf8');
  expect(log).toMatch(/styxy stopping \(SIGTERM\)\n.*stdout closing\n.*styxy stopped\n/);
});

test('i types into the selected service: a line into a pipe, keys into a terminal; esc gives the keys back', async () => {
  const watcher = [NODE, fixture('stdin-watcher.mjs'), '--quiet'];
  const { p, t } = upInTerminal({
    services: {
      piped: { command: watcher, ready: { log: '^watching' } },
      term: { command: watcher, tty: true, ready: { log: '^watching' } },
    },
  });
  await t.waitForScreen((s) => /piped\s+● ready/.test(s) && /term\s+● ready/.test(s), FIRST_SCREEN_MS);
  t.send('i');
  let screen = await t.waitForScreen((s) => bottomRow(s).includes('INPUT'));
  expect(screen).toContain('logs: piped');
  // q and ? are text here, not keys of the UI.
  t.send('-l', 'hello q?');
  screen = await t.waitForScreen((s) => bottomRow(s).includes('piped < hello q?'));
  expect(bottomRow(screen)).toMatch(/INPUT\s+piped < hello q\?\s+enter: send the line · esc: back to the keys/);
  t.send('Enter');
  await t.waitForScreen((s) => /^got hello q\?$/m.test(s));
  t.send('Escape');
  await t.waitForScreen((s) => !bottomRow(s).includes('INPUT'));

  // The terminal service: keys go as they are typed; its terminal echoes and ends the line.
  t.send('j');
  await t.waitForScreen((s) => rowOf(s, '▸ term') !== '');
  t.send('i');
  await t.waitForScreen((s) => bottomRow(s).includes('keys go to term (terminal)'));
  t.send('-l', 'typed');
  t.send('Enter');
  screen = await t.waitForScreen((s) => /^got typed$/m.test(s));
  expect(screen).toContain('logs: term');
  t.send('Escape');
  await t.waitForScreen((s) => !bottomRow(s).includes('INPUT'));
  t.send('q');
  expect(await exitStatus(t)).toBe(0);
  await expectNothingLeft(p);
});

test('a service outside the active profiles shows off; s starts it with a port of its own; q leaves nothing', async () => {
  const { p, t } = upInTerminal({
    services: { api: HTTP('api'), docs: { ...HTTP('docs'), profiles: ['docs'] } },
  });
  await t.waitForScreen((s) => /api\s+● ready/.test(s) && /docs\s+· off/.test(s), FIRST_SCREEN_MS);
  expect(serviceIn(await psJson(p), 'docs')).toMatchObject({ status: 'off', ports: {}, pid: null });
  t.send('j');
  await t.waitForScreen((s) => /▸ docs/.test(s));
  t.send('s');
  const docs = await waitFor(
    async () => {
      const now = serviceIn(await psJson(p), 'docs');
      return now.status === 'ready' ? now : null;
    },
    { message: 'docs started from the UI' },
  );
  expect(docs.ports.PORT).toBeGreaterThan(0);
  expect(docs.ports.PORT).not.toBe(serviceIn(await psJson(p), 'api').ports.PORT);
  await t.waitForScreen((s) => /docs\s+● ready/.test(s));
  t.send('q');
  expect(await exitStatus(t)).toBe(0);
  await expectNothingLeft(p);
});
