import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { StyxyConfig } from '../../../src/config/types.js';
import { processesTagged } from '../../../src/os/tag.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { createHarness, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

// Each example runs under the supervisor as written (the config loader's e2e run of `styxy up`
// comes with issue 5 part B): every service comes up, they reach each other through the
// injected ports, and a stop leaves no process and no lease.

let harness: StackHarness;
afterEach(() => harness?.cleanup());

const repo = fileURLToPath(new URL('../../../', import.meta.url));

async function load(file: string): Promise<StyxyConfig> {
  return (await import(`${repo}${file}`)).default as StyxyConfig;
}

async function get(port: number, path: string): Promise<string> {
  const answer = await fetch(`http://localhost:${port}${path}`);
  expect(answer.status).toBe(200);
  return answer.text();
}

async function stopCleanly(supervisor: Supervisor): Promise<void> {
  expect(await supervisor.stop({ signal: 'SIGINT' })).toEqual({ kind: 'interrupted', signal: 'SIGINT' });
  expect(processesTagged(supervisor.runToken)).toEqual([]);
  expect(await harness.client.listLeases()).toEqual([]);
}

const portOf = (supervisor: Supervisor, service: string, name = 'PORT') =>
  supervisor.getSnapshot().services.find((s) => s.name === service)!.ports[name]!;

const saw = (supervisor: Supervisor, service: string, pattern: RegExp) =>
  waitFor(() => supervisor.getLogs(service).some((line) => pattern.test(line.text)), {
    timeout: 15_000,
    message: `${service} printing ${pattern}`,
  });

describe('examples', () => {
  it('web-api-worker: web and worker reach the API through ${api.PORT}', async () => {
    harness = await createHarness();
    const config = await load('examples/web-api-worker/styxy.config.ts');
    const supervisor = harness.supervisor(config, { root: `${repo}examples/web-api-worker` });
    const snapshot = await supervisor.start();
    expect(snapshot.services.map((s) => [s.name, s.status])).toEqual([
      ['api', 'ready'],
      ['worker', 'running'],
      ['web', 'ready'],
    ]);
    expect(await get(portOf(supervisor, 'web'), '/')).toContain('web → api → worker');
    await saw(supervisor, 'worker', /^processed job 1 /);
    expect(JSON.parse(await get(portOf(supervisor, 'web'), '/api/stats')).done).toBeGreaterThanOrEqual(1);
    await stopCleanly(supervisor);
  });

  it('named-ports: three named ports, a fixed one, HTTP readiness, a completed task', async () => {
    harness = await createHarness();
    const config = await load('examples/named-ports/styxy.config.ts');
    // The fixed port moves to one of this test's own ports, so the suite never competes for 18471.
    const fixed = harness.home.spare[0]!;
    const webhooks = { ...config.services.webhooks!, ports: { PORT: { port: fixed, fixed: true } } };
    const supervisor = harness.supervisor(
      { ...config, services: { ...config.services, webhooks } },
      { root: `${repo}examples/named-ports` },
    );
    await supervisor.start();
    expect(portOf(supervisor, 'webhooks')).toBe(fixed);
    expect(await get(portOf(supervisor, 'app', 'ADMIN_PORT'), '/')).toContain('<h1>admin</h1>');
    expect((await fetch(`http://localhost:${fixed}/hooks`, { method: 'POST' })).status).toBe(202);
    await saw(supervisor, 'app', /^event received \(1\)$/);
    expect(await get(portOf(supervisor, 'app', 'METRICS_PORT'), '/metrics')).toContain('app_webhook_events_total 1');
    await waitFor(() => supervisor.getSnapshot().services.find((s) => s.name === 'urls')!.status === 'completed');
    expect(supervisor.getLogs('urls').map((line) => line.text)).toContain(
      `webhooks http://localhost:${fixed}/hooks   (try: curl -X POST http://localhost:${fixed}/hooks)`,
    );
    await stopCleanly(supervisor);
  });

  it('polyglot: Python http.server and a Python client beside Node services', async () => {
    harness = await createHarness();
    const config = await load('examples/polyglot/styxy.config.ts');
    const supervisor = harness.supervisor(config, { root: `${repo}examples/polyglot` });
    await supervisor.start();
    const gateway = portOf(supervisor, 'gateway');
    expect(await get(gateway, '/')).toContain('Served by Python, through a Node gateway');
    expect(JSON.parse(await get(gateway, '/api/time')).from).toBe('node');
    await saw(supervisor, 'client', /^static says: hello from python http.server$/);
    await saw(supervisor, 'client', /^api says it is .* \(from node\)$/);
    await stopCleanly(supervisor);
  });

  it('the demo stack of `npm start`', async () => {
    harness = await createHarness();
    const config = await load('styxy.config.ts');
    const supervisor = harness.supervisor(config, { root: repo.replace(/\/$/, '') });
    const snapshot = await supervisor.start();
    expect(snapshot.services.map((s) => [s.name, s.status])).toEqual([
      ['setup', 'completed'],
      ['api', 'ready'],
      ['web', 'ready'],
      ['clock', 'ready'],
    ]);
    expect(await get(portOf(supervisor, 'web'), '/')).toContain('Ferry ticket');
    await stopCleanly(supervisor);
  });
});
