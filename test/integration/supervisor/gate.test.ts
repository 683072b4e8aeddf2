/**
 * The spawn gate (service-process.ts, and pty-process.ts for `tty: true`) waits for the coordinator
 * to record a service before it runs it, but not for ever: with the coordinator stopped (SIGSTOP:
 * connected, never answering), a restart runs about 5 s later (REPORT_WAIT_MS), not when the
 * report's request times out (30 s). The service it runs sees what it would have seen ungated.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../../src/config/types.js';
import { processInfo } from '../../../src/os/process-table.js';
import { spawnPtyService } from '../../../src/supervisor/pty-process.js';
import { coordinatorPid } from '../../helpers/coordinator.js';
import { shSpec, withoutTmpFolder } from '../../helpers/spawn.js';
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

const gateFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('styxy-gate-'));

describe('the spawn gate', () => {
  it('runs the command with the environment, argv, folder and terminal it had ungated', async () => {
    harness = await createHarness();
    const h = harness;
    const folders = new Set(gateFolders());
    const args = ['two words', '$HOME', '"quoted"', '', '-'];
    // What a piped and a tty service see, run by a supervisor whose environment is `env`.
    const look = async (env: NodeJS.ProcessEnv, round: string) => {
      const view = (name: string) => join(h.root, `${name}-${round}.json`);
      const service = (name: string) => [NODE, fixture('process-view.mjs'), view(name), ...args];
      const supervisor = h.supervisor(
        {
          services: {
            piped: { command: service('piped'), ready: { log: 'viewed' } },
            tty: { command: service('tty'), tty: true, ready: { log: 'viewed' } },
          },
        },
        { env },
      );
      await supervisor.start();
      const pids = new Map(supervisor.getSnapshot().services.map((s) => [s.name, s.pid]));
      const views = new Map<string, View>();
      for (const name of ['piped', 'tty']) {
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
      // The gate writes nothing: not to the terminal, and no echo of its line.
      expect(
        supervisor
          .getLogs('tty')
          .filter((line) => line.stream !== 'styxy')
          .map((line) => line.text),
      ).toEqual(['viewed']);
      await supervisor.stop();
      return views;
    };
    // A PWD that is not the service's folder: the gate's `sh` sets PWD to its folder at its start.
    // Under a terminal, PWD is the folder: node-pty sets it so.
    const inherited = await look({ ...h.home.env, PWD: '/styxy-inherited-pwd' }, 'set');
    expect(inherited.get('piped')?.env.PWD).toBe('/styxy-inherited-pwd');
    expect(inherited.get('tty')?.env.PWD).toBe(h.root);
    // None inherited: none added (but node-pty's).
    const { PWD: _, ...unset } = h.home.env;
    const none = await look(unset, 'unset');
    expect(none.get('piped')?.env.PWD).toBeUndefined();
    expect(none.get('tty')?.env.PWD).toBe(h.root);
    // The tty gates' FIFOs were unlinked once open: nothing left on disk.
    expect(gateFolders().filter((name) => !folders.has(name))).toEqual([]);
  });

  it('runs a tty service ungated where no FIFO can be made', async () => {
    harness = await createHarness();
    // No folder for the FIFO: createGateFifo gives up, and the command runs at once, as before.
    await withoutTmpFolder(harness.root, async () => {
      const lines: string[] = [];
      const spec = shSpec(harness.root, 'echo ran');
      const result = await spawnPtyService(spec, { onLine: (_, line) => lines.push(line) });
      if (!result.ok) throw new Error(result.message);
      // Never released: it ran all the same.
      expect(await result.process.exit).toMatchObject({ code: 0 });
      expect(lines).toEqual(['ran']);
    });
  });

  it('holds a start while the coordinator does not answer, for about 5 s, then runs it (piped and tty)', async () => {
    harness = await createHarness();
    const beat: ServiceConfig = {
      command: ['/bin/sh', '-c', 'echo beat; exec sleep 0.3'],
      restart: { policy: 'always', backoff: 10, maxBackoff: 10 },
    };
    const supervisor = harness.supervisor({ services: { beat, ttyBeat: { ...beat, tty: true } } });
    await supervisor.start();
    const beats = (service: string) => supervisor.getLogs(service).filter((line) => line.text === 'beat').length;
    for (const service of ['beat', 'ttyBeat']) {
      await waitFor(() => beats(service) >= 2, { timeout: 10_000, message: `a restart of ${service}` });
    }

    stopped = coordinatorPid(harness.home)!;
    process.kill(stopped, 'SIGSTOP');
    const since = Date.now();
    // How long each run spawned after the stop waited at its gate: from its spawn (its separator
    // line, written before its report) to its beat. A slow spawn does not count.
    const holds = (service: string) => {
      const waits: number[] = [];
      let spawned: number | null = null;
      for (const line of supervisor.getLogs(service)) {
        if (line.stream === 'styxy' && line.text.startsWith('──── run')) {
          spawned = line.time > since ? line.time : null;
        } else if (line.text === 'beat' && spawned !== null) {
          waits.push(line.time - spawned);
          spawned = null;
        }
      }
      return waits;
    };
    for (const service of ['beat', 'ttyBeat']) {
      await waitFor(() => holds(service).length > 0, {
        timeout: 15_000,
        message: `a start of ${service} past the gate`,
      });
      const [hold] = holds(service);
      expect(hold, service).toBeGreaterThanOrEqual(4500);
      expect(hold, service).toBeLessThan(7000);
    }
  });
});
