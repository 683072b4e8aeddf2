/**
 * How `styxy up` starts, or refuses to: a failing service, a second copy of a running stack, a
 * port another program holds, `up web` starting only what web needs, and `--json`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stackDir } from '../../src/protocol/home.js';
import { coordinatorPid } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { makeUpProject, psJson, type UpProject, waitUp } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let project: UpProject | undefined;
let foreign: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve(undefined)));
  foreign = undefined;
  await project?.cleanup();
  project = undefined;
});

const api = { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } };
const leases = async (p: UpProject) =>
  (JSON.parse((await p.cli(['ls', '--json'])).stdout) as { leases: { port: number; stack: string }[] }).leases;

describe('styxy up: starting', () => {
  it('usage errors and unknown services fail before a coordinator is even started', async () => {
    project = makeUpProject({ services: { web: { command: 'exec sleep 30', ready: false } } });
    const cases = [
      [['-d', '--timeout', 'soon'], 2, 'styxy: --timeout "soon" is not a number of seconds between 0 and 86400\n'],
      [['-d', 'wbe'], 1, 'styxy: no service "wbe"'],
      [['--name', 'a b'], 2, 'styxy: --name "a b" is not a stack name'],
      [
        ['wbe'],
        1,
        `styxy: no service "wbe" in ${join(project.root, '.styxyrc.json')}; did you mean "web"?\nhint: services: web\n`,
      ],
    ] as const;
    for (const [args, code, message] of cases) {
      const result = await project.up(args).exited;
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
    }
    expect(coordinatorPid(project.home)).toBeNull();
  });

  it('a first up -d starts the coordinator while the stack’s config still loads, not after', async () => {
    project = makeUpProject(null);
    // The config blocks its loading on a FIFO until the test opens it for writing.
    const gate = join(project.root, 'gate');
    execFileSync('mkfifo', [gate]);
    writeFileSync(
      join(project.root, 'styxy.config.mjs'),
      `import { readFileSync } from 'node:fs';\nreadFileSync(${JSON.stringify(gate)});\n` +
        "export default { name: 'test', services: { web: { command: 'exec sleep 30', ready: false } } };\n",
    );
    const up = project.up(['-d']);
    await waitFor(() => coordinatorPid(project!.home) !== null, { message: 'a coordinator while the config loads' });
    spawn('sh', ['-c', `: > '${gate}'`], { stdio: 'ignore' });
    const result = await up.exited;
    expect(result.code, result.stderr).toBe(0);
    expect((await project.cli(['down'])).code).toBe(0);
  });

  it('a service failing before it is ready: exit 1, its last lines, its dependents never started, nothing left', async () => {
    project = makeUpProject({
      services: {
        api,
        bad: { command: [NODE, fixture('crasher.mjs'), '3'], ports: { PORT: 'dev' }, dependsOn: ['api'] },
        web: { command: 'exec sleep 30', dependsOn: ['bad'], ready: false },
      },
    });
    const result = await project.up(['--no-tui']).exited;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('styxy: service "bad" failed: exited with code 3 before it was ready');
    expect(result.stderr).toMatch(/last 2 lines of bad:\n {2}\| run 1\n {2}\| crashing with code 3\n/);
    expect(result.stderr).toMatch(/\nhint: /);
    expect(result.stderr).not.toContain('web starting');
    expect(result.stderr).toMatch(/styxy: stopping \(a service failed\)\n[\s\S]*api stopped\n/);
    expect(project.leftovers()).toEqual([]);
    expect(await leases(project)).toEqual([]);
  });

  it('refuses a second copy of a running stack (saying how to attach), untouched; --name runs another', async () => {
    project = makeUpProject({ services: { api } });
    const first = await project.upReady();
    const { stack } = await psJson(project);
    const second = await project.up(['--no-tui']).exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`styxy: stack test/default is already running (pid ${first.pid})`);
    expect(second.stderr).toMatch(/hint: attach to it with `styxy attach`.*`--name <other>`/);
    expect(second.stderr).not.toContain('api starting');
    // The running copy is untouched: its log file was not rotated, its control socket still
    // answers, its lease is still its own.
    expect(readdirSync(stackDir(project.home.home, stack.id)).sort()).toEqual(['api.log', 'control.sock']);
    expect((await project.cli(['logs'])).stdout).toContain(
      `[styxy] ready on :${(await psJson(project)).services[0]!.ports.PORT} in `,
    );
    expect((await leases(project)).map((lease) => lease.stack)).toEqual(['default']);
    expect(first.child.exitCode).toBeNull();

    const named = await project.upReady(['--name', 'review']);
    const copy = await psJson(project, ['--name', 'review']);
    expect(copy.stack).toMatchObject({ name: 'review', pid: named.pid });
    expect((await leases(project)).map((lease) => lease.stack).sort()).toEqual(['default', 'review']);
    expect(copy.services[0]!.ports.PORT).not.toBe((await psJson(project)).services[0]!.ports.PORT);
    first.child.kill('SIGINT');
    named.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    expect((await named.exited).code).toBe(130);
  });

  it('`up web` starts web and what it needs (dependencies, referenced ports) only', async () => {
    project = makeUpProject({
      services: {
        db: { command: 'exec sleep 30', ports: { PORT: 'database' }, ready: false },
        api: { ...api, dependsOn: ['db'] },
        metrics: { command: 'exec sleep 30', ports: { PORT: 'monitoring' }, ready: false },
        web: { command: 'exec sleep 30', env: { METRICS: 'http://localhost:${metrics.PORT}' }, dependsOn: ['api'] },
        docs: { command: 'exec sleep 30', ready: false },
      },
    });
    const up = await project.upReady(['web']);
    expect(up.stderr()).toContain('styxy: starting test from .styxyrc.json: db, api, metrics, web\n');
    await waitFor(async () => (await psJson(project!)).services.every((s) => s.pid !== null));
    expect((await psJson(project)).services.map((s) => s.name)).toEqual(['db', 'api', 'metrics', 'web']);
    expect((await leases(project)).map((lease) => lease.port).sort()).toHaveLength(3);
  });

  it('a fixed port held by another program: STYXY_PORT_TAKEN naming the holder, nothing started or leased', async () => {
    project = makeUpProject((home) => ({
      services: {
        free: { command: 'exec sleep 30', ports: { PORT: 'api' }, ready: false },
        pinned: { command: 'exec sleep 30', ports: { PORT: { fixed: home.spare[0]! } }, ready: false },
      },
    }));
    const port = project.home.spare[0]!;
    foreign = createServer();
    await new Promise<void>((resolve) => foreign!.listen(port, resolve));
    const result = await project.up(['--no-tui']).exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `styxy: port ${port} for "pinned" (PORT) is in use by another program: pid ${process.pid}`,
    );
    expect(result.stderr).toContain(`hint: stop that program, or let Styxy choose the port (drop \`fixed\`)`);
    expect(result.stderr).not.toMatch(/starting \(pid/);
    expect(project.leftovers()).toEqual([]);
    expect(await leases(project)).toEqual([]);
    expect(await project.stacks()).toEqual([]);
  });

  it('keeps running when the coordinator dies: says so, reconnects to a new one, re-claims its ports', async () => {
    project = makeUpProject({ services: { api } });
    const up = await project.upReady();
    const before = await psJson(project);
    const port = before.services[0]!.ports.PORT!;
    const old = coordinatorPid(project.home)!;
    process.kill(old, 'SIGKILL');
    await waitFor(() => /reconnected to the coordinator \(pid \d+\)/.test(up.stderr()), {
      message: 'the reconnection',
    });
    expect(up.stderr()).toContain('styxy: lost the coordinator; reconnecting (the services keep running)\n');
    const now = Number(/reconnected to the coordinator \(pid (\d+)\)/.exec(up.stderr())![1]);
    expect(now).not.toBe(old);
    expect(now).toBe(coordinatorPid(project.home));
    expect((await psJson(project)).services[0]).toMatchObject({ status: 'ready', ports: { PORT: port } });
    expect((await leases(project)).map((lease) => lease.port)).toEqual([port]);
    expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('ok api');
    up.child.kill('SIGINT');
    expect((await up.exited).code).toBe(130);
    expect(await leases(project)).toEqual([]);
  });

  it('--json: the `ps --json` document on stdout once up, and nothing else there', async () => {
    project = makeUpProject({ services: { api, web: { ...api, ports: { PORT: 'dev' }, dependsOn: ['api'] } } });
    const up = project.up(['--json']);
    await waitUp(up);
    await waitFor(() => up.stdout().endsWith('}\n'), { message: 'the JSON document' });
    const document = JSON.parse(up.stdout()) as Awaited<ReturnType<typeof psJson>>;
    expect(document.stack).toMatchObject({ name: 'default', project: 'test', pid: up.pid, root: project.root });
    expect(document.services.map((s) => [s.name, s.status, typeof s.ports.PORT, typeof s.pid, s.restarts])).toEqual([
      ['api', 'ready', 'number', 'number', 0],
      ['web', 'ready', 'number', 'number', 0],
    ]);
    expect(up.stderr()).toContain('api ready on :');
    up.child.kill('SIGINT');
    const result = await up.exited;
    expect(result.code).toBe(130);
    expect(JSON.parse(result.stdout)).toEqual(document); // the services' own lines went to the log files only
  });
});
