import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isAlive, processInfo, processStartTime } from '../../../src/os/process-table.js';
import { remainingProcesses, stopTarget } from '../../../src/os/stop-target.js';
import { newRunToken, processesTagged, TAG_VARIABLE, tagValue } from '../../../src/os/tag.js';
import { waitFor } from '../../helpers/wait.js';

const fixture = new URL('../../fixtures/escapees.sh', import.meta.url).pathname;

function startEscapees(token: string, service: string) {
  const child = spawn('sh', [fixture], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, [TAG_VARIABLE]: tagValue(token, service) },
  });
  const pids: Record<string, number> = {};
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    for (const match of text.matchAll(/(\w+)=(\d+)/g)) pids[match[1]!] = Number(match[2]);
  });
  return { child, pids };
}

describe('stopTarget', () => {
  it('stops a group, a SIGTERM-ignoring child, a setsid child and a double-forked grandchild', async () => {
    const token = newRunToken();
    const { child, pids } = startEscapees(token, 'svc');
    await waitFor(() => Object.keys(pids).length === 4, { message: 'fixture pids' });
    const pid = child.pid!;
    const record = { pid, pgid: pid, startTime: processStartTime(pid) };
    expect(processInfo(pid)?.pgid).toBe(pid);
    // The setsid'd ones left the group (`$!` is printed before setsid(2) runs in the child: wait
    // for it); the tag still finds them.
    await waitFor(() => processInfo(pids.setsid!)?.pgid !== pid, { message: 'the setsid child to leave the group' });
    expect(processesTagged(token).sort()).toEqual(expect.arrayContaining(Object.values(pids)));

    const result = await stopTarget({ groups: [record], token }, { timeoutMs: 300 });
    expect(result.killed).toBe(true); // the stubborn child needed SIGKILL
    expect(result.survivors).toEqual([]);
    for (const leftover of [pid, ...Object.values(pids)])
      expect(isAlive(leftover) && processInfo(leftover)).toBeFalsy();
    expect(remainingProcesses({ groups: [record], token })).toEqual([]);
  });

  it('stops only the tagged service it is asked to', async () => {
    const token = newRunToken();
    const a = startEscapees(token, 'a');
    const b = startEscapees(token, 'b');
    await waitFor(() => Object.keys(a.pids).length === 4 && Object.keys(b.pids).length === 4);
    const recordA = { pid: a.child.pid!, pgid: a.child.pid!, startTime: processStartTime(a.child.pid!) };
    await stopTarget({ groups: [recordA], token, service: 'a' }, { timeoutMs: 200 });
    expect(processesTagged(token, 'a')).toEqual([]);
    expect(processesTagged(token, 'b').length).toBeGreaterThanOrEqual(5);
    const recordB = { pid: b.child.pid!, pgid: b.child.pid!, startTime: processStartTime(b.child.pid!) };
    await stopTarget({ groups: [recordB], token }, { timeoutMs: 200 });
    expect(processesTagged(token)).toEqual([]);
  });

  it('never signals a group whose leader pid now belongs to another process', async () => {
    const sleeper = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = sleeper.pid!;
    try {
      const stale = { pid, pgid: pid, startTime: 'not-its-start-time' };
      const result = await stopTarget({ groups: [stale] }, { timeoutMs: 100 });
      expect(result.survivors).toEqual([]);
      expect(isAlive(pid)).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a stop with SIGKILL at once (forced) kills the group and reads as no escalation, however soon it looks', async () => {
    // Several times: right after SIGKILL a process can still look alive, which made the stop
    // say "killed" (escalated) on some runs and not on others.
    for (let i = 0; i < 5; i++) {
      const sleeper = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
      const pid = sleeper.pid!;
      const record = { pid, pgid: pid, startTime: processStartTime(pid) };
      const result = await stopTarget({ groups: [record] }, { signal: 'SIGKILL', timeoutMs: 0 });
      expect(result).toEqual({ killed: false, survivors: [] });
      await waitFor(() => !isAlive(pid), { message: 'the sleeper to be gone' });
    }
  });
});
