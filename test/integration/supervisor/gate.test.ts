/**
 * The spawn gate (service-process.ts) waits for the coordinator
 * to record a service before it runs it, but not for ever: with the coordinator stopped (SIGSTOP:
 * connected, never answering), a restart runs about 5 s later (REPORT_WAIT_MS), not when the
 * report's request times out (30 s). The service it runs sees what it would have seen ungated.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../../src/os/process-table.js';
import { coordinatorPid } from '../../helpers/coordinator.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
let stopped: number | null = null;
afterEach(async () => {
  if (stopped !== null) process.kill(stopped, 'SIGCONT');
  stopped = null;
  await harness?.cleanup();
});

interface View {
  env: Record<string, string>;
  argv0: string;
  args: string[];
  cwd: string;
  pid: number;
  tty: boolean[];
}

describe('the spawn gate', () => {
  it('runs the command with the environment, argv, folder and terminal it had ungated', async () => {
    harness = await createHarness();
    const h = harness;
    const args = ['two words', '$HOME', '"quoted"', '', '-'];
    // What a service sees, run by a supervisor whose environment is `env`.
    const look = async (env: NodeJS.ProcessEnv, round: string) => {
      const view = (name: string) => join(h.root, `${name}-${round}.json`);
      const service = (name: string) => [NODE, fixture('process-view.mjs'), view(name), ...args];
      const supervisor = h.supervisor(
        {
          services: {
            piped: { command: service('piped'), ready: { log: 'viewed' } },
          },
        },
        { env },
      );
      await supervisor.start();
      const pids = new Map(supervisor.getSnapshot().services.map((s) => [s.name, s.pid]));
      const views = new Map<string, View>();
      for (const name of ['piped']) {
        await waitFor(() => existsSync(view(name)), { message: `${name} wrote what it sees` });
        const seen = JSON.parse(readFileSync(view(name), 'utf8')) as View;
        expect(seen.env.STYXY_SERVICE).toBe(name);
        expect(seen.argv0).toBe(NODE);
        expect(seen.args).toEqual(args);
        expect(seen.cwd).toBe(h.root);
        // The pid Styxy reported is the service's (exec), and a tty one leads its terminal's group.
        expect(seen.pid).toBe(pids.get(name));
        const tty = name === 'tty';
        expect(seen.tty).toEqual([tty, tty, tty]);
        if (tty) expect(processInfo(seen.pid)?.pgid).toBe(seen.pid);
        views.set(name, seen);
      }
      await supervisor.stop();
      return views;
    };
    // A PWD that is not the service's folder: the gate's `sh` sets PWD to its folder at its start.
    for (const seen of (await look({ ...h.home.env, PWD: '/styxy-inherited-pwd' }, 'set')).values()) {
      expect(seen.env.PWD).toBe('/styxy-inherited-pwd');
    }
    // None inherited: none added.
    const { PWD: _, ...unset } = h.home.env;
    for (const seen of (await look(unset, 'unset')).values()) expect(seen.env.PWD).toBeUndefined();
  });

  it('holds a start while the coordinator does not answer, for about 5 s, then runs it', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        beat: {
          command: ['/bin/sh', '-c', 'echo beat; exec sleep 0.3'],
          restart: { policy: 'always', backoff: 10, maxBackoff: 10 },
        },
      },
    });
    await supervisor.start();
    const beats = () =>
      supervisor
        .getLogs('beat')
        .filter((line) => line.text === 'beat')
        .map((line) => line.time);
    await waitFor(() => beats().length >= 2, { timeout: 10_000, message: 'a restart' });

    stopped = coordinatorPid(harness.home)!;
    process.kill(stopped, 'SIGSTOP');
    const since = Date.now();
    // A run may have been let through just before the stop; the first start after it waits at
    // the gate: the longest pause between two beats (from the stop on) is that wait.
    const pause = () => {
      const times = [since, ...beats().filter((time) => time > since)];
      return Math.max(0, ...times.slice(1).map((time, i) => time - times[i]!));
    };
    await waitFor(() => pause() > 2000, { timeout: 12_000, message: 'a start past the gate' });
    expect(pause()).toBeGreaterThanOrEqual(4500);
    expect(pause()).toBeLessThan(7000);
  });
});
