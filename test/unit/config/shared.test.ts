import { describe, expect, it } from 'vitest';
import { problemsOf, resolveOk } from './fixtures.js';

const db = { command: 'redis-server --port $PORT', ports: { PORT: 'dev' } };

describe('config: shared services', () => {
  it.each([
    [true, { scope: 'repo', key: 'db', keepAliveMs: 0 }],
    [{}, { scope: 'repo', key: 'db', keepAliveMs: 0 }],
    [
      { scope: 'user', key: 'ollama', keepAlive: 600_000 },
      { scope: 'user', key: 'ollama', keepAliveMs: 600_000 },
    ],
    [false, undefined],
  ])('shared: %j → %j', (shared, expected) => {
    const config = resolveOk({ services: { db: { ...db, shared } } });
    expect(config.services[0]!.shared).toEqual(expected);
  });

  it.each([
    [{ scope: 'team' }, /services\.db\.shared\.scope: expected "repo" or "user", found "team"/],
    [{ key: 'a b' }, /services\.db\.shared\.key: expected a key of letters/],
    [{ keepAlive: -1 }, /services\.db\.shared\.keepAlive/],
    [{ keepalive: 1 }, /services\.db\.shared\.keepalive: unknown option.*keepAlive/],
    ['yes', /services\.db\.shared: expected true or \{ scope/],
  ])('shared: %j is an error', (shared, expected) => {
    expect(problemsOf({ services: { db: { ...db, shared } } }).join('\n')).toMatch(expected);
  });

  it('a shared service cannot depend on, or take the ports of, the other services', () => {
    const problems = problemsOf({
      services: {
        api: { command: 'api', ports: { PORT: 'dev' } },
        db: { ...db, command: 'redis-server --port $PORT --x ${api.PORT}', dependsOn: ['api'], shared: true },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /services\.db\.dependsOn\.api: "db" is shared: it runs in a stack of its own and cannot wait for "api"/,
        ),
        expect.stringMatching(/services\.db\.command: "db" is shared: .*cannot use the ports of "api"/),
      ]),
    );
  });

  it('a shared service has no replicas', () => {
    expect(problemsOf({ services: { db: { ...db, shared: true, replicas: 2 } } })).toEqual([
      'services.db.replicas: "db" is shared: it runs one instance for every stack, so it cannot have replicas',
    ]);
  });

  it('other services may depend on a shared one and use its ports', () => {
    const config = resolveOk({
      services: { db: { ...db, shared: true }, api: { command: 'api ${db.PORT}', dependsOn: { db: 'ready' } } },
    });
    expect(config.services.map((service) => service.name)).toEqual(['db', 'api']);
  });
});
