import { describe, expect, it } from 'vitest';
import { ROOT, resolveOk, resolveService } from './fixtures.js';

const api = { command: 'node api.js', ports: { PORT: 'api' } };

describe('resolution rules', () => {
  it.each([
    ['a type name', 'api', { type: 'api', preferred: null, fixed: null }],
    ['{ type }', { type: 'dev' }, { type: 'dev', preferred: null, fixed: null }],
    ['{ type, preferred }', { type: 'dev', preferred: 5173 }, { type: 'dev', preferred: 5173, fixed: null }],
    ['{ type, port } = preferred', { type: 'dev', port: 5173 }, { type: 'dev', preferred: 5173, fixed: null }],
    ['{ port, fixed: true }', { port: 5432, fixed: true }, { type: null, preferred: null, fixed: 5432 }],
    ['{ fixed: N }', { fixed: 5432 }, { type: null, preferred: null, fixed: 5432 }],
    ['{ type, fixed: N }', { type: 'database', fixed: 5432 }, { type: 'database', preferred: null, fixed: 5432 }],
    [
      '{ type, port, fixed: false }',
      { type: 'dev', port: 3000, fixed: false },
      { type: 'dev', preferred: 3000, fixed: null },
    ],
    [
      'a preferred port outside the range',
      { type: 'dev', preferred: 5173 },
      { type: 'dev', preferred: 5173, fixed: null },
    ],
  ])('port request: %s', (_, spec, expected) => {
    expect(resolveService({ command: 'x', ports: { PORT: spec } }).ports).toEqual({ PORT: expected });
  });

  it('keeps ports in written order', () => {
    const ports = resolveService({ command: 'x', ports: { HTTP: 'api', DEBUG: 'test', ADMIN: 'ui' } }).ports;
    expect(Object.keys(ports)).toEqual(['HTTP', 'DEBUG', 'ADMIN']);
  });

  it.each([
    ['a string runs in a shell', 'vite --port $PORT', { kind: 'shell', shell: 'vite --port $PORT' }],
    ['a list runs directly', ['node', 'server.js'], { kind: 'argv', argv: ['node', 'server.js'] }],
  ])('command: %s', (_, command, expected) => {
    expect(resolveService({ command }).command).toEqual(expected);
  });

  it.each([
    ['defaults to the root', undefined, ROOT],
    ['is relative to the root', 'apps/web', `${ROOT}/apps/web`],
    ['may be absolute', '/srv/web', '/srv/web'],
  ])('cwd %s', (_, cwd, expected) => {
    const dirs = [`${ROOT}/apps/web`, '/srv/web'];
    expect(resolveService({ command: 'x', cwd }, { dirs }).cwd).toBe(expected);
  });

  it('env: values become strings; env files load first, in order, and env wins', () => {
    const files = {
      [`${ROOT}/.env`]: 'A=from-env\nB=from-env\n# comment\nQUOTED="a b"\n',
      [`${ROOT}/.env.local`]: 'B=from-local\nC=from-local\n',
    };
    const service = resolveService(
      { command: 'x', envFile: ['.env', '.env.local'], env: { C: 'from-config', N: 3, T: true, F: false } },
      { files },
    );
    expect(service.env).toEqual({
      A: 'from-env',
      B: 'from-local',
      QUOTED: 'a b',
      C: 'from-config',
      N: '3',
      T: 'true',
      F: 'false',
    });
    expect(service.envFiles).toEqual([`${ROOT}/.env`, `${ROOT}/.env.local`]);
  });

  it('env: a single env file as a string; a port variable set there is dropped (the leased port wins)', () => {
    const files = { [`${ROOT}/.env`]: 'PORT=3000\nHTTP=1\nKEEP=1\n' };
    const service = resolveService({ command: 'x', ports: { HTTP: 'api' }, envFile: '.env' }, { files });
    expect(service.env).toEqual({ KEEP: '1' });
  });

  it('env: templates stay for the supervisor to fill in', () => {
    const config = resolveOk({
      services: { api, web: { command: 'x', env: { API_URL: 'http://localhost:${api.PORT}' } } },
    });
    expect(config.services[1]!.env.API_URL).toBe('http://localhost:${api.PORT}');
  });

  it.each([
    [
      'a first port: TCP on it',
      { ports: { HTTP: 'api', DEBUG: 'test' } },
      { kind: 'port', port: 'HTTP', timeoutMs: 30000, intervalMs: 250 },
    ],
    ['no port: started', {}, { kind: 'started' }],
    ['ready: false means started', { ports: { PORT: 'api' }, ready: false }, { kind: 'started' }],
    [
      'http probes the first port',
      { ports: { HTTP: 'api', ADMIN: 'ui' }, ready: { http: '/health' } },
      { kind: 'http', path: '/health', port: 'HTTP', timeoutMs: 30000, intervalMs: 250 },
    ],
    [
      'http on a named port',
      { ports: { HTTP: 'api', ADMIN: 'ui' }, ready: { http: '/up', port: 'ADMIN', timeout: 5000 } },
      { kind: 'http', path: '/up', port: 'ADMIN', timeoutMs: 5000, intervalMs: 250 },
    ],
    [
      'port by name',
      { ports: { HTTP: 'api', ADMIN: 'ui' }, ready: { port: 'ADMIN', interval: 100 } },
      { kind: 'port', port: 'ADMIN', timeoutMs: 30000, intervalMs: 100 },
    ],
    [
      'a log string',
      { ready: { log: 'listening on \\d+' } },
      { kind: 'log', pattern: 'listening on \\d+', flags: '', timeoutMs: 30000, intervalMs: 250 },
    ],
    [
      'a RegExp keeps its flags',
      { ready: { log: /ready/imu } },
      { kind: 'log', pattern: 'ready', flags: 'imu', timeoutMs: 30000, intervalMs: 250 },
    ],
    [
      'a RegExp loses g and y (stateful)',
      { ready: { log: /ready/giy } },
      { kind: 'log', pattern: 'ready', flags: 'i', timeoutMs: 30000, intervalMs: 250 },
    ],
    [
      'a command',
      { ready: { command: 'pg_isready' } },
      { kind: 'command', command: 'pg_isready', timeoutMs: 30000, intervalMs: 250 },
    ],
    [
      'timing alone keeps the default check',
      { ports: { PORT: 'api' }, ready: { timeout: 60000 } },
      { kind: 'port', port: 'PORT', timeoutMs: 60000, intervalMs: 250 },
    ],
  ])('ready: %s', (_, service, expected) => {
    expect(resolveService({ command: 'x', ...service }).ready).toEqual(expected);
  });

  it.each([
    ['none by default', {}, null],
    [
      'an HTTP check on the first port, with the defaults',
      { ports: { HTTP: 'api', ADMIN: 'ui' }, health: { http: '/health' } },
      { kind: 'http', path: '/health', port: 'HTTP', intervalMs: 10000, timeoutMs: 5000, failures: 3 },
    ],
    [
      'an HTTP check on a named port',
      { ports: { HTTP: 'api', ADMIN: 'ui' }, health: { http: '/up', port: 'ADMIN', interval: 2000, failures: 1 } },
      { kind: 'http', path: '/up', port: 'ADMIN', intervalMs: 2000, timeoutMs: 2000, failures: 1 },
    ],
    [
      'a TCP check',
      { ports: { PORT: 'api' }, health: { port: 'PORT', timeout: 100 } },
      { kind: 'port', port: 'PORT', intervalMs: 10000, timeoutMs: 100, failures: 3 },
    ],
    [
      'a command',
      { health: { command: 'pg_isready', interval: 500 } },
      { kind: 'command', command: 'pg_isready', intervalMs: 500, timeoutMs: 500, failures: 3 },
    ],
  ])('health: %s', (_, service, expected) => {
    expect(resolveService({ command: 'x', ...service }).health).toEqual(expected);
  });

  it.each([
    ['none by default', undefined, null],
    [
      'a list: "!" patterns ignore',
      ['src/**/*.ts', '!**/*.test.ts'],
      { paths: ['src/**/*.ts'], ignore: ['**/*.test.ts'], debounceMs: 300 },
    ],
    [
      'options',
      { paths: ['src'], ignore: ['**/*.snap'], debounce: 50 },
      { paths: ['src'], ignore: ['**/*.snap'], debounceMs: 50 },
    ],
    ['options with the defaults', { paths: ['lib'] }, { paths: ['lib'], ignore: [], debounceMs: 300 }],
  ])('watch: %s', (_, watch, expected) => {
    expect(resolveService({ command: 'x', ...(watch === undefined ? {} : { watch }) }).watch).toEqual(expected);
  });

  it.each([
    ['default', undefined, { policy: 'no', maxRestarts: 5, backoffMs: 500, maxBackoffMs: 10000 }],
    ['a policy', 'on-failure', { policy: 'on-failure', maxRestarts: 5, backoffMs: 500, maxBackoffMs: 10000 }],
    [
      'options',
      { policy: 'always', maxRestarts: 2, backoff: 100, maxBackoff: 800 },
      { policy: 'always', maxRestarts: 2, backoffMs: 100, maxBackoffMs: 800 },
    ],
    [
      'a backoff above the default maximum',
      { policy: 'always', backoff: 20000 },
      { policy: 'always', maxRestarts: 5, backoffMs: 20000, maxBackoffMs: 20000 },
    ],
  ])('restart: %s', (_, restart, expected) => {
    expect(resolveService({ command: 'x', restart }).restart).toEqual(expected);
  });

  it('stop: SIGTERM and 5000 ms by default; a signal name and a timeout otherwise', () => {
    expect(resolveService({ command: 'x' })).toMatchObject({ stopSignal: 'SIGTERM', stopTimeoutMs: 5000 });
    expect(resolveService({ command: 'x', stopSignal: 'SIGINT', stopTimeout: 0 })).toMatchObject({
      stopSignal: 'SIGINT',
      stopTimeoutMs: 0,
    });
  });

  it("stdin: an open pipe by default; 'null' for EOF at once", () => {
    expect(resolveService({ command: 'x' }).stdin).toBe('pipe');
    expect(resolveService({ command: 'x', stdin: 'null' }).stdin).toBe('null');
    expect(resolveService({ command: 'x', stdin: 'pipe' }).stdin).toBe('pipe');
  });

  it('tty: false by default', () => {
    expect(resolveService({ command: 'x' }).tty).toBe(false);
    expect(resolveService({ command: 'x', tty: true })).toMatchObject({ tty: true, stdin: 'pipe' });
  });

  it('stop and daemon: none by default; a string is { command }; the pid file is under the service folder', () => {
    expect(resolveService({ command: 'x' })).toMatchObject({ stop: null, daemon: null });
    expect(resolveService({ command: 'x', stop: 'pg_ctl stop' }).stop).toEqual({
      command: { kind: 'shell', shell: 'pg_ctl stop' },
      timeoutMs: 10_000,
    });
    expect(resolveService({ command: 'x', stop: { command: ['docker', 'stop', 'db'], timeout: 3000 } }).stop).toEqual({
      command: { kind: 'argv', argv: ['docker', 'stop', 'db'] },
      timeoutMs: 3000,
    });
    expect(resolveService({ command: 'x', daemon: { pidFile: '.data/redis.pid' } }).daemon).toEqual({
      pidFile: `${ROOT}/.data/redis.pid`,
      timeoutMs: 10_000,
    });
  });

  it('dependsOn: a list waits for ready; a map keeps each condition', () => {
    const config = resolveOk({
      services: {
        db: { command: 'x' },
        migrate: { command: 'x', dependsOn: ['db'] },
        api: { command: 'x', dependsOn: { db: 'started', migrate: 'completed' } },
      },
    });
    expect(config.services.map((s) => [s.name, s.dependsOn])).toEqual([
      ['db', {}],
      ['migrate', { db: 'ready' }],
      ['api', { db: 'started', migrate: 'completed' }],
    ]);
  });

  it('dependsOn: { condition, restart } options; restart: true lists the dependency in restartsWith', () => {
    const config = resolveOk({
      services: {
        db: { command: 'x' },
        cache: { command: 'x' },
        api: {
          command: 'x',
          dependsOn: { db: { condition: 'started', restart: true }, cache: { restart: false } },
        },
        web: { command: 'x', dependsOn: { api: { restart: true } } },
      },
    });
    expect(config.services.map((s) => [s.name, s.dependsOn, s.restartsWith])).toEqual([
      ['db', {}, []],
      ['cache', {}, []],
      ['api', { db: 'started', cache: 'ready' }, ['db']],
      ['web', { api: 'ready' }, ['api']],
    ]);
  });

  it('name: defaults to the root folder name', () => {
    expect(resolveOk({ services: { api } }).name).toBe('shop');
    expect(resolveOk({ name: 'my shop', services: { api } }).name).toBe('my shop');
  });

  it('services: in start order, dependencies first, ties in written order', () => {
    const config = resolveOk({
      services: {
        web: { command: 'x', dependsOn: ['api'] },
        docs: { command: 'x' },
        api: { command: 'x', dependsOn: ['db', 'cache'] },
        cache: { command: 'x' },
        db: { command: 'x' },
      },
    });
    expect(config.services.map((s) => s.name)).toEqual(['docs', 'cache', 'db', 'api', 'web']);
  });

  it('records the file and root, and a service type added in $STYXY_HOME/config.json is known', () => {
    const config = resolveOk(
      { services: { rpc: { command: 'x', ports: { PORT: 'grpc' } } } },
      { extraTypes: { grpc: [50050, 50099] } },
    );
    expect(config).toMatchObject({ root: ROOT, file: `${ROOT}/styxy.config.ts` });
    expect(config.services[0]!.ports.PORT!.type).toBe('grpc');
  });

  it('the resolved config is JSON-safe, services with the documented keys first', () => {
    const config = resolveOk({ services: { api: { ...api, ready: { log: /x/i } } } });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(Object.keys(config.services[0]!).slice(0, 8)).toEqual([
      'name',
      'command',
      'cwd',
      'dependsOn',
      'ports',
      'env',
      'ready',
      'restart',
    ]);
  });
});
