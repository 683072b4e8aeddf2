/** The pure parts of `ps`, `port` and `env`: documents, tables, ports by service, injected env, errors. */
import { describe, expect, it } from 'vitest';
import { stackNotFound } from '../../../src/cli/stack/current-stack.js';
import { psDocument } from '../../../src/cli/stack/ps-document.js';
import { formatPorts, formatPs } from '../../../src/cli/stack/ps-table.js';
import { formatEnv, stackEnv } from '../../../src/cli/stack/stack-env.js';
import { stackNameOption } from '../../../src/cli/stack/stack-name.js';
import { stackPorts } from '../../../src/cli/stack/stack-ports.js';
import type { Lease, StackInfo } from '../../../src/protocol/coordinator-protocol.js';
import type { ServiceSnapshot } from '../../../src/protocol/stack.js';
import { stackSlug } from '../../../src/protocol/stack-id.js';
import { serviceSnapshot } from '../../helpers/memory-view.js';
import { resolveOk } from '../config/fixtures.js';

const NOW = 1_700_000_100_000;

const service = (over: Partial<ServiceSnapshot> & { name: string }): ServiceSnapshot =>
  serviceSnapshot({ status: 'ready', ...over });

const lease = (service: string, portName: string, port: number): Lease => ({
  port,
  type: 'api',
  service,
  portName,
  stackId: 'shop-default-1',
  since: NOW,
});

const stack = (over: Partial<StackInfo> = {}): StackInfo => ({
  id: 'shop-default-1',
  name: 'default',
  project: 'shop',
  root: '/projects/shop',
  configFile: '/projects/shop/styxy.config.ts',
  pid: 4121,
  detached: false,
  controlSocket: null,
  since: NOW - 60_000,
  phase: 'running',
  services: [],
  leases: [],
  ...over,
});

describe('ps', () => {
  it('the --json document: the contract fields first, uptime from the start time, no run token', () => {
    const info = stack({
      services: [
        service({ name: 'api', ports: { PORT: 8001 }, pid: 10, startedAt: NOW - 5000, restarts: 2 }),
        service({ name: 'setup', status: 'completed', pid: null, startedAt: null }),
      ],
    });
    const document = psDocument(info, info.services, NOW);
    expect(document.stack).toEqual({
      id: 'shop-default-1',
      name: 'default',
      project: 'shop',
      pid: 4121,
      root: '/projects/shop',
      folder: '/projects/shop',
      detached: false,
      phase: 'running',
    });
    expect(Object.keys(document.services[0]!).slice(0, 5)).toEqual(['name', 'status', 'ports', 'pid', 'restarts']);
    expect(document.services.map((s) => s.uptimeMs)).toEqual([5000, null]);
    expect(JSON.stringify(document)).not.toContain('secret');
  });

  it.each([
    [{}, '-'],
    [{ PORT: 8001 }, '8001'],
    [{ PORT: 8001, ADMIN_PORT: 4001 }, '8001 ADMIN_PORT=4001'],
    [{ HTTP: 3000 }, 'HTTP=3000'],
  ])('ports %j read as %s', (ports, text) => {
    expect(formatPorts(ports)).toBe(text);
  });

  it('a table, with a NOTE column only when a service has something to say', () => {
    const info = stack({
      services: [
        service({ name: 'api', ports: { PORT: 8001 }, pid: 10, startedAt: NOW - 125_000 }),
        service({ name: 'worker', status: 'exited', detail: 'restarting in 2.0 s', restarts: 1 }),
      ],
    });
    expect(formatPs(psDocument(info, info.services, NOW), NOW)).toBe(
      [
        'shop/default  running  pid 4121  /projects/shop',
        'SERVICE  STATUS  PORTS  PID  UPTIME  RESTARTS  NOTE',
        'api      ready   8001   10   2m      0',
        'worker   exited  -      -    -       1         restarting in 2.0 s',
        '',
      ].join('\n'),
    );
    const quiet = stack({ services: [service({ name: 'api' })] });
    expect(formatPs(psDocument(quiet, quiet.services, NOW), NOW)).not.toContain('NOTE');
    const early = stack({ detached: true });
    expect(formatPs(psDocument(early, [], NOW), NOW)).toBe(
      'shop/default  running  pid 4121 (background)  /projects/shop\n(no services reported yet)\n',
    );
  });
});

describe('ports of a running stack', () => {
  it('from the pushed state in config order, leases filling in what was not pushed yet', () => {
    const info = stack({
      services: [service({ name: 'api', ports: { PORT: 8001, ADMIN_PORT: 4001 } })],
      leases: [lease('api', 'ADMIN_PORT', 4001), lease('api', 'PORT', 8001), lease('web', 'PORT', 3000)],
    });
    const ports = stackPorts(info);
    expect(ports).toEqual({ api: { PORT: 8001, ADMIN_PORT: 4001 }, web: { PORT: 3000 } });
    expect(Object.keys(ports.api!)).toEqual(['PORT', 'ADMIN_PORT']);
  });
});

describe('env of a running stack', () => {
  const config = resolveOk({
    name: 'shop',
    services: {
      api: { command: 'api', ports: { PORT: 'api' }, env: { SELF: 'http://localhost:${api.PORT}' } },
      web: { command: 'web', ports: { PORT: 'dev' }, env: { API: 'http://localhost:${api.PORT}' } },
      docs: { command: 'docs' },
    },
  });
  // `up web` ran: api and web, not docs.
  const info = stack({
    services: [service({ name: 'api', ports: { PORT: 8001 } }), service({ name: 'web', ports: { PORT: 3000 } })],
    leases: [lease('api', 'PORT', 8001), lease('web', 'PORT', 3000)],
  });

  it('what Styxy injects into each service the stack runs, references filled with its leased ports', () => {
    const envs = stackEnv(info, config);
    expect([...envs.keys()]).toEqual(['api', 'web']);
    expect(envs.get('web')).toEqual({
      API: 'http://localhost:8001',
      PORT: '3000',
      STYXY_API_PORT: '8001',
      STYXY_WEB_PORT: '3000',
      STYXY_STACK: 'default',
      STYXY_STACK_ID: 'shop-default-1',
      STYXY_STACK_SLUG: stackSlug(info.root, 'default', 'shop'),
      STYXY_SERVICE: 'web',
      STYXY_PROJECT: 'shop',
    });
    expect(formatEnv(envs, true)).toMatch(/^# api\nSELF=http:\/\/localhost:8001\n[\s\S]*\n\n# web\nAPI=/);
    expect(formatEnv(new Map([['web', { A: '1', B: 'x=y' }]]), false)).toBe('A=1\nB=x=y\n');
  });

  it('a service the stack does not run is an unknown service, naming the ones it does', () => {
    expect(() => stackEnv(info, config, 'docs')).toThrow(
      expect.objectContaining({
        code: 'STYXY_UNKNOWN_SERVICE',
        message: 'no service "docs" in stack shop/default',
        hint: 'its services: api, web',
      }),
    );
  });
});

describe('finding the stack', () => {
  it.each([
    ['default', [], 'no stack of /p is running', 'start it with `styxy up`'],
    ['review', [], 'no stack named "review" of /p is running', 'start it with `styxy up --name review`'],
    [
      'review',
      ['other', 'default', 'b'],
      'no stack named "review" of /p is running',
      'running here: the default one, --name b, --name other; or start it with `styxy up --name review`',
    ],
  ])('--name %s with %j running here', (name, others, message, hint) => {
    expect(stackNotFound('/p', name, others)).toMatchObject({ code: 'STYXY_STACK_NOT_FOUND', message, hint });
  });

  it.each([
    [undefined, 'default'],
    ['review-2', 'review-2'],
    ['a.b_c', 'a.b_c'],
  ])('--name %s is stack %s', (name, expected) => {
    expect(stackNameOption(name)).toBe(expected);
  });

  it.each(['', 'has space', '-dash', 'x'.repeat(65), '../up'])('--name %j is a usage error', (name) => {
    expect(() => stackNameOption(name)).toThrow(expect.objectContaining({ code: 'STYXY_USAGE', exitCode: 2 }));
  });
});
