import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendantsOf, isDying, parseProcStat, processInfo } from '../../../src/os/process-table.js';

describe('parseProcStat', () => {
  it.each([
    [
      'plain',
      '4820 (cat) R 4818 4818 1056 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 107856 3133440',
      { pid: 4820, ppid: 4818, pgid: 4818, startTime: '107856' },
    ],
    [
      'spaces and parens in the name',
      '77 (a (b) c) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 1',
      { pid: 77, ppid: 1, pgid: 77, startTime: '999' },
    ],
  ])('reads %s', (_label, text, expected) => {
    expect(parseProcStat(text)).toEqual(expected);
  });

  it('treats zombies and garbage as absent', () => {
    expect(parseProcStat('5 (z) Z 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0')).toBeNull();
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('reads a zombie when asked (the start time of a child that forked a daemon and exited)', () => {
    expect(parseProcStat('5 (z) Z 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0', true)).toEqual({
      pid: 5,
      ppid: 1,
      pgid: 5,
      startTime: '5',
    });
  });
});

describe('descendantsOf', () => {
  it('walks children breadth-first and ignores cycles', () => {
    const table = [
      { pid: 2, ppid: 1, pgid: 2, startTime: 'a' },
      { pid: 3, ppid: 2, pgid: 2, startTime: 'b' },
      { pid: 4, ppid: 3, pgid: 4, startTime: 'c' },
      { pid: 5, ppid: 1, pgid: 5, startTime: 'd' },
    ];
    expect(descendantsOf(2, table).map((info) => info.pid)).toEqual([3, 4]);
    expect(descendantsOf(9, table)).toEqual([]);
  });

  it('knows this process', () => {
    expect(processInfo(process.pid)?.pid).toBe(process.pid);
    expect(processInfo(2 ** 22 + 12345)).toBeNull();
  });
});

describe.skipIf(process.platform !== 'linux')('isDying', () => {
  it('is false for a live process; right after a SIGKILL a process is gone or dying, never plain alive', async () => {
    expect(isDying(process.pid)).toBe(false);
    expect(isDying(2 ** 22 + 12345)).toBe(false);
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(isDying(child.pid!)).toBe(false);
      process.kill(child.pid!, 'SIGKILL');
      // In this order: the pending SIGKILL shows until the process is gone for good.
      expect(isDying(child.pid!) || processInfo(child.pid!) === null).toBe(true);
      await exited;
    }
  });
});
