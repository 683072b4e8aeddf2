import { describe, expect, it } from 'vitest';
import type { ResolvedService } from '../../../src/config/types.js';
import { binDirs, prependPath } from '../../../src/supervisor/bin-path.js';
import { buildLaunchSpec } from '../../../src/supervisor/launch-spec.js';
import { injectedEnv, serviceEnv, stackPortVariable } from '../../../src/supervisor/service-env.js';

const service = (over: Partial<ResolvedService> = {}): ResolvedService => ({
  name: 'api',
  command: { kind: 'shell', shell: 'serve --port ${api.PORT}' },
  cwd: '/work/shop/api',
  ports: { PORT: { type: 'api', preferred: null, fixed: null } },
  env: {},
  envFiles: [],
  dependsOn: {},
  restartsWith: [],
  ready: { kind: 'port', port: 'PORT', timeoutMs: 30_000, intervalMs: 250 },
  health: null,
  watch: null,
  restart: { policy: 'no', maxRestarts: 5, backoffMs: 500, maxBackoffMs: 10_000 },
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 5000,
  stdin: 'pipe',
  profiles: [],
  tty: false,
  stop: null,
  daemon: null,
  portFlag: null,
  ...over,
});

const context = {
  stackName: 'default',
  stackId: 'shop-default-123',
  stackSlug: 'shop_1a2b3c',
  project: 'shop',
  runToken: 'tok',
  ports: { api: { PORT: 8001, DEBUG_PORT: 9201 }, 'web-app': { PORT: 3000 } },
  inherited: { PATH: '/usr/bin:/bin', HOME: '/home/me', PORT: '1', STYXY_API_PORT: 'stale' },
  exists: (path: string) => ['/work/shop/node_modules/.bin', '/work/node_modules/.bin'].includes(path),
};

describe('service environment', () => {
  it('layers inherited < env (files merged in) < Styxy own', () => {
    const env = serviceEnv(
      service({ env: { HOME: '/elsewhere', URL: 'http://localhost:${web-app.PORT}', PORT: 'x' } }),
      context,
    );
    expect(env).toMatchObject({
      HOME: '/elsewhere',
      URL: 'http://localhost:3000',
      PORT: '8001',
      DEBUG_PORT: '9201',
      STYXY_API_PORT: '8001',
      STYXY_API_DEBUG_PORT: '9201',
      STYXY_WEB_APP_PORT: '3000',
      STYXY_STACK: 'default',
      STYXY_STACK_ID: 'shop-default-123',
      STYXY_STACK_SLUG: 'shop_1a2b3c',
      STYXY_SERVICE: 'api',
      STYXY_PROJECT: 'shop',
      STYXY_TAG: 'tok:api',
      PATH: '/work/shop/node_modules/.bin:/work/node_modules/.bin:/usr/bin:/bin',
    });
  });

  it('injects only what Styxy adds: env (filled in), ports, STYXY_* names; no tag, no PATH, nothing inherited', () => {
    const env = injectedEnv(service({ env: { URL: 'http://localhost:${web-app.PORT}' } }), context);
    expect(env).toEqual({
      URL: 'http://localhost:3000',
      PORT: '8001',
      DEBUG_PORT: '9201',
      STYXY_API_PORT: '8001',
      STYXY_API_DEBUG_PORT: '9201',
      STYXY_WEB_APP_PORT: '3000',
      STYXY_STACK: 'default',
      STYXY_STACK_ID: 'shop-default-123',
      STYXY_STACK_SLUG: 'shop_1a2b3c',
      STYXY_SERVICE: 'api',
      STYXY_PROJECT: 'shop',
    });
  });

  it('names stack port variables after the service, upper-cased, dashes to underscores', () => {
    expect(stackPortVariable('web-app', 'HTTP_PORT')).toBe('STYXY_WEB_APP_HTTP_PORT');
  });

  it('replicas: each copy its own variables, the first also as the service; their own PORT and name', () => {
    const ports = { 'worker#1': { PORT: 4001 }, 'worker#2': { PORT: 4002 } };
    const env = injectedEnv(service({ name: 'worker#2', env: { STYXY_REPLICA: '2', FIRST: '${worker.PORT}' } }), {
      ...context,
      ports,
    });
    expect(env).toMatchObject({
      PORT: '4002',
      FIRST: '4001',
      STYXY_REPLICA: '2',
      STYXY_SERVICE: 'worker#2',
      STYXY_WORKER_PORT: '4001',
      STYXY_WORKER_1_PORT: '4001',
      STYXY_WORKER_2_PORT: '4002',
    });
  });

  it('finds node_modules/.bin from the folder up to the root, nearest first', () => {
    const seen: string[] = [];
    const exists = (path: string) => {
      seen.push(path);
      return path === '/a/node_modules/.bin';
    };
    expect(binDirs('/a/b', exists)).toEqual(['/a/node_modules/.bin']);
    expect(seen).toEqual(['/a/b/node_modules/.bin', '/a/node_modules/.bin', '/node_modules/.bin']);
    expect(prependPath(['/x'], '/x:/y')).toBe('/x:/y');
    expect(prependPath(['/x'], undefined)).toBe('/x');
  });
});

describe('launch spec', () => {
  it('a tty service gets TERM=xterm-256color (the pty is no copy of our terminal) unless its env says', () => {
    const inherited = { ...context, inherited: { ...context.inherited, TERM: 'dumb' } };
    expect(buildLaunchSpec(service({ tty: true }), inherited)).toMatchObject({
      tty: true,
      env: { TERM: 'xterm-256color' },
    });
    expect(buildLaunchSpec(service({ tty: true, env: { TERM: 'vt100' } }), inherited).env.TERM).toBe('vt100');
    expect(buildLaunchSpec(service(), inherited)).toMatchObject({ tty: false, stdin: 'pipe', env: { TERM: 'dumb' } });
  });

  it.each([
    ['one simple command', 'vite --port 3000 > web.log', 'exec vite --port 3000 > web.log'],
    ['a list', 'cd web && vite', 'cd web && vite'],
    ['a pipeline', 'serve | tee log', 'serve | tee log'],
    ['a builtin', 'exit 3', 'exit 3'],
    ['a leading assignment', 'DEBUG=1 node x.js', 'DEBUG=1 node x.js'],
    ['a background job', 'serve &', 'serve &'],
  ])('a shell string of %s: sh execs it only when it is one simple command', (_, shell, script) => {
    expect(buildLaunchSpec(service({ command: { kind: 'shell', shell } }), context).args).toEqual(['-c', script]);
  });

  it('runs a shell string with sh -c and an argv directly, references filled in', () => {
    expect(buildLaunchSpec(service(), context)).toMatchObject({
      file: 'sh',
      args: ['-c', 'exec serve --port 8001'],
      display: 'serve --port 8001',
    });
    const argv = buildLaunchSpec(
      service({ command: { kind: 'argv', argv: ['node', 'x.js', '--port=${api.PORT}'] } }),
      context,
    );
    expect(argv).toMatchObject({ file: 'node', args: ['x.js', '--port=8001'], display: 'node x.js --port=8001' });
  });

  it.each([
    [
      { kind: 'port', port: 'DEBUG_PORT', timeoutMs: 1, intervalMs: 2 },
      { kind: 'tcp', port: 9201, timeoutMs: 1, intervalMs: 2 },
    ],
    [
      { kind: 'http', path: 'health?p=${api.PORT}', port: 'PORT', timeoutMs: 1, intervalMs: 2 },
      { kind: 'http', port: 8001, path: '/health?p=8001' },
    ],
    [
      { kind: 'log', pattern: 'on ${api.PORT}', flags: 'gi', timeoutMs: 1, intervalMs: 2 },
      { kind: 'log', pattern: /on 8001/i },
    ],
    [
      { kind: 'command', command: 'curl -f localhost:${api.PORT}', timeoutMs: 1, intervalMs: 2 },
      { kind: 'command', command: 'curl -f localhost:8001' },
    ],
    [{ kind: 'started' }, { kind: 'none' }],
  ] as const)('probe %j → %j', (ready, probe) => {
    expect(buildLaunchSpec(service({ ready }), context).probe).toMatchObject(probe);
  });

  it.each([
    [{ command: { kind: 'shell', shell: 'x ${db.PORT}' } }, 'service "api", command: ${db.PORT} names no leased port'],
    [{ env: { A: '${api.NOPE}' } }, 'service "api", env.A: ${api.NOPE} names no leased port'],
    [
      { ready: { kind: 'port', port: 'NOPE', timeoutMs: 1, intervalMs: 1 } },
      'ready.port: "NOPE" is not one of its ports (PORT, DEBUG_PORT)',
    ],
    [
      { ready: { kind: 'log', pattern: '(', flags: '', timeoutMs: 1, intervalMs: 1 } },
      'service "api", ready.log: Invalid regular expression',
    ],
  ] as const)('bad input %j is a config error naming the field', (over, message) => {
    expect(() => buildLaunchSpec(service(over as Partial<ResolvedService>), context)).toThrow(
      expect.objectContaining({ code: 'STYXY_CONFIG_INVALID', message: expect.stringContaining(message) }),
    );
  });
});
