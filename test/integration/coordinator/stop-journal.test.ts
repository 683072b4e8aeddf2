/**
 * Stop registrations read back from disk (coordinator/admit-stop.ts, journal.ts): a stop command
 * there is a command the coordinator runs when it reaps the owner, so a starting coordinator
 * runs one only from a file of ours that nobody else can have written, that passes registerStop's
 * schema, for an owner holding that stack. Each case plants a dead supervisor's stack and its
 * stop registration (whose command writes a marker file) and starts a real coordinator: the
 * owner is reaped, and the marker says whether the command ran; each refusal is a log line.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { homePaths } from '../../../src/protocol/home.js';
import { coordinatorLog, startTestCoordinator, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

let home: TestHome | undefined;
afterEach(async () => {
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

const OWNER = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

/** A pid that ran and is gone: the planted supervisor died. */
function deadPid(): number {
  const pid = spawnSync('true').pid;
  if (!pid) throw new Error('could not run true');
  return pid;
}

function plantedStack(owner: string, pid: number, root: string, id: string) {
  return {
    kind: 'stack',
    owner: { id: owner, pid, startTime: null, kind: 'supervisor', cwd: root },
    stack: {
      owner,
      registration: {
        id,
        name: 'default',
        project: id,
        root,
        configFile: join(root, '.styxyrc.json'),
        pid,
        detached: true,
        controlSocket: null,
        runToken: `token-${id}-0000`,
      },
      since: 1,
      phase: 'running',
      services: [],
    },
  };
}

function plantedStop(owner: string, stackId: string, root: string, daemon: unknown = null) {
  const stop = {
    owner,
    stackId,
    service: 'cache',
    stop: {
      file: 'sh',
      args: ['-c', 'echo ran > marker'],
      cwd: root,
      env: { PATH: process.env.PATH! },
      timeoutMs: 5000,
    },
    daemon,
  };
  return { kind: 'stop', owner, stop };
}

/** A home with a project folder, and the lines of its first journal file (none: no file). */
function plant(lines: (root: string) => readonly unknown[] = () => []): { root: string; journal: string } {
  home = makeTestHome();
  const root = join(home.home, 'shop');
  mkdirSync(root);
  const journal = `${homePaths(home.home).state}.journal.0`;
  const text = lines(root).map((line) => `${JSON.stringify(line)}\n`);
  if (text.length > 0) writeFileSync(journal, text.join(''), { mode: 0o600 });
  return { root, journal };
}

/** Starts the coordinator and waits for it to reap the planted owner: did its stop command run? */
async function reapedAndRan(root: string, pid: number): Promise<boolean> {
  await startTestCoordinator(home!);
  await waitFor(() => coordinatorLog(home!).includes(`reaped supervisor pid ${pid}`), {
    message: `the planted supervisor (pid ${pid}) to be reaped`,
  });
  // Stop commands run before anything is freed: by the reap's log line, it has run or never will.
  return existsSync(join(root, 'marker'));
}

describe('stop registrations read back from the journal', () => {
  it('runs the stop command of a dead owner from a private journal of ours (the control)', async () => {
    const pid = deadPid();
    const { root } = plant((root) => [plantedStack(OWNER, pid, root, 'shop'), plantedStop(OWNER, 'shop', root)]);
    expect(await reapedAndRan(root, pid)).toBe(true);
    expect(coordinatorLog(home!)).toContain(`reaping pid ${pid}: running 1 stop command(s) first`);
  });

  it('refuses the stop registrations of a journal file others may write', async () => {
    const pid = deadPid();
    const { root, journal } = plant((root) => [
      plantedStack(OWNER, pid, root, 'shop'),
      plantedStop(OWNER, 'shop', root),
    ]);
    chmodSync(journal, 0o666);
    expect(await reapedAndRan(root, pid)).toBe(false);
    expect(coordinatorLog(home!)).toMatch(
      /1 stop registration\(s\) in \S+journal\.0: it can be written by others \(mode 666\); none of its stop commands will run/,
    );
  });

  it('refuses the stop registrations of a journal file with a second name (a hard link)', async () => {
    const pid = deadPid();
    const { root, journal } = plant((root) => [
      plantedStack(OWNER, pid, root, 'shop'),
      plantedStop(OWNER, 'shop', root),
    ]);
    linkSync(journal, join(root, 'journal-copy'));
    expect(await reapedAndRan(root, pid)).toBe(false);
    expect(coordinatorLog(home!)).toContain('it has 2 names (hard links); none of its stop commands will run');
  });

  it('refuses a stop registration whose daemon is not a group of its own (no coordinator writes that)', async () => {
    const pid = deadPid();
    const { root } = plant((root) => [
      plantedStack(OWNER, pid, root, 'shop'),
      plantedStop(OWNER, 'shop', root, { pid: 4242, pgid: 1, startTime: null }),
    ]);
    expect(await reapedAndRan(root, pid)).toBe(false);
    expect(coordinatorLog(home!)).toMatch(
      /journal\.0 line 2 is no journal entry \(stop\.daemon: must be a group of its own pid \(pgid = pid\)\): refused/,
    );
  });

  it("refuses a stop registration for another owner's stack", async () => {
    const pid = deadPid();
    const other = deadPid();
    const { root } = plant((root) => [
      plantedStack(OWNER, pid, root, 'shop'),
      plantedStack(OTHER, other, root, 'other'),
      plantedStop(OTHER, 'shop', root),
    ]);
    expect(await reapedAndRan(root, pid)).toBe(false);
    await waitFor(() => coordinatorLog(home!).includes(`reaped supervisor pid ${other}`), { message: 'both reaped' });
    expect(existsSync(join(root, 'marker'))).toBe(false);
    expect(coordinatorLog(home!)).toContain(
      'refused the stop registration of shop/cache read back from disk: its owner does not hold that stack; it will not run',
    );
  });
});

describe('stop registrations read back from state.json', () => {
  /** state.json holding the planted owner, its stack and its stop registration. */
  function plantState(root: string, pid: number): string {
    const stack = plantedStack(OWNER, pid, root, 'shop');
    const file = homePaths(home!.home).state;
    const state = {
      format: 1,
      savedAt: 1,
      journal: 0,
      owners: [{ ...stack.owner, runTokens: [] }],
      stacks: [stack.stack],
      leases: [],
      processes: [],
      sticky: [],
      stops: [plantedStop(OWNER, 'shop', root).stop],
    };
    writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
    return file;
  }

  it('runs them from a private state file (the control)', async () => {
    const pid = deadPid();
    const { root } = plant();
    plantState(root, pid);
    expect(await reapedAndRan(root, pid)).toBe(true);
  });

  it('refuses them from a state file others may write', async () => {
    const pid = deadPid();
    const { root } = plant();
    chmodSync(plantState(root, pid), 0o664);
    expect(await reapedAndRan(root, pid)).toBe(false);
    expect(coordinatorLog(home!)).toMatch(
      /refused the 1 stop registration\(s\) of \S+state\.json: it can be written by others \(mode 664\); none of its stop commands will run/,
    );
  });
});
