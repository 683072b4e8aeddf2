import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../../src/config/index.js';
import type { ResolvedConfig } from '../../../src/config/types.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { failure, makeProject, type Project } from './project.js';

const json = JSON.stringify({
  name: 'shop',
  services: {
    api: { command: 'node api.js', ports: { PORT: 'api' } },
    web: {
      command: ['node', 'web.js'],
      ports: { PORT: 'dev' },
      env: { API: 'http://localhost:${api.PORT}' },
      dependsOn: ['api'],
    },
  },
});
const yaml = `name: shop
services:
  api:
    command: node api.js
    ports: { PORT: api }
  web:
    command: [node, web.js]
    ports:
      PORT: dev
    env:
      API: "http://localhost:\${api.PORT}"
    dependsOn: [api]
`;

/** Every supported form, each holding the same config. */
const forms: [string, Record<string, string>][] = [
  [
    'styxy.config.ts',
    { 'styxy.config.ts': `import { defineConfig } from 'styxy';\nexport default defineConfig(${json});\n` },
  ],
  [
    'styxy.config.mts',
    {
      'styxy.config.mts': `import type { StyxyConfig } from 'styxy';\nexport default ${json} satisfies StyxyConfig;\n`,
    },
  ],
  [
    'styxy.config.cts',
    { 'styxy.config.cts': `const config: import('styxy').StyxyConfig = ${json};\nmodule.exports = config;\n` },
  ],
  [
    'styxy.config.js (ESM, importing styxy)',
    {
      'package.json': '{ "type": "module" }',
      'styxy.config.js': `import { defineConfig } from 'styxy';\nexport default defineConfig(${json});\n`,
    },
  ],
  ['styxy.config.js (CommonJS)', { 'styxy.config.js': `module.exports = ${json};\n` }],
  ['styxy.config.mjs', { 'styxy.config.mjs': `export default ${json};\n` }],
  [
    'styxy.config.cjs (requiring styxy)',
    { 'styxy.config.cjs': `const { defineConfig } = require('styxy');\nmodule.exports = defineConfig(${json});\n` },
  ],
  ['.styxyrc as JSON', { '.styxyrc': json }],
  ['.styxyrc as YAML', { '.styxyrc': yaml }],
  ['.styxyrc.json', { '.styxyrc.json': json }],
  ['.styxyrc.yaml', { '.styxyrc.yaml': yaml }],
  ['.styxyrc.yml', { '.styxyrc.yml': yaml }],
  ['package.json "styxy"', { 'package.json': JSON.stringify({ name: 'shop-pkg', styxy: JSON.parse(json) }) }],
];

let home: TestHome;
let projects: Project[];
const project = (files: Record<string, string>) => {
  const made = makeProject(files);
  projects.push(made);
  return made;
};

beforeEach(() => {
  home = makeTestHome();
  projects = [];
});
afterEach(() => {
  for (const made of projects) made.remove();
  home.cleanup();
});

async function load(cwd: string, file?: string): Promise<ResolvedConfig> {
  return loadProjectConfig({ cwd, file, home: home.home });
}

describe('every file form', () => {
  it.each(forms)('%s', async (name, files) => {
    const made = project(files);
    const before = made.list();
    const config = await load(made.dir);
    const file = Object.keys(files).find((f) => f !== 'package.json' || name.startsWith('package')) ?? '';
    expect(config.file).toBe(`${made.dir}/${file}`);
    expect(config).toMatchObject({ name: 'shop', root: made.dir });
    expect(config.services.map((s) => [s.name, s.command, s.ports, s.env, s.dependsOn])).toEqual([
      ['api', { kind: 'shell', shell: 'node api.js' }, { PORT: { type: 'api', preferred: null, fixed: null } }, {}, {}],
      [
        'web',
        { kind: 'argv', argv: ['node', 'web.js'] },
        { PORT: { type: 'dev', preferred: null, fixed: null } },
        { API: 'http://localhost:${api.PORT}' },
        { api: 'ready' },
      ],
    ]);
    // Nothing is written next to the user's files (jiti's cache lives in $STYXY_HOME).
    expect(made.list()).toEqual(before);
  });
});

describe('TypeScript configs', () => {
  it('support enums, satisfies, type imports, RegExp flags and imports of other .ts files', async () => {
    const made = project({
      'styxy.config.ts': `
import type { ServiceConfig, StyxyConfig } from 'styxy';
import { Kind, portsOf } from './lib/kinds';
import defaults from './lib/defaults.ts';

const enum Signal { Term = 'SIGTERM', Int = 'SIGINT' }

const api = {
  command: 'node api.js',
  ports: portsOf(Kind.Api),
  ready: { log: /listening on \\d+/i },
  stopSignal: Signal.Int,
  ...defaults,
} satisfies ServiceConfig;

export default { services: { api } } satisfies StyxyConfig;
`,
      'lib/kinds.ts': `
export enum Kind { Api = 'api', Dev = 'dev' }
export function portsOf(kind: Kind): Record<string, string> { return { PORT: kind }; }
`,
      'lib/defaults.ts': `const defaults: { restart: 'on-failure' } = { restart: 'on-failure' };\nexport default defaults;\n`,
    });
    const before = made.list();
    const [api] = (await load(made.dir)).services;
    expect(api).toMatchObject({
      ports: { PORT: { type: 'api' } },
      ready: { kind: 'log', pattern: 'listening on \\d+', flags: 'i' },
      stopSignal: 'SIGINT',
      restart: { policy: 'on-failure' },
    });
    expect(made.list()).toEqual(before);
  });

  it('are read fresh on every load (no module cache), with the transform cache under $STYXY_HOME', async () => {
    const made = project({ 'styxy.config.ts': `export default { services: { a: { command: 'one' } } };\n` });
    expect((await load(made.dir)).services[0]!.command).toEqual({ kind: 'shell', shell: 'one' });
    made.write({ 'styxy.config.ts': `export default { services: { a: { command: 'two' } } };\n` });
    expect((await load(made.dir)).services[0]!.command).toEqual({ kind: 'shell', shell: 'two' });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(`${home.home}/cache/jiti`).length).toBeGreaterThan(0);
  });

  it('never read their transform cache from a folder others can write to (what it holds runs as code)', async () => {
    const { chmodSync, mkdirSync, readdirSync, statSync } = await import('node:fs');
    mkdirSync(`${home.home}/cache/jiti`, { recursive: true });
    chmodSync(`${home.home}/cache/jiti`, 0o777);
    const made = project({ 'styxy.config.ts': `export default { services: { a: { command: 'one' } } };\n` });
    const error = await failure(load(made.dir));
    expect(error.code).toBe('STYXY_HOME_UNSAFE');
    expect(error.message).toContain(`${home.home}/cache/jiti can be written by others (mode 777)`);
    expect(readdirSync(`${home.home}/cache/jiti`)).toEqual([]);
    expect(statSync(`${home.home}/cache/jiti`).mode & 0o777).toBe(0o777);
  });
});

describe('finding the config', () => {
  it('from a nested subfolder, through folders with their own package.json (a monorepo)', async () => {
    const made = project({
      'styxy.config.ts': `export default { services: { a: { command: 'x', cwd: 'packages/web' } } };\n`,
      'package.json': '{ "name": "repo", "private": true }',
      'packages/web/package.json': '{ "name": "web" }',
      'packages/web/src/deep/.keep': '',
    });
    const config = await load(`${made.dir}/packages/web/src/deep`);
    expect(config.file).toBe(`${made.dir}/styxy.config.ts`);
    expect(config.root).toBe(made.dir);
    expect(config.services[0]!.cwd).toBe(`${made.dir}/packages/web`);
  });

  it('the nearest config wins: a package with its own "styxy" key', async () => {
    const made = project({
      'styxy.config.ts': `export default { services: { root: { command: 'x' } } };\n`,
      'packages/web/package.json': JSON.stringify({ name: 'web', styxy: { services: { web: { command: 'vite' } } } }),
    });
    const config = await load(`${made.dir}/packages/web`);
    expect(config.root).toBe(`${made.dir}/packages/web`);
    expect(config.name).toBe('web');
    expect(config.services.map((s) => s.name)).toEqual(['web']);
  });

  it('-c with a path relative to the current folder; its folder is the project root', async () => {
    const made = project({
      'configs/stack.ts': `export default { services: { a: { command: 'x', envFile: '.env' } } };\n`,
      'configs/.env': 'FROM=configs\n',
      'sub/.keep': '',
    });
    const config = await load(`${made.dir}/sub`, '../configs/stack.ts');
    expect(config).toMatchObject({
      file: `${made.dir}/configs/stack.ts`,
      root: `${made.dir}/configs`,
      name: 'configs',
    });
    expect(config.services[0]!.env).toEqual({ FROM: 'configs' });
  });

  it('the root is the real path when reached through a symlink', async () => {
    const { symlinkSync } = await import('node:fs');
    const made = project({ 'styxy.config.ts': `export default { services: { a: { command: 'x' } } };\n` });
    const link = project({});
    symlinkSync(made.dir, `${link.dir}/linked`);
    const config = await load(`${link.dir}/linked`);
    expect(config.root).toBe(made.dir);
  });

  it('not found: STYXY_CONFIG_NOT_FOUND with a hint to run styxy init', async () => {
    const made = project({ 'a/b/.keep': '' });
    const error = await failure(loadProjectConfig({ cwd: `${made.dir}/a/b`, home: home.home, stopDir: made.dir }));
    expect(error.code).toBe('STYXY_CONFIG_NOT_FOUND');
    expect(error.message).toBe(`no Styxy config in ${made.dir}/a/b or any folder above it (up to ${made.dir})`);
    expect(error.hint).toMatch(/styxy init/);
    expect(error.details?.searched).toEqual([`${made.dir}/a/b`, `${made.dir}/a`, made.dir]);
  });

  it('-c naming a missing file or a folder', async () => {
    const made = project({ 'sub/.keep': '' });
    expect(await failure(load(made.dir, 'nope.ts'))).toMatchObject({
      code: 'STYXY_CONFIG_NOT_FOUND',
      message: `config file ${made.dir}/nope.ts does not exist`,
    });
    expect(await failure(load(made.dir, 'sub'))).toMatchObject({
      code: 'STYXY_CONFIG_NOT_FOUND',
      message: `${made.dir}/sub is not a file`,
    });
  });

  it('several configs in one folder: an error naming them all', async () => {
    const made = project({
      'styxy.config.ts': 'export default {};',
      '.styxyrc.json': '{}',
      'package.json': '{ "styxy": {} }',
    });
    const error = await failure(load(made.dir));
    expect(error.code).toBe('STYXY_CONFIG_INVALID');
    expect(error.message).toBe(`several Styxy configs in ${made.dir}: styxy.config.ts, .styxyrc.json, package.json`);
  });
});

describe('files that fail to load', () => {
  it.each([
    [
      'a TypeScript syntax error, with line and column',
      { 'styxy.config.ts': "export default {\n  services: {\n    a: { command: 'x' }\n    b: 1\n  }\n};\n" },
      /^cannot load config .*\/styxy\.config\.ts:\n {2}styxy\.config\.ts:4:4: ParseError: Unexpected token, expected ","$/,
    ],
    [
      'an exception thrown while the config runs',
      { 'styxy.config.ts': "const port = 1;\nthrow new Error('no database url');\nexport default {};\n" },
      /^cannot load config .*:\n {2}styxy\.config\.ts:2:\d+: Error: no database url$/,
    ],
    [
      'a missing import',
      { 'styxy.config.mjs': "import x from 'left-pad-that-is-not-there';\nexport default x;\n" },
      /^cannot load config .*:\n {2}styxy\.config\.mjs: Error: Cannot find module 'left-pad-that-is-not-there'$/,
    ],
    [
      'no default export',
      { 'styxy.config.ts': 'export const services = {};\n' },
      /styxy\.config\.ts: no default export \(found only services\); write `export default defineConfig\(\{ … \}\)`$/,
    ],
    [
      'invalid JSON',
      { '.styxyrc.json': '{ "services": { "a": } }' },
      /^cannot load config .*\.styxyrc\.json:\n {2}\.styxyrc\.json: JSONError: Unexpected token '\}'/,
    ],
    [
      'invalid YAML, with line and column',
      { '.styxyrc.yaml': 'services:\n  a: [unclosed\n' },
      /^cannot load config .*\.styxyrc\.yaml:\n {2}\.styxyrc\.yaml:3:1: YAMLException: unexpected end of the stream within a flow collection \(3:1\)$/,
    ],
    ['an empty file', { 'styxy.config.ts': '' }, /^config .*styxy\.config\.ts is empty$/],
    ['an unsupported -c file type', { 'stack.toml': 'x = 1' }, /"\.toml" is not a config file type Styxy reads$/],
  ])('%s', async (_, files, message) => {
    const made = project(files);
    const file = Object.keys(files)[0]!;
    const error = await failure(load(made.dir, file === 'stack.toml' ? file : undefined));
    expect(error.code).toBe('STYXY_CONFIG_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('the examples of the docs', () => {
  it.each([
    ['README.md', ['db', 'api', 'web']],
    ['docs/configuration.md', ['db', 'migrate', 'api', 'web']],
  ])('%s: its first config loads as written', async (doc, services) => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL(`../../../${doc}`, import.meta.url), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(text)![1]!;
    const made = project({ 'styxy.config.ts': example, 'api/.keep': '', '.env': 'A=1\n', '.env.local': 'B=2\n' });
    const config = await load(made.dir);
    expect(config.services.map((s) => s.name)).toEqual(services);
  });
});

describe('validation against real files', () => {
  it('one block listing every problem, env files read with util.parseEnv, types from $STYXY_HOME/config.json', async () => {
    const typed = makeTestHome({ extraTypes: { grpc: 2 } });
    try {
      const made = project({
        'styxy.config.ts': `export default {
  services: {
    rpc: { command: 'x', ports: { PORT: 'grpc' }, envFile: '.env' },
    web: { command: 'x', ports: { PORT: 'grcp' }, envFile: ['.env', '.env.missing'], dependOn: ['rpc'] },
  },
};\n`,
        '.env': '# comment\nA=1\nexport B="two words"\n',
      });
      const error = await failure(loadProjectConfig({ cwd: made.dir, home: typed.home }));
      expect(error.code).toBe('STYXY_CONFIG_INVALID');
      const lines = error.message.split('\n');
      expect(lines[0]).toBe(`invalid config ${made.dir}/styxy.config.ts (3 problems):`);
      expect(lines.slice(1)).toEqual([
        '  styxy.config.ts: services.web.dependOn: unknown option; did you mean "dependsOn"?',
        expect.stringMatching(
          /^ {2}styxy\.config\.ts: services\.web\.ports\.PORT: unknown service type "grcp"; did you mean "grpc"\? \(known types: dev, .*, ai, grpc;/,
        ),
        `  styxy.config.ts: services.web.envFile[1]: env file ".env.missing" not found (looked for ${made.dir}/.env.missing)`,
      ]);
      expect(error.details?.problems).toHaveLength(3);
      expect(error.hint).toMatch(/styxy config/);

      made.write({
        'styxy.config.ts': `export default { services: { rpc: { command: 'x', ports: { PORT: 'grpc' }, envFile: '.env' } } };\n`,
      });
      const config = await loadProjectConfig({ cwd: made.dir, home: typed.home });
      expect(config.services[0]!.env).toEqual({ A: '1', B: 'two words' });
    } finally {
      typed.cleanup();
    }
  });

  it('a package.json config shows field paths under its "styxy" key', async () => {
    const made = project({
      'package.json': JSON.stringify({ styxy: { services: { a: { command: 'x', restart: 'sometimes' } } } }),
    });
    const error = await failure(load(made.dir));
    expect(error.message).toMatch(
      /\n {2}package\.json: styxy\.services\.a\.restart: expected "no", "on-failure" or "always", found "sometimes"$/,
    );
  });
});
