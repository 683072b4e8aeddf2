/**
 * `styxy init`'s conversions (src/config/init/): Procfiles, process-compose files and package.json
 * scripts of the shapes those tools document, into configs that `styxy config` accepts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../../src/config/init/draft.js';
import { devServerOf, fromPackageScripts, packageManagerOf } from '../../../src/config/init/package-scripts.js';
import { linkPeerPorts } from '../../../src/config/init/peer-ports.js';
import { guessPortType, portVariables } from '../../../src/config/init/port-guess.js';
import { fromProcessCompose } from '../../../src/config/init/process-compose.js';
import { fromProcfile, parseProcfile } from '../../../src/config/init/procfile.js';
import { renderDraft } from '../../../src/config/init/render.js';
import { serviceNamer } from '../../../src/config/init/service-names.js';
import { nodeFiles } from '../../../src/config/load.js';
import { loadConfigFile } from '../../../src/config/load-file.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { DEFAULT_TYPES } from '../../../src/protocol/service-types.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Writes the draft as styxy.config.ts, loads it as `styxy config` does, and returns what it loaded. */
async function loadRendered(draft: Draft, subfolders: readonly string[] = []): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'styxy-init-'));
  folders.push(root);
  for (const folder of subfolders) mkdirSync(join(root, folder), { recursive: true });
  const file = join(root, 'styxy.config.ts');
  writeFileSync(file, renderDraft(draft));
  const raw = await loadConfigFile(file, { cwd: root, cacheDir: false });
  const result = resolveConfig(raw, file, { root, types: [...DEFAULT_TYPES], files: nodeFiles });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return raw as Record<string, unknown>;
}

const servicesOf = (draft: Draft) => Object.fromEntries(draft.services.map((s) => [s.name, s.config]));

describe('Procfile', () => {
  it.each([
    ['one process', 'web: bundle exec puma -p $PORT\n', [['web', 'bundle exec puma -p $PORT']]],
    [
      'comments, blank lines and indented text are not processes',
      '# processes\n\nweb: node web.js\n  # indented comment\n   not: a process\nworker: node worker.js # trailing note\n',
      [
        ['web', 'node web.js'],
        ['worker', 'node worker.js # trailing note'],
      ],
    ],
    [
      'CRLF line ends',
      'web: node web.js\r\nworker: node w.js\r\n',
      [
        ['web', 'node web.js'],
        ['worker', 'node w.js'],
      ],
    ],
    [
      'a colon in the command',
      'web: node -e "console.log(1)" --url http://localhost:3000\n',
      [['web', 'node -e "console.log(1)" --url http://localhost:3000']],
    ],
    [
      'no space after the colon, tabs',
      'web:node web.js\nclock:\tnode clock.js\n',
      [
        ['web', 'node web.js'],
        ['clock', 'node clock.js'],
      ],
    ],
    [
      'names tools allow: digits, dashes, underscores',
      '1web: a\nweb-app: b\nweb_2: c\n',
      [
        ['1web', 'a'],
        ['web-app', 'b'],
        ['web_2', 'c'],
      ],
    ],
    ['a name with a dot or a space is no process (as in foreman)', 'web.1: a\nmy app: b\n: c\nweb:\n', []],
  ])('%s', (_, text, expected) => {
    expect(parseProcfile(text).map((entry) => [entry.name, entry.command])).toEqual(expected);
  });

  it('gives $PORT a port of a type that fits, and names ports the command uses', () => {
    const draft = fromProcfile(
      [
        'web: bundle exec rails server -p $PORT',
        'api: node api.js --port ${PORT} --inspect=0.0.0.0:$DEBUG_PORT',
        'db: postgres -p $PORT',
        'worker: bundle exec sidekiq',
      ].join('\n'),
    );
    expect(servicesOf(draft)).toEqual({
      web: { command: 'bundle exec rails server -p $PORT', ports: { PORT: 'dev' } },
      api: {
        command: 'node api.js --port ${PORT} --inspect=0.0.0.0:$DEBUG_PORT',
        ports: { PORT: 'api', DEBUG_PORT: 'test' },
      },
      db: { command: 'postgres -p $PORT', ports: { PORT: 'database' } },
      worker: { command: 'bundle exec sidekiq' },
    });
    expect(draft.services[0]!.comments).toEqual(['Procfile line 1: web: bundle exec rails server -p $PORT']);
  });

  it('the web process gets a PORT even when its command reads it from the environment; others do not', () => {
    const draft = fromProcfile('web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq\n');
    expect(servicesOf(draft)).toEqual({
      web: { command: 'bundle exec puma -C config/puma.rb', ports: { PORT: 'dev' } },
      worker: { command: 'bundle exec sidekiq' },
    });
  });

  it("a peer's port variable becomes a reference to its leased port", () => {
    const draft = fromProcfile(
      'api: node api.js -p $PORT\nweb: API_URL=http://localhost:$API_PORT vite --port $PORT\n',
    );
    expect(servicesOf(draft).web).toEqual({
      command: 'API_URL=http://localhost:${api.PORT} vite --port $PORT',
      ports: { PORT: 'dev' },
    });
  });

  it('renames names Styxy does not take, and says why', () => {
    const draft = fromProcfile('123: a\nweb_app: b\nweb-app: c\n');
    expect(draft.services.map((s) => s.name)).toEqual(['service-123', 'web_app', 'web-app-2']);
    expect(draft.services[0]!.comments).toContain(
      'renamed from "123": a service name is letters, digits, - and _, not only digits',
    );
    expect(draft.services[2]!.comments).toContain(
      'renamed from "web-app": "web_app" has the same environment names (STYXY_WEB_APP_…)',
    );
  });

  it('writes a config that loads and passes `styxy config`', async () => {
    const text = [
      '# Procfile.dev of a Rails app',
      'web: bin/rails server -p $PORT',
      'css: bin/rails tailwindcss:watch',
      "js: yarn build --watch # it's a watcher",
      '',
      'worker: API=http://localhost:$WEB_PORT bundle exec sidekiq',
      '2fa: echo "odd name"',
    ].join('\n');
    const draft = fromProcfile(text, 'Procfile.dev');
    const loaded = await loadRendered(draft);
    expect(loaded.services).toEqual(servicesOf(draft));
    expect((loaded.services as Record<string, { command: string }>).worker!.command).toBe(
      'API=http://localhost:${web.PORT} bundle exec sidekiq',
    );
  });
});

describe('process-compose', () => {
  // The shapes of process-compose's docs: its README's quick start and the health, launcher and
  // availability pages.
  const documented = {
    version: '0.5',
    log_level: 'debug',
    log_location: '/tmp/pc.log',
    environment: ['GLOBAL_ENV_VAR=1'],
    shell: { shell_command: 'bash', shell_argument: '-c' },
    processes: {
      db: {
        command: 'postgres -D .data -p $PGPORT',
        environment: ['PGPORT=5432'],
        readiness_probe: { exec: { command: 'pg_isready -p $PGPORT' }, initial_delay_seconds: 2, period_seconds: 1 },
        shutdown: { signal: 2, timeout_seconds: 10 },
      },
      migrate: { command: 'npm run migrate', depends_on: { db: { condition: 'process_healthy' } } },
      api: {
        description: 'The API server',
        command: 'node api.js',
        working_dir: './api',
        environment: ['PORT=8080', 'LOG_LEVEL=info'],
        availability: { restart: 'on_failure', backoff_seconds: 2, max_restarts: 3 },
        depends_on: { migrate: { condition: 'process_completed_successfully' } },
        readiness_probe: {
          http_get: { host: '127.0.0.1', scheme: 'http', path: '/health', port: 8080 },
          period_seconds: 2,
          failure_threshold: 3,
        },
        liveness_probe: { exec: { command: 'curl -f localhost:8080/health' } },
        shutdown: { command: 'kill -TERM $(cat api.pid)', signal: 15 },
      },
      Web_UI: {
        command: 'vite --port $PORT',
        ready_log_line: 'ready in (1 s)',
        depends_on: { api: { condition: 'process_started' }, ghost: { condition: 'process_started' } },
        availability: { restart: 'always' },
        is_daemon: false,
        replicas: 2,
      },
      seed: {
        entrypoint: ['node', 'seed.js'],
        depends_on: { db: { condition: 'process_completed' } },
        availability: { restart: 'exit_on_failure' },
      },
      kcalc: { command: 'kcalc', disabled: true },
    },
  };

  it('maps command, cwd, environment, dependencies, probes, restarts and shutdown', () => {
    const draft = fromProcessCompose(documented);
    expect(servicesOf(draft)).toEqual({
      db: {
        command: 'postgres -D .data -p $PGPORT',
        ports: { PGPORT: { type: 'database', preferred: 5432 } },
        env: { GLOBAL_ENV_VAR: '1' },
        ready: { command: 'pg_isready -p $PGPORT', interval: 1000 },
        stopSignal: 'SIGINT',
        stopTimeout: 10_000,
      },
      migrate: { command: 'npm run migrate', env: { GLOBAL_ENV_VAR: '1' }, dependsOn: { db: 'ready' } },
      api: {
        command: 'node api.js',
        cwd: './api',
        ports: { PORT: { type: 'api', preferred: 8080 } },
        env: { GLOBAL_ENV_VAR: '1', LOG_LEVEL: 'info' },
        dependsOn: { migrate: 'completed' },
        ready: { http: '/health', interval: 2000 },
        restart: { policy: 'on-failure', maxRestarts: 3, backoff: 2000 },
        stopSignal: 'SIGTERM',
      },
      Web_UI: {
        command: 'vite --port $PORT',
        ports: { PORT: 'dev' },
        env: { GLOBAL_ENV_VAR: '1' },
        dependsOn: { api: 'started' },
        ready: { log: 'ready in \\(1 s\\)' },
        restart: 'always',
      },
      seed: {
        command: ['node', 'seed.js'],
        env: { GLOBAL_ENV_VAR: '1' },
        dependsOn: { db: 'completed' },
        restart: 'no',
      },
    });
    expect(draft.skipped).toEqual([['kcalc', 'disabled: true in process-compose; `styxy up` starts every service']]);
  });

  it('says in comments what does not map', () => {
    const draft = fromProcessCompose(documented);
    const comments = Object.fromEntries(draft.services.map((s) => [s.name, s.comments.join('\n')]));
    expect(draft.header.join('\n')).toContain('process-compose ran the commands with bash');
    expect(draft.header.join('\n')).not.toMatch(/log_level|log_location/);
    expect(comments.db).toContain('PGPORT=5432 became a leased port that prefers 5432');
    expect(comments.db).toContain('initial_delay_seconds: 2 not mapped');
    expect(comments.api).toContain('The API server');
    expect(comments.api).toContain('liveness_probe not mapped');
    expect(comments.api).toContain('shutdown.command not mapped');
    expect(comments.api).toContain('failure_threshold: 3');
    expect(comments.Web_UI).toContain('replicas: 2 not mapped');
    expect(comments.Web_UI).toContain('depends_on ghost: no such process (or one left out)');
    expect(comments.Web_UI).not.toContain('is_daemon');
    expect(comments.seed).toContain("process_completed; Styxy's 'completed' needs exit 0");
    expect(comments.seed).toContain('exit_on_failure');
  });

  it('a dependency on a process that is left out is left out too (and said)', async () => {
    const draft = fromProcessCompose({
      processes: {
        gui: { command: 'kcalc', disabled: true },
        bad: { entrypoint: [1, 2] },
        app: { command: 'app', depends_on: { gui: { condition: 'process_started' }, bad: {} } },
      },
    });
    expect(draft.skipped.map(([name]) => name)).toEqual(['gui', 'bad']);
    expect(servicesOf(draft)).toEqual({ app: { command: 'app' } });
    expect(draft.services[0]!.comments.join('\n')).toContain('depends_on gui: no such process (or one left out)');
    await loadRendered(draft);
  });

  it('a probe on a port the config named checks that leased port', () => {
    const draft = fromProcessCompose({
      processes: {
        app: {
          command: 'app serve',
          environment: ['PORT=3000', 'ADMIN_PORT=3001'],
          readiness_probe: { http_get: { path: '/ready', port: '3001' } },
        },
      },
    });
    expect(servicesOf(draft).app).toMatchObject({
      ports: { PORT: { type: 'dev', preferred: 3000 }, ADMIN_PORT: { type: 'ui', preferred: 3001 } },
      ready: { http: '/ready', port: 'ADMIN_PORT' },
    });
  });

  it.each([
    ['no processes key', { version: '0.5' }, /has no processes/],
    ['an empty processes map', { processes: {} }, /has no processes/],
    ['processes without a command', { processes: { a: { working_dir: '/' } } }, /no process with a command/],
    ['not a map at all', ['a', 'b'], /has no processes/],
  ])('refuses %s', (_, document, message) => {
    expect(() => fromProcessCompose(document)).toThrow(message);
  });

  it('writes a config that loads and passes `styxy config`', async () => {
    const draft = fromProcessCompose(documented);
    const loaded = await loadRendered(draft, ['api']);
    expect(loaded.services).toEqual(servicesOf(draft));
  });
});

describe('package.json scripts', () => {
  it.each([
    ['vite', 'npm', 'npm run dev -- --port $PORT --strictPort', { type: 'dev', preferred: 5173 }],
    ['next dev --turbo', 'npm', 'npm run dev -- --port $PORT', { type: 'dev', preferred: 3000 }],
    ['astro dev', 'pnpm', 'pnpm run dev --port $PORT', { type: 'dev', preferred: 4321 }],
    ['react-scripts start', 'yarn', 'yarn run dev', { type: 'dev', preferred: 3000 }],
    [
      'NODE_ENV=development npx vite --host',
      'bun',
      'bun run dev --port $PORT --strictPort',
      { type: 'dev', preferred: 5173 },
    ],
    ['storybook dev', 'npm', 'npm run dev -- --port $PORT', { type: 'storybook', preferred: 6006 }],
  ])('dev: %s (%s) gets a port', (script, manager, command, port) => {
    const lock = { npm: [], pnpm: ['pnpm-lock.yaml'], yarn: ['yarn.lock'], bun: ['bun.lock'] }[manager]!;
    const draft = fromPackageScripts({ scripts: { dev: script, build: 'vite build' } }, ['package.json', ...lock]);
    expect(draft.services[0]!.config).toEqual({ command, ports: { PORT: port } });
  });

  it.each([['vite build'], ['tsc -w & vite'], ['concurrently "vite" "node api.js"'], ['node server.js']])(
    '%s is not one known dev server: no port',
    (script) => {
      expect(devServerOf(script)).toBeNull();
      const draft = fromPackageScripts({ scripts: { start: script } }, []);
      expect(draft.services[0]).toMatchObject({ name: 'app', config: { command: 'npm run start' } });
    },
  );

  it('prefers dev over start, and mentions other likely services', () => {
    const draft = fromPackageScripts(
      { scripts: { start: 'node dist/server.js', dev: 'vite', 'dev:api': 'node api.js' } },
      [],
    );
    expect(draft.services).toHaveLength(1);
    expect(draft.services[0]!.name).toBe('web');
    expect(draft.services[0]!.comments.join('\n')).toContain('other scripts that may be services: start, dev:api');
  });

  it('refuses a package.json without a dev or start script', () => {
    expect(() => fromPackageScripts({ scripts: { build: 'tsc' } }, [])).toThrow(/no "dev" or "start" script/);
    expect(() => fromPackageScripts({}, [])).toThrow(/no "dev" or "start" script/);
  });

  it('knows the package manager by its lock file', () => {
    expect(packageManagerOf(['package-lock.json'])).toBe('npm');
    expect(packageManagerOf(['pnpm-lock.yaml', 'package-lock.json'])).toBe('pnpm');
    expect(packageManagerOf(['yarn.lock'])).toBe('yarn');
    expect(packageManagerOf(['bun.lockb'])).toBe('bun');
  });

  it('writes a config that loads and passes `styxy config`', async () => {
    const draft = fromPackageScripts({ name: 'shop', scripts: { dev: 'vite' } }, []);
    expect((await loadRendered(draft)).services).toEqual(servicesOf(draft));
  });
});

describe('helpers', () => {
  it.each([
    ['node a.js', []],
    ['vite --port $PORT', ['PORT']],
    ['x --debug ${DEBUG_PORT} --port ${PORT:-3000}', ['PORT', 'DEBUG_PORT']],
    ['$PORTAL $SUPPORT $API_PORT $PGPORT', ['API_PORT', 'PGPORT']],
    ['curl localhost:${api.PORT}', []],
  ])('portVariables(%j)', (command, expected) => {
    expect(portVariables(command)).toEqual(expected);
  });

  it.each([
    ['web', 'puma', 'dev'],
    ['api', 'node api.js', 'api'],
    ['worker', 'redis-server --port $PORT', 'infrastructure'],
    ['storybook', 'storybook dev', 'storybook'],
    ['thing', 'thing --serve', 'dev'],
  ])('guessPortType(%s, %s) = %s', (name, command, type) => {
    expect(guessPortType(name, command)).toBe(type);
  });

  it('links only to peers that have a port', () => {
    const commands = linkPeerPorts([
      { name: 'api', command: 'node api.js -p $PORT' },
      { name: 'worker', command: 'node w.js' },
      { name: 'web', command: 'web --api $API_PORT --worker ${WORKER_PORT} --self $WEB_PORT' },
    ]);
    expect(commands[2]).toBe('web --api ${api.PORT} --worker ${WORKER_PORT} --self $WEB_PORT');
  });

  it('names are valid and distinct', () => {
    const name = serviceNamer();
    expect(['web', 'web', 'web.1', '---', '42', 'Web'].map((wanted) => name(wanted).name)).toEqual([
      'web',
      'web-2',
      'web-1',
      'service',
      'service-42',
      'Web-3', // WEB and WEB_2 are taken
    ]);
  });
});
