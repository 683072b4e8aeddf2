/**
 * The install paths the README gives, done as a user would: `npm pack`, then `npm install -D` of
 * the tarball in a fresh project, where `npx styxy up -d --json`, `npx styxy ps --json` and
 * `npx styxy down` run a stack; and `npm install -g` of the same tarball (into a temporary
 * prefix). The installs take the dependencies from npm's cache (`--prefer-offline`), and must
 * print no warning (no "install-scripts" line: the package has no install-time script).
 *
 * npm and npx run with the repo's Node 22 first on PATH: the system Node here is 20, too old
 * for Styxy, as the README says.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STYXY_VERSION } from '../../src/protocol/version.js';
import { onlyTypes, stopCoordinator } from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { processesOfHome } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let scratch: string;
let home: TestHome;
let tarball: string;
let project: string;
let prefix: string;
let installs: { local: Run; global: Run };

/** The environment of a user's shell: no npm_* variables of the `npm test` running us, Node 22 first. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(home.env)) if (!/^npm_/i.test(key)) env[key] = value;
  env.PATH = [dirname(process.execPath), process.env.PATH].join(delimiter);
  return { ...env, ...extra };
}

function run(command: string, args: readonly string[], cwd: string, timeout = 90_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: userEnv(), timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'styxy-install-'));
  home = makeTestHome({ sizes: onlyTypes({ api: 2 }) });
  // --ignore-scripts: dist/ is built already (test/global-setup.ts), and prepack's rebuild would
  // pull it from under the tests running beside this one.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  tarball = join(scratch, readdirSync(scratch).find((name) => name.endsWith('.tgz'))!);

  project = join(scratch, 'my-app');
  prefix = join(scratch, 'global');
  for (const dir of [project, prefix]) mkdirSync(dir);
  writeFileSync(join(project, 'package.json'), '{ "name": "my-app", "version": "1.0.0", "private": true }\n');
  writeFileSync(
    join(project, 'styxy.config.ts'),
    [
      "import { defineConfig } from 'styxy';",
      '',
      'export default defineConfig({',
      '  services: {',
      "    api: { command: ['node', '-e', \"require('node:http').createServer((q, s) => s.end('hi')).listen(process.env.PORT)\"], ports: { PORT: 'api' } },",
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  const [local, global] = await Promise.all([
    run('npm', ['install', '-D', tarball, ...INSTALL_FLAGS], project),
    run('npm', ['install', '-g', '--prefix', prefix, tarball, ...INSTALL_FLAGS], scratch),
  ]);
  installs = { local, global };
}, 150_000);

afterAll(async () => {
  if (home) {
    await run('npx', ['styxy', 'down', '--all', '--force'], project).catch(() => {});
    await stopCoordinator(home);
    home.cleanup();
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  // Removing two installs' node_modules after npx and a coordinator's stop: past the default 60 s
  // on a machine as loaded as a full run beside other work makes it (it timed out there once).
}, 150_000);

describe('installed from the packed tarball', () => {
  it('the tarball holds what a user needs, and nothing of the repo besides', async () => {
    const list = await run('tar', ['tzf', tarball], scratch);
    const files = list.stdout.trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/LICENSE',
        'package/dist/cli/bin.js',
        'package/dist/build.json',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/docs/configuration.md',
        'package/docs/commands.md',
      ]),
    );
    const outside = files.filter(
      (file) => !/^package\/(dist|docs)\/|^package\/(package\.json|README\.md|LICENSE)$/.test(file),
    );
    expect(outside).toEqual([]);
    expect(files.filter((file) => /\.map$|^package\/(src|test|bench|stress|scripts|examples)\//.test(file))).toEqual(
      [],
    );
  });

  it('npm install -D: no warning; npx styxy up -d --json, ps --json and down run a stack in the project', async () => {
    expect(installs.local.code, installs.local.stderr).toBe(0);
    expect(`${installs.local.stdout}${installs.local.stderr}`).not.toMatch(/npm warn|install-scripts|EBADENGINE/i);

    const up = await run('npx', ['styxy', 'up', '-d', '--json'], project);
    expect(up.code, up.stderr).toBe(0);
    const document = JSON.parse(up.stdout) as {
      stack: { root: string };
      services: { name: string; status: string; ports: { PORT: number } }[];
    };
    expect(document.stack.root).toBe(project);
    const api = document.services[0]!;
    expect(api).toMatchObject({ name: 'api', status: 'ready', ports: { PORT: home.ranges.api![0] } });
    expect(await (await fetch(`http://localhost:${api.ports.PORT}/`)).text()).toBe('hi');

    const ps = await run('npx', ['styxy', 'ps', '--json'], project);
    expect(ps.code).toBe(0);
    expect(JSON.parse(ps.stdout)).toMatchObject({ services: [{ name: 'api', status: 'ready', ports: api.ports }] });

    const down = await run('npx', ['styxy', 'down'], project);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`freed port ${api.ports.PORT}`);
    await waitFor(() => processesOfHome(home.home).length === 0, { message: 'nothing left running' });
  });

  it('npm install -g --prefix: the styxy command works from anywhere', async () => {
    expect(installs.global.code, installs.global.stderr).toBe(0);
    expect(`${installs.global.stdout}${installs.global.stderr}`).not.toMatch(/npm warn|install-scripts|EBADENGINE/i);
    const bin = join(prefix, 'bin', 'styxy');
    const version = await run(bin, ['--version'], scratch);
    expect(version).toMatchObject({ code: 0, stdout: `${STYXY_VERSION}\n` });
    const types = await run(bin, ['types', '--json'], scratch);
    expect(JSON.parse(types.stdout).types[0]).toMatchObject({ name: 'dev' });
  });
});

/**
 * From git, as `npm install -D git+https://…` does: npm clones the repository, installs its
 * dependencies there and builds (preprepare), then packs and installs it. The clone installs
 * every devDependency and builds, about half a minute and both cores: run it with
 * STYXY_TEST_GIT_INSTALL=1 (it installs this repository's HEAD commit).
 */
describe.runIf(process.env.STYXY_TEST_GIT_INSTALL)('installed from git', () => {
  it('npm install -D git+file://<repo>: no warning, built, and styxy runs', async () => {
    const dir = join(scratch, 'from-git');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "name": "from-git", "version": "1.0.0", "private": true }\n');
    const install = await run('npm', ['install', '-D', `git+file://${ROOT}`, ...INSTALL_FLAGS], dir, 240_000);
    expect(install.code, install.stderr).toBe(0);
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/npm warn|install-scripts|EBADENGINE/i);
    const version = await run('npx', ['styxy', '--version'], dir);
    expect(version).toMatchObject({ code: 0, stdout: `${STYXY_VERSION}\n` });
    const types = await run('npx', ['styxy', 'types', '--json'], dir);
    expect(JSON.parse(types.stdout).types[0]).toMatchObject({ name: 'dev' });
  }, 300_000);
});
