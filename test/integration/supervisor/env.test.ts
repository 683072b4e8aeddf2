import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stackSlug } from '../../../src/protocol/stack-id.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { resolveTestConfig } from '../../helpers/resolve-config.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

/** The environment a service printed with env-dump.mjs. */
async function envOf(supervisor: Supervisor, service: string): Promise<Record<string, string>> {
  const line = await waitFor(() => supervisor.getLogs(service).find((l) => l.text.startsWith('ENV ')), {
    message: `${service}'s environment`,
  });
  return JSON.parse(line.text.slice(4));
}

function writeBin(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\necho "${text}"\n`);
  chmodSync(join(dir, name), 0o755);
}

describe('service environment (real processes)', () => {
  it('inherited < env file < env < Styxy own variables, with every port of the stack', async () => {
    harness = await createHarness();
    writeFileSync(join(harness.root, '.env'), 'FROM_FILE=file\nOVERRIDDEN=file\nINHERITED=file\n');
    const supervisor = harness.supervisor(
      {
        name: 'shop',
        services: {
          api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api', DEBUG_PORT: 'test' } },
          'web-app': {
            command: [NODE, fixture('env-dump.mjs')],
            ports: { HTTP: 'dev' },
            envFile: '.env',
            env: { OVERRIDDEN: 'env', API_URL: 'http://localhost:${api.PORT}/v1' },
            ready: false,
          },
        },
      },
      { env: { ...harness.home.env, INHERITED: 'inherited', ONLY_INHERITED: 'yes', PORT: '1', STYXY_STACK: 'x' } },
    );
    const snapshot = await supervisor.start();
    const [api, web] = snapshot.services;
    const env = await envOf(supervisor, 'web-app');
    expect(env).toMatchObject({
      ONLY_INHERITED: 'yes',
      INHERITED: 'file',
      FROM_FILE: 'file',
      OVERRIDDEN: 'env',
      API_URL: `http://localhost:${api!.ports.PORT}/v1`,
      PORT: String(web!.ports.HTTP),
      HTTP: String(web!.ports.HTTP),
      STYXY_API_PORT: String(api!.ports.PORT),
      STYXY_API_DEBUG_PORT: String(api!.ports.DEBUG_PORT),
      STYXY_WEB_APP_HTTP: String(web!.ports.HTTP),
      STYXY_STACK: 'default',
      STYXY_STACK_ID: supervisor.id,
      STYXY_STACK_SLUG: stackSlug(harness.root, 'default', 'shop'),
      STYXY_SERVICE: 'web-app',
      STYXY_PROJECT: 'shop',
      STYXY_TAG: `${supervisor.runToken}:web-app`,
    });
  });

  it("puts the project's node_modules/.bin, then its ancestors', first on PATH", async () => {
    harness = await createHarness();
    writeBin(join(harness.root, 'node_modules', '.bin'), 'which-bin', 'project');
    writeBin(join(harness.home.home, 'node_modules', '.bin'), 'which-bin', 'ancestor');
    writeBin(join(harness.home.home, 'node_modules', '.bin'), 'ancestor-only', 'from the ancestor');
    const supervisor = harness.supervisor({
      services: {
        shell: { command: 'which-bin; ancestor-only; exec sleep 30', ready: { log: 'from the ancestor' } },
        argv: { command: ['which-bin'], ready: false },
        dump: { command: [NODE, fixture('env-dump.mjs')], ready: false },
      },
    });
    await supervisor.start();
    expect(supervisor.getLogs('shell').map((l) => l.text)).toEqual(
      expect.arrayContaining(['project', 'from the ancestor']),
    );
    await waitFor(() => supervisor.getLogs('argv').some((l) => l.text === 'project'));
    const path = (await envOf(supervisor, 'dump')).PATH!.split(':');
    expect(path.slice(0, 2)).toEqual([
      join(harness.root, 'node_modules', '.bin'),
      join(harness.home.home, 'node_modules', '.bin'),
    ]);
    expect(path).toEqual(expect.arrayContaining((harness.home.env.PATH ?? '').split(':')));
  });

  it('fills ${service.PORT} in shell and argv commands', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        api: { command: 'echo "api on ${api.PORT} sees $PORT"; exec sleep 30', ports: { PORT: 'api' }, ready: false },
        argv: { command: [NODE, '-e', 'console.log(process.argv[1])', 'port=${api.PORT}'], ready: false },
      },
    });
    const snapshot = await supervisor.start();
    const port = snapshot.services[0]!.ports.PORT;
    await waitFor(() => supervisor.getLogs('api').some((l) => l.text === `api on ${port} sees ${port}`));
    await waitFor(() => supervisor.getLogs('argv').some((l) => l.text === `port=${port}`));
  });

  it('a reference to a port that is not leased starts nothing and names the field', async () => {
    harness = await createHarness();
    // The loader refuses this config; the supervisor must still defend itself against a
    // ResolvedConfig built by other means.
    const valid = resolveTestConfig(
      harness.root,
      { services: { api: { command: 'exec sleep 30' } } },
      harness.home.home,
    );
    const supervisor = harness.supervisor({
      ...valid,
      services: [{ ...valid.services[0]!, env: { URL: 'http://localhost:${api.NOPE}' } }],
    });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'STYXY_CONFIG_INVALID',
      message: expect.stringContaining('service "api", env.URL: ${api.NOPE} names no leased port'),
    });
    expect(supervisor.getSnapshot().services[0]!.pid).toBeNull();
    expect(await harness.client.listLeases()).toEqual([]);
    expect(await harness.client.listStacks()).toEqual([]);
  });
});
