/**
 * What a starting coordinator finds at its socket path: a crashed coordinator's stale socket is
 * cleaned up; a regular file or a folder is never touched (and the user is told); a live socket
 * of someone else is never taken over.
 */
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { homePaths } from '../../../src/protocol/home.js';
import { COORDINATOR_MAIN, coordinatorLog, runCli, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

let home: TestHome | undefined;
let foreign: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve(undefined)));
  foreign = undefined;
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

/** Leaves a socket file nobody listens on, as a SIGKILLed coordinator does. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  expect(lstatSync(path).isSocket()).toBe(true);
}

function runDaemon(env: NodeJS.ProcessEnv): Promise<number | null> {
  const child = spawn(process.execPath, [COORDINATOR_MAIN], { env, stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('the socket path', () => {
  it('a stale socket is removed and a coordinator starts', async () => {
    home = makeTestHome();
    const { socket } = homePaths(home.home);
    await staleSocket(socket);
    const client = await connectCoordinator({ home: home.home, kind: 'cli' });
    expect((await client.status()).running).toBe(true);
    await client.close();
    expect(coordinatorLog(home)).toContain(`removed the stale socket ${socket}`);
  });

  it('a regular file is left alone, and the user is told what to do', async () => {
    home = makeTestHome();
    const { socket } = homePaths(home.home);
    writeFileSync(socket, 'precious');
    expect(await runDaemon(home.env)).toBe(1);
    expect(readFileSync(socket, 'utf8')).toBe('precious');
    expect(coordinatorLog(home)).toContain(`refusing to start: ${socket} is a regular file`);

    const error = await connectCoordinator({ home: home.home, kind: 'cli', timeoutMs: 3000 }).catch((e: unknown) => e);
    expect(isStyxyError(error) && error.code).toBe('STYXY_COORDINATOR_UNAVAILABLE');
    expect((error as Error).message).toBe(
      `${socket} is a regular file, not a socket: the coordinator cannot listen there`,
    );
    const cli = await runCli(['ls'], { env: home.env });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('not a socket');
    expect(cli.stderr).toMatch(/hint: move it away/);
    expect(readFileSync(socket, 'utf8')).toBe('precious');
  });

  it('a folder at the path is left alone too', async () => {
    home = makeTestHome();
    const { socket } = homePaths(home.home);
    mkdirSync(socket);
    expect(await runDaemon(home.env)).toBe(1);
    expect(lstatSync(socket).isDirectory()).toBe(true);
  });

  it('a home too deep for a socket path: the socket moves to a private folder, never a shared one', async () => {
    home = makeTestHome();
    const deep = join(home.home, 'a-folder-name-long-enough'.repeat(4));
    mkdirSync(deep);
    const runtime = join(home.home, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const env = { ...home.env, STYXY_HOME: deep, XDG_RUNTIME_DIR: runtime };
    const { socket } = homePaths(deep, env);
    expect(socket.startsWith(join(runtime, 'styxy'))).toBe(true);
    const status = await runCli(['daemon', 'start', '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, socket });
    expect(statSync(dirname(socket)).mode & 0o777).toBe(0o700);
    await stopCoordinator(deep);

    // A parent folder others can write to could be used to swap ours: refuse to listen there.
    chmodSync(join(runtime, 'styxy'), 0o777);
    expect(await runDaemon(env)).toBe(1);
    expect(coordinatorLog(deep)).toMatch(/refusing to start: .*runtime\/styxy can be written by others \(mode 777\)/);
  });

  it("someone else's live socket is never taken over", async () => {
    home = makeTestHome();
    const { socket } = homePaths(home.home);
    foreign = createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) => foreign!.listen(socket, resolve));
    const inode = lstatSync(socket).ino;
    expect(await runDaemon(home.env)).toBe(0);
    expect(coordinatorLog(home)).toContain(`a coordinator already answers on ${socket}; leaving it to serve`);
    expect(lstatSync(socket).ino).toBe(inode);
    // And it still works for its owner.
    await waitFor(() => foreign!.listening);
  });
});
