/**
 * `styxy attach` in a real terminal (tmux) on a background stack: the same UI as a foreground
 * `up`, fed over the control socket; `q` detaches and leaves the stack running; `X` then `y`
 * stops it; a supervisor killed meanwhile ends the UI with exit 1. Without a terminal, attach
 * refuses with what to use instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { CLI_BIN, running } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { exitStatus, REPORTING_SHELL, screenRow, Tmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
let tmux: Tmux | undefined;
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  await bg?.cleanup();
  bg = undefined;
});

function attach(root: string): Tmux {
  tmux?.kill();
  tmux = new Tmux();
  tmux.start([...REPORTING_SHELL, NODE, CLI_BIN, 'attach'], {
    cwd: root,
    env: { STYXY_HOME: bg!.home.home, NO_COLOR: '1' },
    columns: 120,
    rows: 30,
  });
  return tmux;
}

describe('styxy attach', () => {
  it('shows the stack live; q detaches (it keeps running); X y stops it; a vanished supervisor exits 1', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', {
      services: {
        api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
        worker: { command: [NODE, fixture('ticker.mjs'), '100'], ready: false },
      },
    });
    const up = await bg.upDetached(root);
    const port = up.services[0]!.ports.PORT!;

    let t = attach(root);
    const screen = await t.waitForScreen((s) => s.includes('test / default') && /worker\s+\| tick \d+/.test(s));
    expect(screenRow(screen, 'test / default')).toContain('1 port leased · running');
    expect(screenRow(screen, ' api ')).toMatch(new RegExp(`api\\s+● ready\\s+PORT=${port}\\s+${up.services[0]!.pid}`));
    expect(screenRow(screen, 'q detach')).toContain('X stop stack');
    // The backlog, from before attach: the api's one line (shown alone, as the worker's ticks may
    // have scrolled it out of the shared pane on a slow machine), then all services again.
    t.send('Enter');
    await t.waitForScreen((s) => s.includes('logs: api') && s.includes(`\nlistening on ${port}\n`));
    t.send('a');
    await t.waitForScreen((s) => s.includes('logs: all services'));
    const tick = (s: string) => Math.max(0, ...[...s.matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    const seen = tick(t.capture());
    await t.waitForScreen((s) => tick(s) > seen + 3); // live
    t.send('q');
    expect(await exitStatus(t)).toBe(0);
    expect(t.capture()).toContain('styxy: detached; test/default keeps running');
    expect(running(up.stack.pid)).toBe(true);
    expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('ok api');

    t = attach(root);
    await t.waitForScreen('test / default');
    t.send('X');
    await t.waitForScreen('every service in it? y: stop');
    t.send('y');
    expect(await exitStatus(t)).toBe(0);
    expect(t.capture()).toContain('styxy: test/default has stopped');
    await waitFor(() => !running(up.stack.pid), { message: 'the supervisor to exit' });
    expect(up.services.map((s) => s.pid!).filter(running)).toEqual([]);

    const again = await bg.upDetached(root);
    t = attach(root);
    await t.waitForScreen('test / default');
    process.kill(again.stack.pid, 'SIGKILL');
    expect(await exitStatus(t)).toBe(1);
    expect(t.capture()).toContain(`styxy: lost test/default: its supervisor (pid ${again.stack.pid}) went away`);
  });

  it('i types into a service of the background stack, over its control socket; esc, then q detaches', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', {
      services: { worker: { command: [NODE, fixture('stdin-watcher.mjs'), '--quiet'], ready: { log: '^watching' } } },
    });
    await bg.upDetached(root);
    const t = attach(root);
    await t.waitForScreen((s) => /worker\s+● ready/.test(s));
    t.send('i');
    await t.waitForScreen((s) => s.includes('INPUT') && s.includes('worker <'));
    t.send('-l', 'from attach');
    t.send('Enter');
    await t.waitForScreen((s) => /^got from attach$/m.test(s));
    const logs = await bg.cli(root, ['logs', 'worker', '-n', '20']);
    expect(logs.stdout).toMatch(/^got from attach$/m);
    t.send('Escape');
    await t.waitForScreen((s) => !s.includes('INPUT'));
    t.send('q');
    expect(await exitStatus(t)).toBe(0);
    expect((await bg.cli(root, ['ps', '--json'])).stdout).toContain('"status": "ready"');
  });

  it('without a terminal: exit 2, and what to use instead', async () => {
    bg = makeBackgroundHome();
    const root = bg.project('shop', { services: { worker: { command: 'exec sleep 30', ready: false } } });
    const result = await bg.cli(root, ['attach']);
    expect(result).toMatchObject({
      code: 2,
      stderr:
        'styxy: `styxy attach` shows a live UI and needs a terminal\nhint: without one, `styxy ps` shows the services and `styxy logs -f` follows their output\n',
    });
  });
});
