/**
 * Following a live background stack: `logs -f` (the newest lines, then every new one; ends with
 * 0 on SIGINT and when the stack stops), and the stack's control socket taking garbage from bad
 * clients while the CLI's good ones (`logs -f`, `restart`, `ps`) are served as usual.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stackDir } from '../../src/protocol/home.js';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { fixture, NODE } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

const ticks = (text: string) => [...text.matchAll(/^worker \| tick (\d+)$/gm)].map((match) => Number(match[1]));

async function tickingStack(): Promise<{ root: string; supervisor: number }> {
  bg = makeBackgroundHome();
  const root = bg.project('shop', {
    services: {
      api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
      worker: { command: [NODE, fixture('ticker.mjs'), '20'], ready: false },
    },
  });
  const up = await bg.upDetached(root);
  return { root, supervisor: up.stack.pid };
}

describe('logs -f', () => {
  it('prints the newest lines, then every new one, prefixed by service; SIGINT ends it with 0', async () => {
    const { root } = await tickingStack();
    await waitFor(async () => ticks((await bg!.cli(root, ['logs'])).stdout).length >= 5);
    const follow = bg!.spawn(root, ['logs', '-f', '-n', '5']);
    await waitFor(() => ticks(follow.stdout()).length >= 40, { message: '40 ticks followed' });
    follow.child.kill('SIGINT');
    const result = await follow.exited;
    expect(result.code).toBe(0);
    const numbers = ticks(result.stdout);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i)); // none missed, none twice
    // The first five lines were the newest of the stack then (any service).
    expect(
      result.stdout
        .split('\n')
        .slice(0, 5)
        .every((line) => /^(worker|api {3}) \| /.test(line)),
    ).toBe(true);
    expect(result.stdout).not.toContain('\u001b['); // no colour without a terminal
  });

  it('ends with 0 when the stack stops; one service only, without a prefix', async () => {
    const { root } = await tickingStack();
    const follow = bg!.spawn(root, ['logs', '-f', 'api', '-n', '10']);
    await waitFor(() => follow.stdout().includes('[styxy] ready on :'), { message: "api's backlog" });
    expect((await bg!.cli(root, ['down'])).code).toBe(0);
    const result = await follow.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('styxy: stack test/default has stopped\n');
    expect(result.stdout).not.toContain('tick');
    expect(result.stdout).toMatch(/^listening on \d+$/m);
    expect(result.stdout).toContain('[styxy] stopping (SIGTERM)\n');
    // Of a stopped stack: its last lines, and nothing to follow.
    const after = await bg!.cli(root, ['logs', '-f', 'api', '-n', '1']);
    expect(after).toMatchObject({ code: 0, stdout: '[styxy] stopped\n' });
    expect(after.stderr).toContain('is running; nothing to follow');
  });
});

describe('control socket', () => {
  it('rejects malformed messages while serving good clients', async () => {
    const { root, supervisor } = await tickingStack();
    const id = JSON.parse((await bg!.cli(root, ['ps', '--json'])).stdout).stack.id as string;
    const dir = stackDir(bg!.home.home, id);
    const socket = join(dir, 'control.sock');
    const follow = bg!.spawn(root, ['logs', '-f', 'worker', '-n', '0']);
    const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}\f`;
    const hello = frame('request', { id: 1, method: 'hello', params: { protocol: 1 } });
    const garbage = [
      Buffer.from('\u0000\u0001\u0002garbage'),
      '{"type":"request","data":{"id":1,"method":"stopStack"}}\f', // no hello first
      `${hello}${frame('request', { id: 2, method: 'stopStack', params: { force: 'yes' } })}`,
      `${hello}${frame('request', { id: 2, method: 'stopService', params: {} })}`,
      `${hello}${frame('request', { id: 'x'.repeat(100), method: 'snapshot' })}`,
      `${hello}${frame('event', { event: 'snapshot', data: {} })}`,
      `${hello}${frame('request', { id: 3, method: 'logs', params: { service: 'nope' } })}`,
    ];
    // Many bad clients, over and over, while the good ones work.
    const attack = (async () => {
      for (let round = 0; round < 8; round++) await Promise.all(garbage.map((data) => send(socket, data)));
    })();
    const restarted = await bg!.cli(root, ['restart', 'api']);
    expect(restarted.code, restarted.stderr).toBe(0);
    await attack;
    const ps = JSON.parse((await bg!.cli(root, ['ps', '--json'])).stdout);
    expect(ps.stack.pid).toBe(supervisor);
    expect(ps.services.map((s: { status: string }) => s.status)).toEqual(['ready', 'running']);
    await waitFor(() => (follow.stdout().match(/^tick \d+$/gm)?.length ?? 0) >= 10, {
      message: 'the follower still following',
    });
    // The refusals were logged (rate-limited) by the supervisor.
    expect(readFileSync(join(dir, 'supervisor.out'), 'utf8')).toMatch(/malformed request|the first request must be/);
  });
});

/** Writes `data` on a new connection and waits until the server closes it (or 200 ms pass). */
function send(socket: string, data: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    const connection = connect(socket);
    connection.on('error', () => {});
    connection.on('data', () => {});
    const timer = setTimeout(() => connection.destroy(), 200);
    connection.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    connection.on('connect', () => connection.write(data));
  });
}
