/**
 * A shared service's command-line edges, with the built CLI and real processes (a node HTTP
 * server as the shared service): `up --dry-run` shows what `up -d` would do with it — join the
 * running instance (its port, pid and users) or start one on the port the instance had (sticky by
 * the shared key, not by the folder and stack name asking).
 */
import { createServer } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import type { StyxyConfig } from '../../src/config/types.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { makeUpProject, type PsJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

const HTTP = { command: [NODE, fixture('http-server.mjs')], ready: { http: '/health' } };
const CONFIG: StyxyConfig = {
  services: {
    db: { ...HTTP, ports: { PORT: 'database' }, shared: true },
    api: { ...HTTP, ports: { PORT: 'api' }, env: { DB_PORT: '${db.PORT}' }, dependsOn: ['db'] },
  },
};

let project: UpProject | undefined;
afterEach(async () => {
  await project?.cli(['down', '--all'], { timeoutMs: 60_000 }).catch(() => {});
  await project?.cleanup();
  project = undefined;
});

type Service = PsJson['services'][number] & { shared?: boolean; users?: { name: string }[]; detail?: string | null };
const serviceIn = (document: PsJson, name: string) => document.services.find((s) => s.name === name)! as Service;

async function dryRun(p: UpProject, name: string): Promise<PsJson & { dryRun: true; reused: boolean }> {
  const result = await p.cli(['up', '--dry-run', '--json', '--name', name], { timeoutMs: 60_000 });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PsJson & { dryRun: true; reused: boolean };
}

test('up --dry-run of a shared service: the running instance it would join, else the port its instance had', async () => {
  const p = makeUpProject(CONFIG, { sizes: onlyTypes({ database: 2, api: 4 }) });
  project = p;
  // Nothing runs: the shared service would be started by this stack, on a planned port.
  const fresh = await dryRun(p, 'a');
  expect(fresh).toMatchObject({ dryRun: true, reused: false });
  expect(serviceIn(fresh, 'db')).toMatchObject({ shared: true, status: 'pending', pid: null });
  expect(serviceIn(fresh, 'db').ports.PORT).toBe(p.home.ranges.database![0]);
  expect(serviceIn(fresh, 'db').detail).toContain('this stack would start it');

  // The range's first port is taken while the instance starts, so it gets the second: a plan
  // keyed by the asking folder and stack name would offer the first one afterwards.
  const blocker = createServer();
  const firstPort = p.home.ranges.database![0];
  await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(firstPort, '127.0.0.1', resolve));
  const upA = await p.cli(['up', '-d', '--json', '--name', 'a'], { timeoutMs: 120_000 }).finally(() => blocker.close());
  expect(upA.code, upA.stderr).toBe(0);
  const dbA = serviceIn(JSON.parse(upA.stdout) as PsJson, 'db');
  expect(dbA.ports.PORT).toBe(firstPort + 1);

  // It runs: another stack would join it (its port and pid, the stacks using it).
  const joining = await dryRun(p, 'b');
  expect(joining).toMatchObject({ dryRun: true, reused: false });
  expect(serviceIn(joining, 'db')).toMatchObject({
    shared: true,
    status: 'ready',
    pid: dbA.pid,
    ports: { PORT: firstPort + 1 },
  });
  expect(serviceIn(joining, 'db').users!.map((user) => user.name)).toEqual(['a']);
  expect(serviceIn(joining, 'db').detail).toMatch(/would join its instance \(test\/shared-db, pid \d+\)/);
  expect(serviceIn(joining, 'api').ports.PORT).not.toBe(serviceIn(JSON.parse(upA.stdout) as PsJson, 'api').ports.PORT);
  const text = await p.cli(['up', '--dry-run', '--name', 'b']);
  expect(text.stdout).toMatch(new RegExp(`\ndb \\(shared · 1 stack\\)\\s+ready\\s+${firstPort + 1}\\s+${dbA.pid}\\s`));

  // Its last user gone, it stops; a plan for another stack offers the port the instance had.
  expect((await p.cli(['down', '--name', 'a'], { timeoutMs: 60_000 })).code).toBe(0);
  await waitFor(async () => (await p.stacks()).length === 0, { timeout: 30_000, message: 'the instance stopped' });
  const later = await dryRun(p, 'b');
  expect(serviceIn(later, 'db')).toMatchObject({ shared: true, status: 'pending', ports: { PORT: firstPort + 1 } });
  // And up -d does what it said.
  const upB = await p.cli(['up', '-d', '--json', '--name', 'b'], { timeoutMs: 120_000 });
  expect(upB.code, upB.stderr).toBe(0);
  expect(serviceIn(JSON.parse(upB.stdout) as PsJson, 'db').ports).toEqual(serviceIn(later, 'db').ports);
});
