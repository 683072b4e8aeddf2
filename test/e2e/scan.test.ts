/**
 * `styxy scan` as an agent uses it before starting a server: every port listening in a range,
 * with its holder — a foreign program (its pid, command and folder) or a lease (its stack or
 * `styxy run`, and the program behind it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, stopCoordinator } from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { fixture, NODE } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  if (home) await stopCoordinator(home);
  home?.cleanup();
  home = undefined;
});

interface Scan {
  ranges: number[][];
  ports: { port: number; addresses: string[]; holder: Record<string, unknown> & { kind: string } }[];
}

const listens = async (port: number) =>
  fetch(`http://127.0.0.1:${port}/`).then(
    (r) => r.ok,
    () => false,
  );

describe('styxy scan', () => {
  it('lists a foreign listener with its pid, a styxy run lease with its program, and nothing else', async () => {
    home = makeTestHome();
    const [from, to] = home.block;
    const foreignPort = home.spare[0]!;
    const foreign = spawn(NODE, [fixture('http-server.mjs'), String(foreignPort)], { cwd: home.home, stdio: 'ignore' });
    children.push(foreign);
    const run = spawnCli(['run', '-p', 'PORT:dev', '--', NODE, fixture('http-server.mjs')], {
      env: home.env,
      cwd: home.home,
      // It must outlive every scan, however loaded the machine (the helper's default is 30 s).
      timeoutMs: 180_000,
    });
    children.push(run.child);
    const leasedPort = home.ranges.dev![0]!;
    await waitFor(() => listens(foreignPort), { message: 'the foreign listener' });
    await waitFor(() => listens(leasedPort), { message: 'the styxy run server' });

    const result = await runCli(['scan', `${from}-${to}`, '--json'], { env: home.env });
    expect(result.code, result.stderr).toBe(0);
    const scan = JSON.parse(result.stdout) as Scan;
    expect(scan.ranges).toEqual([[from, to]]);
    expect(scan.ports.map((p) => p.port)).toEqual([leasedPort, foreignPort].sort((a, b) => a - b));
    const byPort = new Map(scan.ports.map((p) => [p.port, p]));
    expect(byPort.get(foreignPort)!.holder).toEqual({
      kind: 'process',
      pid: foreign.pid,
      command: expect.stringContaining(`http-server.mjs ${foreignPort}`),
      cwd: home.home,
    });
    expect(byPort.get(foreignPort)!.addresses.length).toBeGreaterThan(0);
    expect(byPort.get(leasedPort)!.holder).toMatchObject({
      kind: 'lease',
      stack: 'run',
      service: 'node',
      portName: 'PORT',
      pid: run.pid,
      root: home.home,
      process: { pid: expect.any(Number), command: expect.stringContaining('http-server.mjs'), cwd: home.home },
    });

    const text = await runCli(['scan', `${from}-${to}`], { env: home.env });
    expect(text.stdout).toMatch(/^PORT +ADDRESS +PID +HELD BY +FOLDER\n/);
    expect(text.stdout).toMatch(
      new RegExp(`^${foreignPort} +\\S+ +${foreign.pid} +\\S*node\\S* .*http-server\\.mjs ${foreignPort}`, 'm'),
    );
    expect(text.stdout).toMatch(new RegExp(`^${leasedPort} +\\S+ +\\d+ +styxy run: node \\(PORT\\)`, 'm'));

    // Only the range asked for; by default, every type's range (the foreign port is in none).
    const one = JSON.parse((await runCli(['scan', String(foreignPort), '--json'], { env: home.env })).stdout) as Scan;
    expect(one.ports.map((p) => p.port)).toEqual([foreignPort]);
    const managed = JSON.parse((await runCli(['scan', '--json'], { env: home.env })).stdout) as Scan;
    expect(managed.ports.map((p) => p.port)).toContain(leasedPort);
    expect(managed.ports.map((p) => p.port)).not.toContain(foreignPort);
  });

  it.each(['3000-', 'abc', '4000-3000', '70000'])('%s: exit 2 with what a range is', async (range) => {
    home = makeTestHome();
    const result = await runCli(['scan', range], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`styxy: "${range}" is not a port range`);
    expect(result.stdout).toBe('');
  });
});
