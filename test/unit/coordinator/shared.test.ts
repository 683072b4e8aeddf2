import { describe, expect, it } from 'vitest';
import { START_CLAIM_MS } from '../../../src/coordinator/shared.js';
import type { SharedUse, StackRegistration } from '../../../src/protocol/coordinator-protocol.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { definitionDifference } from '../../../src/protocol/shared-mismatch.js';
import { type FakeClient, fakeCoordinator, portRequest as req } from '../../helpers/fake-coordinator.js';

const KEY = 'repo:/work/shop/.git:db';

function use(file: string, command = '"postgres -p $PORT"', keepAliveMs = 0): SharedUse {
  return {
    service: 'db',
    key: KEY,
    scope: 'repo',
    keepAliveMs,
    definition: { file, command, cwd: '.', env: {}, ports: { PORT: '{"type":"dev"}' } },
  };
}

function registration(client: FakeClient, id: string, extra: Partial<StackRegistration>): StackRegistration {
  return {
    id,
    name: 'default',
    project: 'shop',
    root: `/work/${id}`,
    configFile: `/work/${id}/styxy.config.ts`,
    pid: client.pid,
    detached: true,
    controlSocket: null,
    runToken: `tokentoken${client.pid}`,
    ...extra,
  };
}

type Answer = { action: string; ports?: Record<string, number>; reason?: string };

describe('shared services in the coordinator (in-process, fake effects)', () => {
  it('tells exactly one of several users to start, the others to wait, then all join with its ports', async () => {
    const fake = fakeCoordinator();
    const users = await Promise.all([1, 2, 3].map(() => fake.connect()));
    for (const [i, user] of users.entries()) {
      await user.call('registerStack', {
        registration: registration(user, `wt${i}`, { uses: [use(`/work/wt${i}/styxy.config.ts`)] }),
      });
    }
    const answers = await Promise.all(
      users.map((user, i) => user.call<Answer>('acquireShared', { stackId: `wt${i}`, service: 'db' })),
    );
    expect(answers.map((answer) => answer.action).sort()).toEqual(['start', 'wait', 'wait']);
    // The instance registers, leases its port, and reports its service ready.
    const instance = await fake.connect();
    await instance.call('registerStack', {
      registration: registration(instance, 'shared-db', { shared: use('/work/wt0/styxy.config.ts') }),
    });
    const [lease] = await instance.call<{ port: number }[]>('reserve', {
      stackId: 'shared-db',
      requests: [req('db', 'PORT', 'dev')],
    });
    expect((await users[0]!.call<Answer>('acquireShared', { stackId: 'wt0', service: 'db' })).action).toBe('wait');
    await instance.call('updateStack', {
      stackId: 'shared-db',
      phase: 'running',
      services: [{ name: 'db', status: 'ready', ports: { PORT: lease!.port }, pid: null, restarts: 0 }],
    });
    for (const [i, user] of users.entries()) {
      expect(await user.call<Answer>('acquireShared', { stackId: `wt${i}`, service: 'db' })).toMatchObject({
        action: 'join',
        instance: 'shared-db',
        ports: { PORT: lease!.port },
      });
    }
    // A second instance of the key is refused.
    const other = await fake.connect();
    await expect(
      other.call('registerStack', { registration: registration(other, 'shared-db-2', { shared: use('/x') }) }),
    ).rejects.toThrow(/already runs/);
  });

  it('an instance started again from another folder gets the port the killed one had (sticky by shared key)', async () => {
    const fake = fakeCoordinator();
    // Another program's lease takes the range's first port while the instance leases, then goes.
    const other = await fake.connect(undefined, undefined, 'run');
    const [first] = await other.call<{ port: number }[]>('reserve', { requests: [req('x', 'PORT', 'dev')] });
    const a = await fake.connect();
    await a.call('registerStack', {
      registration: registration(a, 'shared-db-wt0', { shared: use('/work/wt0/styxy.config.ts') }),
    });
    const [had] = await a.call<{ port: number }[]>('reserve', {
      stackId: 'shared-db-wt0',
      requests: [req('db', 'PORT', 'dev')],
    });
    await other.call('release', {});
    fake.killPid(a.pid);
    a.peer.close();
    await fake.settle();
    expect(fake.state.stacks.size).toBe(0);
    const b = await fake.connect();
    // up --dry-run from another worktree plans the port the instance had (planPorts sharedKeys);
    // keyed by its own folder and name it would get the range's first one.
    const where = { root: '/work/wt1', name: 'default', requests: [req('db', 'PORT', 'dev')] };
    const [planned] = await b.call<{ port: number }[]>('planPorts', { ...where, sharedKeys: { db: KEY } });
    expect(planned!.port).toBe(had!.port);
    const [unshared] = await b.call<{ port: number }[]>('planPorts', where);
    expect(unshared!.port).toBe(first!.port);
    await b.call('registerStack', {
      registration: registration(b, 'shared-db-wt1', { shared: use('/work/wt1/styxy.config.ts') }),
    });
    const [again] = await b.call<{ port: number }[]>('reserve', {
      stackId: 'shared-db-wt1',
      requests: [req('db', 'PORT', 'dev')],
    });
    expect(again!.port).toBe(had!.port);
    expect(again!.port).not.toBe(first!.port);
  });

  it('refuses a stack whose definition differs, naming both files and the difference', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await a.call('registerStack', { registration: registration(a, 'a', { uses: [use('/work/a/styxy.config.ts')] }) });
    const refused = await b
      .call('registerStack', {
        registration: registration(b, 'b', { uses: [use('/work/b/styxy.config.ts', '"postgres -p $PORT -N 10"')] }),
      })
      .catch((error: unknown) => error);
    expect(isStyxyError(refused) && refused.code).toBe('STYXY_SHARED_MISMATCH');
    expect((refused as Error).message).toBe(
      'shared service "db" is defined differently in /work/b/styxy.config.ts and in /work/a/styxy.config.ts ' +
        '(used by stack shop/default): command: "postgres -p $PORT -N 10" vs "postgres -p $PORT"',
    );
    expect(fake.state.stacks.has('b')).toBe(false);
  });

  it('stops an unused instance after its keepAlive, and not while a stack uses it', async () => {
    const fake = fakeCoordinator();
    const user = await fake.connect();
    const instance = await fake.connect();
    await user.call('registerStack', {
      registration: registration(user, 'wt', { uses: [use('/f', undefined, 5000)] }),
    });
    await instance.call('registerStack', {
      registration: registration(instance, 'shared-db', { shared: use('/f', undefined, 5000) }),
    });
    fake.coordinator.sweep();
    fake.advance(60_000);
    fake.coordinator.sweep();
    expect(fake.signals).toEqual([]);
    await user.call('unregisterStack', { stackId: 'wt' });
    fake.coordinator.sweep();
    fake.advance(4000);
    fake.coordinator.sweep();
    expect(fake.signals).toEqual([]);
    fake.advance(1000);
    fake.coordinator.sweep();
    expect(fake.signals).toEqual([{ pid: instance.pid, signal: 'SIGTERM' }]);
    // A stack asking meanwhile waits for the stop, then starts a new one.
    const late = await fake.connect();
    await late.call('registerStack', {
      registration: registration(late, 'late', { uses: [use('/f', undefined, 5000)] }),
    });
    expect((await late.call<Answer>('acquireShared', { stackId: 'late', service: 'db' })).reason).toBe(
      'its instance is stopping',
    );
    await instance.call('unregisterStack', { stackId: 'shared-db' });
    expect((await late.call<Answer>('acquireShared', { stackId: 'late', service: 'db' })).action).toBe('start');
  });

  it('gives the start to another stack when the starter is gone or took too long', async () => {
    const fake = fakeCoordinator();
    const [a, b] = [await fake.connect(), await fake.connect()];
    await a.call('registerStack', { registration: registration(a, 'a', { uses: [use('/f')] }) });
    await b.call('registerStack', { registration: registration(b, 'b', { uses: [use('/f')] }) });
    expect((await a.call<Answer>('acquireShared', { stackId: 'a', service: 'db' })).action).toBe('start');
    expect((await b.call<Answer>('acquireShared', { stackId: 'b', service: 'db' })).action).toBe('wait');
    fake.advance(START_CLAIM_MS);
    expect((await b.call<Answer>('acquireShared', { stackId: 'b', service: 'db' })).action).toBe('start');
    await b.call('unregisterStack', { stackId: 'b' });
    expect((await a.call<Answer>('acquireShared', { stackId: 'a', service: 'db' })).action).toBe('start');
  });

  it.each([
    [{}, {}, null],
    [{ cwd: 'db' }, {}, 'cwd: db vs .'],
    [{ env: { A: '1' } }, {}, 'env.A: 1 vs (not set)'],
    [{}, { ports: { PORT: '{"fixed":5432}' } }, 'ports.PORT: {"type":"dev"} vs {"fixed":5432}'],
  ])('definitionDifference %j %j → %s', (a, b, expected) => {
    const base = use('/f').definition;
    expect(definitionDifference({ ...base, ...a }, { ...base, ...b })).toBe(expected);
  });
});
