/**
 * A coordinator killed right after a grant, before its state file was written (it is written
 * off the request path, up to 100 ms later): its successor must still know the grant (the
 * write-ahead journal, coordinator/journal.ts), so nobody else is handed those ports or that
 * stack before their owner comes back. Found by `npm run stress` (scenario 2).
 *
 * And a client whose first connection reaches a coordinator dying before it answers the hello
 * starts a new one instead of failing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoordinatorConnection, connectCoordinator } from '../../../src/client/coordinator-client.js';
import { newRunToken } from '../../../src/os/tag.js';
import { homePaths } from '../../../src/protocol/home.js';
import { listenDying, onlyTypes, running, startTestCoordinator, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

const HOLDER = fileURLToPath(new URL('../../fixtures/crash-window-holder.mjs', import.meta.url));
let home: TestHome | undefined;
let holder: ChildProcess | undefined;
let client: CoordinatorConnection | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  if (holder?.pid && running(holder.pid)) {
    process.kill(holder.pid, 'SIGKILL');
    process.kill(holder.pid, 'SIGCONT');
  }
  holder = undefined;
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

const stopped = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('T') ?? false;

describe('the crash window after a grant', () => {
  it('a lease and a stack granted just before a kill -9 are still theirs in the next coordinator', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 2 }) });
    await startTestCoordinator(home);
    holder = spawn(process.execPath, [HOLDER, '1', 'dev'], {
      env: home.env,
      cwd: home.home,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    holder.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    const granted = await waitFor(
      () =>
        out.includes('\n')
          ? (JSON.parse(out.split('\n')[0]!) as { ports: number[]; stackId: string; coordinator: number })
          : null,
      { message: 'the holder to be granted its port' },
    );
    await waitFor(() => !running(granted.coordinator) && stopped(holder!.pid!), { message: 'the kill and the stop' });

    // Another owner, while the holder cannot re-claim anything: it starts the next coordinator.
    client = await connectCoordinator({ home: home.home, kind: 'supervisor' });
    expect(client.coordinatorPid).not.toBe(granted.coordinator);
    const [other] = await client.reserve({
      requests: [{ service: 'other', portName: 'PORT', type: 'dev', preferred: null, fixed: null }],
    });
    expect(other!.port).not.toBe(granted.ports[0]);
    await expect(
      client.registerStack({
        id: granted.stackId,
        name: 'default',
        project: 'crash-window',
        root: home.home,
        configFile: `${home.home}/styxy.config.ts`,
        pid: process.pid,
        detached: false,
        controlSocket: null,
        runToken: newRunToken(),
      }),
    ).rejects.toMatchObject({ code: 'STYXY_STACK_RUNNING' });

    process.kill(holder.pid!, 'SIGCONT');
    await waitFor(() => out.includes('reconnected'), { message: 'the holder to reconnect' });
    expect(out).not.toMatch(/^lost /m);
    const leases = await client.listLeases();
    expect(leases.map((lease) => [lease.port, lease.pid]).sort()).toEqual(
      [
        [granted.ports[0], holder.pid],
        [other!.port, process.pid],
      ].sort(),
    );
  });

  it('a first connection closed before the hello is answered starts a coordinator instead of failing', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 2 }) });
    const socket = homePaths(home.home).socket;
    await listenDying(socket);
    client = await connectCoordinator({ home: home.home, kind: 'cli', timeoutMs: 15_000 });
    expect(running(client.coordinatorPid)).toBe(true);
    expect((await client.status()).running).toBe(true);
  });
});
