/**
 * The dev loop through the built CLI (issue 16): a health check that starts failing after ready
 * marks the service unhealthy and restarts it on the same port; a dependency's restart restarts
 * the dependents that asked for it, after the dependency is ready again; a watched file's change
 * restarts its service within about a second on the same port, and `--no-watch` turns that off.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/types.js';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { makeUpProject, type PsJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
let project: UpProject | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
  await project?.cleanup();
  project = undefined;
});

type PsService = PsJson['services'][number];

async function psAll(root: string): Promise<Record<string, PsService>> {
  const result = await bg!.cli(root, ['ps', '--json']);
  if (result.code !== 0) throw new Error(`styxy ps failed (${result.code}): ${result.stderr}`);
  return Object.fromEntries((JSON.parse(result.stdout) as PsJson).services.map((s) => [s.name, s]));
}

async function ps(root: string): Promise<PsService> {
  return Object.values(await psAll(root))[0]!;
}

describe('health after ready', () => {
  it('failing checks after ready: unhealthy in ps --json, then restarted on the same port', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 2 }) });
    const root = bg.project('shop', {
      services: {
        api: {
          command: [NODE, fixture('http-server.mjs')],
          ports: { PORT: 'api' },
          env: { HEALTH_FILE: 'sick' },
          ready: { http: '/health' },
          health: { http: '/health', interval: 150, failures: 2 },
          // A backoff long enough for `ps` to see "unhealthy" between the stop and the restart.
          restart: { policy: 'on-failure', backoff: 3000 },
        },
      },
    });
    const up = await bg.upDetached(root);
    const before = up.services[0]!;
    expect(before.status).toBe('ready');
    await waitFor(async () => (await ps(root)).health?.status === 'healthy', { timeout: 15_000 });

    writeFileSync(join(root, 'sick'), '');
    const sick = await waitFor(
      async () => {
        const api = await ps(root);
        return api.status === 'unhealthy' ? api : null;
      },
      { timeout: 15_000, interval: 50, message: 'api unhealthy' },
    );
    expect(sick.health).toMatchObject({ status: 'unhealthy', failures: 2, lastFailure: 'answered 503' });
    rmSync(join(root, 'sick'));

    const after = await waitFor(
      async () => {
        const api = await ps(root);
        return api.status === 'ready' && api.restarts === 1 ? api : null;
      },
      { timeout: 30_000, message: 'api restarted and ready' },
    );
    expect(after.pid).not.toBe(before.pid);
    expect(after.ports).toEqual(before.ports);
    const logs = (await bg.cli(root, ['logs', 'api', '-n', '100'])).stdout;
    expect(logs).toContain('[styxy] unhealthy: 2 health checks in a row failed (answered 503)');
    expect(logs).toMatch(/\[styxy\] was unhealthy, restarting in 3\.0 s \(1\/5\)/);
  });
});

describe('dependents restarted', () => {
  it('restarting a dependency restarts the dependent with `restart: true`, once the dependency is ready again', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 4 }) });
    const server = [NODE, fixture('http-server.mjs')];
    const root = bg.project('shop', {
      services: {
        // Ready only after 300 ms, so a dependent started too early would be seen.
        db: { command: server, ports: { PORT: 'api' }, env: { DELAY_MS: '300' } },
        api: {
          command: server,
          ports: { PORT: 'api' },
          dependsOn: { db: { condition: 'ready', restart: true } },
        },
        docs: { command: server, ports: { PORT: 'api' }, dependsOn: ['db'] },
      },
    });
    const up = await bg.upDetached(root);
    const pids = Object.fromEntries(up.services.map((s) => [s.name, s.pid]));

    const restarted = await bg.cli(root, ['restart', 'db']);
    expect(restarted.code, restarted.stderr).toBe(0);
    const after = await waitFor(
      async () => {
        const services = await psAll(root);
        return services.api?.status === 'ready' && services.api.restarts === 1 ? services : null;
      },
      { timeout: 30_000, message: 'api restarted with db' },
    );
    expect(after.db!.pid).not.toBe(pids.db);
    expect(after.api!.pid).not.toBe(pids.api);
    expect(after.docs).toMatchObject({ pid: pids.docs, restarts: 0, status: 'ready' });
    const lines = (await bg.cli(root, ['logs', '-n', '200'])).stdout.split('\n');
    const dbReady = lines.findLastIndex((line) => /^db +\| \[styxy\] ready on/.test(line));
    const apiStarting = lines.findLastIndex((line) => /^api +\| \[styxy\] starting \(pid/.test(line));
    expect(lines.some((line) => /^api +\| \[styxy\] restarting \(db restarts\)$/.test(line))).toBe(true);
    expect(dbReady).toBeGreaterThan(-1);
    expect(apiStarting).toBeGreaterThan(dbReady);
  });
});

describe('watch', () => {
  const watched = (): { services: { api: ServiceConfig } } => ({
    services: {
      api: {
        command: [NODE, fixture('http-server.mjs')],
        ports: { PORT: 'api' },
        watch: ['src/**/*.ts', '!**/*.test.ts'],
      },
    },
  });
  const logsOf = async (root: string) => (await bg!.cli(root, ['logs', 'api', '-n', '200'])).stdout;

  it('a change of a watched file restarts the service within about a second, on the same port', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 2 }) });
    const root = bg.project('shop', watched());
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'app.ts'), 'one');
    writeFileSync(join(root, 'src', 'app.test.ts'), 'one');
    const before = (await bg.upDetached(root)).services[0]!;
    await waitFor(async () => (await logsOf(root)).includes('[styxy] watching src/**/*.ts for changes'), {
      message: 'the watcher to be ready',
    });

    // An ignored file and one that matches no pattern change nothing.
    writeFileSync(join(root, 'src', 'app.test.ts'), 'two');
    writeFileSync(join(root, 'notes.md'), 'two');
    const changedAt = Date.now();
    writeFileSync(join(root, 'src', 'app.ts'), 'two');
    const after = await waitFor(
      async () => {
        const api = await ps(root);
        return api.status === 'ready' && api.pid !== before.pid ? api : null;
      },
      { timeout: 15_000, interval: 20, message: 'api restarted' },
    );
    const tookMs = Date.now() - changedAt;
    // About 1 s on an idle machine (300 ms debounce + stop + start); generous under load.
    expect(tookMs).toBeLessThan(10_000);
    expect(after.ports).toEqual(before.ports);
    expect(after.restarts).toBe(1);
    expect(await logsOf(root)).toContain('[styxy] restarting: src/app.ts changed');
  });

  it('up -d with a changed `watch` restarts the service and watches the new files', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 2 }) });
    const root = bg.project('shop', watched());
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'lib'));
    await bg.upDetached(root);
    await waitFor(async () => (await logsOf(root)).includes('[styxy] watching src/**/*.ts for changes'));
    const config = watched();
    config.services.api.watch = ['lib/**'];
    bg.project('shop', config);
    const edited = await bg.upDetached(root);
    expect(edited).toMatchObject({ reused: true, changed: [{ service: 'api', action: 'restarted' }] });
    await waitFor(async () => (await logsOf(root)).includes('[styxy] watching lib/** for changes'), {
      message: 'the new watcher to be ready',
    });
    const before = await ps(root);
    writeFileSync(join(root, 'lib', 'util.js'), 'two');
    const after = await waitFor(
      async () => {
        const api = await ps(root);
        return api.status === 'ready' && api.pid !== before.pid ? api : null;
      },
      { timeout: 15_000, message: 'api restarted by lib/util.js' },
    );
    expect(after.restarts).toBe(before.restarts + 1);
    expect(await logsOf(root)).toContain('[styxy] restarting: lib/util.js changed');
  });

  it('plain output says why it restarts', async () => {
    project = makeUpProject(watched(), { sizes: onlyTypes({ api: 2 }) });
    mkdirSync(join(project.root, 'src'));
    const up = await project.upReady();
    await waitFor(() => up.stderr().includes('api watching src/**/*.ts for changes'), {
      message: 'the watcher to be ready',
    });
    writeFileSync(join(project.root, 'src', 'app.ts'), 'two');
    await waitFor(() => /^api restarting: src\/app\.ts changed$/m.test(up.stderr()), {
      timeout: 15_000,
      message: 'the line "api restarting: src/app.ts changed"',
    });
    await waitFor(() => (up.stderr().match(/^api ready on :\d+/gm) ?? []).length === 2, { timeout: 15_000 });
  });

  it('up --no-watch watches nothing', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 2 }) });
    const root = bg.project('shop', watched());
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'app.ts'), 'one');
    const before = (await bg.upDetached(root, ['--no-watch'])).services[0]!;
    writeFileSync(join(root, 'src', 'app.ts'), 'two');
    // Nothing may happen: look for two seconds (a restart takes well under one once watched).
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      expect(await ps(root)).toMatchObject({ pid: before.pid, restarts: 0 });
    }
    expect(await logsOf(root)).not.toContain('watching');
  });
});
