/**
 * `ps`, `port` and `env` on a foreground stack, as scripts use them: found from the project
 * folder (or a folder below it, or `-c`), by `--name`, with clear errors when there is nothing
 * to find. None of them loads React or Ink.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackSlug } from '../../src/protocol/stack-id.js';
import type { CliProcess } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { makeUpProject, type PsJson, psJson, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

let project: UpProject;
let up: CliProcess;
let review: CliProcess;

beforeAll(async () => {
  project = makeUpProject({
    name: 'shop',
    services: {
      api: {
        command: [NODE, fixture('http-server.mjs')],
        ports: { PORT: 'api', ADMIN_PORT: 'ui' },
        env: { GREETING: 'hello', SELF: 'http://localhost:${api.ADMIN_PORT}/' },
        envFile: '.env',
      },
      worker: { command: 'exec sleep 60', env: { API_URL: 'http://localhost:${api.PORT}' }, ready: false },
    },
  });
  writeFileSync(join(project.root, '.env'), 'FROM_FILE=yes\nGREETING=overridden by env\n');
  mkdirSync(join(project.root, 'sub', 'deeper'), { recursive: true });
  [up, review] = await Promise.all([project.upReady(), project.upReady(['--name', 'review', 'api'])]);
  // Both have pushed their state once every service has a pid.
  await waitFor(async () => (await psJson(project)).services.every((s) => s.pid !== null));
  await waitFor(async () => (await psJson(project, ['--name', 'review'])).services.every((s) => s.pid !== null));
});

afterAll(async () => {
  await project?.cleanup();
});

describe('styxy ps', () => {
  it('--json: the contract shape, with the leased ports and live pids', async () => {
    const ps = await psJson(project);
    const stacks = await project.stacks();
    const own = stacks.find((stack) => stack.name === 'default')!;
    expect(ps.stack).toMatchObject({ id: own.id, name: 'default', project: 'shop', pid: up.pid, root: project.root });
    const leased = Object.fromEntries(own.leases.map((lease) => [lease.portName, lease.port]));
    expect(ps.services).toEqual([
      expect.objectContaining({
        name: 'api',
        status: 'ready',
        ports: { PORT: leased.PORT, ADMIN_PORT: leased.ADMIN_PORT },
        pid: expect.any(Number),
        restarts: 0,
      }),
      expect.objectContaining({ name: 'worker', status: 'running', ports: {}, pid: expect.any(Number), restarts: 0 }),
    ]);
    expect(await (await fetch(`http://localhost:${leased.PORT}/`)).text()).toBe('ok api');
  });

  it('a table for people; found from a folder below the project, and by --name', async () => {
    const ps = await psJson(project);
    const api = ps.services[0]!;
    const result = await project.cli(['ps'], { cwd: join(project.root, 'sub', 'deeper') });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`shop/default  running  pid ${up.pid}  ${project.root}`);
    expect(lines[1]).toMatch(/^SERVICE +STATUS +PORTS +PID +UPTIME +RESTARTS$/);
    expect(lines[2]).toMatch(
      new RegExp(`^api +ready +${api.ports.PORT} ADMIN_PORT=${api.ports.ADMIN_PORT} +${api.pid} +\\d+s +0$`),
    );
    expect(lines[3]).toMatch(/^worker +running +- +\d+ +\d+s +0$/);
    const named = await project.cli(['ps', '--name', 'review']);
    expect(named.stdout).toContain(`shop/review  running  pid ${review.pid}`);
    expect(named.stdout).toMatch(/\napi +ready/);
    expect(named.stdout).not.toContain('worker'); // `up --name review api` runs api only
  });

  it('--all --json: every running stack', async () => {
    const result = await project.cli(['ps', '--all', '--json'], { cwd: project.home.home });
    const { stacks } = JSON.parse(result.stdout) as { stacks: PsJson[] };
    expect(stacks.map((stack) => [stack.stack.name, stack.stack.pid]).sort()).toEqual(
      [
        ['default', up.pid],
        ['review', review.pid],
      ].sort(),
    );
    expect(stacks.find((s) => s.stack.name === 'review')!.services.map((s) => s.name)).toEqual(['api']);
  });

  it('no such stack: exit 1, STYXY_STACK_NOT_FOUND with what runs here and how to start it', async () => {
    const result = await project.cli(['ps', '--name', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `styxy: no stack named "nope" of ${project.root} is running\nhint: running here: the default one, --name review; or start it with \`styxy up --name nope\`\n`,
    );
    const elsewhere = join(project.home.home, 'other');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, '.styxyrc.json'), '{ "services": { "x": { "command": "true" } } }');
    const none = await project.cli(['port', 'x'], { cwd: elsewhere });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`styxy: no stack of ${elsewhere} is running\nhint: start it with \`styxy up\`\n`);
  });
});

describe('styxy port', () => {
  it('prints one number: the first port, or the one named', async () => {
    const { services } = await psJson(project);
    expect(await project.cli(['port', 'api'])).toMatchObject({ code: 0, stdout: `${services[0]!.ports.PORT}\n` });
    expect((await project.cli(['port', 'api', 'ADMIN_PORT'])).stdout).toBe(`${services[0]!.ports.ADMIN_PORT}\n`);
    expect((await project.cli(['port', 'api', '-c', '.styxyrc.json'])).stdout).toBe(`${services[0]!.ports.PORT}\n`);
  });

  it.each([
    [['port', 'nope'], 'styxy: no service "nope" in stack shop/default\nhint: its services: api, worker\n'],
    [['port', 'api', 'NOPE'], 'styxy: service "api" has no port "NOPE"\nhint: its ports: PORT, ADMIN_PORT\n'],
    [['port', 'worker'], 'styxy: service "worker" has no ports\n'],
  ])('%j: exit 1 and a clear error', async (args, message) => {
    const result = await project.cli(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message)).toBe(true);
  });
});

describe('styxy env', () => {
  it('KEY=value lines of what Styxy injects into one service (env file < env < own), nothing inherited', async () => {
    const { services } = await psJson(project);
    const { PORT, ADMIN_PORT } = services[0]!.ports as { PORT: number; ADMIN_PORT: number };
    const result = await project.cli(['env', 'api']);
    expect(result.code, result.stderr).toBe(0);
    const info = (await project.stacks()).find((stack) => stack.name === 'default')!;
    const id = info.id;
    expect(result.stdout).toBe(
      [
        'FROM_FILE=yes',
        'GREETING=hello',
        `SELF=http://localhost:${ADMIN_PORT}/`,
        `PORT=${PORT}`,
        `ADMIN_PORT=${ADMIN_PORT}`,
        `STYXY_API_PORT=${PORT}`,
        `STYXY_API_ADMIN_PORT=${ADMIN_PORT}`,
        'STYXY_STACK=default',
        `STYXY_STACK_ID=${id}`,
        `STYXY_STACK_SLUG=${stackSlug(info.root, 'default', 'shop')}`,
        'STYXY_SERVICE=api',
        'STYXY_PROJECT=shop',
        '',
      ].join('\n'),
    );
    // What the service really got agrees.
    const real = (await (await fetch(`http://localhost:${PORT}/env`)).json()) as Record<string, string>;
    for (const line of result.stdout.trim().split('\n')) {
      const [key, value] = line.split(/=(.*)/s);
      expect(real[key!], key).toBe(value);
    }
  });

  it('every service, grouped under `# service` lines; --json as an object', async () => {
    const { services } = await psJson(project);
    const result = await project.cli(['env']);
    expect(result.stdout).toMatch(/^# api\nFROM_FILE=yes\n[\s\S]*STYXY_SERVICE=api\nSTYXY_PROJECT=shop\n\n# worker\n/);
    expect(result.stdout).toContain(`\nAPI_URL=http://localhost:${services[0]!.ports.PORT}\n`);
    const json = JSON.parse((await project.cli(['env', '--json'])).stdout) as Record<string, Record<string, string>>;
    expect(Object.keys(json)).toEqual(['api', 'worker']);
    expect(json.worker).toMatchObject({
      API_URL: `http://localhost:${services[0]!.ports.PORT}`,
      STYXY_SERVICE: 'worker',
    });
    expect(json.worker!.HOME).toBeUndefined();
    expect(json.worker!.PATH).toBeUndefined();
    expect(json.worker!.STYXY_TAG).toBeUndefined();
    const one = JSON.parse((await project.cli(['env', 'worker', '--json'])).stdout) as Record<string, string>;
    expect(one).toEqual(json.worker);
  });
});

describe('loading', () => {
  // What `node dist/cli/commands/<name>.js` imports before it runs, followed through every static
  // import. React and Ink belong to the TUI only (they cost ~100 ms); `ps` and `port` only locate
  // the config, so they load no config loader (cosmiconfig, jiti, zod) and nothing that spawns.
  const heavy = ['react', 'ink', 'cosmiconfig', 'jiti', 'zod', 'execa'];
  it.each([
    ['ps', heavy],
    ['port', heavy],
    ['env', ['react', 'ink']],
    ['../up/run-up', ['react', 'ink']], // `up` loads it (or run-detached) on demand
    ['logs', heavy],
    ['down', heavy],
    ['restart', heavy],
    ['../up/run-detached', heavy], // `up -d`: its background child loads the rest
    ['attach', ['cosmiconfig', 'jiti', 'zod']],
    ['ls', heavy],
    ['check', heavy],
    // Both clients check every reply against the method map's result shapes (protocol/shape.ts),
    // never with zod: the maps take only the types of the servers' zod schemas.
    ['../../client/coordinator-client', ['zod']],
    ['../../client/control-client', ['zod']],
    // A background supervisor loads its config in a child process and its control socket's
    // schemas with the first request (docs/architecture.md, "Checking replies").
    // execa runs stop commands only, loaded when one runs (os/stop-command.ts).
    ['../../supervisor/background/supervise', ['react', 'ink', 'cosmiconfig', 'jiti', 'zod', 'execa']],
    ['../../supervisor/supervisor', ['react', 'ink', 'cosmiconfig', 'jiti', 'zod', 'execa']],
  ])('`styxy %s` loads none of %j', (command, forbidden) => {
    const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const target = match[1]!;
        if (target.startsWith('.')) visit(resolve(dirname(file), target));
        else packages.add(target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0]!);
      }
    };
    visit(join(dist, 'cli', 'commands', `${command}.js`));
    expect(seen.size).toBeGreaterThan(3);
    expect([...packages].filter((name) => forbidden.includes(name))).toEqual([]);
  });
});

describe('loading, bundled', () => {
  // What the shipped CLI really reads: dist/cli/bin.js and the chunks esbuild split off
  // (scripts/build.mjs), from esbuild's own record of each file's contents and imports
  // (dist/bundle-meta.json). A short command loads bin.js, main's chunk and its command's chunk,
  // each with what it imports statically; every other chunk waits for an `import()`.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  interface Output {
    bytes: number;
    entryPoint?: string;
    inputs: Record<string, unknown>;
    imports: { path: string; kind: string; external?: boolean }[];
  }
  const meta = JSON.parse(readFileSync(join(root, 'dist/bundle-meta.json'), 'utf8')) as {
    outputs: Record<string, Output>;
  };
  const chunkOf = (entry: string) => {
    const found = Object.entries(meta.outputs).find(([, output]) => output.entryPoint === entry);
    if (!found) throw new Error(`no bundled file for ${entry}`);
    return found[0];
  };
  const packageOf = (input: string) => {
    const rest = input.split('node_modules/').at(-1)!;
    return rest
      .split('/')
      .slice(0, rest.startsWith('@') ? 2 : 1)
      .join('/');
  };
  /** The files Node reads for these entries, what they hold, and what they import from outside. */
  const load = (entries: string[]) => {
    const files = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      for (const imported of meta.outputs[file]!.imports) {
        if (!imported.external && imported.kind === 'import-statement') visit(imported.path);
      }
    };
    for (const entry of entries) visit(chunkOf(entry));
    const outputs = [...files].map((file) => meta.outputs[file]!);
    const inputs = outputs.flatMap((output) => Object.keys(output.inputs));
    return {
      files,
      bytes: outputs.reduce((sum, output) => sum + output.bytes, 0),
      bundled: new Set(inputs.filter((input) => input.includes('node_modules/')).map(packageOf)),
      // Node's built-ins are stand-ins in the bundle (`styxy-builtin:node:fs?IMPORTER`, read with
      // process.getBuiltinModule: scripts/build.mjs), counted as the imports they replace.
      external: new Set([
        ...outputs.flatMap((output) =>
          output.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path),
        ),
        ...inputs
          .filter((input) => input.startsWith('styxy-builtin:'))
          .map((input) => input.slice('styxy-builtin:'.length, input.indexOf('?'))),
      ]),
    };
  };
  it.each([
    ['port', ['commands/port']],
    ['ps', ['commands/ps']],
    ['ls', ['commands/ls']],
    ['run', ['commands/run']],
    ['down', ['commands/down']],
    ['up -d', ['commands/up', 'up/run-detached']], // its background child loads the rest
  ])(
    '`styxy %s` reads bin.js and a few small chunks: commander and node-ipc’s parsers, no zod, Ink or TLS',
    (name, modules) => {
      const loaded = load(['src/cli/bin.ts', 'src/cli/main.ts', ...modules.map((module) => `src/cli/${module}.ts`)]);
      expect([...loaded.bundled]).toEqual(['commander']);
      const packages = [...loaded.external].filter((path) => !path.startsWith('node:'));
      expect(packages.filter((path) => path !== 'node-ipc/parsers')).toEqual([]);
      expect([...loaded.external].filter((path) => /^node:(tls|dgram|http|https|worker_threads)$/.test(path))).toEqual(
        [],
      );
      // Only what spawns loads node:child_process (and node:dgram with it): commander's and our
      // imports of it wait for a first spawn (scripts/build.mjs, src/os/child-process.ts).
      expect(loaded.external.has('node:child_process')).toBe(['run', 'up -d'].includes(name));
      // commander is ~100 KB of it (port: ~190 KB, up -d: ~250 KB); tsc's tree: 47 files for port.
      expect(loaded.bytes).toBeLessThan(300_000);
      expect(loaded.files.size).toBeLessThan(45);
    },
  );

  it('the background supervisor loads no UI, zod, execa or config loader; the coordinator no UI or config loader', () => {
    // Its config loads in a child process, its control socket's schemas with the first request.
    const supervisor = load([
      'src/supervisor/background-main.ts',
      'src/supervisor/background/supervise.ts',
      'src/supervisor/supervisor.ts',
    ]);
    expect([...supervisor.external].filter((path) => /^(ink|react|jiti|cosmiconfig)/.test(path))).toEqual([]);
    expect([...supervisor.bundled].filter((name) => ['zod', 'ink', 'react', 'execa'].includes(name))).toEqual([]);
    const coordinator = load(['src/coordinator/main.ts']);
    expect([...coordinator.bundled].filter((name) => ['ink', 'react'].includes(name))).toEqual([]);
    expect([...coordinator.external].filter((path) => /^(ink|react|jiti|cosmiconfig)/.test(path))).toEqual([]);
  });

  it('`styxy --version` really reads only files the record lists, none from node_modules', () => {
    const traced = spawnSync(
      NODE,
      ['--import', `data:text/javascript,${encodeURIComponent(TRACE)}`, join(root, 'dist/cli/bin.js'), '--version'],
      { encoding: 'utf8', env: { ...process.env, STYXY_HOME: join(root, 'no-such-home') } },
    );
    expect(traced.status, traced.stderr).toBe(0);
    const read = traced.stderr
      .split('\n')
      .filter((line) => line.startsWith('file://'))
      .map((url) => fileURLToPath(url).slice(root.length + 1));
    const listed = load(['src/cli/bin.ts', 'src/cli/main.ts']).files;
    expect(read.length).toBeGreaterThan(2);
    expect(read.filter((file) => !listed.has(file))).toEqual([]);
  });
});

/** A preload that prints every module URL Node loads, on exit (module.registerHooks, Node ≥ 22.15). */
const TRACE = `
import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
const seen = [];
registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
process.on('exit', () => writeSync(2, seen.join('\\n') + '\\n'));
`;
