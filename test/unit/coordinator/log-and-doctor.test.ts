import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkEphemeral,
  checkFiles,
  checkFolders,
  checkHome,
  checkNode,
  checkStateFile,
} from '../../../src/cli/doctor/checks.js';
import { createLog } from '../../../src/coordinator/log.js';
import { homePaths } from '../../../src/protocol/home.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'styxy-log-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('coordinator log', () => {
  it('rotates past its size cap, keeping one older file', () => {
    const file = join(tempDir(), 'coordinator.log');
    const log = createLog(file, 200);
    for (let i = 0; i < 10; i++) log(`line ${i} ${'x'.repeat(20)}`);
    const current = readFileSync(file, 'utf8');
    const older = readFileSync(`${file}.1`, 'utf8');
    expect(current.length).toBeLessThanOrEqual(200);
    expect(current).toContain('line 9');
    expect(older).not.toContain('line 9');
    expect(current).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[\d+\] line/);
  });
});

describe('doctor checks', () => {
  it.each([
    ['22.13.0', 'ok'],
    ['24.1.0', 'ok'],
    ['22.12.9', 'problem'],
    ['20.19.0', 'problem'],
  ])('node %s is %s', (version, status) => {
    expect(checkNode(version).status).toBe(status);
  });

  it('flags a home others can read, with the command that fixes it', () => {
    const home = join(tempDir(), 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    const result = checkHome(homePaths(home));
    expect(result).toMatchObject({ status: 'problem', fix: `chmod 700 ${home}` });
    chmodSync(home, 0o700);
    expect(checkHome(homePaths(home)).status).toBe('ok');
    expect(checkHome(homePaths(join(home, 'missing'))).status).toBe('info');
  });

  it('reports each folder and file of the home that Styxy would refuse: links, writable by others', () => {
    const home = join(tempDir(), 'home');
    mkdirSync(join(home, 'cache', 'jiti'), { recursive: true, mode: 0o700 });
    chmodSync(home, 0o700);
    const paths = homePaths(home);
    expect(checkFolders(paths).status).toBe('ok');
    expect(checkFiles(paths).status).toBe('ok');
    chmodSync(join(home, 'cache', 'jiti'), 0o777);
    symlinkSync('/etc/hostname', join(home, 'coordinator.log'));
    expect(checkFolders(paths)).toMatchObject({ status: 'problem' });
    expect(checkFolders(paths).detail).toContain(`${home}/cache/jiti can be written by others (mode 777)`);
    expect(checkFiles(paths)).toMatchObject({ status: 'problem' });
    expect(checkFiles(paths).detail).toContain(`${home}/coordinator.log is a symbolic link (never followed)`);
  });

  it('reports a state file that is a FIFO instead of blocking on it', () => {
    const home = tempDir();
    execFileSync('mkfifo', [homePaths(home).state]);
    const result = checkStateFile(homePaths(home));
    expect(result.detail).toMatch(/not a regular file/);
    expect(result.status).toBe('problem');
  });

  it('names types whose range overlaps the OS ephemeral range', () => {
    const result = checkEphemeral([
      { name: 'dev', range: [3000, 3099], description: '' },
      { name: 'grpc', range: [50_050, 50_099], description: '' },
    ]);
    expect(result.status).toBe('problem');
    expect(result.detail).toContain('grpc (50050–50099)');
  });
});
