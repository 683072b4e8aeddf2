/**
 * The UI in a real terminal: the demo harness (test/fixtures/ui-demo.ts, the built UI over an
 * in-memory stack) driven through tmux. Checks what is on screen after keys, and that leaving
 * restores the terminal: primary screen, cursor shown, mouse reporting off.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { Tmux } from '../helpers/tmux.ts';
import { isAlive, waitFor } from '../helpers/wait.ts';

const DEMO = fileURLToPath(new URL('../fixtures/ui-demo.ts', import.meta.url));
/**
 * The demo runs under a shell that reports its exit status and stays: tmux can mark a pane dead
 * before reading the last bytes its program wrote, so a program that is the pane itself may lose
 * its final line.
 */
const SHELL = ['bash', '--norc', '--noprofile', '-c', '"$0" "$@"; echo "[exit $?]"; exec sleep 600'];
let tmux: Tmux | undefined;
let pid: number | undefined;
let dir: string | undefined;

afterEach(() => {
  if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  tmux?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
  tmux = undefined;
  pid = undefined;
  dir = undefined;
});

async function startDemo(args: string[] = [], size = { columns: 120, rows: 40 }): Promise<Tmux> {
  tmux?.kill();
  dir ??= mkdtempSync(join(tmpdir(), 'styxy-ui-demo-'));
  const pidFile = join(dir, `pid-${Date.now()}`);
  tmux = new Tmux();
  tmux.start([...SHELL, process.execPath, DEMO, '--pid-file', pidFile, ...args], size);
  pid = await waitFor(() => Number(readFileSync(pidFile, 'utf8')) || null, { message: 'the demo pid' });
  return tmux;
}

/** Waits for the demo to end; its exit status (128 + signal when killed). */
async function exitStatus(t: Tmux): Promise<number> {
  const screen = await t.waitForScreen((s) => /\[exit \d+\]/.test(s));
  return Number(/\[exit (\d+)\]/.exec(screen)![1]);
}

const modes = (t: Tmux) => t.modes();

const rowOf = (screen: string, text: string) => screen.split('\n').find((row) => row.includes(text)) ?? '';

test('shows the stack, follows keys, searches, helps, and q leaves the terminal as it was', async () => {
  const t = await startDemo();
  let screen = await t.waitForScreen((s) => s.includes('shop / default') && s.includes('crashing: boom'));
  expect(rowOf(screen, 'shop / default')).toContain('coordinator pid 4121 · 4 ports leased');
  expect(rowOf(screen, ' api ')).toMatch(/api\s+● ready\s+PORT=20020 DEBUG_PORT=20021\s+31002/);
  expect(rowOf(screen, '▸')).toContain('db');
  expect(screen).toMatch(/api\s+\| GET \/orders\/\d+ 200/);
  // The worker's crash printed terminal controls: none of them reached the terminal.
  expect(rowOf(screen, ' worker ')).toMatch(/worker\s+✗ failed/);
  expect(modes(t)).toEqual({ alternateScreen: '1', cursorVisible: '0', mouse: '101' });
  expect(t.display('#{pane_title}')).not.toContain('pwned');
  await t.waitForScreen((s) => rowOf(s, ' web ').includes('ready')); // was starting

  t.send('j', 'Enter');
  screen = await t.waitForScreen('logs: api');
  expect(rowOf(screen, '▸')).toContain('api');
  expect(screen).not.toContain('db line');

  t.send('a', '/', 'orders', 'Enter');
  screen = await t.waitForScreen((s) => /\/orders \d+\/\d+/.test(s));
  t.send('PPage');
  await t.waitForScreen('paused');
  t.send('G');
  await t.waitForScreen('following');

  t.send('?');
  screen = await t.waitForScreen('Keys');
  expect(screen).toContain('stop the stack and quit; again: force');
  t.send('Escape');
  await t.waitForScreen('SERVICE');

  t.send('q');
  expect(await exitStatus(t)).toBe(0);
  screen = await t.waitForScreen('ui-demo: quit (actions: stopStack) (react: production)');
  expect(screen).not.toContain('SERVICE');
  expect(modes(t)).toEqual({ alternateScreen: '0', cursorVisible: '1', mouse: '000' });
});

test('a resize to a narrow terminal drops columns instead of wrapping', async () => {
  const t = await startDemo();
  await t.waitForScreen((s) => rowOf(s, ' web ').includes('ready'));
  t.resize(50, 20);
  const narrow = await t.waitForScreen((s) => s.includes('SERVICE') && !s.includes('PID'));
  const rows = narrow.split('\n');
  expect(rowOf(narrow, 'SERVICE')).toMatch(/SERVICE\s+STATUS\s+PORTS/);
  expect(rows.filter((row) => row.includes('● ready'))).toHaveLength(3); // one row per service: no wrapping
  t.resize(120, 40);
  await t.waitForScreen('RESTARTS');
});

test('attach mode: q detaches without stopping the stack', async () => {
  const t = await startDemo(['--attach']);
  await t.waitForScreen('X stop stack');
  t.send('q');
  expect(await exitStatus(t)).toBe(0);
  await t.waitForScreen('ui-demo: detach (actions: none)');
});

test('SIGTERM: handled, the stack stops and the UI ends; unhandled, the terminal is still restored', async () => {
  let t = await startDemo();
  await t.waitForScreen('db line');
  process.kill(pid!, 'SIGTERM');
  expect(await exitStatus(t)).toBe(0);
  await t.waitForScreen('ui-demo: stopped (actions: stopStack)');
  expect(modes(t)).toEqual({ alternateScreen: '0', cursorVisible: '1', mouse: '000' });

  t = await startDemo(['--bare']);
  await t.waitForScreen('db line');
  expect(modes(t).mouse).toBe('101');
  process.kill(pid!, 'SIGTERM');
  expect(await exitStatus(t)).toBe(128 + 15);
  expect(modes(t)).toEqual({ alternateScreen: '0', cursorVisible: '1', mouse: '000' });
});

test('an uncaught error in the process still restores the terminal, and the error is readable', async () => {
  const t = await startDemo(['--crash-after', '1000']);
  await t.waitForScreen('SERVICE');
  expect(modes(t).alternateScreen).toBe('1');
  expect(await exitStatus(t)).toBe(1);
  const screen = await t.waitForScreen('Error: ui-demo: simulated crash');
  expect(screen).not.toContain('SERVICE');
  expect(modes(t)).toEqual({ alternateScreen: '0', cursorVisible: '1', mouse: '000' });
});
