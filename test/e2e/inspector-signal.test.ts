/**
 * SIGUSR1 makes Node open its inspector on TCP 127.0.0.1:9229, where any local user could run
 * code in the process. The coordinator and the supervisors (background and foreground) ignore it:
 * after SIGUSR1 they still run and listen on no TCP port of their own.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProcNetTcp } from '../../src/os/port-holder.js';
import { homePaths } from '../../src/protocol/home.js';
import { makeBackgroundHome } from '../helpers/background.js';
import { coordinatorLog, coordinatorPid, running } from '../helpers/coordinator.js';
import { waitFor } from '../helpers/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** TCP ports `pid` listens on (its socket inodes matched against /proc/net/tcp{,6}). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(Number(match[1]));
    } catch {}
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const socket of parseProcNetTcp(readFileSync(table, 'utf8')))
      if (inodes.has(socket.inode)) ports.push(socket.port);
  }
  return ports;
}

describe('SIGUSR1', () => {
  it('opens no inspector in the coordinator or a supervisor (background or foreground)', async () => {
    const stacks = makeBackgroundHome();
    cleanups.push(() => stacks.cleanup());
    const dir = stacks.project('shop', {
      services: { web: { command: 'echo up; exec sleep 300', ready: { log: '^up$' } } },
    });
    const up = await stacks.upDetached(dir);
    const coordinator = coordinatorPid(stacks.home)!;
    for (const pid of [coordinator, up.stack.pid]) {
      expect(listeningPorts(pid)).toEqual([]);
      process.kill(pid, 'SIGUSR1');
    }
    const supervisorOut = join(homePaths(stacks.home.home).stacks, up.stack.id, 'supervisor.out');
    await waitFor(() => coordinatorLog(stacks.home).includes('SIGUSR1 ignored'), {
      message: 'the coordinator to see it',
    });
    await waitFor(() => readFileSync(supervisorOut, 'utf8').includes('SIGUSR1 ignored'), {
      message: 'the supervisor to see it',
    });
    for (const pid of [coordinator, up.stack.pid]) {
      expect(running(pid)).toBe(true);
      expect(listeningPorts(pid)).toEqual([]);
    }

    // A foreground `up` supervises its stack too.
    const other = stacks.project('blog', {
      services: { web: { command: 'echo up; exec sleep 300', ready: { log: '^up$' } } },
    });
    const foreground = stacks.spawn(other, ['up', '--no-tui']);
    // A whole `up` (Node, the config loader, the first spawn): past 10 s in a full run under load.
    await waitFor(() => foreground.stderr().includes('web ready'), {
      timeout: 30_000,
      message: 'the foreground stack',
    });
    process.kill(foreground.pid, 'SIGUSR1');
    await waitFor(() => foreground.stderr().includes('SIGUSR1 ignored'), {
      message: 'the foreground supervisor to see it',
    });
    expect(running(foreground.pid)).toBe(true);
    expect(listeningPorts(foreground.pid)).toEqual([]);
  });
});
