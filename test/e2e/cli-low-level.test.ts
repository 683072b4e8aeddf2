/**
 * The low-level commands as scripts use them: `ls`, `check`, `types`, `daemon`, `doctor`, their
 * JSON shapes (docs/architecture.md, "The command line's JSON"), exit codes, and the
 * protocol-mismatch path.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { homePaths } from '../../src/protocol/home.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { coordinatorPid, runCli, running, spawnCli, stopCoordinator } from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { waitFor } from '../helpers/wait.js';

const OTHER_PROTOCOL = fileURLToPath(new URL('../fixtures/other-protocol-coordinator.mjs', import.meta.url));
let home: TestHome | undefined;
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

describe('low-level commands', () => {
  it('types: the defaults merged with config.json', async () => {
    home = makeTestHome({ extraTypes: { grpc: 3 } });
    const result = await runCli(['types', '--json'], { env: home.env });
    expect(result.code).toBe(0);
    const types = json(result.stdout).types as { name: string; range: number[]; description: string }[];
    expect(types).toHaveLength(18);
    expect(types[0]).toEqual({
      name: 'dev',
      range: [...home.ranges.dev!],
      description: 'front-end dev servers (Vite, Next.js)',
    });
    expect(types.at(-1)).toEqual({ name: 'grpc', range: [...home.ranges.grpc!], description: '' });
    const human = await runCli(['types'], { env: home.env });
    expect(human.stdout).toMatch(/^TYPE\s+RANGE\s+FOR\n/);
    expect(human.stdout).toContain(`dev             ${home.ranges.dev![0]}–${home.ranges.dev![1]}`);
  });

  it('ls and check start no coordinator; check exits 0 free, 1 held', async () => {
    home = makeTestHome();
    expect(json((await runCli(['ls', '--json'], { env: home.env })).stdout)).toEqual({ leases: [] });
    const free = await runCli(['check', String(home.spare[0]), '--json'], { env: home.env });
    expect(free.code).toBe(0);
    expect(json(free.stdout)).toEqual({ port: home.spare[0], free: true, holder: null });
    expect(coordinatorPid(home)).toBeNull();

    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(home!.spare[1], '0.0.0.0', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const held = await runCli(['check', String(home.spare[1]), '--json'], { env: home.env });
    expect(held.code).toBe(1);
    expect(json(held.stdout)).toMatchObject({
      port: home.spare[1],
      free: false,
      holder: { kind: 'process', pid: process.pid },
    });
    const human = await runCli(['check', String(home.spare[1])], { env: home.env });
    expect(human.stdout).toMatch(
      new RegExp(`port ${home.spare[1]} is in use by another program on 0\\.0\\.0\\.0: pid ${process.pid} \\(`),
    );
    const bad = await runCli(['check', 'http'], { env: home.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('styxy: "http" is not a port number (1–65535)\n');
  });

  it('ls and check show a lease with its stack, project, service and owner pid', async () => {
    home = makeTestHome();
    const run = spawnCli(['run', '-p', 'WEB_PORT:dev', '--', 'sh', '-c', 'echo up; sleep 30'], {
      env: home.env,
      cwd: home.home,
    });
    cleanups.push(async () => {
      run.child.kill('SIGTERM');
      await run.exited;
    });
    await waitFor(() => run.stdout().includes('up'), { message: 'styxy run' });
    const ls = await runCli(['ls', '--json'], { env: home.env });
    const [lease] = json(ls.stdout).leases as Record<string, unknown>[];
    const port = home.ranges.dev![0];
    expect(lease).toMatchObject({ port, type: 'dev', stack: 'run', service: 'sh', portName: 'WEB_PORT', pid: run.pid });
    expect(Object.keys(lease!)).toEqual(
      expect.arrayContaining(['port', 'type', 'stack', 'project', 'service', 'portName', 'pid', 'since']),
    );
    expect(new Date(lease!.since as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const human = await runCli(['ls'], { env: home.env });
    expect(human.stdout).toMatch(
      new RegExp(`^PORT +TYPE +STACK +PROJECT +FOLDER +SERVICE +NAME +PID +AGE\\n${port} +dev +run +`),
    );
    const check = await runCli(['check', String(port), '--json'], { env: home.env });
    expect(check.code).toBe(1);
    expect(json(check.stdout)).toMatchObject({
      port,
      free: false,
      holder: { kind: 'lease', service: 'sh', pid: run.pid },
    });
  });

  it('daemon start, status, stop', async () => {
    home = makeTestHome();
    const before = await runCli(['daemon', 'status', '--json'], { env: home.env });
    expect(before.code).toBe(1);
    expect(json(before.stdout)).toEqual({
      running: false,
      pid: null,
      socket: homePaths(home.home).socket,
      version: null,
      uptimeMs: null,
      leases: 0,
      stacks: 0,
    });
    const started = await runCli(['daemon', 'start'], { env: home.env });
    expect(started.stdout).toMatch(/^started\ncoordinator: running, pid \d+/);
    expect((await runCli(['daemon', 'start'], { env: home.env })).stdout).toMatch(/^already running/);
    const status = await runCli(['daemon', 'status', '--json'], { env: home.env });
    expect(status.code).toBe(0);
    const doc = json(status.stdout);
    expect(doc).toMatchObject({
      running: true,
      pid: coordinatorPid(home),
      socket: homePaths(home.home).socket,
      leases: 0,
      stacks: 0,
    });
    expect(typeof doc.version).toBe('string');
    expect(doc.uptimeMs).toBeGreaterThanOrEqual(0);
    const pid = doc.pid as number;
    const stopped = await runCli(['daemon', 'stop', '--json'], { env: home.env });
    expect(json(stopped.stdout)).toEqual({ stopped: true, pid });
    expect(running(pid)).toBe(false);
    expect((await runCli(['daemon', 'stop'], { env: home.env })).stdout).toBe('coordinator: not running\n');
    expect((await runCli(['daemon', 'frob'], { env: home.env })).code).toBe(2);
  });

  it('a coordinator of another protocol: every command says to run `styxy daemon stop`, which stops it', async () => {
    home = makeTestHome();
    const other = spawn(process.execPath, [OTHER_PROTOCOL], { env: home.env, stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => {
      other.kill('SIGKILL');
    });
    await new Promise((resolve) => other.stdout.once('data', resolve));
    const ls = await runCli(['ls'], { env: home.env });
    expect(ls.code).toBe(1);
    expect(ls.stderr).toBe(
      `styxy: the running coordinator (pid ${other.pid}, styxy 9.9.9) speaks protocol 999; this styxy speaks protocol ${PROTOCOL_VERSION}\n` +
        'hint: run `styxy daemon stop`; the next command starts a coordinator of its own version (running stacks keep their ports)\n',
    );
    const stop = await runCli(['daemon', 'stop'], { env: home.env });
    expect(stop.stdout).toBe(`stopped the coordinator (pid ${other.pid}, another protocol version)\n`);
    await waitFor(() => other.exitCode !== null, { message: 'the other coordinator to exit' });
    expect((await runCli(['ls', '--json'], { env: home.env })).code).toBe(0);
  });

  it('doctor: healthy home exits 0; an invalid config.json is a problem with a fix', async () => {
    home = makeTestHome();
    const healthy = await runCli(['doctor', '--json'], { env: home.env });
    expect(healthy.code, healthy.stdout).toBe(0);
    const report = json(healthy.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual([
      'node',
      'home',
      'socket',
      'folders',
      'files',
      'coordinator',
      'stack builds',
      'state',
      'config',
      'ephemeral',
      'processes',
      'tmux',
    ]);
    writeFileSync(homePaths(home.home).config, '{"types": {"dev": {"range": [10, 5]}}}');
    const broken = await runCli(['doctor'], { env: home.env });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      /✗ config: .*config\.json is invalid:\n\s+types\.dev\.range: range must be \[from, to\]/,
    );
    expect(broken.stdout).toMatch(/ {4}fix: fix .*config\.json or remove it to use the defaults/);
  });
});
