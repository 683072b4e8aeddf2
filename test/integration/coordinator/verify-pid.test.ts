/**
 * The coordinator's own checks of a reported pid (src/coordinator/verify-pid.ts) against real
 * processes: a child (or grandchild) of the reporter passes; pid 1 and a stranger do not; one
 * that already exited, a zombie included, is "gone" (not recorded, not refused: a `styxy run` of a
 * command that exits at once used to fail on that race).
 */
import { execFileSync, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PROCESS_GONE } from '../../../src/coordinator/context.js';
import { reportedPidProblem } from '../../../src/coordinator/verify-pid.js';
import { processInfo } from '../../../src/os/process-table.js';
import { waitFor } from '../../helpers/wait.js';

const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

describe('a reported pid', () => {
  it('passes when the reporter started it, and is refused or gone otherwise', async () => {
    // `sh` forks `sleep 0` and becomes `sleep 5`, which never reaps it: a zombie child of ours' child.
    const parent = spawn('sh', ['-c', 'sleep 30 & echo $!; sleep 0 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    pids.push(parent.pid!);
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    const [grandchild, zombie] = await waitFor(() => {
      const lines = out.trim().split('\n').filter(Boolean).map(Number);
      return lines.length === 2 ? lines : null;
    });
    pids.push(grandchild!);
    await waitFor(() => processInfo(zombie!) === null, { message: 'the zombie' });

    expect(reportedPidProblem(process.pid, parent.pid!)).toBeNull();
    expect(reportedPidProblem(process.pid, grandchild!)).toBeNull();
    expect(reportedPidProblem(process.pid, zombie!)).toBe(PROCESS_GONE);
    expect(reportedPidProblem(process.pid, 1)).toBe('it is the init process');
    const stranger = Number(execFileSync('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }));
    pids.push(stranger);
    expect(reportedPidProblem(process.pid, stranger)).toBe('it is not a child (or grandchild…) of that client');
  });
});
