import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

const server = (extra: Record<string, unknown> = {}) => ({
  command: [NODE, fixture('http-server.mjs')],
  ports: { PORT: 'api' },
  ...extra,
});

async function startFailing(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isStyxyError(error)).toBe(true);
  return error as Error & { code: string; details: Record<string, unknown>; hint?: string };
}

describe('readiness probes (real processes)', () => {
  it('TCP by default: ready once the service listens on its first port, not before', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({ services: { api: server({ env: { DELAY_MS: 300 } }) } });
    const snapshot = await supervisor.start();
    const api = snapshot.services[0]!;
    expect(api.status).toBe('ready');
    expect(api.readyAt! - api.startedAt!).toBeGreaterThanOrEqual(250);
    const response = await fetch(`http://127.0.0.1:${api.ports.PORT}/`);
    expect(await response.text()).toBe('ok api');
    const lifecycle = supervisor.getLogs('api').filter((line) => line.stream === 'styxy');
    expect(lifecycle.map((line) => line.text)).toContainEqual(
      expect.stringMatching(new RegExp(`^ready on :${api.ports.PORT} in (\\d+ ms|\\d+(\\.\\d)? s)$`)), // a slow machine may take a second
    );
  });

  it('TCP and HTTP find a service that listens on IPv6 localhost only', async () => {
    harness = await createHarness();
    const listen6 = "require('http').createServer((q, s) => s.end('v6')).listen(+process.env.PORT, '::1')";
    const supervisor = harness.supervisor({
      services: {
        tcp: { command: [NODE, '-e', listen6], ports: { PORT: 'api' } },
        http: { command: [NODE, '-e', listen6], ports: { PORT: 'dev' }, ready: { http: '/' } },
      },
    });
    const snapshot = await supervisor.start();
    expect(snapshot.services.map((s) => s.status)).toEqual(['ready', 'ready']);
  });

  it('HTTP: waits for a 2xx on the path, on the service port', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({ services: { api: server({ ready: { http: '/health' } }) } });
    const snapshot = await supervisor.start();
    expect(snapshot.services[0]!.status).toBe('ready');
  });

  it('HTTP: a path that keeps answering 503 times out, failing the service with its last lines', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        api: server({ env: { HEALTH_STATUS: 503 }, ready: { http: '/health', timeout: 1500, interval: 50 } }),
      },
    });
    const error = await startFailing(supervisor.start());
    expect(error.code).toBe('STYXY_SERVICE_FAILED');
    expect(error.message).toMatch(
      /service "api" failed: ready check timed out after 1\.5 s \(HTTP GET :\d+\/health\): answered 503/,
    );
    expect(error.message).toMatch(/\| listening on \d+/);
    const outcome = await supervisor.done;
    expect(outcome.kind).toBe('failed');
    expect(await harness.client.listLeases()).toEqual([]);
  });

  it('log: ready when a line matches, with ${service.PORT} filled in the pattern', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: { api: server({ ready: { log: 'listening on ${api.PORT}$' } }) },
    });
    const snapshot = await supervisor.start();
    expect(snapshot.services[0]!.status).toBe('ready');
  });

  it('log: a line printed before the pattern appears does not count; a timeout names the pattern', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        worker: {
          command: [NODE, '-e', 'console.log("warming up"); setInterval(() => {}, 1e6)'],
          ready: { log: /^ready$/, timeout: 1500 },
        },
      },
    });
    const error = await startFailing(supervisor.start());
    expect(error.message).toContain('a log line matching /^ready$/');
    expect(error.message).toContain('| warming up');
  });

  it('command: ready once the command exits 0, run with the service env', async () => {
    harness = await createHarness();
    const flag = join(harness.root, 'flag');
    const supervisor = harness.supervisor({
      services: {
        job: {
          command: `sleep 0.3; touch "${flag}"; exec sleep 30`,
          env: { FLAG: flag },
          ready: { command: 'test -f "$FLAG"', interval: 50 },
        },
      },
    });
    const snapshot = await supervisor.start();
    expect(snapshot.services[0]!.status).toBe('ready');
  });

  it('command: an overrunning check is killed and counts as a failed attempt', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: { job: { command: 'exec sleep 30', ready: { command: 'sleep 30', timeout: 500 } } },
    });
    const error = await startFailing(supervisor.start());
    expect(error.message).toMatch(
      /ready check timed out after 500 ms \(`sleep 30` exits 0\): `sleep 30` ran longer than/,
    );
  });

  it('a probe timeout quotes the last 20 lines of the service', async () => {
    harness = await createHarness();
    writeFileSync(
      join(harness.root, 'noisy.mjs'),
      'for (let i = 1; i <= 30; i++) console.log(`noise ${i}`); setInterval(() => {}, 1e6);',
    );
    const supervisor = harness.supervisor({
      services: {
        noisy: { command: [NODE, 'noisy.mjs'], ports: { PORT: 'api' }, ready: { port: 'PORT', timeout: 1500 } },
      },
    });
    const error = await startFailing(supervisor.start());
    const quoted = error.message.split('\n').filter((line) => line.startsWith('  | '));
    expect(quoted).toEqual(Array.from({ length: 20 }, (_, i) => `  | noise ${i + 11}`));
    expect(error.details.lines).toHaveLength(20);
    expect(error.hint).toMatch(/\$PORT/);
  });
});
