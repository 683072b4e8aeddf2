import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDaemonLock } from '../../../src/coordinator/daemon-lock.js';
import { processStartTime } from '../../../src/os/process-table.js';

const dirs: string[] = [];
const lockIn = () => {
  const dir = mkdtempSync(join(tmpdir(), 'styxy-lock-'));
  dirs.push(dir);
  return join(dir, 'coordinator.lock');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A pid that existed and is gone. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('daemon lock', () => {
  it('is taken once; a live holder keeps it; release frees it', async () => {
    const path = lockIn();
    const first = await acquireDaemonLock(path);
    expect(first.kind).toBe('acquired');
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}\n`);
    expect(await acquireDaemonLock(path)).toEqual({ kind: 'held', pid: process.pid });
    if (first.kind !== 'acquired') return;
    expect(first.lock.stillHeld()).toBe(true);
    first.lock.release();
    expect(first.lock.stillHeld()).toBe(false);
    expect((await acquireDaemonLock(path)).kind).toBe('acquired');
  });

  it('breaks the lock of a dead process, and of a pid reused by another process', async () => {
    const path = lockIn();
    writeFileSync(path, `${deadPid()} 12345\n`);
    expect((await acquireDaemonLock(path)).kind).toBe('acquired');
    writeFileSync(path, `${process.pid} not-my-start-time\n`);
    expect((await acquireDaemonLock(path)).kind).toBe('acquired');
  });

  it('waits for a half-written lock, and breaks it once old', async () => {
    const path = lockIn();
    writeFileSync(path, '');
    await expect(acquireDaemonLock(path, 100)).rejects.toThrow(/could not take the lock/);
    const old = new Date(Date.now() - 10_000);
    utimesSync(path, old, old);
    expect((await acquireDaemonLock(path)).kind).toBe('acquired');
  });

  it('lets exactly one of many concurrent starters win over a stale lock', async () => {
    const path = lockIn();
    writeFileSync(path, `${deadPid()} 1\n`);
    const results = await Promise.all(Array.from({ length: 20 }, () => acquireDaemonLock(path)));
    // In one process every winner would have the same pid: count acquisitions instead.
    expect(results.filter((result) => result.kind === 'acquired')).toHaveLength(1);
  });
});
