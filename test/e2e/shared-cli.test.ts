/**
 * A shared service's command-line edges, with the built CLI and real processes (a node HTTP
 * server as the shared service): `up --dry-run` shows what `up -d` would do with it — join the
 * running instance (its port, pid and users), wait for one still starting and then join it (as
 * `up -d` then does), or start one on the port the instance had (sticky by
 * the shared key, not by the folder and stack name asking); `restart db` from a stack using it
 * is refused without `--yes` (saying so) and with it restarts it in its instance, naming the
 * other stacks it restarts for; `stop` the same (its own services without asking); `start db` of
 * a stopped one needs no `--yes`; the MCP `restart` tool (official SDK client) the same with
 * `shared: true`, the MCP `stop` tool too (`stoppedFor`), and MCP `start` of the stopped one without it.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, expect, test } from 'vitest';
import { CLI_BIN, onlyTypes } from '../helpers/coordinator.js';
import { SHARED_HTTP_CONFIG } from '../helpers/shared-http.js';
import { NODE } from '../helpers/stack.js';
import { makeUpProject, type PsJson, psJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

const CONFIG = SHARED_HTTP_CONFIG;

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

  // A config that defines it otherwise: the dry run says up -d would be refused, in its words.
  const other = join(p.root, 'other.json');
  const db2 = { ...CONFIG.services!.db, env: { EXTRA: '1' } };
  writeFileSync(other, JSON.stringify({ name: 'test', services: { ...CONFIG.services, db: db2 } }));
  const mismatch = await p.cli(['up', '--dry-run', '-c', other, '--name', 'c'], { timeoutMs: 60_000 });
  expect(mismatch.code).toBe(1);
  expect(mismatch.stderr).toContain(`shared service "db" is defined differently in ${other} and in`);
  expect(mismatch.stderr).toContain('env.EXTRA: 1 vs (not set)');
  const refused = await p.cli(['up', '-d', '-c', other, '--name', 'c'], { timeoutMs: 120_000 });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(mismatch.stderr.split('\n')[0]!.replace(/^styxy: /, ''));

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

test('up --dry-run while the instance is still starting: up -d would wait for it, then join it; and up -d does', async () => {
  // The instance answers 503 on /health while this file exists: it stays starting until removed.
  let healthFile = '';
  const p = makeUpProject((home) => {
    healthFile = join(home.home, 'db-starting');
    return { services: { ...CONFIG.services, db: { ...CONFIG.services!.db!, env: { HEALTH_FILE: healthFile } } } };
  });
  project = p;
  writeFileSync(healthFile, '');
  const upA = p.cli(['up', '-d', '--json', '--name', 'a'], { timeoutMs: 120_000 });
  const instance = async () => (await p.stacks()).find((stack) => stack.shared);
  await waitFor(async () => (await instance())?.services.some((s) => s.name === 'db' && s.status === 'starting'), {
    timeout: 60_000,
    message: 'the instance starting',
  });
  const starting = (await instance())!;
  const dbPid = starting.services.find((s) => s.name === 'db')!.pid;

  const plan = await dryRun(p, 'b');
  expect(serviceIn(plan, 'db')).toMatchObject({ shared: true, status: 'starting', pid: dbPid });
  const waits = `its instance (test/shared-db, pid ${starting.pid}) is starting: up -d would wait for it to be ready, then join it`;
  expect(serviceIn(plan, 'db').detail).toBe(`shared: ${waits}`);
  const text = await p.cli(['up', '--dry-run', '--name', 'b']);
  expect(text.stdout).toMatch(new RegExp(`\ndb \\(shared · 1 stack\\)\\s+starting\\s+\\d+\\s+${dbPid}\\s`));
  expect(text.stdout).toContain(waits);

  // up -d of b waits for that instance (no second one starts), then joins it once it is ready.
  const upB = p.cli(['up', '-d', '--json', '--name', 'b'], { timeoutMs: 120_000 });
  await waitFor(async () => (await p.stacks()).some((stack) => stack.name === 'b'), { timeout: 60_000 });
  expect((await p.stacks()).filter((stack) => stack.shared)).toHaveLength(1);
  rmSync(healthFile);
  const [a, b] = await Promise.all([upA, upB]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  expect(serviceIn(JSON.parse(b.stdout) as PsJson, 'db')).toMatchObject({ shared: true, status: 'ready', pid: dbPid });
  expect((await p.stacks()).filter((stack) => stack.shared).map((stack) => stack.pid)).toEqual([starting.pid]);
});

test('restart and stop of a shared service from a stack using it: refused without --yes; with it, in its instance, naming the others; MCP shared: true', async () => {
  const p = makeUpProject(CONFIG);
  project = p;
  for (const name of ['a', 'b']) {
    const up = await p.cli(['up', '-d', '--name', name], { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
  }
  const before = await psJson(p, ['--name', 'a']);
  const db = serviceIn(before, 'db');
  const apiA = serviceIn(before, 'api');

  const refused = await p.cli(['restart', 'db', '--name', 'a'], { timeoutMs: 60_000 });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('"db" is a shared service used by 2 stacks (test/a, test/b)');
  expect(refused.stderr).toContain('styxy restart db --yes');
  expect(serviceIn(await psJson(p, ['--name', 'a']), 'db')).toMatchObject({ pid: db.pid, restarts: 0 });

  const routed = await p.cli(['restart', 'db', '--yes', '--name', 'a'], { timeoutMs: 120_000 });
  expect(routed.code, routed.stderr).toBe(0);
  expect(routed.stderr).toContain('styxy: db is shared: restarted in its instance test/shared-db (also for test/b)');
  expect(routed.stdout).toMatch(new RegExp(`^db ready on :${db.ports.PORT} \\(pid \\d+\\)\\n$`));
  const after = await psJson(p, ['--name', 'b']);
  expect(serviceIn(after, 'db')).toMatchObject({ status: 'ready', ports: db.ports, restarts: 1 });
  expect(serviceIn(after, 'db').pid).not.toBe(db.pid);
  expect(serviceIn(await psJson(p, ['--name', 'a']), 'api')).toMatchObject({ pid: apiA.pid, status: 'ready' });

  // --json: this stack's document, the shared service's entry its instance's.
  const json = await p.cli(['restart', 'db', '-y', '--json', '--name', 'b'], { timeoutMs: 120_000 });
  expect(json.code, json.stderr).toBe(0);
  const document = JSON.parse(json.stdout) as PsJson;
  expect(document.stack.name).toBe('b');
  expect(serviceIn(document, 'db')).toMatchObject({ shared: true, restarts: 2, ports: db.ports });
  expect(serviceIn(document, 'api').ports.PORT).toBeGreaterThan(0);

  // MCP restart: refused without shared, routed with shared: true.
  const env = Object.fromEntries(
    Object.entries(p.home.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const client = new Client({ name: 'styxy-test', version: '0.0.0' });
  await client.connect(
    new StdioClientTransport({ command: NODE, args: [CLI_BIN, 'mcp'], cwd: p.root, env, stderr: 'ignore' }),
  );
  try {
    type Answer = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
    const call = async (args: Record<string, unknown>, tool = 'restart') =>
      (await client.callTool({ name: tool, arguments: args }, undefined, {
        timeout: 90_000,
      })) as unknown as Answer;
    const no = await call({ service: 'db', name: 'a' });
    expect(no.isError).toBe(true);
    expect(no.content[0]!.text).toContain('shared: true');
    const noStop = await call({ service: 'db', name: 'a' }, 'stop');
    expect(noStop.isError).toBe(true);
    expect(noStop.content[0]!.text).toContain('"db" is a shared service used by 2 stacks (test/a, test/b)');
    expect(noStop.content[0]!.text).toContain('(MCP stop: `shared: true`)');
    const yes = await call({ service: 'db', name: 'a', shared: true });
    expect(yes.isError, yes.content[0]?.text).toBeFalsy();
    expect(yes.content[0]!.text).toContain('db is shared: restarted in its instance test/shared-db (also for test/b)');
    expect(yes.structuredContent).toMatchObject({ restartedFor: [{ name: 'b' }], ports: { db: db.ports } });
    // MCP stop with shared: true stops it in its instance; MCP start starts it there again without it.
    const stop = await call({ service: 'db', name: 'a', shared: true }, 'stop');
    expect(stop.isError, stop.content[0]?.text).toBeFalsy();
    expect(stop.content[0]!.text).toContain('db is shared: stopped in its instance test/shared-db (also for test/b)');
    expect(stop.structuredContent).toMatchObject({ stoppedFor: [{ name: 'b' }] });
    expect(serviceIn(await psJson(p, ['--name', 'b']), 'db').status).toBe('stopped');
    const start = await call({ service: 'db', name: 'b' }, 'start');
    expect(start.isError, start.content[0]?.text).toBeFalsy();
    expect(start.structuredContent).toMatchObject({ startedFor: [{ name: 'a' }], ports: { db: db.ports } });
    expect(serviceIn(await psJson(p, ['--name', 'a']), 'db')).toMatchObject({ status: 'ready', ports: db.ports });
  } finally {
    await client.close();
  }
  expect(serviceIn(await psJson(p, ['--name', 'a']), 'db')).toMatchObject({ restarts: 3, ports: db.ports });

  // stop: the stack's own service without asking; a shared one only with --yes, in its instance.
  const stopApi = await p.cli(['stop', 'api', '--name', 'a'], { timeoutMs: 60_000 });
  expect(stopApi.code, stopApi.stderr).toBe(0);
  expect(stopApi.stdout).toBe(`api stopped on :${apiA.ports.PORT} (pid -)\n`);
  expect(serviceIn(await psJson(p, ['--name', 'a']), 'db')).toMatchObject({ status: 'ready', restarts: 3 });
  const stopRefused = await p.cli(['stop', 'db', '--name', 'a'], { timeoutMs: 60_000 });
  expect(stopRefused.code).toBe(1);
  expect(stopRefused.stderr).toContain('styxy stop db --yes');
  expect(stopRefused.stderr).not.toContain('stopping db');
  const stopDb = await p.cli(['stop', 'db', '--yes', '--name', 'a'], { timeoutMs: 60_000 });
  expect(stopDb.code, stopDb.stderr).toBe(0);
  expect(stopDb.stderr).toContain('db is shared: stopped in its instance test/shared-db (also for test/b)');
  expect(serviceIn(await psJson(p, ['--name', 'b']), 'db').status).toBe('stopped');
  // start of a stopped shared service needs no --yes (as in the UI).
  const started = await p.cli(['start', 'db', '--name', 'a'], { timeoutMs: 120_000 });
  expect(started.code, started.stderr).toBe(0);
  expect(started.stderr).toContain('db is shared: started in its instance test/shared-db (also for test/b)');
  expect(serviceIn(await psJson(p, ['--name', 'b']), 'db')).toMatchObject({ status: 'ready', ports: db.ports });
  const startApi = await p.cli(['start', 'api', '--name', 'a'], { timeoutMs: 120_000 });
  expect(startApi.code, startApi.stderr).toBe(0);
  expect(serviceIn(await psJson(p, ['--name', 'a']), 'api')).toMatchObject({ status: 'ready', ports: apiA.ports });
});
