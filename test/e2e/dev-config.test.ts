/**
 * Issue 16's config features through the built CLI, as a user meets them: profiles (`off`
 * services, `up --profile`, `STYXY_PROFILES`, `styxy start`), a local override
 * (`styxy.config.local.mjs`) that changes a running service's env, and `replicas: 3` giving
 * three copies with distinct ports.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { fixture, NODE } from '../helpers/stack.js';

let bg: BackgroundHome;

beforeEach(() => {
  bg = makeBackgroundHome({ sizes: { api: 4 } });
});
afterEach(async () => {
  await bg.cleanup();
});

/** The environment of the service answering on `port` (the fixture's GET /env). */
async function envOf(port: number): Promise<Record<string, string>> {
  const response = await fetch(`http://127.0.0.1:${port}/env`);
  return (await response.json()) as Record<string, string>;
}

const server = [NODE, fixture('http-server.mjs')];

describe('profiles', () => {
  const profiled = () =>
    bg.project('shop', {
      services: {
        api: { command: server, ports: { PORT: 'api' } },
        mock: { command: server, ports: { PORT: 'api' }, profiles: ['debug'] },
        inspector: { command: server, ports: { PORT: 'test' }, profiles: ['debug'], dependsOn: ['mock'] },
      },
    });

  it('without the profile its services are off (no ports); styxy start starts one with what it needs', async () => {
    const root = profiled();
    const dry = JSON.parse((await bg.cli(root, ['up', '--dry-run', '--json'])).stdout);
    expect(dry.services.map((service: { name: string; status: string }) => [service.name, service.status])).toEqual([
      ['api', 'pending'],
      ['mock', 'off'],
      ['inspector', 'off'],
    ]);
    expect(dry.services[1].ports).toEqual({});
    const dryDebug = JSON.parse((await bg.cli(root, ['up', '--dry-run', '--json', '--profile', 'debug'])).stdout);
    expect(dryDebug.services.map((service: { status: string }) => service.status)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);

    const up = await bg.upDetached(root);
    expect(up.services.map((service) => [service.name, service.status, service.ports])).toEqual([
      ['api', 'ready', { PORT: expect.any(Number) }],
      ['mock', 'off', {}],
      ['inspector', 'off', {}],
    ]);
    const ps = await bg.cli(root, ['ps']);
    expect(ps.stdout).toMatch(/^mock +off +- /m);
    const leases = JSON.parse((await bg.cli(root, ['ls', '--json'])).stdout).leases;
    expect(leases.map((lease: { service: string }) => lease.service)).toEqual(['api']);

    const started = await bg.cli(root, ['start', 'inspector', '--json']);
    expect(started.code).toBe(0);
    const after = JSON.parse(started.stdout) as typeof up;
    const byName = Object.fromEntries(after.services.map((service) => [service.name, service]));
    expect([byName.mock!.status, byName.inspector!.status]).toEqual(['ready', 'ready']);
    expect(new Set([byName.api!.ports.PORT, byName.mock!.ports.PORT]).size).toBe(2);
    expect((await envOf(byName.inspector!.ports.PORT!)).STYXY_SERVICE).toBe('inspector');
  });

  it('up --profile debug (or STYXY_PROFILES=debug) starts them; an unknown profile is refused', async () => {
    const root = profiled();
    const up = await bg.upDetached(root, ['--profile', 'debug']);
    expect(up.services.map((service) => service.status)).toEqual(['ready', 'ready', 'ready']);
    await bg.cli(root, ['down']);
    const byEnv = await bg.cli(root, ['up', '-d', '--json'], { env: { ...bg.home.env, STYXY_PROFILES: 'debug' } });
    expect(byEnv.code).toBe(0);
    expect(JSON.parse(byEnv.stdout).services.map((service: { status: string }) => service.status)).toEqual([
      'ready',
      'ready',
      'ready',
    ]);
    await bg.cli(root, ['down']);
    const typo = await bg.cli(root, ['up', '-d', '--profile', 'dbug']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/has the profile "dbug"; did you mean "debug"\?\nhint: profiles: debug\n/);
  });
});

describe('local overrides', () => {
  it("a styxy.config.local.mjs changes a service's env, and styxy config says so", async () => {
    const root = bg.project('shop', {
      services: { api: { command: server, ports: { PORT: 'api' }, env: { LOG_LEVEL: 'info', SENTRY: 'on' } } },
    });
    writeFileSync(
      join(root, 'styxy.config.local.mjs'),
      "export default { services: { api: { env: { LOG_LEVEL: 'debug', SENTRY: null } } } };\n",
    );
    const config = await bg.cli(root, ['config']);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain('merged from .styxyrc.json, styxy.config.local.mjs\n');
    expect(config.stdout).toContain(
      '  from      .styxyrc.json, styxy.config.local.mjs (env.LOG_LEVEL; removed env.SENTRY)\n',
    );

    const up = await bg.upDetached(root);
    const env = await envOf(up.services[0]!.ports.PORT!);
    expect(env.LOG_LEVEL).toBe('debug');
    expect(env.SENTRY).toBeUndefined();
  });
});

describe('replicas', () => {
  it('replicas: 3 gives three copies with distinct ports, each its STYXY_REPLICA; ${worker.PORT} is the first', async () => {
    const root = bg.project('shop', {
      services: {
        worker: { command: server, ports: { PORT: 'api' }, replicas: 3 },
        web: {
          command: server,
          ports: { PORT: 'dev' },
          env: { FIRST: '${worker.PORT}', SECOND: '${worker#2.PORT}' },
          dependsOn: ['worker'],
        },
      },
    });
    const up = await bg.upDetached(root);
    expect(up.services.map((service) => [service.name, service.status])).toEqual([
      ['worker#1', 'ready'],
      ['worker#2', 'ready'],
      ['worker#3', 'ready'],
      ['web', 'ready'],
    ]);
    const ports = up.services.slice(0, 3).map((service) => service.ports.PORT!);
    expect(new Set(ports).size).toBe(3);
    for (const [index, port] of ports.entries()) {
      const env = await envOf(port);
      expect(env).toMatchObject({ STYXY_REPLICA: String(index + 1), STYXY_SERVICE: `worker#${index + 1}` });
      expect(env.PORT).toBe(String(port));
    }
    const web = await envOf(up.services[3]!.ports.PORT!);
    expect(web).toMatchObject({
      FIRST: String(ports[0]),
      SECOND: String(ports[1]),
      STYXY_WORKER_3_PORT: String(ports[2]),
    });

    expect((await bg.cli(root, ['port', 'worker'])).stdout).toBe(`${ports[0]}\n`);
    expect((await bg.cli(root, ['port', 'worker#3'])).stdout).toBe(`${ports[2]}\n`);
    const ps = await bg.cli(root, ['ps']);
    expect(ps.stdout).toMatch(/^worker#2 +ready +\d+/m);
    const logs = await bg.cli(root, ['logs', 'worker#2', '-n', '50']);
    expect(logs.stdout).toContain(`listening on ${ports[1]}`);
  });
});
