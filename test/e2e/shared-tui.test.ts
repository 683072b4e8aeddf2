/**
 * A shared service in the real `styxy up` UI, in a real terminal (tmux, NO_COLOR): a stack in
 * the background starts the shared service, a foreground stack of the same folder (same
 * repository: same instance) shows its row live and marked; r asks, naming the other stack; n
 * leaves it alone, y restarts it in its instance (new pid, same port), the other stack's own
 * service untouched; q stops only the foreground stack, and the instance keeps running for the
 * other, whose `attach` shows the row too and asks before s stops it. Real processes throughout (a node HTTP server as the shared service).
 */
import { afterEach, expect, test } from 'vitest';
import { CLI_BIN } from '../helpers/coordinator.js';
import { SHARED_HTTP_CONFIG } from '../helpers/shared-http.js';
import { NODE } from '../helpers/stack.js';
import { Tmux } from '../helpers/tmux.js';
import { makeUpProject, type PsJson, psJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

/** As in up-tui.test.ts: the shell prints `up`'s exit status and stays, without STYXY_HOME. */
const SHELL = ['bash', '--norc', '--noprofile', '-c', '"$0" "$@"; echo "[exit $?]"; unset STYXY_HOME; exec sleep 600'];
/** The first screen waits for the coordinator, the shared instance and Ink, on a busy machine. */
const FIRST_SCREEN_MS = 30_000;

const CONFIG = SHARED_HTTP_CONFIG;

let project: UpProject | undefined;
let tmux: Tmux | undefined;
afterEach(async () => {
  tmux?.kill();
  await project?.cli(['down', '--all'], { timeoutMs: 60_000 }).catch(() => {});
  await project?.cleanup();
  tmux = undefined;
  project = undefined;
});

const serviceIn = (ps: PsJson, name: string) => ps.services.find((s) => s.name === name)!;
const bottomRow = (screen: string) => screen.trimEnd().split('\n').at(-1) ?? '';

test('the shared row is live and marked; r asks, n cancels, y restarts it in its instance; q leaves it running for the other stack', async () => {
  const p = makeUpProject(CONFIG);
  project = p;
  const started = await p.cli(['up', '-d', '--name', 'feature-x'], { timeoutMs: 120_000 });
  expect(started.code, started.stderr).toBe(0);
  const before = await psJson(p, ['--name', 'feature-x']);
  const db = serviceIn(before, 'db');
  const otherApi = serviceIn(before, 'api');
  expect(db).toMatchObject({ status: 'ready', shared: true });

  const t = new Tmux();
  tmux = t;
  t.start([...SHELL, NODE, CLI_BIN, 'up'], {
    columns: 120,
    rows: 30,
    cwd: p.root,
    env: { STYXY_HOME: p.home.home, NO_COLOR: '1' },
  });
  const dbRow = (pid: number, restarts: number) =>
    new RegExp(`▸ db \\(shared · 2 stacks\\)\\s+● ready\\s+PORT=${db.ports.PORT}\\s+${pid}\\s+\\S+\\s+${restarts}\\b`);
  let screen = await t.waitForScreen(
    (s) =>
      s.includes('test / default') &&
      dbRow(db.pid!, 0).test(s) &&
      /\n {2}api\s+● ready\s+PORT=\d+/.test(s) &&
      /db\s+\| listening on/.test(s),
    FIRST_SCREEN_MS,
  );
  expect(screen).not.toMatch(/api \(shared/);

  // r asks first, naming the other stack; n cancels and nothing restarts.
  const question = 'restart db? it is shared with 1 other stack: test/feature-x [y/N]';
  t.send('r');
  await t.waitForScreen((s) => bottomRow(s) === question);
  t.send('n');
  await t.waitForScreen((s) => bottomRow(s).startsWith('cancelled') && dbRow(db.pid!, 0).test(s));
  expect(serviceIn(await psJson(p, ['--name', 'feature-x']), 'db')).toMatchObject({ pid: db.pid, restarts: 0 });

  // y: the instance's supervisor restarts it: a new pid on the same port.
  t.send('r');
  await t.waitForScreen((s) => bottomRow(s) === question);
  t.send('y');
  const restarted = await waitFor(
    async () => {
      const now = serviceIn(await psJson(p, ['--name', 'feature-x']), 'db');
      return now.pid !== db.pid && now.status === 'ready' ? now : null;
    },
    // As long as the product may take: its stop (stopTimeout, 5 s) and its ready check (30 s) on a
    // busy machine, with a margin; a deadline under those would fail a restart that still works.
    { timeout: 45_000, message: 'db restarted in its instance and ready' },
  );
  expect(restarted).toMatchObject({ ports: db.ports, restarts: 1, shared: true });
  await t.waitForScreen((s) => dbRow(restarted.pid!, 1).test(s), 15_000);
  const other = await psJson(p, ['--name', 'feature-x']);
  expect(serviceIn(other, 'api')).toMatchObject({ status: 'ready', pid: otherApi.pid });
  const response = await fetch(`http://127.0.0.1:${db.ports.PORT}/`);
  expect(response.status).toBe(200);

  // q stops this stack only: the instance keeps running for feature-x, on its port.
  t.send('q');
  screen = await t.waitForScreen((s) => /\[exit \d+\]/.test(s), 30_000);
  expect(screen).toContain('[exit 0]');
  const stacks = await p.stacks();
  expect(stacks.map((stack) => stack.name).sort()).toEqual(['feature-x', 'shared-db']);
  expect(serviceIn(await psJson(p, ['--name', 'feature-x']), 'db')).toMatchObject({
    status: 'ready',
    pid: restarted.pid,
    ports: db.ports,
  });
  t.kill();

  // attach of the other stack: the row again (now 1 stack), and s asks before stopping it.
  const a = new Tmux();
  tmux = a;
  a.start([...SHELL, NODE, CLI_BIN, 'attach', '--name', 'feature-x'], {
    columns: 120,
    rows: 30,
    cwd: p.root,
    env: { STYXY_HOME: p.home.home, NO_COLOR: '1' },
  });
  const attachedRow = new RegExp(
    `▸ db \\(shared · 1 stack\\)\\s+● ready\\s+PORT=${db.ports.PORT}\\s+${restarted.pid}\\s`,
  );
  await a.waitForScreen((s) => s.includes('test / feature-x') && attachedRow.test(s), FIRST_SCREEN_MS);
  a.send('s');
  await a.waitForScreen((s) => bottomRow(s) === 'stop db? it is a shared service (no other stack uses it now) [y/N]');
  a.send('n');
  await a.waitForScreen((s) => bottomRow(s).startsWith('cancelled') && attachedRow.test(s));
  a.send('q');
  await a.waitForScreen((s) => s.includes('[exit 0]'), 15_000);
  expect(serviceIn(await psJson(p, ['--name', 'feature-x']), 'db')).toMatchObject({
    status: 'ready',
    pid: restarted.pid,
  });
});

test('a foreground stack that started the shared service sees a second user join live; its terminal closing leaves the service to that user', async () => {
  const p = makeUpProject(CONFIG);
  project = p;
  const t = new Tmux();
  tmux = t;
  t.start([...SHELL, NODE, CLI_BIN, 'up'], {
    columns: 120,
    rows: 30,
    cwd: p.root,
    env: { STYXY_HOME: p.home.home, NO_COLOR: '1' },
  });
  const row = (users: string) => new RegExp(`▸ db \\(shared · ${users}\\)\\s+● ready\\s+PORT=(\\d+)\\s+(\\d+)\\s`);
  const first = await t.waitForScreen((s) => row('1 stack').test(s) && /\n {2}api\s+● ready/.test(s), FIRST_SCREEN_MS);
  const [, port, pid] = row('1 stack').exec(first)!;

  // Another stack joins: the marker counts it within the UI's next look at the coordinator.
  const joined = await p.cli(['up', '-d', '--name', 'feature-x'], { timeoutMs: 120_000 });
  expect(joined.code, joined.stderr).toBe(0);
  const screen = await t.waitForScreen((s) => row('2 stacks').test(s), 15_000);
  expect(row('2 stacks').exec(screen)!.slice(1)).toEqual([port, pid]);
  t.send('s');
  await t.waitForScreen(
    (s) => bottomRow(s) === 'stop db? it is shared with 1 other stack: test/feature-x [y/N]' && row('2 stacks').test(s),
  );

  // The terminal closes (SIGHUP) with the question open: this stack stops, the service stays.
  t.kill();
  tmux = undefined;
  await waitFor(async () => (await p.stacks()).every((stack) => stack.name !== 'default'), {
    timeout: 30_000,
    message: 'the foreground stack gone',
  });
  const left = serviceIn(await psJson(p, ['--name', 'feature-x']), 'db');
  expect(left).toMatchObject({ status: 'ready', pid: Number(pid), ports: { PORT: Number(port) } });
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
});
