/**
 * A service's stop command (os/stop-command.ts), run for real: exactly its folder and
 * environment, its output passed on, its whole group killed when it overruns, and a clear
 * reason when it cannot run at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../../src/os/process-table.js';
import { describeStopCommandResult, runStopCommand, type StopCommand } from '../../../src/os/stop-command.js';
import { waitFor } from '../../helpers/wait.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function command(script: string, overrides: Partial<StopCommand> = {}): StopCommand {
  const cwd = mkdtempSync(join(tmpdir(), 'styxy-stop-command-'));
  folders.push(cwd);
  return {
    file: 'sh',
    args: ['-c', script],
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STOP_ME: 'db' },
    timeoutMs: 10_000,
    ...overrides,
  };
}

function collect() {
  const output = { stdout: '', stderr: '' };
  const onOutput = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
    output[stream] += chunk.toString('utf8');
  };
  return { output, onOutput };
}

describe('runStopCommand', () => {
  it('runs in the service folder with exactly its environment, and passes its output on', async () => {
    process.env.STYXY_TEST_NOT_INHERITED = 'leaked';
    try {
      const stop = command('echo "cwd=$PWD stop=$STOP_ME inherited=${STYXY_TEST_NOT_INHERITED:-none}"; echo oops >&2');
      const { output, onOutput } = collect();
      const result = await runStopCommand(stop, onOutput);
      expect(result).toEqual({ kind: 'exited', code: 0, signal: null });
      expect(output.stdout).toBe(`cwd=${stop.cwd} stop=db inherited=none\n`);
      expect(output.stderr).toBe('oops\n');
    } finally {
      delete process.env.STYXY_TEST_NOT_INHERITED;
    }
  });

  it('reports a failing exit code', async () => {
    const result = await runStopCommand(command('exit 3'));
    expect(result).toEqual({ kind: 'exited', code: 3, signal: null });
    expect(describeStopCommandResult(result, 10_000)).toBe('exited with code 3');
  });

  it('kills its whole group when it overruns, including what it started in the background', async () => {
    const { output, onOutput } = collect();
    const result = await runStopCommand(
      command('sleep 300 & echo "child=$!"; sleep 300', { timeoutMs: 300 }),
      onOutput,
    );
    expect(result).toEqual({ kind: 'timeout' });
    expect(describeStopCommandResult(result, 300)).toBe('did not finish within 300 ms; killed');
    const child = Number(/child=(\d+)/.exec(output.stdout)?.[1]);
    expect(child).toBeGreaterThan(0);
    await waitFor(() => !isAlive(child), { message: 'the background sleep to be killed with its group' });
  });

  it('returns when the command exits, even if something it left running holds its output open', async () => {
    const { output, onOutput } = collect();
    const result = await runStopCommand(command('sleep 300 & echo "child=$!"; exit 0'), onOutput);
    expect(result).toEqual({ kind: 'exited', code: 0, signal: null });
    const child = Number(/child=(\d+)/.exec(output.stdout)?.[1]);
    try {
      process.kill(child, 'SIGKILL');
    } catch {}
  });

  it('says why it could not run: a missing command, a missing folder', async () => {
    const missing = await runStopCommand(command('', { file: 'styxy-no-such-stop-command', args: [] }));
    expect(missing).toEqual({ kind: 'failed', message: 'styxy-no-such-stop-command: command not found' });
    expect(describeStopCommandResult(missing, 10_000)).toBe(
      'could not run: styxy-no-such-stop-command: command not found',
    );
    const gone = command('true');
    rmSync(gone.cwd, { recursive: true });
    expect(await runStopCommand(gone)).toEqual({ kind: 'failed', message: `its folder ${gone.cwd} does not exist` });
  });
});
