/**
 * A background supervisor's config, loaded in a child process (supervisor/background/config-child.ts):
 * what comes back is what an in-process load gives, and a config error comes back as the same coded
 * error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../../src/config/load.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { loadConfigInChild } from '../../../src/supervisor/background/config-child.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';

let home: TestHome;
let project: string;

beforeEach(() => {
  home = makeTestHome();
  project = mkdtempSync(join(tmpdir(), 'styxy-config-child-'));
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
  home.cleanup();
});

describe('the config in a child process', () => {
  it('comes back as an in-process load resolves it', async () => {
    writeFileSync(
      join(project, 'styxy.config.ts'),
      `export default { name: 'child', services: {
        api: { command: ['node', 'server.js'], ports: { PORT: 'api' }, ready: { log: /listening on \\d+/i } },
        web: { command: 'npm run dev', dependsOn: ['api'], env: { API: '\${api.PORT}' }, ready: false },
      } };\n`,
    );
    const request = { cwd: project, file: undefined, home: home.home };
    const fromChild = await loadConfigInChild(request);
    const inProcess = await loadProjectConfig(request);
    expect(fromChild).toEqual(inProcess);
    const api = fromChild.services.find((service) => service.name === 'api');
    expect(api?.ready).toMatchObject({ kind: 'log', pattern: 'listening on \\d+', flags: 'i' });
  });

  it('a config error comes back with its code, message and problems', async () => {
    writeFileSync(join(project, '.styxyrc.json'), JSON.stringify({ name: 'bad', services: { a: { command: 5 } } }));
    const error = await loadConfigInChild({ cwd: project, file: undefined, home: home.home }).catch((e) => e);
    expect(isStyxyError(error)).toBe(true);
    expect(error.code).toBe('STYXY_CONFIG_INVALID');
    expect(error.message).toContain('services.a.command');
    expect(error.details.problems).toHaveLength(1);
  });
});
