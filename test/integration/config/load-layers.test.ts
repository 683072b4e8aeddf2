/**
 * Config layers from real files: `styxy.config.local.*` beside the config and further `-c` files
 * merged over it, each loaded as it would be on its own (worker thread for JS/TS, cosmiconfig's
 * loaders for JSON/YAML), and problems naming the file that holds the bad value.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../../src/config/index.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { failure, makeProject, type Project } from './project.js';

let home: TestHome;
let made: Project;

beforeEach(() => {
  home = makeTestHome();
});
afterEach(() => {
  made?.remove();
  home.cleanup();
});

const base = `export default {
  name: 'shop',
  services: {
    api: { command: 'node api.js', ports: { PORT: 'api' }, env: { LOG: 'info', OLD: 'x' } },
    web: { command: ['vite'], ports: { PORT: 'dev' }, dependsOn: ['api'] },
  },
};\n`;

describe('local overrides', () => {
  it.each([
    ['styxy.config.local.mjs', `export default { services: { api: { env: { LOG: 'debug', OLD: null } } } };\n`],
    [
      'styxy.config.local.ts',
      `export default { services: { api: { env: { LOG: 'debug' as string, OLD: null } } } };\n`,
    ],
    ['styxy.config.local.json', '{ "services": { "api": { "env": { "LOG": "debug", "OLD": null } } } }\n'],
    ['styxy.config.local.yaml', 'services:\n  api:\n    env:\n      LOG: debug\n      OLD: null\n'],
  ])('%s is merged over the config, and says so', async (name, text) => {
    made = makeProject({ 'styxy.config.ts': base, [name]: text });
    const config = await loadProjectConfig({ cwd: made.dir, home: home.home });
    const api = config.services.find((service) => service.name === 'api')!;
    expect(api.env).toEqual({ LOG: 'debug' });
    expect(config.layers).toEqual([`${made.dir}/styxy.config.ts`, `${made.dir}/${name}`]);
    expect(config.sources.api).toEqual({
      values: {
        command: `${made.dir}/styxy.config.ts`,
        'ports.PORT': `${made.dir}/styxy.config.ts`,
        'env.LOG': `${made.dir}/${name}`,
      },
      removed: { 'env.OLD': `${made.dir}/${name}` },
    });
  });

  it('a list replaces, a new service is added, and the local file is found from a subfolder', async () => {
    made = makeProject({
      'styxy.config.ts': base,
      'styxy.config.local.json': JSON.stringify({
        services: { web: { command: ['vite', '--debug'] }, docs: { command: 'docs', ports: { PORT: 'docs' } } },
      }),
      'sub/.keep': '',
    });
    const config = await loadProjectConfig({ cwd: `${made.dir}/sub`, home: home.home });
    expect(config.services.map((service) => service.name)).toEqual(['api', 'web', 'docs']);
    expect(config.services[1]!.command).toEqual({ kind: 'argv', argv: ['vite', '--debug'] });
  });

  it('a bad value names the local file that holds it, a good one the config', async () => {
    made = makeProject({
      'styxy.config.ts': base.replace("command: ['vite']", "command: ['vite'], dependOn: []"),
      'styxy.config.local.json': '{ "services": { "api": { "ports": { "PORT": "apii" }, "stopTimeout": -1 } } }',
    });
    const error = await failure(loadProjectConfig({ cwd: made.dir, home: home.home }));
    expect(error.code).toBe('STYXY_CONFIG_INVALID');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`invalid config ${made.dir}/styxy.config.ts (3 problems):`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}styxy\.config\.local\.json: services\.api\.ports\.PORT: unknown service type "apii"/),
      expect.stringMatching(/^ {2}styxy\.config\.local\.json: services\.api\.stopTimeout: /),
      expect.stringMatching(/^ {2}styxy\.config\.ts: services\.web\.dependOn: unknown option/),
    ]);
  });

  it('a local file that does not load is named', async () => {
    made = makeProject({ 'styxy.config.ts': base, 'styxy.config.local.mjs': 'export default { services: {\n' });
    const error = await failure(loadProjectConfig({ cwd: made.dir, home: home.home }));
    expect(error.message).toMatch(/^cannot load config .*styxy\.config\.local\.mjs/);
  });

  it('two local files are an error, not a silent pick', async () => {
    made = makeProject({
      'styxy.config.ts': base,
      'styxy.config.local.mjs': 'export default {};\n',
      'styxy.config.local.json': '{}',
    });
    const error = await failure(loadProjectConfig({ cwd: made.dir, home: home.home }));
    expect(error.message).toBe(
      `several local overrides in ${made.dir}: styxy.config.local.mjs, styxy.config.local.json`,
    );
  });
});

describe('-c given more than once', () => {
  it('the first is the config (its folder the root), later files win, the local override last', async () => {
    made = makeProject({
      'styxy.config.ts': base,
      'ci.yaml': 'services:\n  api:\n    env:\n      LOG: warn\n      CI: "1"\n',
      'more.json': '{ "services": { "api": { "env": { "LOG": "error" } } } }',
      'styxy.config.local.json': '{ "services": { "api": { "env": { "CI": "local" } } } }',
    });
    const config = await loadProjectConfig({
      cwd: made.dir,
      file: ['styxy.config.ts', 'ci.yaml', 'more.json'],
      home: home.home,
    });
    expect(config.root).toBe(made.dir);
    expect(config.services[0]!.env).toEqual({ LOG: 'error', OLD: 'x', CI: 'local' });
    expect(config.layers.map((file) => file.slice(made.dir.length + 1))).toEqual([
      'styxy.config.ts',
      'ci.yaml',
      'more.json',
      'styxy.config.local.json',
    ]);
  });

  it('a missing later file is named', async () => {
    made = makeProject({ 'styxy.config.ts': base });
    const error = await failure(
      loadProjectConfig({ cwd: made.dir, file: ['styxy.config.ts', 'nope.json'], home: home.home }),
    );
    expect(error.message).toBe(`config file ${made.dir}/nope.json does not exist`);
  });
});
