/**
 * `styxy top` in a real terminal (tmux): every stack of the user, live; enter opens one's own UI
 * (as `styxy attach`), q there comes back to the list, q quits. `attach --all` is the same; without
 * a terminal it says what to use instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { CLI_BIN } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { exitStatus, REPORTING_SHELL, screenRow, Tmux } from '../helpers/tmux.js';

let bg: BackgroundHome | undefined;
let tmux: Tmux | undefined;
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  await bg?.cleanup();
  bg = undefined;
});

describe('styxy top', () => {
  it('lists every stack live; enter opens one, q comes back, q quits', async () => {
    bg = makeBackgroundHome();
    const api = { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } };
    const shop = bg.project('shop', { name: 'shop', services: { api } });
    const blog = bg.project('blog', { name: 'blog', services: { web: { ...api, ports: { PORT: 'dev' } } } });
    const [shopUp, blogUp] = await Promise.all([bg.upDetached(shop), bg.upDetached(blog)]);

    tmux = new Tmux();
    tmux.start([...REPORTING_SHELL, NODE, CLI_BIN, 'top'], {
      cwd: bg.home.home,
      env: { STYXY_HOME: bg.home.home, NO_COLOR: '1' },
      columns: 140,
      rows: 20,
    });
    const screen = await tmux.waitForScreen((s) => s.includes('2 stacks') && s.includes('shop/default'));
    expect(screenRow(screen, 'blog/default')).toMatch(
      new RegExp(
        `^▸ \\S*blog +blog/default +running 1/1 up +${blogUp.stack.pid} +web:${blogUp.services[0]!.ports.PORT}`,
      ),
    );
    expect(screenRow(screen, 'shop/default')).toMatch(
      new RegExp(
        `^ {2}\\S*shop +shop/default +running 1/1 up +${shopUp.stack.pid} +api:${shopUp.services[0]!.ports.PORT}`,
      ),
    );

    tmux.send('Down');
    await tmux.waitForScreen((s) => screenRow(s, 'shop/default').startsWith('▸'));
    tmux.send('Enter');
    const opened = await tmux.waitForScreen((s) => s.includes('shop / default') && s.includes('logs: all services'));
    expect(screenRow(opened, ' api ')).toMatch(/api\s+● ready/);
    tmux.send('q');
    await tmux.waitForScreen((s) => s.includes('styxy top') && screenRow(s, 'shop/default').startsWith('▸'));

    // Live: a stack stopped elsewhere leaves the list.
    expect((await bg.cli(blog, ['down'])).code).toBe(0);
    await tmux.waitForScreen((s) => / 1 stack$/m.test(s) && !s.includes('blog/default'));
    tmux.send('q');
    expect(await exitStatus(tmux)).toBe(0);
  }, 120_000);

  it('attach --all is top; without a terminal both say what to use instead (exit 2)', async () => {
    bg = makeBackgroundHome();
    tmux = new Tmux();
    tmux.start([...REPORTING_SHELL, NODE, CLI_BIN, 'attach', '--all'], {
      cwd: bg.home.home,
      env: { STYXY_HOME: bg.home.home, NO_COLOR: '1' },
    });
    const screen = await tmux.waitForScreen('0 stacks');
    expect(screen).toContain('no coordinator running');
    tmux.send('q');
    expect(await exitStatus(tmux)).toBe(0);
    for (const args of [['top'], ['attach', '--all']]) {
      const result = await bg.cli(bg.home.home, args);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'styxy: `styxy top` shows a live UI and needs a terminal\nhint: without one, `styxy ps` shows the services and `styxy logs -f` follows their output\n',
      );
    }
  }, 60_000);
});
