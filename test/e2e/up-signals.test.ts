/**
 * `styxy up` stopped every way a stack gets stopped: Ctrl-C, SIGTERM, SIGHUP (the terminal
 * closing), Ctrl-C twice, every service completing, and `kill -9` of `up` itself. Each time:
 * the exit code a shell expects, every process gone (grandchildren that left the group too),
 * every port free.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { stackDir } from '../../src/protocol/home.js';
import { DUPLICATE_SIGNAL_MS } from '../../src/supervisor/stop-signals.js';
import { fixture, NODE } from '../helpers/stack.js';
import { makeUpProject, psJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let project: UpProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** An HTTP API and a service that leaves children behind in every way (setsid, double fork). */
const stack = {
  services: {
    api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' }, ready: { http: '/health' } },
    spawner: { command: ['sh', fixture('escapees.sh')], ready: { log: '^doublefork=' }, stopTimeout: 500 },
  },
};

async function expectNothingLeft(p: UpProject, ports: number[]): Promise<void> {
  await waitFor(() => p.leftovers().length === 0, { timeout: 5000, message: 'every process of the stack gone' });
  const ls = JSON.parse((await p.cli(['ls', '--json'])).stdout) as { leases: unknown[] };
  expect(ls.leases).toEqual([]);
  for (const port of ports) expect((await p.cli(['check', String(port)])).code, `port ${port} free`).toBe(0);
}

describe('styxy up: signals and exit codes', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops every service gracefully and exits %i', async (signal, code) => {
    project = makeUpProject(stack);
    const up = await project.upReady();
    const ps = await psJson(project);
    const api = ps.services.find((s) => s.name === 'api')!.ports.PORT!;
    expect(await (await fetch(`http://localhost:${api}/`)).text()).toBe('ok api');
    const escapees = [...up.stdout().matchAll(/(\w+)=(\d+)$/gm)].map((match) => Number(match[2]));
    expect(escapees).toHaveLength(4);
    up.child.kill(signal);
    const result = await up.exited;
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toContain(`styxy: ${signal} received; press Ctrl-C again to force`);
    expect(result.stderr).toMatch(/api stopping \(SIGTERM\)[\s\S]*api stopped[\s\S]*styxy: stopped\n/);
    expect(result.stdout).toContain('api     | closing'); // its own SIGTERM handler ran: a graceful stop
    await expectNothingLeft(project, [api]);
    // Foreground stacks write log files too (`styxy logs` reads them).
    const logs = stackDir(project.home.home, ps.stack.id);
    expect(readFileSync(join(logs, 'api.log'), 'utf8')).toMatch(/ stdout listening on \d+\n/);
    expect(existsSync(join(logs, 'spawner.log'))).toBe(true);
  });

  it('a second Ctrl-C forces the stop: no waiting out a stubborn service', async () => {
    project = makeUpProject({
      services: {
        stubborn: { command: [NODE, fixture('term-ignorer.mjs')], ready: { log: '^started$' }, stopTimeout: 60_000 },
      },
    });
    const up = await project.upReady();
    up.child.kill('SIGINT');
    const first = Date.now();
    await waitFor(() => up.stdout().includes('ignoring SIGTERM'), { message: 'the service ignoring SIGTERM' });
    // A person's second Ctrl-C: one within DUPLICATE_SIGNAL_MS of the first is taken for the
    // same one delivered twice (terminal + a forwarding parent), so this waits the window out.
    await sleep(Math.max(0, DUPLICATE_SIGNAL_MS + 50 - (Date.now() - first)));
    up.child.kill('SIGINT');
    const result = await up.exited; // long before stopTimeout (60 s) would have run out
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('styxy: SIGINT: forcing the stop (SIGKILL)');
    expect(result.stderr).toMatch(/stubborn stopped\nstyxy: stopped\n$/);
    expect(Date.now() - first).toBeLessThan(30_000);
    await expectNothingLeft(project, []);
  });

  it('exits 0 once every service has completed', async () => {
    project = makeUpProject({
      services: {
        first: { command: 'echo one' },
        second: { command: 'echo two', dependsOn: { first: 'completed' } },
      },
    });
    const result = await project.up(['--no-tui']).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('first  | one\nsecond | two\n');
    expect(result.stderr).toContain('second completed');
    expect(await project.stacks()).toEqual([]);
  });

  it('kill -9 of `up`: every service process, grandchildren too, gone and every port free within ~2 s', async () => {
    project = makeUpProject(stack);
    const up = await project.upReady();
    const ps = await psJson(project);
    const api = ps.services.find((s) => s.name === 'api')!.ports.PORT!;
    expect(project.leftovers().length).toBeGreaterThanOrEqual(7); // up, api, sh, 4 sleeps
    const killedAt = Date.now();
    up.child.kill('SIGKILL');
    await up.exited;
    // SIGTERM to the groups, SIGKILL a second later for the one that ignores it: about 1.3 s.
    await waitFor(() => project!.leftovers().length === 0, { timeout: 4000, message: 'the reaping of every process' });
    await waitFor(async () => (await project!.cli(['check', String(api)])).code === 0, {
      timeout: 4000 - (Date.now() - killedAt),
      message: `port ${api} free`,
    });
    expect(await project.stacks()).toEqual([]);
  });
});
