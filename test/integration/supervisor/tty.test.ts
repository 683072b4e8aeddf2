/**
 * `tty: true` services under a real pseudo-terminal (@lydell/node-pty): they see a terminal, their
 * output (colours and all) reaches the logs, exit codes and signals read as for piped services,
 * and stopping reaches their whole group and everything that escaped it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../../src/os/process-table.js';
import { processesTagged } from '../../../src/os/tag.js';
import type { ServiceSnapshot } from '../../../src/protocol/stack.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

const gone = (pid: number) => processInfo(pid) === null;
const service = (supervisor: Supervisor, name: string): ServiceSnapshot =>
  supervisor.getSnapshot().services.find((s) => s.name === name)!;
const texts = (supervisor: Supervisor, name: string) => supervisor.getLogs(name).map((line) => line.text);

describe('tty: true (real pseudo-terminals)', () => {
  it('runs under a terminal in a group of its own, logs its output raw, never sees EOF, and stops', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        watcher: { command: [NODE, fixture('stdin-watcher.mjs')], tty: true, ready: { log: '^watching' } },
        colours: {
          command: `printf '\\033[31mred\\033[0m\\n'; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo "tty $TERM"; echo to-stderr >&2; exec sleep 300`,
          tty: true,
          ready: { log: 'to-stderr' },
        },
      },
    });
    await supervisor.start();
    const watcher = service(supervisor, 'watcher');
    expect(watcher.status).toBe('ready');
    expect(texts(supervisor, 'watcher')).toContain('watching (tty)');
    // Its own session and group (forkpty's setsid): what Styxy signals is the group.
    const info = processInfo(watcher.pid!)!;
    expect(info.pgid).toBe(watcher.pid);
    expect(texts(supervisor, 'colours')).toEqual(
      expect.arrayContaining(['\u001b[31mred\u001b[0m', 'tty xterm-256color', 'to-stderr']),
    );
    const ticks = () => texts(supervisor, 'watcher').filter((text) => text.startsWith('tick')).length;
    const before = ticks();
    await waitFor(() => ticks() >= before + 5, { message: 'five more ticks' });
    expect(texts(supervisor, 'watcher')).not.toContain('stdin closed');
    const pids = [watcher.pid!, service(supervisor, 'colours').pid!];
    expect(await supervisor.stop()).toEqual({ kind: 'clean' });
    for (const pid of pids) expect(gone(pid)).toBe(true);
    expect(supervisor.getSnapshot().services.map((s) => s.status)).toEqual(['stopped', 'stopped']);
  });

  it('exit codes and signals read as for a piped service; a missing program is named', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        ok: { command: 'echo done', tty: true, ready: false },
        crash: { command: 'sleep 0.2; echo dying; exit 3', tty: true, ready: false },
        killed: { command: 'sleep 0.2; kill -TERM $$', tty: true, ready: false },
        keep: { command: 'exec sleep 300', tty: true, ready: false },
      },
    });
    await supervisor.start();
    await waitFor(() => service(supervisor, 'ok').status === 'completed', { message: 'ok completed' });
    await waitFor(() => service(supervisor, 'crash').lastExit !== null, { message: 'crash exited' });
    await waitFor(() => service(supervisor, 'killed').lastExit !== null, { message: 'killed exited' });
    expect(service(supervisor, 'crash').lastExit).toMatchObject({ code: 3, signal: null });
    expect(service(supervisor, 'killed').lastExit).toMatchObject({ code: null, signal: 'SIGTERM' });
    // The last words come before the exit line.
    const crash = texts(supervisor, 'crash');
    expect(crash.indexOf('dying')).toBeGreaterThanOrEqual(0);
    expect(crash.findIndex((text) => /exited with code 3/.test(text))).toBeGreaterThan(crash.indexOf('dying'));
    await supervisor.stop();

    const missing = harness.supervisor({
      services: { nope: { command: ['styxy-no-such-program', '--flag'], tty: true, ready: false } },
    });
    await expect(missing.start()).rejects.toThrow(/styxy-no-such-program: command not found/);
  });

  it('SIGKILLs a tty service that ignores SIGTERM, and sweeps what escaped its group', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        stubborn: {
          command: [NODE, fixture('term-ignorer.mjs')],
          tty: true,
          stopTimeout: 300,
          ready: { log: 'started' },
        },
        forker: { command: ['sh', fixture('escapees.sh')], tty: true, stopTimeout: 300, ready: { log: 'doublefork=' } },
      },
    });
    await supervisor.start();
    const pids = supervisor
      .getLogs('forker')
      .flatMap((line) => [...(/(\w+)=(\d+)/g.exec(line.text) ?? [])].slice(2))
      .map(Number);
    expect(pids).toHaveLength(4);
    const stubborn = service(supervisor, 'stubborn').pid!;
    await supervisor.stop();
    expect(gone(stubborn)).toBe(true);
    for (const pid of pids) expect(gone(pid)).toBe(true);
    expect(texts(supervisor, 'stubborn')).toContain('did not stop within 300 ms of SIGTERM; killed with SIGKILL');
    expect(processesTagged(supervisor.runToken)).toEqual([]);
  });
});
