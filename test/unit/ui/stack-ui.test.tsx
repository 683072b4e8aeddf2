import { afterEach, describe, expect, test, vi } from 'vitest';

// Ink colours through chalk, which reads the environment once when loaded: force colours so the
// status colours can be checked (hoisted above the imports).
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { StackUi, type UiResult } from '../../../src/ui/components/StackUi.tsx';
import { KEY_HELP } from '../../../src/ui/model/keymap.ts';
import { FLOOD_REDRAW_INTERVAL_MS } from '../../../src/ui/model/pacing.ts';
import { NoticeChannel, type NoticeSource } from '../../../src/ui/notices.ts';
import { type InkTerminal, KEYS, renderInTerminal } from '../../helpers/ink-terminal.ts';
import { MemoryView, type MemoryViewOptions } from '../../helpers/memory-view.ts';
import { waitFor } from '../../helpers/wait.ts';

const SERVICES: MemoryViewOptions['services'] = [
  { name: 'db', status: 'ready', ports: { PORT: 5432 }, pid: 101, startedAt: Date.now() - 5000 },
  { name: 'api', status: 'starting', ports: { PORT: 3001, DEBUG: 9201 }, pid: 102, startedAt: Date.now(), restarts: 3 },
  { name: 'web', status: 'failed', ports: { PORT: 3000 }, lastExit: { code: 1, signal: null, at: 0 } },
];

let terminal: InkTerminal | undefined;
afterEach(() => {
  terminal?.unmount();
  terminal = undefined;
});

function mount(
  options: Partial<MemoryViewOptions> & {
    columns?: number;
    rows?: number;
    mode?: 'foreground' | 'attach';
    notices?: NoticeSource;
  } = {},
) {
  const view = new MemoryView({ project: 'shop', services: SERVICES, ...options });
  const exits: { result: UiResult; error?: unknown }[] = [];
  terminal = renderInTerminal(
    <StackUi
      view={view}
      mode={options.mode ?? 'foreground'}
      mouse
      notices={options.notices}
      onExit={(result, error) => exits.push({ result, error })}
    />,
    { columns: options.columns ?? 100, rows: options.rows ?? 24 },
  );
  return { view, exits, terminal };
}

/** The screen's row that mentions `text`. */
function rowOf(screen: string, text: string): string {
  return screen.split('\n').find((row) => row.includes(text)) ?? '';
}

function logRows(screen: string): string[] {
  const rows = screen.split('\n');
  const title = rows.findIndex((row) => row.includes('── logs:'));
  return rows.slice(title + 1, -1);
}

describe('header and services table', () => {
  test('shows the stack, the coordinator, every service with status, ports, pid and restarts', async () => {
    const { terminal } = mount({ coordinatorPid: 4121 });
    const screen = await terminal.waitForScreen('shop / default');
    expect(rowOf(screen, 'shop / default')).toMatch(/coordinator pid 4121 · 4 ports leased · running/);
    expect(rowOf(screen, 'SERVICE')).toMatch(/SERVICE\s+STATUS\s+PORTS\s+PID\s+UPTIME\s+RESTARTS/);
    expect(rowOf(screen, ' db ')).toMatch(/▸ db\s+● ready\s+PORT=5432\s+101\s+\d+s\s+0/);
    expect(rowOf(screen, ' api ')).toMatch(/^ {2}api\s+\S starting\s+PORT=3001 DEBUG=9201\s+102\s+\d+s\s+3/);
    expect(rowOf(screen, ' web ')).toMatch(/web\s+✗ failed\s+PORT=3000\s+-\s+-\s+0\s+exit code 1/);
  });

  test('colours statuses and spins while a service starts', async () => {
    const { terminal } = mount();
    await terminal.waitForScreen('ready');
    const raw = terminal.rawScreen();
    expect(raw).toMatch(/\u001b\[32m● ready/); // green
    expect(raw).toMatch(/\u001b\[31m✗ failed/); // red
    const spinner = () => rowOf(terminal.screen(), ' api ').match(/api\s+(\S) starting/)?.[1];
    const first = spinner();
    await waitFor(() => spinner() !== first, { message: 'the spinner to turn' });
  });

  test('an unhealthy service: red, with why in its note', async () => {
    const { terminal } = mount({
      services: [
        {
          name: 'api',
          status: 'unhealthy',
          ports: { PORT: 3001 },
          pid: 102,
          startedAt: Date.now() - 60_000,
          detail: 'health check failing: answered 503',
        },
      ],
    });
    const screen = await terminal.waitForScreen('unhealthy');
    expect(rowOf(screen, ' api ')).toMatch(
      /api\s+♥ unhealthy\s+PORT=3001\s+102\s+.*health check failing: answered 503/,
    );
    expect(terminal.rawScreen()).toMatch(/\u001b\[31m♥ unhealthy/); // red
  });

  test('arrows and j/k move the selection, stopping at both ends', async () => {
    const { terminal } = mount();
    await terminal.waitForScreen('▸ db');
    terminal.press('j');
    await terminal.waitForScreen('▸ api');
    terminal.press(KEYS.down, KEYS.down, KEYS.down);
    await terminal.waitForScreen('▸ web');
    terminal.press('k');
    await terminal.waitForScreen('▸ api');
    terminal.press(KEYS.up, KEYS.up);
    await terminal.waitForScreen('▸ db');
  });

  test('a narrow terminal drops columns instead of wrapping, and gets them back when it widens', async () => {
    const { terminal } = mount({ columns: 44, rows: 16 });
    const narrow = await terminal.waitForScreen('SERVICE');
    expect(rowOf(narrow, 'SERVICE')).toMatch(/SERVICE\s+STATUS\s+PORTS/);
    expect(narrow).not.toContain('UPTIME');
    expect(narrow).not.toContain('PID');
    for (const row of narrow.split('\n')) expect([...row].length).toBeLessThanOrEqual(44);
    expect(narrow.split('\n')).toHaveLength(16);
    terminal.stdout.resize(120, 30);
    const wide = await terminal.waitForScreen('UPTIME');
    expect(rowOf(wide, 'SERVICE')).toMatch(/PID\s+UPTIME\s+RESTARTS\s+NOTE/);
    expect(wide.split('\n')).toHaveLength(30);
  });

  test('many services scroll with the selection and leave the logs room', async () => {
    const services = Array.from({ length: 30 }, (_, i) => ({ name: `svc${i}` }));
    const { terminal, view } = mount({ services, rows: 20 });
    view.log('svc0', 'hello from svc0');
    const screen = await terminal.waitForScreen('hello from svc0');
    expect(screen.split('\n')).toHaveLength(20);
    terminal.press(...Array.from({ length: 25 }, () => 'j'));
    await terminal.waitForScreen('▸ svc25');
  });
});

describe('log pane', () => {
  function withLines(count: number, options: Parameters<typeof mount>[0] = {}) {
    const mounted = mount({ rows: 20, ...options });
    for (let i = 1; i <= count; i++) mounted.view.log(i % 2 ? 'db' : 'api', `line ${i}`);
    return mounted;
  }

  test('interleaves all services with name prefixes and follows the tail', async () => {
    const { terminal, view } = withLines(100);
    let screen = await terminal.waitForScreen('line 100');
    expect(rowOf(screen, '── logs: all services')).toContain('following');
    expect(rowOf(screen, 'line 99')).toMatch(/^db\s+\| line 99$/);
    expect(rowOf(screen, 'line 100')).toMatch(/^api\s+\| line 100$/);
    view.log('web', 'line 101');
    screen = await terminal.waitForScreen('line 101');
    expect(logRows(screen).at(-1)).toMatch(/^web\s+\| line 101/);
  });

  test('PgUp stops following, new lines do not move the view, G follows again', async () => {
    const { terminal, view } = withLines(100);
    await terminal.waitForScreen('line 100');
    const height = logRows(terminal.screen()).length;
    terminal.press(KEYS.pageUp);
    let screen = await terminal.waitForScreen('paused');
    const bottom = 100 - (height - 1);
    expect(logRows(screen).at(-1)).toContain(`line ${bottom}`);
    view.log('db', 'line 101');
    screen = await terminal.waitForScreen('lines below');
    await waitFor(() => terminal!.screen().includes(`${100 - bottom + 1} lines below`), { message: 'count below' });
    expect(logRows(terminal.screen()).at(-1)).toContain(`line ${bottom}`);
    terminal.press('G');
    screen = await terminal.waitForScreen('following');
    expect(logRows(screen).at(-1)).toContain('line 101');
  });

  test('g goes to the oldest line; PgDn back to the end follows again', async () => {
    const { terminal } = withLines(100);
    await terminal.waitForScreen('line 100');
    terminal.press('g');
    const top = await terminal.waitForScreen('paused');
    expect(logRows(top)[0]).toMatch(/\| line 1$/);
    terminal.press(...Array.from({ length: 20 }, () => KEYS.pageDown));
    const end = await terminal.waitForScreen('following');
    expect(logRows(end).at(-1)).toContain('line 100');
  });

  test('the mouse wheel scrolls three lines a notch', async () => {
    const { terminal } = withLines(100);
    await terminal.waitForScreen('line 100');
    terminal.press(KEYS.wheelUp);
    const up = await terminal.waitForScreen('paused');
    expect(logRows(up).at(-1)).toContain('line 97');
    terminal.press(KEYS.wheelDown);
    const back = await terminal.waitForScreen('following');
    expect(logRows(back).at(-1)).toContain('line 100');
  });

  test('enter shows the selected service alone, a returns to all', async () => {
    const { terminal } = withLines(40);
    await terminal.waitForScreen('line 40');
    terminal.press('j', KEYS.enter);
    const focused = await terminal.waitForScreen('logs: api');
    const rows = logRows(focused);
    expect(rows.every((row) => /^line \d*[02468]$/.test(row))).toBe(true);
    terminal.press('k', 'l');
    await terminal.waitForScreen((s) => s.includes('logs: db') && rowOf(s, 'line 39') === 'line 39');
    terminal.press('a');
    const all = await terminal.waitForScreen('logs: all services');
    expect(rowOf(all, 'line 40')).toMatch(/^api\s+\| line 40/);
  });

  test('keeps service colours, drops escapes that would move the cursor, cuts long lines', async () => {
    const { terminal, view } = mount({ columns: 60, rows: 14 });
    view.log('api', '\u001b[32mGET\u001b[0m /health \u001b[2J\u001b[H\u001b]0;title\u0007done');
    view.log('db', `long ${'x'.repeat(200)}`);
    await terminal.waitForScreen('GET /health done');
    const raw = terminal.rawScreen();
    expect(raw).toContain('\u001b[32mGET');
    expect(raw).not.toContain('\u001b[2J');
    expect(raw).not.toContain('\u001b]0;');
    expect(rowOf(terminal.screen(), 'long x')).toMatch(/x…$/);
    expect([...rowOf(terminal.screen(), 'long x')]).toHaveLength(60);
    terminal.press(KEYS.right, KEYS.right);
    await terminal.waitForScreen((s) => s.includes('→ 16') && rowOf(s, 'xxxx').includes('| xxxx'));
  });

  test('search highlights matches, enter goes to the newest, n older, N newer', async () => {
    const { terminal, view } = withLines(0, { rows: 14 });
    for (let i = 1; i <= 60; i++) view.log('db', i % 20 === 5 ? `match ${i} Needle here` : `plain ${i}`);
    await terminal.waitForScreen('plain 60');
    terminal.press('/', 'needle');
    await terminal.waitForScreen('/needle');
    terminal.press(KEYS.enter);
    let screen = await terminal.waitForScreen('/needle 3/3');
    expect(screen).toContain('match 45');
    expect(terminal.rawScreen()).toMatch(/\u001b\[[\d;]*7m(\u001b\[[\d;]*m)*Needle/);
    terminal.press('n');
    screen = await terminal.waitForScreen('/needle 2/3');
    expect(screen).toContain('match 25');
    expect(screen).not.toContain('plain 60');
    terminal.press('n', 'n');
    screen = await terminal.waitForScreen('/needle 3/3'); // wrapped round
    expect(screen).toContain('search wrapped');
    terminal.press('N');
    screen = await terminal.waitForScreen('/needle 1/3'); // wrapped to the oldest
    expect(screen).toContain('match 5 ');
    terminal.press(KEYS.escape);
    await terminal.waitForScreen((s) => !s.includes('/needle'));
  });

  test('a search without matches says so', async () => {
    const { terminal } = withLines(10);
    await terminal.waitForScreen('line 10');
    terminal.press('/', 'zzz', KEYS.enter);
    await terminal.waitForScreen('no match for "zzz"');
  });

  test('a flood of lines redraws about 5 times a second, not once per line', async () => {
    const { terminal, view } = mount({ services: [{ name: 'db', status: 'ready', pid: 1 }] }); // no spinner
    await terminal.waitForScreen('shop');
    const before = terminal.stdout.frames.length;
    const started = performance.now();
    let sent = 0;
    // 50,000 lines a second for 800 ms, in bursts every 2 ms (one redraw per burst would be ~400
    // frames). Each burst catches up with the wall clock, so a busy machine that runs the timer
    // late sends bigger bursts, not a slower stream that would no longer count as a flood.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.round((performance.now() - started) * 50);
        while (sent < due) view.log('db', `flood ${++sent}`);
        if (performance.now() - started > 800) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    await terminal.waitForScreen(`flood ${sent}`);
    const elapsed = performance.now() - started;
    const frames = terminal.stdout.frames.length - before;
    expect(sent).toBeGreaterThan(2000);
    // The first frame comes at the normal pace, then FLOOD_REDRAW_INTERVAL_MS apart.
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / FLOOD_REDRAW_INTERVAL_MS) + 3);
  });
});

describe('help, actions and quitting', () => {
  test('? opens a help listing every key; esc or ? closes it', async () => {
    const { terminal } = mount({ rows: 30 });
    await terminal.waitForScreen('? help');
    terminal.press('?');
    const help = await terminal.waitForScreen('Keys');
    for (const key of KEY_HELP.filter((k) => k.mode !== 'attach')) expect(help).toContain(key.does);
    expect(help).not.toContain('SERVICE');
    terminal.press(KEYS.escape);
    await terminal.waitForScreen('SERVICE');
    terminal.press('?');
    await terminal.waitForScreen('Keys');
    terminal.press('?');
    await terminal.waitForScreen('SERVICE');
  });

  test('r restarts and s stops or starts the selected service', async () => {
    const { terminal, view } = mount();
    await terminal.waitForScreen('▸ db');
    terminal.press('r');
    await terminal.waitForScreen('restarting db');
    terminal.press('j', 'j', 's'); // web has failed: s starts it
    await waitFor(() => view.calls.length === 2);
    terminal.press('k', 's'); // api is starting: s stops it
    await waitFor(() => view.calls.length === 3);
    expect(view.calls).toEqual([
      { action: 'restart', service: 'db' },
      { action: 'start', service: 'web' },
      { action: 'stop', service: 'api' },
    ]);
  });

  test('a failing action is shown, not thrown', async () => {
    const { terminal, view } = mount();
    view.actions.restart = async () => {
      throw new Error('the supervisor is busy');
    };
    await terminal.waitForScreen('▸ db');
    terminal.press('r');
    await terminal.waitForScreen('restart db failed: the supervisor is busy');
  });

  test('q stops the stack, shows it stopping, then exits', async () => {
    const { terminal, view, exits } = mount({ stopDelayMs: 100 });
    await terminal.waitForScreen('▸ db');
    terminal.press('q');
    await terminal.waitForScreen('stopping the stack');
    await waitFor(() => rowOf(terminal.screen(), ' web ').includes('stopped'), { message: 'web stopped' });
    await waitFor(() => exits.length === 1, { message: 'exit' });
    expect(exits).toEqual([{ result: 'quit', error: undefined }]);
    expect(view.calls).toEqual([{ action: 'stopStack', force: false }]);
  });

  test('Ctrl-C stops the stack as SIGINT would; a second one forces the stop', async () => {
    const { terminal, view, exits } = mount({ stopDelayMs: 5000 });
    await terminal.waitForScreen('▸ db');
    terminal.press(KEYS.ctrlC);
    await terminal.waitForScreen('ctrl-c again: force');
    terminal.press(KEYS.ctrlC);
    await terminal.waitForScreen('forcing');
    await waitFor(() => exits.length === 1, { message: 'exit' });
    expect(view.calls).toEqual([
      { action: 'stopStack', force: false, signal: 'SIGINT' },
      { action: 'stopStack', force: true, signal: 'SIGINT' },
    ]);
    expect(exits[0]!.result).toBe('quit');
  });

  test('a stack stopping by another hand (a signal) says so in the bar; the first Ctrl-C forces', async () => {
    const { terminal, view } = mount({ simulate: false });
    await terminal.waitForScreen('▸ db');
    view.setPhase('stopping');
    const screen = await terminal.waitForScreen('stopping the stack…');
    expect(screen.split('\n').at(-1)).toContain('stopping the stack…  ctrl-c: force');
    terminal.press('r');
    terminal.press(KEYS.ctrlC);
    await terminal.waitForScreen('forcing the stack to stop');
    expect(view.calls).toEqual([{ action: 'stopStack', force: true, signal: 'SIGINT' }]);
  });

  test('a failed service stopping the stack is named as the reason', async () => {
    const { terminal, view } = mount({ simulate: false });
    await terminal.waitForScreen('▸ db');
    view.setPhase('failed');
    await terminal.waitForScreen('a service failed: stopping the stack…  ctrl-c: force');
  });

  test("Styxy's notices show in the bar, those sent before the UI listened too, in one row", async () => {
    const notices = new NoticeChannel();
    notices.send({ text: 'starting shop from styxy.config.ts: db, api, web', tone: 'info' });
    const { terminal } = mount({ notices });
    let screen = await terminal.waitForScreen('starting shop from styxy.config.ts');
    expect(screen.split('\n').at(-1)).toMatch(/^starting shop from styxy.config.ts: db, api, web\s+↑↓ select/);
    notices.send({ text: 'ports 3001 were taken by others\n  hint: run `styxy ls`', tone: 'error' });
    screen = await terminal.waitForScreen('hint: run `styxy ls`');
    expect(screen.split('\n').at(-1)).toContain('ports 3001 were taken by others · hint: run `styxy ls`');
    expect(rowOf(terminal.rawScreen(), 'ports 3001')).toMatch(/\u001b\[31mports 3001/); // red
  });

  test('attach: q detaches without stopping; X asks, y stops the stack', async () => {
    const first = mount({ mode: 'attach' });
    await first.terminal.waitForScreen('X stop stack');
    first.terminal.press('q');
    await waitFor(() => first.exits.length === 1);
    expect(first.exits[0]!.result).toBe('detach');
    expect(first.view.calls).toEqual([]);
    first.terminal.unmount();

    const second = mount({ mode: 'attach' });
    await second.terminal.waitForScreen('X stop stack');
    second.terminal.press('X');
    await second.terminal.waitForScreen('Stop shop/default and every service in it?');
    second.terminal.press('n');
    await second.terminal.waitForScreen('X stop stack');
    expect(second.view.calls).toEqual([]);
    second.terminal.press('X', 'y');
    await waitFor(() => second.exits.length === 1);
    expect(second.exits[0]!.result).toBe('stopped');
    expect(second.view.calls).toEqual([{ action: 'stopStack', force: false }]);
  });

  test('a stack that stops by itself ends the UI', async () => {
    const { terminal, view, exits } = mount();
    await terminal.waitForScreen('▸ db');
    view.setPhase('stopped');
    await waitFor(() => exits.length === 1);
    expect(exits[0]!.result).toBe('stopped');
  });
});

describe('input mode', () => {
  const INPUT_SERVICES: MemoryViewOptions['services'] = [
    { name: 'worker', status: 'running', pid: 201, startedAt: Date.now(), input: 'pipe' },
    { name: 'repl', status: 'running', pid: 202, startedAt: Date.now(), input: 'tty' },
    { name: 'quiet', status: 'running', pid: 203, startedAt: Date.now(), input: 'none' },
  ];

  test('i on a piped service: the footer shows the mode and the line; enter sends it; esc leaves', async () => {
    const { terminal, view, exits } = mount({ services: INPUT_SERVICES });
    await terminal.waitForScreen('i input');
    terminal.press('i');
    await terminal.waitForScreen('INPUT');
    expect(terminal.screen()).toContain('── logs: worker');
    terminal.press('h', 'e', 'y', ' ', 'q', KEYS.backspace); // q is typed, not quit
    const screen = await terminal.waitForScreen('worker < hey ');
    expect(rowOf(screen, 'INPUT')).toMatch(/INPUT\s+worker < hey\s+enter: send the line · esc: back to the keys/);
    terminal.press(KEYS.enter);
    await waitFor(() => view.calls.length === 1, { message: 'the line sent' });
    expect(view.calls).toEqual([{ action: 'input', service: 'worker', data: 'hey \n' }]);
    terminal.press(KEYS.escape);
    await terminal.waitForScreen((s) => !s.includes('INPUT') && s.includes('i input'));
    expect(exits).toEqual([]);
  });

  test('i on a tty service: every key goes as a terminal sends it, ctrl-c included; esc leaves', async () => {
    const { terminal, view, exits } = mount({ services: INPUT_SERVICES });
    await terminal.waitForScreen('▸ worker');
    terminal.press('j', 'i');
    await terminal.waitForScreen('keys go to repl (terminal)');
    terminal.press('l', 's', KEYS.enter, KEYS.up, KEYS.ctrlC);
    await waitFor(() => view.calls.length === 5, { message: 'five keys sent' });
    expect(view.calls.map((call) => (call.action === 'input' ? call.data : call.action))).toEqual([
      'l',
      's',
      '\r',
      '\u001b[A',
      '\u0003',
    ]);
    expect(exits).toEqual([]); // ctrl-c went to the service, not to Styxy
    terminal.press(KEYS.escape);
    await terminal.waitForScreen((s) => !s.includes('INPUT'));
    terminal.press('q');
    await waitFor(() => exits.length === 1, { message: 'q quits again' });
  });

  test('a service that reads no input says so; a failed write is shown', async () => {
    const { terminal, view } = mount({ services: INPUT_SERVICES });
    await terminal.waitForScreen('▸ worker');
    terminal.press('j', 'j', 'i');
    await terminal.waitForScreen("quiet reads no input (stdin: 'null')");
    expect(terminal.screen()).not.toContain('INPUT');
    view.actions.input = async () => {
      throw new Error('service "worker" is not running (exited): nothing reads the input');
    };
    terminal.press('k', 'k', 'i', 'x', KEYS.enter);
    await terminal.waitForScreen('typing into worker failed: service "worker" is not running');
  });
});
