/**
 * An upgrade while a stack runs in the background: a copy of the package starts the stack, then
 * its dist/ is replaced by a build whose chunks have other names (as `npm i -g styxy@new` replaces
 * the package folder), and the supervisor that the old build started must still serve its
 * control socket (`logs`, `restart`) and stop its stack cleanly (its stop command, its
 * processes, its ports) with `down`; `ls`, `ps` and `doctor` of the new build flag the stack
 * (docs/architecture.md, "Upgrades").
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliResult, onlyTypes, runCli, stopCoordinator } from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { fixture, NODE } from '../helpers/stack.js';
import { exitStatus, REPORTING_SHELL, Tmux } from '../helpers/tmux.js';
import { processesOfHome } from '../helpers/up.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let home: TestHome | undefined;
let packages: string | undefined;
let tmux: Tmux | undefined;
afterEach(async () => {
  tmux?.kill();
  tmux = undefined;
  if (home) {
    for (const pid of processesOfHome(home.home)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await stopCoordinator(home);
    home.cleanup();
  }
  if (packages) rmSync(packages, { recursive: true, force: true });
  home = undefined;
  packages = undefined;
});

/** A project `app` in the home: one HTTP service `web` on a leased `api` port, with `stop` as its stop command. */
function webProject(testHome: TestHome, stop: string | readonly string[]): string {
  const project = join(testHome.home, 'app');
  mkdirSync(project);
  writeFileSync(
    join(project, '.styxyrc.json'),
    JSON.stringify({
      name: 'app',
      services: {
        web: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' }, stop: { command: stop } },
      },
    }),
  );
  return project;
}

/** A copy of this checkout's package (dist/ and package.json; node_modules linked). */
function copyPackage(into: string): string {
  const root = join(into, 'styxy');
  cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

/**
 * Replaces `root`'s dist/ with "the next build": every chunk renamed (a new hash in its name),
 * every reference to it rewritten, and a new build id, written beside it and swapped in by a
 * rename, as an install replaces the folder.
 */
function upgrade(root: string): void {
  const next = join(root, 'dist.next');
  cpSync(join(root, 'dist'), next, { recursive: true });
  const chunks = readdirSync(join(next, 'chunks')).filter((name) => name.endsWith('.js'));
  const renamed = new Map(chunks.map((name) => [name, name.replace(/\.js$/, 'U.js')]));
  for (const name of chunks) renameSync(join(next, 'chunks', name), join(next, 'chunks', renamed.get(name)!));
  const files = readdirSync(next, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
  for (const file of files) {
    const path = join(next, file);
    let text = readFileSync(path, 'utf8');
    for (const [from, to] of renamed) text = text.replaceAll(`/${from}"`, `/${to}"`);
    writeFileSync(path, text);
  }
  const buildFile = join(next, 'build.json');
  if (existsSync(buildFile)) {
    const build = JSON.parse(readFileSync(buildFile, 'utf8')) as { id: string };
    writeFileSync(buildFile, JSON.stringify({ ...build, id: `next-${build.id}` }));
  }
  rmSync(join(root, 'dist'), { recursive: true });
  renameSync(next, join(root, 'dist'));
}

describe('upgrade under a running background stack', () => {
  it('the old supervisor still answers and stops everything; ls, ps and doctor flag it', async () => {
    home = makeTestHome({ sizes: onlyTypes({ api: 2 }) });
    const testHome = home;
    packages = mkdtempSync(join(tmpdir(), 'styxy-upgrade-'));
    const root = copyPackage(packages);
    const cli = (args: readonly string[], timeoutMs = 60_000): Promise<CliResult> =>
      runPackageCli(root, args, { env: testHome.env, cwd: project, timeoutMs });

    const marker = join(testHome.home, 'stop-command-ran');
    const project = webProject(testHome, [
      NODE,
      '-e',
      `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`,
    ]);

    const up = await cli(['up', '-d', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const document = JSON.parse(up.stdout) as {
      stack: { pid: number };
      services: { pid: number; ports: { PORT: number } }[];
    };
    const supervisor = document.stack.pid;
    const service = document.services[0]!.pid;

    upgrade(root);

    // The control socket: its schemas load with its first request, from the old build.
    const logs = await cli(['logs', 'web', '-n', '5']);
    expect(logs.code, logs.stderr).toBe(0);
    const restart = await cli(['restart', 'web']);
    if (restart.code !== 0)
      console.log(
        readFileSync(
          join(testHome.home, 'stacks', readdirSync(join(testHome.home, 'stacks'))[0]!, 'supervisor.out'),
          'utf8',
        ),
      );
    expect(restart.code, restart.stderr).toBe(0);

    // The new build says the stack (and the coordinator) run the old one.
    const ls = await cli(['ls']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/older build/);
    const lsJson = JSON.parse((await cli(['ls', '--json'])).stdout) as { leases: { outdated?: boolean }[] };
    expect(lsJson.leases.map((lease) => lease.outdated)).toEqual([true]);
    const ps = await cli(['ps']);
    expect(ps.stdout).toMatch(/older build/);
    const psJson = JSON.parse((await cli(['ps', '--json'])).stdout) as { stack: { outdated?: boolean } };
    expect(psJson.stack.outdated).toBe(true);
    const doctor = await cli(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/app\/default .*older build/);
    expect(doctor.stdout).toMatch(/fix: .*styxy down.*styxy up/);

    // down stops it through its control socket: stop command, processes, ports.
    const down = await cli(['down', '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ stacks: [{ how: 'control', stopped: true }] });
    expect(readFileSync(marker, 'utf8')).toBe('ran');
    // (A process that exited can stay a zombie for a moment: processesOfHome leaves those out.)
    expect(processesOfHome(testHome.home)).not.toContain(supervisor);
    expect(processesOfHome(testHome.home)).not.toContain(service);
    expect(processesOfHome(testHome.home)).toEqual([]);
    const after = JSON.parse((await cli(['ls', '--json'])).stdout) as { leases: unknown[] };
    expect(after.leases).toEqual([]);
    const supervisorOut = readFileSync(
      join(testHome.home, 'stacks', readdirSync(join(testHome.home, 'stacks'))[0]!, 'supervisor.out'),
      'utf8',
    );
    expect(supervisorOut).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
  }, 120_000);
});

describe('upgrade under a running foreground up', () => {
  it('q after the upgrade still runs the stop command (from the old build) and leaves nothing', async () => {
    home = makeTestHome({ sizes: onlyTypes({ api: 2 }) });
    const testHome = home;
    packages = mkdtempSync(join(tmpdir(), 'styxy-upgrade-'));
    const root = copyPackage(packages);
    const marker = join(testHome.home, 'stop-command-ran');
    const project = webProject(testHome, `echo stopping-a > ${JSON.stringify(marker)}`);
    tmux = new Tmux();
    tmux.start([...REPORTING_SHELL, NODE, join(root, 'dist', 'cli', 'bin.js'), 'up'], {
      cwd: project,
      env: { STYXY_HOME: testHome.home },
    });
    await tmux.waitForScreen((s) => /web\s+● ready/.test(s), 30_000);

    upgrade(root);
    tmux.send('q');
    expect(await exitStatus(tmux, 30_000)).toBe(0);
    // (Without the kept chunks the shell's screen says `web: stop command could not run: execa did not load`.)
    expect(tmux.capture()).not.toMatch(/could not run/);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '(not run)').toBe('stopping-a\n');
    // The pane's shell (`sleep`, with STYXY_HOME in its environment) goes with the terminal.
    tmux.kill();
    tmux = undefined;
    expect(processesOfHome(testHome.home)).toEqual([]);
    const after = await runPackageCli(root, ['ls', '--json'], { env: testHome.env, cwd: project, timeoutMs: 30_000 });
    expect(after.code, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as { leases: unknown[] }).leases).toEqual([]);
  }, 120_000);
});

/** Runs the CLI of the package copy at `root`. */
function runPackageCli(
  root: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number },
): Promise<CliResult> {
  return runCli(args, { ...options, bin: join(root, 'dist', 'cli', 'bin.js') });
}
