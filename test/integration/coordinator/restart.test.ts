/**
 * A SIGKILLed coordinator: its successor (started by a reconnecting client) reloads the state
 * file, lets live owners keep their ports, and reaps the owners that died meanwhile. Without a
 * usable state file, live owners re-claim their exact ports.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoordinatorConnection, connectCoordinator } from '../../../src/client/coordinator-client.js';
import { newRunToken } from '../../../src/os/tag.js';
import type { StackRegistration } from '../../../src/protocol/coordinator-protocol.js';
import { homePaths } from '../../../src/protocol/home.js';
import {
  coordinatorLog,
  coordinatorPid,
  running,
  startTestCoordinator,
  stopCoordinator,
} from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

const LEASE_HOLDER = fileURLToPath(new URL('../../fixtures/lease-holder.mjs', import.meta.url));
let home: TestHome | undefined;
let client: CoordinatorConnection | undefined;
const leftovers: number[] = [];

afterEach(async () => {
  await client?.close();
  client = undefined;
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

function registration(): StackRegistration {
  return {
    id: `restart-test-${process.pid}`,
    name: 'default',
    project: 'restart-test',
    root: home!.home,
    configFile: `${home!.home}/styxy.config.ts`,
    pid: process.pid,
    detached: false,
    controlSocket: null,
    runToken: newRunToken(),
  };
}

/** This process as a live supervisor holding a stack with two ports. */
async function liveOwner(): Promise<{ ports: number[]; reconnected: Promise<void>; reclaimFailures: Error[] }> {
  client = await connectCoordinator({ home: home!.home, kind: 'supervisor' });
  const stack = registration();
  await client.registerStack(stack);
  const leases = await client.reserve({
    stackId: stack.id,
    requests: ['PORT', 'DEBUG_PORT'].map((portName) => ({
      service: 'api',
      portName,
      type: 'dev',
      preferred: null,
      fixed: null,
    })),
  });
  const reclaimFailures: Error[] = [];
  client.on('reclaimFailed', (error) => reclaimFailures.push(error));
  const reconnected = new Promise<void>((resolve) => client!.on('reconnected', resolve));
  return { ports: leases.map((lease) => lease.port), reconnected, reclaimFailures };
}

async function killCoordinator(): Promise<number> {
  const pid = coordinatorPid(home!)!;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !running(pid), { message: 'the coordinator to die' });
  return pid;
}

describe('coordinator restart', () => {
  it('after kill -9: state reloaded, the live owner keeps its ports, the dead owner is reaped', async () => {
    home = makeTestHome({ sizes: { dev: 6 } });
    await startTestCoordinator(home);
    const live = await liveOwner();

    const holder = spawn(process.execPath, [LEASE_HOLDER, '2', 'dev'], {
      env: home.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    leftovers.push(holder.pid!);
    let out = '';
    holder.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    const dead = await waitFor(
      () => (out.includes('\n') ? (JSON.parse(out) as { ports: number[]; child: number }) : null),
      {
        message: 'the lease holder',
      },
    );
    leftovers.push(dead.child);
    // Wait until both owners are on disk.
    const state = homePaths(home.home).state;
    await waitFor(() => existsSync(state) && readFileSync(state, 'utf8').includes(`"pid":${holder.pid}`), {
      message: 'the state file',
    });

    const oldPid = await killCoordinator();
    process.kill(holder.pid!, 'SIGKILL'); // dies while no coordinator runs
    await waitFor(() => !running(holder.pid!), { message: 'the holder to die' });

    await live.reconnected; // the client restarted a coordinator and resumed its owner
    expect(client!.coordinatorPid).not.toBe(oldPid);
    expect(client!.coordinator.resumed).toBe(true);
    await waitFor(() => !running(dead.child), { timeout: 5000, message: "the dead owner's service to be killed" });
    await waitFor(async () => (await client!.listLeases()).length === 2, {
      timeout: 5000,
      message: 'its ports to be freed',
    });
    const leases = await client!.listLeases();
    expect(leases.map((lease) => lease.port).sort()).toEqual([...live.ports].sort());
    expect(new Set(leases.map((lease) => lease.pid))).toEqual(new Set([process.pid]));
    expect((await client!.listStacks()).map((stack) => stack.id)).toEqual([registration().id]);
    expect(coordinatorLog(home)).toMatch(
      new RegExp(`reaped supervisor pid ${holder.pid} .*freed ports \\[${dead.ports.join(', ')}\\]`),
    );
    expect(live.reclaimFailures).toEqual([]);
  });

  it('with a corrupt state file: set aside, and the live owner re-claims its exact ports', async () => {
    home = makeTestHome({ sizes: { dev: 6 } });
    await startTestCoordinator(home);
    const live = await liveOwner();
    const state = homePaths(home.home).state;
    await waitFor(() => existsSync(state), { message: 'the state file' });
    await killCoordinator();
    writeFileSync(state, '{"format":1,"owners":[{"id":');
    // The journal too: a corrupt snapshot's journal is replayed, and whether it still holds the
    // owner's grant depends on when the last snapshot was taken. This test is about the case
    // where nothing of the state is left but the clients' own word.
    for (const name of readdirSync(dirname(state))) {
      if (name.startsWith('state.json.journal.')) rmSync(join(dirname(state), name));
    }

    await live.reconnected;
    expect(client!.coordinator.resumed).toBe(false); // its token died with the state
    const leases = await client!.listLeases();
    expect(leases.map((lease) => lease.port).sort()).toEqual([...live.ports].sort());
    expect((await client!.listStacks()).map((stack) => stack.id)).toEqual([registration().id]);
    expect(readdirSync(home.home).some((name) => name.startsWith('state.json.corrupt-'))).toBe(true);
    expect(coordinatorLog(home)).toMatch(/state file .* is corrupt \(not JSON: .*\); moved to .*state\.json\.corrupt-/);
    expect(live.reclaimFailures).toEqual([]);
  });

  it('`daemon stop` style shutdown: clients that hold ports start a new coordinator and keep them', async () => {
    home = makeTestHome({ sizes: { dev: 6 } });
    await startTestCoordinator(home);
    const live = await liveOwner();
    const other = await connectCoordinator({ home: home.home, kind: 'cli' });
    const oldPid = other.coordinatorPid;
    await other.shutdown();
    await live.reconnected;
    expect(client!.coordinatorPid).not.toBe(oldPid);
    expect((await client!.listLeases()).map((lease) => lease.port).sort()).toEqual([...live.ports].sort());
  });
});
