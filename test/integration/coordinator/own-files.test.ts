/**
 * Inside a home of the user's own, Styxy still opens its files without following links and only
 * when they are regular files of the user: a log that is a link never gets a line appended to
 * its target, a state file that is a link is never read as state. Outside the home, a relocated
 * socket's folder squatted by another user is named, with its owner, by every command and by
 * `doctor` (root only for that one: the squatter is `nobody`).
 */
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { homePaths } from '../../../src/protocol/home.js';
import { runCli, startTestCoordinator, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';

const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? it : it.skip;
if (!isRoot) console.warn('own-files.test: not root, so the squatted socket folder case is skipped');

let home: TestHome | undefined;
afterEach(async () => {
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

describe("Styxy's own files", () => {
  it('a log that is a link: `daemon start` refuses naming it; a coordinator started anyway never writes through it', async () => {
    home = makeTestHome();
    const victim = join(home.home, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const { log } = homePaths(home.home);
    symlinkSync(victim, log);

    const start = await runCli(['daemon', 'start'], { env: home.env });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(`${log} is a symbolic link`);

    await startTestCoordinator(home); // the daemon itself, as if started by hand
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    await client.reserve({ requests: [{ service: 'x', portName: 'PORT', type: 'dev', preferred: null, fixed: null }] });
    await client.close();
    await stopCoordinator(home);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(log).isSymbolicLink()).toBe(true);
  });

  it('a state file that is a link is set aside, never read: its target is unchanged and nothing of it is loaded', async () => {
    home = makeTestHome();
    const elsewhere = join(home.home, 'elsewhere.json');
    const planted = JSON.stringify({
      format: 1,
      savedAt: 1,
      owners: [{ id: 'o', pid: process.pid, startTime: null, kind: 'cli', cwd: '/', runTokens: [] }],
      stacks: [],
      leases: [
        {
          port: home.ranges.dev![0],
          type: 'dev',
          service: 'planted',
          portName: 'PORT',
          stackId: null,
          owner: 'o',
          since: 1,
          stickyKey: 'k',
        },
      ],
      processes: [],
      sticky: [],
    });
    writeFileSync(elsewhere, planted);
    symlinkSync(elsewhere, homePaths(home.home).state);
    await startTestCoordinator(home);
    const client = await connectCoordinator({ home: home.home, kind: 'cli', autoStart: false });
    expect(await client.listLeases()).toEqual([]);
    await client.close();
    expect(readFileSync(elsewhere, 'utf8')).toBe(planted);
    expect(readdirSync(home.home).some((name) => name.startsWith('state.json.corrupt-'))).toBe(true);
  });

  asRoot('a squatted socket folder ($XDG_RUNTIME_DIR/styxy of another user): named with its owner', async () => {
    home = makeTestHome();
    const deep = join(home.home, 'a-folder-name-long-enough'.repeat(4));
    mkdirSync(deep, { mode: 0o700 });
    const runtime = join(home.home, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const squatted = join(runtime, 'styxy');
    mkdirSync(squatted, { mode: 0o777 });
    chownSync(squatted, 65534, 65534);
    const env = { ...home.env, STYXY_HOME: deep, XDG_RUNTIME_DIR: runtime };
    expect(dirname(dirname(homePaths(deep, env).socket))).toBe(squatted);

    const ls = await runCli(['ls'], { env });
    expect(ls.code).toBe(1);
    expect(ls.stderr).toContain(`the socket folder ${squatted} belongs to uid 65534 (nobody), not to you`);
    expect(ls.stderr).toContain('squatted');
    const doctor = await runCli(['doctor'], { env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ socket: the socket folder .* belongs to uid 65534 \(nobody\).*squatted/);
    expect(readdirSync(squatted)).toEqual([]);
    expect(existsSync(homePaths(deep).log) && readFileSync(homePaths(deep).log, 'utf8')).toBeFalsy();
  });
});
