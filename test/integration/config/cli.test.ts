import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';
import { makeProject, type Project } from './project.js';

const bin = fileURLToPath(new URL('../../../dist/cli/bin.js', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let home: TestHome;
let projects: Project[];
let children: ChildProcess[];

beforeEach(() => {
  home = makeTestHome();
  projects = [];
  children = [];
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await waitFor(() => children.every((child) => child.exitCode !== null || child.signalCode !== null), {
    message: 'test children to exit',
  });
  for (const made of projects) made.remove();
  home.cleanup();
});

function project(files: Record<string, string>): Project {
  const made = makeProject(files);
  projects.push(made);
  return made;
}

/** Runs the built CLI; a last object argument adds environment variables. */
function styxy(cwd: string, ...args: (string | Record<string, string>)[]): Promise<Run> {
  const extra = typeof args.at(-1) === 'object' ? (args.pop() as Record<string, string>) : {};
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...(args as string[])],
      { cwd, env: { ...home.env, ...extra } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const shop = `import { defineConfig } from 'styxy';
export default defineConfig({
  name: 'shop',
  services: {
    web: { command: 'vite --port $PORT', ports: { PORT: { type: 'dev', preferred: 5173 } }, env: { API: 'http://localhost:\${api.PORT}' }, dependsOn: { api: 'ready' } },
    api: { command: ['node', 'api.js'], cwd: 'api', ports: { PORT: 'api', DEBUG_PORT: { type: 'test' } }, ready: { http: '/health' }, restart: 'on-failure', dependsOn: ['db'] },
    db: { command: 'postgres -p $PORT', ports: { PORT: { fixed: 5432 } } },
  },
});
`;

describe('styxy config', () => {
  it('--json prints the resolved document, services in start order', async () => {
    const made = project({ 'styxy.config.ts': shop, 'api/.keep': '' });
    const run = await styxy(made.dir, 'config', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const document = JSON.parse(run.stdout);
    expect(Object.keys(document)).toEqual(['name', 'root', 'file', 'layers', 'services']);
    expect(document.layers).toEqual([`${made.dir}/styxy.config.ts`]);
    expect(document).toMatchObject({ name: 'shop', root: made.dir, file: `${made.dir}/styxy.config.ts` });
    expect(document.services.map((s: { name: string }) => s.name)).toEqual(['db', 'api', 'web']);
    for (const service of document.services) {
      expect(Object.keys(service)).toEqual(
        expect.arrayContaining(['name', 'command', 'cwd', 'dependsOn', 'ports', 'env', 'ready', 'restart']),
      );
    }
    expect(document.services[1]).toMatchObject({
      command: { kind: 'argv', argv: ['node', 'api.js'] },
      cwd: `${made.dir}/api`,
      ports: {
        PORT: { type: 'api', preferred: null, fixed: null },
        DEBUG_PORT: { type: 'test', preferred: null, fixed: null },
      },
      dependsOn: { db: 'ready' },
      ready: { kind: 'http', path: '/health', port: 'PORT', timeoutMs: 30000, intervalMs: 250 },
      restart: { policy: 'on-failure', maxRestarts: 5, backoffMs: 500, maxBackoffMs: 10000 },
    });
    expect(document.services[0].ports).toEqual({ PORT: { type: null, preferred: null, fixed: 5432 } });
  });

  it('prints a readable summary; -c takes a path relative to the current folder', async () => {
    const made = project({ 'conf/stack.ts': shop, 'conf/api/.keep': '', 'elsewhere/.keep': '' });
    const run = await styxy(`${made.dir}/elsewhere`, 'config', '-c', '../conf/stack.ts');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const text = run.stdout;
    expect(text).toMatch(new RegExp(`^shop  \\(${made.dir}/conf/stack\\.ts\\)\\n3 services, in start order\\n`));
    expect(text.indexOf('\ndb\n')).toBeLessThan(text.indexOf('\napi\n'));
    expect(text.indexOf('\napi\n')).toBeLessThan(text.indexOf('\nweb\n'));
    expect(text).toContain('  ports     PORT: fixed 5432\n');
    expect(text).toContain('  ports     PORT: api, DEBUG_PORT: test\n');
    expect(text).toContain('  ports     PORT: dev, preferred 5173\n');
    expect(text).toContain('  after     db (ready)\n');
    expect(text).toContain('  env       API=http://localhost:${api.PORT}\n');
    expect(text).toContain('  ready     HTTP GET /health on PORT answers 2xx/3xx (every 250ms, timeout 30s)\n');
    expect(text).toContain('  cwd       api\n');
    expect(text).toContain('  restart   on-failure (at most 5 in a row, backoff 500ms doubling to 10s)\n');
  });

  it('a styxy.config.local.mjs changes a service, and config says so (text and --json); -c twice', async () => {
    const made = project({
      'styxy.config.ts': shop,
      'api/.keep': '',
      // db is removed, so api no longer depends on it: the local file drops that too.
      'styxy.config.local.mjs':
        "export default { services: { web: { env: { DEBUG: 'vite:*' } }, api: { dependsOn: [] }, db: null } };\n",
      'ci.json': '{ "services": { "web": { "env": { "CI": "1" } } } }',
    });
    const text = await styxy(made.dir, 'config');
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain('merged from styxy.config.ts, styxy.config.local.mjs\n2 services, in start order\n');
    expect(text.stdout).toContain('  from      styxy.config.ts, styxy.config.local.mjs (env.DEBUG)\n');
    expect(text.stdout).toContain('  env       DEBUG=vite:*\n');
    expect(text.stdout).toContain('  from      styxy.config.ts, styxy.config.local.mjs (dependsOn)\n');

    const json = await styxy(made.dir, 'config', '-c', 'styxy.config.ts', '-c', 'ci.json', '--json');
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const document = JSON.parse(json.stdout);
    expect(document.layers).toEqual([
      `${made.dir}/styxy.config.ts`,
      `${made.dir}/ci.json`,
      `${made.dir}/styxy.config.local.mjs`,
    ]);
    const web = document.services.find((service: { name: string }) => service.name === 'web');
    expect(web.env).toEqual({ API: 'http://localhost:${api.PORT}', CI: '1', DEBUG: 'vite:*' });
    expect(web.sources.values).toMatchObject({
      command: `${made.dir}/styxy.config.ts`,
      'env.CI': `${made.dir}/ci.json`,
      'env.DEBUG': `${made.dir}/styxy.config.local.mjs`,
    });
  });

  it('an invalid config: every problem in one block on stderr, exit 1, no stack trace', async () => {
    const made = project({
      'styxy.config.ts': `export default {
  services: {
    api: { command: 'node api.js', ports: { PORT: 'apii' }, dependsOn: ['worker'] },
    worker: { command: 'node worker.js', dependOn: ['api'], dependsOn: ['api'], env: { X: '\${api.PROT}' } },
  },
};
`,
    });
    const run = await styxy(made.dir, 'config', '--json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      `styxy: invalid config ${made.dir}/styxy.config.ts (4 problems):`,
      expect.stringMatching(
        /^ {2}styxy\.config\.ts: services\.api\.ports\.PORT: unknown service type "apii"; did you mean "api"\?/,
      ),
      '  styxy.config.ts: services.worker.dependOn: unknown option; did you mean "dependsOn"?',
      '  styxy.config.ts: services.worker.env.X: ${api.PROT}: "api" has no port "PROT"; did you mean "PORT"? (its ports: PORT)',
      '  styxy.config.ts: services: dependency cycle: api -> worker -> api',
      'hint: fix the problems above, then check with `styxy config`',
      '',
    ]);
  });

  it('a config that does not parse: the file, line and column, exit 1, no stack trace', async () => {
    const made = project({ 'styxy.config.ts': 'export default {\n  services: {\n    a: { command: "x" }\n    b: 1\n' });
    const run = await styxy(made.dir, 'config');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^styxy: cannot load config .*styxy\.config\.ts:\n {2}styxy\.config\.ts:4:4: ParseError: /,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("ignores other tools' .config/config.* files in the current folder (never runs them)", async () => {
    const made = project({
      '.styxyrc.yaml': 'services:\n  a:\n    command: x\n',
      '.config/config.ts': 'export default { x: 1 };\n',
      '.config/config.js': "require('node:fs').writeFileSync(__dirname + '/ran', '');\nmodule.exports = {};\n",
    });
    const run = await styxy(made.dir, 'config', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).services[0].name).toBe('a');
    expect(made.list()).not.toContain('.config/ran');
  });

  it('no config: exit 1 with a hint to run styxy init', async () => {
    const made = project({ 'a/b/.keep': '' });
    // HOME is the project folder, so the search stops there (whatever lies above the temp folder).
    const run = await styxy(`${made.dir}/a/b`, 'config', { HOME: made.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `styxy: no Styxy config in ${made.dir}/a/b or any folder above it (up to ${made.dir})\n` +
        'hint: run `styxy init` to write a starter styxy.config.ts, or pass -c FILE\n',
    );
  });
});

describe('styxy init', () => {
  it('writes a starter that loads as is, and refuses a second time leaving the file untouched', async () => {
    const made = project({});
    const first = await styxy(made.dir, 'init');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`wrote ${made.dir}/styxy.config.ts`);
    expect(made.list()).toEqual(['styxy.config.ts']);

    const loaded = await styxy(made.dir, 'config', '--json');
    expect(loaded.code).toBe(0);
    const document = JSON.parse(loaded.stdout);
    expect(document.services.map((s: { name: string }) => s.name)).toEqual(['api', 'web']);
    expect(document.services[0].ready).toMatchObject({ kind: 'http', path: '/health' });
    expect(document.services[1].env).toEqual({ API_URL: 'http://localhost:${api.PORT}' });

    const edited = `${readFileSync(`${made.dir}/styxy.config.ts`, 'utf8')}// my edit\n`;
    writeFileSync(`${made.dir}/styxy.config.ts`, edited);
    const second = await styxy(made.dir, 'init');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^styxy: a Styxy config already exists in .*: styxy\.config\.ts\n/);
    expect(readFileSync(`${made.dir}/styxy.config.ts`, 'utf8')).toBe(edited);
  });

  it.each([
    ['.styxyrc.yaml', { '.styxyrc.yaml': 'services: {}\n' }, '.styxyrc.yaml'],
    [
      'a "styxy" key in package.json',
      { 'package.json': '{ "styxy": { "services": {} } }' },
      'package.json ("styxy" key)',
    ],
  ])('refuses when the folder has %s', async (_, files, named) => {
    const made = project(files);
    const run = await styxy(made.dir, 'init');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`already exists in ${made.dir}: ${named}`);
    expect(made.list()).toEqual(Object.keys(files));
  });

  it("the starter's services really run: api answers /health, web reaches api through ${api.PORT}", async () => {
    const made = project({});
    expect((await styxy(made.dir, 'init')).code).toBe(0);
    const { services } = JSON.parse((await styxy(made.dir, 'config', '--json')).stdout);
    const [apiPort, webPort] = home.spare as [number, number];
    const start = (service: { command: { argv: string[] } }, env: Record<string, string>) => {
      const [program, ...args] = service.command.argv as [string, ...string[]];
      const child = spawn(program === 'node' ? process.execPath : program, args, {
        env: { ...home.env, ...env },
        stdio: 'ignore',
      });
      children.push(child);
    };
    start(services[0], { PORT: String(apiPort) });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${apiPort}/health`)).ok, { message: 'api /health' });
    start(services[1], {
      PORT: String(webPort),
      API_URL: services[1].env.API_URL.replace('${api.PORT}', String(apiPort)),
    });
    const text = await waitFor(async () => (await fetch(`http://127.0.0.1:${webPort}/`)).text(), { message: 'web' });
    expect(text).toBe('web; the api says: hello from api\n');
  });
});

describe('bounded inputs', () => {
  const one = (extra: string) => `{ "services": { "api": { "command": "sleep 1", ${extra} } } }`;

  /**
   * How long `styxy config` takes here and now on a config that loads: "in seconds" is measured
   * against it, so that a busy machine (which slows every run alike) is no failure, while a hang
   * (a FIFO read that blocks, a loop nothing stops) still is.
   */
  async function baselineMs(file: string, text: string): Promise<number> {
    const baseline = project({ [file]: text });
    const started = Date.now();
    const run = await styxy(baseline.dir, 'config');
    expect(run.code, run.stderr).toBe(0);
    return Date.now() - started;
  }

  it('an envFile that is a FIFO, /dev/zero, or past 1 MiB: a clear error in seconds', async () => {
    const made = project({ 'big.env': `A=${'x'.repeat(1024 * 1024)}\n` });
    const normal = await baselineMs('.styxyrc.json', one('"env": {}'));
    execFileSync('mkfifo', [`${made.dir}/fifo.env`]);
    const cases: [string, RegExp][] = [
      ['fifo.env', /env file "fifo.env" cannot be used: it is a FIFO \(named pipe\), not a regular file/],
      ['/dev/zero', /env file "\/dev\/zero" cannot be used: it is a device, not a regular file/],
      ['big.env', /env file "big.env" cannot be used: it is 1048579 bytes; at most 1048576 are read/],
    ];
    for (const [file, expected] of cases) {
      made.write({ '.styxyrc.json': one(`"envFile": ${JSON.stringify(file)}`) });
      const started = Date.now();
      const run = await styxy(made.dir, 'config');
      expect(run.code, file).toBe(1);
      expect(run.stderr).toMatch(expected);
      expect(Date.now() - started).toBeLessThan(2 * normal + 3000);
    }
  });

  it('a config that loops forever at import: an error within STYXY_CONFIG_TIMEOUT, naming the file', async () => {
    const made = project({
      'styxy.config.ts': 'while (true) {}\nexport default { services: {} };\n',
    });
    const normal = await baselineMs(
      'styxy.config.ts',
      "export default { services: { api: { command: 'sleep 1' } } };\n",
    );
    const started = Date.now();
    const run = await styxy(made.dir, 'config', { STYXY_CONFIG_TIMEOUT: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot load config ${made.dir}/styxy.config.ts:`);
    expect(run.stderr).toContain('it did not finish loading within 1 s (does it loop, or wait, at its top level?)');
    expect(run.stderr).toContain('top-level side effects (servers, waits, loops) are not supported');
    expect(Date.now() - started).toBeLessThan(2 * normal + 1000 + 3000);
  });

  it('a config that starts a timer at its top level does not keep `styxy config` running', async () => {
    const made = project({
      'styxy.config.ts': `setInterval(() => {}, 1000);\nexport default { services: { api: { command: 'sleep 1' } } };\n`,
    });
    const run = await styxy(made.dir, 'config', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).services[0].name).toBe('api');
  });

  it('a stack past the protocol’s caps (256 ports, 1024 services) is refused by `styxy config`', async () => {
    const ports = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`P${i}`, 'dev']));
    const services = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`s${i}`, { command: 'true' }]));
    const made = project({ '.styxyrc.json': JSON.stringify({ services: { api: { command: 'true', ports } } }) });
    const wide = await styxy(made.dir, 'config');
    expect(wide.code).toBe(1);
    expect(wide.stderr).toContain(
      'a stack leases at most 256 ports (all at once, when it starts); this one asks for 257',
    );
    made.write({ '.styxyrc.json': JSON.stringify({ services }) });
    const many = await styxy(made.dir, 'config');
    expect(many.code).toBe(1);
    expect(many.stderr).toContain('a stack has at most 1024 services; this one has 1025');
  });
});
