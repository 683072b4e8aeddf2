/**
 * A STYXY_HOME the user does not own (another user made it first, e.g. under /tmp in CI), or a
 * symbolic link at the home path: every command refuses, names the owner, and changes nothing
 * there or where a link points: no chmod, no log line appended through a planted link, no
 * planted state read (its "victim" pid is never killed), no coordinator started. Root only (the
 * other user is `nobody`, made with chown); skipped with a note otherwise.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/os/process-table.js';
import { coordinatorProcesses, runCli, running } from '../helpers/coordinator.js';

const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? it : it.skip;
if (!isRoot) console.warn('foreign-home.test: not root, so no folder of another user can be made; skipped');

const NOBODY = 65534;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Everything under `dir` as lstat sees it: a change anywhere (mode, owner, size, time, link) shows. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const visit = (path: string) => {
    const stat = lstatSync(path);
    const link = stat.isSymbolicLink() ? ` -> ${readlinkSync(path)}` : '';
    result[path] = `${(stat.mode & 0o7777).toString(8)} ${stat.uid}:${stat.gid} ${stat.size} ${stat.mtimeMs}${link}`;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return result;
}

/** Every command, as a user would type it in a project folder. */
const COMMANDS: readonly (readonly string[])[] = [
  ['up', '--no-tui'],
  ['up', '-d'],
  ['down'],
  ['down', '--all'],
  ['ps'],
  ['ps', '--all'],
  ['logs'],
  ['attach'],
  ['restart', 'api'],
  ['port', 'api'],
  ['env'],
  ['run', '--', 'true'],
  ['ls'],
  ['check', '33001'],
  ['types'],
  ['daemon', 'start'],
  ['daemon', 'stop'],
  ['daemon', 'status'],
  ['config'],
];

function project(): string {
  const dir = tempDir('styxy-foreign-project-');
  writeFileSync(
    join(dir, '.styxyrc.json'),
    JSON.stringify({ services: { api: { command: 'sleep 60', ports: { PORT: 'dev' } } } }),
  );
  return dir;
}

/** A process of the victim's that a planted state names as a dead owner's service. */
function victim(): number {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  child.unref();
  cleanups.push(() => {
    try {
      process.kill(child.pid!, 'SIGKILL');
    } catch {}
  });
  return child.pid!;
}

async function everyCommand(home: string, cwd: string) {
  const env = { ...process.env, STYXY_HOME: home, NO_COLOR: '1' };
  const results: { args: readonly string[]; code: number | null; stderr: string }[] = [];
  for (let i = 0; i < COMMANDS.length; i += 5) {
    const batch = COMMANDS.slice(i, i + 5);
    results.push(
      ...(await Promise.all(
        batch.map(async (args) => ({ args, ...(await runCli(args, { env, cwd, timeoutMs: 20_000 })) })),
      )),
    );
  }
  return results;
}

describe('a home that is not the user’s own', () => {
  asRoot('made by another user: every command refuses, names the owner, changes nothing', async () => {
    const outside = tempDir('styxy-victim-');
    const precious = join(outside, 'precious.txt');
    writeFileSync(precious, 'do not append here\n');
    const home = join(tempDir('styxy-shared-'), 'styxy-ci');
    mkdirSync(home);
    chmodSync(home, 0o777);
    // What the other user planted: a log that is a link to a file of ours, a state naming a
    // process of ours under an owner that is dead, a transform cache entry.
    symlinkSync(precious, join(home, 'coordinator.log'));
    const target = victim();
    writeFileSync(
      join(home, 'state.json'),
      JSON.stringify({
        format: 1,
        savedAt: 1,
        owners: [{ id: 'planted', pid: 4_194_000, startTime: '1', kind: 'supervisor', cwd: '/', runTokens: [] }],
        stacks: [],
        leases: [],
        processes: [
          {
            owner: 'planted',
            stackId: null,
            service: 'x',
            pid: target,
            pgid: target,
            startTime: processStartTime(target),
            runToken: null,
          },
        ],
        sticky: [],
      }),
    );
    mkdirSync(join(home, 'cache', 'jiti'), { recursive: true });
    writeFileSync(join(home, 'cache', 'jiti', 'planted.cjs'), 'require("fs").writeFileSync("/tmp/pwned", "")');
    for (const path of Object.keys(snapshot(home))) chownSync(path, NOBODY, NOBODY);
    const before = snapshot(home);
    const beforeOutside = snapshot(outside);

    const results = await everyCommand(home, project());
    for (const result of results) {
      expect(result.code, `styxy ${result.args.join(' ')}`).not.toBe(0);
      expect(result.stderr, `styxy ${result.args.join(' ')}`).toContain(`${home} belongs to uid ${NOBODY} (nobody)`);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(snapshot(home)).toEqual(before);
    expect(snapshot(outside)).toEqual(beforeOutside);
    expect(running(target)).toBe(true);
    expect(coordinatorProcesses(home)).toEqual([]);

    const doctor = await runCli(['doctor'], { env: { ...process.env, STYXY_HOME: home } });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ home: .*belongs to uid 65534 \(nobody\)/);
    expect(snapshot(home)).toEqual(before);
  });

  asRoot('a symbolic link at the home path: refused, and the folder it points to is not touched', async () => {
    const target = tempDir('styxy-link-target-');
    chmodSync(target, 0o755);
    writeFileSync(join(target, 'keep.txt'), 'mine\n');
    const home = join(tempDir('styxy-shared-'), 'styxy-ci');
    symlinkSync(target, home);
    const before = snapshot(target);

    const results = await everyCommand(home, project());
    for (const result of results) {
      expect(result.code, `styxy ${result.args.join(' ')}`).not.toBe(0);
      expect(result.stderr, `styxy ${result.args.join(' ')}`).toContain(`${home} is a symbolic link (to ${target}`);
    }
    expect(snapshot(target)).toEqual(before);
    expect(lstatSync(target).mode & 0o777).toBe(0o755);
    expect(coordinatorProcesses(home)).toEqual([]);
  });

  asRoot('a home to be made inside a folder of another user: refused before anything is created', async () => {
    const theirs = join(tempDir('styxy-shared-'), 'styxy-ci');
    mkdirSync(theirs);
    chmodSync(theirs, 0o777);
    chownSync(theirs, NOBODY, NOBODY);
    const home = join(theirs, 'home');
    const result = await runCli(['daemon', 'start'], { env: { ...process.env, STYXY_HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`inside ${theirs}, which belongs to uid ${NOBODY} (nobody)`);
    expect(readdirSync(theirs)).toEqual([]);
  });
});
