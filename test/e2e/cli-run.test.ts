/**
 * `styxy run` as users and scripts run it: the built CLI, real commands, real signals.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../src/os/process-table.js';
import {
  coordinatorLog,
  coordinatorPid,
  onlyTypes,
  runCli,
  running,
  spawnCli,
  stopCoordinator,
} from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome | undefined;
let work: string;
const leftovers: number[] = [];

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'styxy-run-'));
});

afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  if (home) {
    await stopCoordinator(home);
    home.cleanup();
    home = undefined;
  }
  rmSync(work, { recursive: true, force: true });
});

const read = (name: string) => {
  try {
    return readFileSync(join(work, name), 'utf8');
  } catch {
    return '';
  }
};

async function leases(): Promise<{ port: number; pid: number; service: string; stack: string }[]> {
  const result = await runCli(['ls', '--json'], { env: home!.env });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { leases: { port: number; pid: number; service: string; stack: string }[] })
    .leases;
}

describe('styxy run', () => {
  it('40 at once from a cold start: 40 distinct ports in range, one coordinator', async () => {
    home = makeTestHome({ sizes: onlyTypes({ dev: 40 }) });
    const [from, to] = home.ranges.dev!;
    const script = 'echo "$PORT" >> "$OUT/ports"; while [ ! -e "$OUT/go" ]; do sleep 0.05; done';
    const runs = Array.from({ length: 40 }, () =>
      spawnCli(['run', '-p', 'PORT:dev', '--', 'sh', '-c', script], {
        env: { ...home!.env, OUT: work },
        cwd: work,
        timeoutMs: 60_000,
      }),
    );
    try {
      await waitFor(() => read('ports').trim().split('\n').length === 40, { timeout: 45_000, message: '40 ports' });
      const ports = read('ports').trim().split('\n').map(Number);
      expect(new Set(ports).size).toBe(40);
      for (const port of ports) expect(port >= from && port <= to, `${port} in ${from}–${to}`).toBe(true);
      expect((await leases()).map((lease) => lease.port).sort()).toEqual([...ports].sort());
      expect(coordinatorLog(home).match(/listening on/g)).toHaveLength(1);
    } finally {
      writeFileSync(join(work, 'go'), '');
    }
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(await leases()).toEqual([]);
  });

  it('passes its ports, the tag and the exit code through', async () => {
    home = makeTestHome();
    const result = await runCli(
      ['run', '-p', 'WEB', '-p', 'API_PORT:api', '--', 'sh', '-c', 'echo "$PORT $WEB $API_PORT $STYXY_TAG"; exit 7'],
      { env: home.env, cwd: work },
    );
    expect(result.code, result.stderr).toBe(7);
    const [port, web, api, tag] = result.stdout.trim().split(' ');
    expect(port).toBe(web);
    expect(Number(web)).toBe(home.ranges.dev![0]);
    expect(Number(api)).toBe(home.ranges.api![0]);
    expect(tag).toMatch(/^[0-9a-f]{24}:sh$/);
    expect(await leases()).toEqual([]);

    const signalled = await runCli(['run', '--', 'sh', '-c', 'kill -TERM $$'], { env: home.env, cwd: work });
    expect(signalled.code).toBe(143);
    const missing = await runCli(['run', '--', 'no-such-command-xyz'], { env: home.env, cwd: work });
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('no-such-command-xyz: command not found');
    const unknown = await runCli(['run', '-p', 'PORT:nope', '--', 'true'], { env: home.env, cwd: work });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('styxy: unknown service type "nope" for "true" (PORT)');
    expect(unknown.stderr).toMatch(/hint: known types: dev, /);
  });

  it('forwards SIGTERM to its command and exits with its code', async () => {
    home = makeTestHome();
    const cli = spawnCli(
      ['run', '--', 'sh', '-c', 'trap "echo got-term; exit 5" TERM; echo up; while :; do sleep 0.05; done'],
      { env: home.env, cwd: work },
    );
    await waitFor(() => cli.stdout().includes('up'), { message: 'the command to start' });
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    expect(result.stdout).toContain('got-term');
    expect(result.code).toBe(5);
  });

  it('kill -9 of styxy run: its command is killed and its port freed within about a second', async () => {
    home = makeTestHome();
    const cli = spawnCli(['run', '--', 'sh', '-c', 'echo $$ > "$OUT/pid"; exec sleep 60'], {
      env: { ...home.env, OUT: work },
      cwd: work,
    });
    const child = await waitFor(() => Number(read('pid')) || null, { message: 'the command pid' });
    leftovers.push(child);
    await waitFor(async () => (await leases()).length === 1, { message: 'the lease' });
    const killedAt = Date.now();
    process.kill(cli.pid, 'SIGKILL');
    await waitFor(() => !running(child), { timeout: 2500, message: 'the command to be killed' });
    await waitFor(async () => (await leases()).length === 0, { timeout: 2500, message: 'the port to be freed' });
    const elapsed = Date.now() - killedAt;
    expect(coordinatorLog(home)).toMatch(/reaped run pid \d+ .*freed ports \[\d+\]/);
    console.info(`kill -9 of styxy run: command killed and port freed after ${elapsed} ms`);
  });

  it('kill -9 of styxy run: a SIGTERM-proof command and a setsid escapee are killed too', async () => {
    home = makeTestHome();
    const script = 'setsid sleep 61 & echo $! > "$OUT/escapee"; trap "" TERM; echo $$ > "$OUT/pid"; exec sleep 62';
    const cli = spawnCli(['run', '--', 'sh', '-c', script], { env: { ...home.env, OUT: work }, cwd: work });
    const child = await waitFor(() => Number(read('pid')) || null, { message: 'the command pid' });
    const escapee = Number(read('escapee'));
    leftovers.push(child, escapee);
    await waitFor(async () => (await leases()).length === 1, { message: 'the lease' });
    process.kill(cli.pid, 'SIGKILL');
    await waitFor(() => !running(child) && !running(escapee), { timeout: 5000, message: 'both to be killed' });
    await waitFor(async () => (await leases()).length === 0, { timeout: 2500, message: 'the port to be freed' });
  });

  // `script` (util-linux) gives styxy run a pseudo-terminal as stdin.
  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'in a terminal: the command keeps the terminal, and kill -9 of styxy run still reaps it',
    async () => {
      home = makeTestHome();
      // With a terminal as stdin, the command stays in styxy run's group (the foreground job).
      const inner = `node ${JSON.stringify(join(process.cwd(), 'dist/cli/bin.js'))} run -- sh -c 'echo $$ > "$OUT/pid"; exec sleep 60'`;
      const term = spawn('script', ['-qec', inner, '/dev/null'], {
        env: { ...home.env, OUT: work, PATH: `${process.execPath.replace(/\/node$/, '')}:${process.env.PATH}` },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const child = await waitFor(() => Number(read('pid')) || null, { timeout: 15_000, message: 'the command pid' });
      leftovers.push(child);
      await waitFor(async () => (await leases()).length === 1, { message: 'the lease' });
      const runPid = (await leases())[0]!.pid;
      expect(processInfo(child)?.pgid).toBe(processInfo(runPid)?.pgid); // shares the terminal's job
      process.kill(runPid, 'SIGKILL');
      await waitFor(() => !running(child), { timeout: 2500, message: 'the command to be killed' });
      await waitFor(async () => (await leases()).length === 0, { timeout: 2500, message: 'the port to be freed' });
      term.kill('SIGKILL');
      expect(coordinatorPid(home)).not.toBeNull();
    },
  );

  it('never outlives its command when the coordinator restarts and is slow to answer its reclaim', async () => {
    home = makeTestHome();
    const fixture = fileURLToPath(new URL('../fixtures/delayed-reclaim-coordinator.mjs', import.meta.url));
    const coordinator = spawn(process.execPath, [fixture], { env: home.env, stdio: ['ignore', 'pipe', 'inherit'] });
    leftovers.push(coordinator.pid!);
    let said = '';
    coordinator.stdout.setEncoding('utf8').on('data', (text: string) => {
      said += text;
    });
    await waitFor(() => said.includes('ready'), { message: 'the coordinator to listen' });
    const run = spawnCli(['run', '--', 'sh', '-c', 'while [ ! -e "$OUT/go" ]; do sleep 0.05; done'], {
      env: { ...home.env, OUT: work },
      cwd: work,
    });
    leftovers.push(run.pid);
    await waitFor(async () => (await leases()).length === 1, { message: 'the lease' });
    process.kill(coordinator.pid!, 'SIGUSR2'); // every connection drops; the reclaim is never answered
    await waitFor(() => said.includes('holding'), { message: 'the reclaim to be held' });
    writeFileSync(join(work, 'go'), '');
    const exit = await Promise.race([
      run.exited,
      new Promise<null>((resolve) => setTimeout(resolve, 10_000, null).unref()),
    ]);
    expect(exit, 'styxy run was still running 10 s after its command ended').not.toBeNull();
    expect(exit!.code).toBe(0);
  });
});
