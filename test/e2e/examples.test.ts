/**
 * Every example as a user runs it: `styxy up --no-tui` in its folder (the built CLI, the config
 * loaded from its TypeScript file). Its services come up ready on their leased ports and reach
 * each other through the injected ones; Ctrl-C then leaves no process and no lease.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliProcess } from '../helpers/coordinator.js';
import { makeUpProject, psJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

const repo = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const example = (name: string) => join(repo, 'examples', name);

let project: UpProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** `styxy up --no-tui` in `cwd` (`-c` and the like in `args`), once every service is up. */
async function upIn(cwd: string, args: readonly string[] = []): Promise<CliProcess> {
  project = makeUpProject(null);
  return project.upReady(args, { cwd });
}

/** Service → port name → port, from `styxy ps --json` in `cwd`. */
async function portsIn(cwd: string): Promise<Record<string, Record<string, number>>> {
  const { services } = await psJson(project!, [], cwd);
  return Object.fromEntries(services.map((service) => [service.name, service.ports]));
}

async function get(port: number, path: string): Promise<string> {
  const answer = await fetch(`http://localhost:${port}${path}`);
  expect(answer.status, `GET :${port}${path}`).toBe(200);
  return answer.text();
}

const printed = (up: CliProcess, pattern: RegExp) =>
  waitFor(() => pattern.test(up.stdout()), { timeout: 15_000, message: `${pattern} on stdout` });

async function interruptCleanly(up: CliProcess): Promise<void> {
  up.child.kill('SIGINT');
  const result = await up.exited;
  expect(result.code, result.stderr).toBe(130);
  expect(result.stderr).toMatch(/styxy: stopped\n$/);
  expect(project!.leftovers()).toEqual([]);
  const ls = await project!.cli(['ls', '--json']);
  expect(JSON.parse(ls.stdout)).toEqual({ leases: [] });
}

describe('examples, through `styxy up --no-tui`', () => {
  it('web-api-worker: web and worker reach the API through ${api.PORT}', async () => {
    const cwd = example('web-api-worker');
    const up = await upIn(cwd);
    const web = (await portsIn(cwd)).web!.PORT!;
    expect(await get(web, '/')).toContain('web → api → worker');
    await printed(up, /^worker +\| processed job 1 /m);
    expect(JSON.parse(await get(web, '/api/stats')).done).toBeGreaterThanOrEqual(1);
    await interruptCleanly(up);
  });

  it('named-ports: three named ports, a fixed one, HTTP readiness, a completed task', async () => {
    // As written, but for the fixed port, moved to one of this test's own (the suite never
    // competes for 18471): a config beside the test imports the example's.
    project = makeUpProject(null);
    const fixed = project.home.spare[0]!;
    const dir = example('named-ports');
    writeFileSync(
      join(project.root, 'styxy.config.ts'),
      `import example from ${JSON.stringify(join(dir, 'styxy.config.ts'))};
const services = Object.fromEntries(
  Object.entries(example.services).map(([name, service]) => [name, { ...service, cwd: ${JSON.stringify(dir)} }]),
);
services.webhooks.ports = { PORT: { port: ${fixed}, fixed: true } };
export default { ...example, services };
`,
    );
    const up = await project.upReady();
    const ports = await portsIn(project.root);
    expect(ports.webhooks).toEqual({ PORT: fixed });
    expect(Object.keys(ports.app!)).toEqual(['PORT', 'ADMIN_PORT', 'METRICS_PORT']);
    expect(await get(ports.app!.ADMIN_PORT!, '/')).toContain('<h1>admin</h1>');
    expect((await fetch(`http://localhost:${fixed}/hooks`, { method: 'POST' })).status).toBe(202);
    await printed(up, /^app +\| event received \(1\)$/m);
    expect(await get(ports.app!.METRICS_PORT!, '/metrics')).toContain('app_webhook_events_total 1');
    await waitFor(() => up.stderr().includes('urls completed'));
    expect(up.stdout()).toContain(`webhooks http://localhost:${fixed}/hooks`);
    await interruptCleanly(up);
  });

  it('polyglot: Python http.server and a Python client beside Node services', async () => {
    const cwd = example('polyglot');
    const up = await upIn(cwd);
    const gateway = Number((await project!.cli(['port', 'gateway'], { cwd })).stdout);
    expect(await get(gateway, '/')).toContain('Served by Python, through a Node gateway');
    expect(JSON.parse(await get(gateway, '/api/time')).from).toBe('node');
    await printed(up, /^client +\| static says: hello from python http.server$/m);
    await printed(up, /^client +\| api says it is .* \(from node\)$/m);
    await interruptCleanly(up);
  });

  it('the demo stack of `npm start` (styxy.config.ts at the top of the repo)', async () => {
    const up = await upIn(repo);
    expect(up.stderr()).toMatch(/setup completed[\s\S]*api ready on :\d+[\s\S]*web ready on :\d+/);
    expect(up.stderr()).toContain('clock ready in');
    const web = Number((await project!.cli(['port', 'web'], { cwd: repo })).stdout);
    expect(await get(web, '/')).toContain('Ferry ticket');
    await interruptCleanly(up);
  });
});
