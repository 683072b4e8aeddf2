/**
 * Write-ahead means write-ahead, and no port is ever held by two live owners:
 *
 * - on a full disk (a real tmpfs of 128 KiB as STYXY_HOME; root only, skipped with a note where
 *   mount is not permitted) a lease that cannot be journaled is refused with a clear error, no
 *   temp file is left, and leasing works again once there is room;
 * - after a `kill -9` of the coordinator, a holder stopped with SIGSTOP (Ctrl-Z) keeps its port
 *   from a newcomer, and gets it back when it resumes;
 * - when the new coordinator has no record of the holder (its state was lost), the newcomer gets
 *   the port and the holder is told on resuming: `styxy run` names the port and who has it, stops
 *   its command and exits 1; a supervisor marks the service and writes it in the service's log.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../src/client/coordinator-client.js';
import { isStyxyError } from '../../src/protocol/errors.js';
import { makeBackgroundHome } from '../helpers/background.js';
import {
  coordinatorLog,
  coordinatorPid,
  onlyTypes,
  runCli,
  running,
  spawnCli,
  startTestCoordinator,
  stopCoordinator,
} from '../helpers/coordinator.js';
import { makeTestHome } from '../helpers/home.js';
import { waitFor } from '../helpers/wait.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stopped = (pid: number) =>
  execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('T');

async function killCoordinator(home: string): Promise<void> {
  const pid = coordinatorPid(home)!;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !running(pid), { message: 'the coordinator to die' });
}

/** Forgets everything the coordinator knew: its state file and journal. */
function loseState(home: string): void {
  for (const name of readdirSync(home)) if (name.startsWith('state.json')) unlinkSync(join(home, name));
}

async function leases(env: NodeJS.ProcessEnv): Promise<{ port: number; pid: number }[]> {
  return JSON.parse((await runCli(['ls', '--json'], { env })).stdout).leases;
}

describe('write-ahead', () => {
  it('on a full disk a lease fails with a clear error, leaves no temp file, and works again once there is room', async (context) => {
    const mount = mkdtempSync(join(tmpdir(), 'styxy-full-'));
    cleanups.push(() => rmdirSync(mount));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      console.warn('write-ahead.test: cannot mount a tmpfs here (not root?); the full-disk case is skipped');
      context.skip();
      return;
    }
    cleanups.push(() => {
      execFileSync('umount', ['-l', mount]);
    });
    const test = makeTestHome({ sizes: onlyTypes({ dev: 3 }) });
    cleanups.push(() => test.cleanup());
    const home = join(mount, 'home');
    mkdirSync(home, { mode: 0o700 });
    copyFileSync(join(test.home, 'config.json'), join(home, 'config.json'));
    cleanups.push(() => stopCoordinator(home));
    await startTestCoordinator(home);
    const client = await connectCoordinator({ home, kind: 'cli', autoStart: false });
    cleanups.push(() => client.close());
    const request = { service: 'web', portName: 'PORT', type: 'dev', preferred: null, fixed: null };
    const [first] = await client.reserve({ requests: [request] });
    // Its snapshot is written and its journal gone: the next grant starts a new journal file.
    await waitFor(
      () =>
        readdirSync(home).some((n) => n === 'state.json') && !readdirSync(home).some((n) => n.includes('.journal.')),
      {
        message: 'the snapshot',
      },
    );

    const filler = join(mount, 'filler');
    try {
      for (;;) writeFileSync(filler, Buffer.alloc(16 * 1024), { flag: 'a' });
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const refused = await client.reserve({ requests: [{ ...request, service: 'api' }] }).catch((e: unknown) => e);
    expect(isStyxyError(refused) && refused.code).toBe('STYXY_STATE_WRITE_FAILED');
    expect((refused as Error).message).toBe(`cannot record the lease: no space left on ${home} (free some space)`);
    expect((await client.listLeases()).map((lease) => lease.port)).toEqual([first!.port]);
    await client.release([first!.port]); // a change whose snapshot cannot be written either
    await waitFor(() => coordinatorLog(home).includes('could not write'), { message: 'the failed snapshot' }).catch(
      () => {},
    );
    expect(readdirSync(home).filter((name) => name.includes('.tmp-'))).toEqual([]);

    unlinkSync(filler);
    const [again] = await client.reserve({ requests: [{ ...request, service: 'api' }] });
    expect(again!.service).toBe('api');
  });
});

/**
 * A `styxy run` holding the one port of a 1-port range (its command: `sleep`), stopped with
 * SIGSTOP, and its coordinator then killed with -9.
 */
async function stoppedHolderAfterCrash() {
  const home = makeTestHome({ sizes: onlyTypes({ dev: 1 }) });
  cleanups.push(() => home.cleanup());
  cleanups.push(() => stopCoordinator(home));
  const holder = spawnCli(['run', '--', 'sleep', '300'], { env: home.env });
  // Gone before the coordinator is stopped and the home removed: it writes there on its way out.
  cleanups.push(async () => {
    holder.child.kill('SIGCONT');
    holder.child.kill('SIGTERM');
    await holder.exited;
  });
  const [held] = await waitFor(
    async () => {
      const list = await leases(home.env);
      if (list.length > 0) return list;
      // Said on a timeout: why the holder never got its lease.
      if (holder.child.exitCode !== null) throw new Error(`the holder exited: ${holder.stderr()}`);
      return null;
    },
    { message: 'the holder’s lease' },
  );
  // The lease is taken before the command is spawned: wait for the command too (pgrep exits 1
  // while there is none; waitFor retries on a throw).
  const command = await waitFor(
    () => Number(execFileSync('pgrep', ['-P', String(holder.pid), 'sleep'], { encoding: 'utf8' }).trim()),
    { message: 'the holder’s command' },
  );
  process.kill(holder.pid, 'SIGSTOP');
  await waitFor(() => stopped(holder.pid), { message: 'the holder to stop' });
  await killCoordinator(home.home);
  return { home, holder, held: held!, command };
}

describe('after a kill -9 of the coordinator', () => {
  it('a holder stopped with SIGSTOP keeps its port from a newcomer, and has it when it resumes', async () => {
    const { home, holder, held } = await stoppedHolderAfterCrash();

    const newcomer = await runCli(['run', '--', 'true'], { env: home.env });
    expect(newcomer.code).toBe(1);
    expect(newcomer.stderr).toContain(`no free port for "true" (PORT) in type dev's range`);
    expect((await leases(home.env)).map((lease) => [lease.port, lease.pid])).toEqual([[held.port, holder.pid]]);

    process.kill(holder.pid, 'SIGCONT');
    await waitFor(async () => (await leases(home.env)).some((lease) => lease.pid === holder.pid), {
      message: 'the holder to be back',
    });
    expect(holder.stderr()).not.toContain('lost');
  });

  it('a holder the new coordinator never heard of is told its port went to another: `styxy run` stops its command and exits 1', async () => {
    const { home, holder, held, command } = await stoppedHolderAfterCrash();
    loseState(home.home);

    const newcomer = spawnCli(['run', '--', 'sleep', '300'], { env: home.env });
    cleanups.push(async () => {
      newcomer.child.kill('SIGTERM');
      await newcomer.exited;
    });
    await waitFor(async () => (await leases(home.env)).some((lease) => lease.pid === newcomer.pid), {
      message: 'the newcomer to get the port',
    });
    process.kill(holder.pid, 'SIGCONT');
    const exit = await holder.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(
      `styxy: lost port ${held.port} (PORT) to \`styxy run\` (pid ${newcomer.pid}) while the coordinator restarted; stopping sleep`,
    );
    await waitFor(() => !running(command), { message: 'its command to be stopped' });
    expect((await leases(home.env)).map((lease) => lease.pid)).toEqual([newcomer.pid]);
  });

  it('a supervisor that lost a port marks the service and says so in its log', async () => {
    const stacks = makeBackgroundHome({ sizes: onlyTypes({ dev: 1 }) });
    cleanups.push(() => stacks.cleanup());
    const dir = stacks.project('shop', {
      services: { web: { command: 'echo up; exec sleep 300', ports: { PORT: 'dev' }, ready: { log: '^up$' } } },
    });
    const up = await stacks.upDetached(dir);
    const supervisor = up.stack.pid;
    const port = up.services[0]!.ports.PORT!;
    process.kill(supervisor, 'SIGSTOP');
    cleanups.push(() => {
      try {
        process.kill(supervisor, 'SIGCONT');
      } catch {}
    });
    await waitFor(() => stopped(supervisor), { message: 'the supervisor to stop' });
    await killCoordinator(stacks.home.home);
    loseState(stacks.home.home);
    const newcomer = stacks.spawn(dir, ['run', '--', 'sleep', '300']);
    await waitFor(async () => (await leases(stacks.home.env)).some((lease) => lease.pid === newcomer.pid), {
      message: 'the newcomer to get the port',
    });
    process.kill(supervisor, 'SIGCONT');
    await waitFor(
      async () =>
        (await stacks.cli(dir, ['logs', 'web'])).stdout.includes(`lost port ${port} (PORT) to another client`),
      { timeout: 15_000, message: 'the service log to say so' },
    );
  });
});
