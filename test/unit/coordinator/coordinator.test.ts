import { describe, expect, it } from 'vitest';
import type { PersistedState } from '../../../src/coordinator/state-file.js';
import { registerStopParams } from '../../../src/protocol/coordinator-params.js';
import type { Lease, LeaseInfo, StackRegistration } from '../../../src/protocol/coordinator-protocol.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import {
  CoordinatorState,
  type FakeClient,
  fakeCoordinator,
  portRequest as req,
} from '../../helpers/fake-coordinator.js';

function registration(client: FakeClient, id = 'shop-default-1', name = 'default'): StackRegistration {
  return {
    id,
    name,
    project: 'shop',
    root: '/work/shop',
    configFile: '/work/shop/styxy.config.ts',
    pid: client.pid,
    detached: false,
    controlSocket: null,
    // A token of its own per client, as every stack run makes (run-tokens.ts).
    runToken: `tokentoken${client.pid}`,
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    if (isStyxyError(error))
      return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('coordinator (in-process, fake effects)', () => {
  it('leases all or nothing, and names the holder of a taken fixed port', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    const leases = await a.call<Lease[]>('reserve', {
      requests: [req('web', 'PORT', 'dev'), req('web', 'HMR', 'dev')],
    });
    expect(leases.map((l) => l.port)).toEqual([3000, 3001]);
    const failed = await rejection(
      b.call('reserve', { requests: [req('api', 'PORT', 'dev'), req('db', 'PORT', null, { fixed: 3001 })] }),
    );
    expect(failed.code).toBe('STYXY_PORT_TAKEN');
    expect(failed.message).toContain('port 3001 for "db" (PORT) is held by `styxy run` of web');
    expect(failed.message).toContain(`pid ${a.pid}`);
    expect(failed.hint).toContain('styxy check 3001');
    // Nothing of b's batch was leased (3002 stays free).
    expect((await b.call<{ leases: LeaseInfo[] }>('listLeases')).leases.map((l) => l.port)).toEqual([3000, 3001]);
  });

  it('says which program holds a fixed port, and what filled a range', async () => {
    const fake = fakeCoordinator({ types: { api: [8000, 8001] } });
    const a = await fake.connect();
    fake.busy.add(8000);
    const fixed = await rejection(a.call('reserve', { requests: [req('db', 'PORT', null, { fixed: 8000 })] }));
    expect(fixed.message).toBe('port 8000 for "db" (PORT) is in use by another program: pid 4242 (foreign-server)');
    await a.call('reserve', { requests: [req('web', 'PORT', 'api')] });
    const full = await rejection(a.call('reserve', { requests: [req('web2', 'PORT', 'api')] }));
    expect(full.code).toBe('STYXY_RANGE_EXHAUSTED');
    expect(full.message).toContain("type api's range 8000–8001");
    expect(full.message).toContain('1 leased');
    expect(full.message).toContain('1 in use by other programs (8000)');
    const unknown = await rejection(a.call('reserve', { requests: [req('web', 'PORT', 'nope')] }));
    expect(unknown.code).toBe('STYXY_UNKNOWN_TYPE');
    expect(unknown.hint).toContain('known types: api');
  });

  it('gives a key its sticky port back next time', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('reserve', { requests: [req('other', 'PORT', 'dev')] }); // 3000
    const first = await a.call<Lease[]>('reserve', { requests: [req('web', 'PORT', 'dev')] }); // 3001
    await a.call('release', {});
    const again = await a.call<Lease[]>('reserve', { requests: [req('web', 'PORT', 'dev')] });
    expect(again[0]!.port).toBe(first[0]!.port);
  });

  it('plans ports as reserve would (sticky, lowest free, probed) and leases nothing', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('reserve', { requests: [req('other', 'PORT', 'dev')] }); // 3000
    await a.call('reserve', { requests: [req('web', 'PORT', 'dev')] }); // 3001
    await a.call('release', {});
    fake.busy.add(3000); // another program took it meanwhile
    const where = { root: a.owner.cwd, name: 'run' }; // the sticky keys of leases without a stack
    const plan = await a.call<{ service: string; port: number }[]>('planPorts', {
      ...where,
      requests: [req('web', 'PORT', 'dev'), req('api', 'PORT', 'dev')],
    });
    expect(plan.map((p) => [p.service, p.port])).toEqual([
      ['web', 3001],
      ['api', 3002],
    ]);
    expect((await a.call<{ leases: LeaseInfo[] }>('listLeases')).leases).toEqual([]);
    // A fixed port another program holds is the same error as for a start.
    const failed = await rejection(
      a.call('planPorts', { ...where, requests: [req('db', 'PORT', null, { fixed: 3000 })] }),
    );
    expect(failed.code).toBe('STYXY_PORT_TAKEN');
  });

  it('resumes an owner only with its token, its own pid and start time', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('reserve', { requests: [req('web', 'PORT', 'dev')] });
    a.peer.close();
    const resumed = await fake.connect(a.pid, a.token);
    expect(resumed.resumed).toBe(true);
    expect(resumed.owner).toBe(a.owner);
    const other = await fake.connect(undefined, a.token); // another process presenting the token
    expect(other.resumed).toBe(false);
    expect(other.owner).not.toBe(a.owner);
    await other.call('release', {}); // releases nothing of a's
    expect(fake.state.registry.leases.get(3000)?.owner).toBe(a.owner.id);
  });

  it('keeps a detached owner while its process lives, reaps it once dead', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('registerStack', { registration: registration(a) });
    await a.call('reserve', { stackId: 'shop-default-1', requests: [req('web', 'PORT', 'dev')] });
    const child = fake.spawnPid();
    await a.call('reportProcess', { stackId: 'shop-default-1', service: 'web', pid: child, pgid: child });
    a.peer.close();
    fake.coordinator.sweep();
    await fake.settle();
    expect(fake.state.registry.leases.size).toBe(1);
    expect(fake.kills).toEqual([]);
    fake.killPid(a.pid);
    fake.coordinator.sweep();
    await fake.settle();
    expect(fake.state.registry.leases.size).toBe(0);
    expect(fake.state.stacks.size).toBe(0);
    expect(fake.kills).toEqual([
      [
        {
          token: `tokentoken${a.pid}`,
          groups: [{ pid: child, pgid: child, startTime: `start-${child}` }],
          stops: [],
        },
      ],
    ]);
    expect(fake.logs.join('\n')).toMatch(/reaped supervisor pid \d+ .*freed ports \[3000\]/);
  });

  it('runs the stop commands registered for its services when it reaps; a cleared one is not run', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('registerStack', { registration: registration(a) });
    const stop = { file: 'sh', args: ['-c', 'pg_ctl stop'], cwd: '/work/shop', env: { PGDATA: 'x' }, timeoutMs: 5000 };
    const kept = await a.call('registerStop', { stackId: 'shop-default-1', service: 'db', stop, daemon: null });
    expect(kept).toEqual({ stop: true, daemon: false, problem: null });
    await a.call('registerStop', { stackId: 'shop-default-1', service: 'cache', stop, daemon: null });
    await a.call('registerStop', { stackId: 'shop-default-1', service: 'cache', stop: null, daemon: null });
    // A daemon the OS does not confirm is not recorded; its stop command still is.
    const refused = await a.call('registerStop', {
      stackId: 'shop-default-1',
      service: 'redis',
      stop: null,
      daemon: { pid: fake.spawnPid(undefined, 1), pidFile: '/work/shop/redis.pid' },
    });
    expect(refused).toMatchObject({ stop: false, daemon: false, problem: expect.stringContaining('not provably') });
    fake.killPid(a.pid);
    a.peer.close();
    await fake.settle();
    expect(fake.kills).toEqual([[{ token: `tokentoken${a.pid}`, groups: [], stops: [stop] }]]);
    expect(fake.state.stops.size).toBe(0);
    expect(fake.logs.join('\n')).toContain('running 1 stop command(s) first');
  });

  it('takes stop registrations only for its own stacks, within their caps', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await a.call('registerStack', { registration: registration(a) });
    const stop = { file: 'sh', args: [], cwd: '/work/shop', env: {}, timeoutMs: 1000 };
    const theirs = await rejection(
      b.call('registerStop', { stackId: 'shop-default-1', service: 'db', stop, daemon: null }),
    );
    expect(theirs.code).toBe('STYXY_NOT_OWNER');
    const params = (changes: object) => ({
      stackId: 'shop-default-1',
      service: 'db',
      stop: { ...stop, ...changes },
      daemon: null,
    });
    const problem = (changes: object) => registerStopParams.safeParse(params(changes)).error?.issues[0]?.message;
    expect(problem({ args: Array(10).fill('y'.repeat(32 * 1024)) })).toBe('must be at most 262144 bytes as JSON');
    expect(problem({ timeoutMs: 3_600_000 })).toMatch(/<=\s*600000/);
    expect(problem({ args: Array(257).fill('y') })).toMatch(/<=\s*256/);
    expect(fake.state.stops.size).toBe(0);
  });

  it('reaps at once when the connection closes after the process died', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect(undefined, undefined, 'run');
    await a.call('reserve', { requests: [req('sh', 'PORT', 'dev')], runToken: 'runtoken12345' });
    fake.killPid(a.pid);
    a.peer.close();
    await fake.settle();
    expect(fake.state.registry.leases.size).toBe(0);
    expect(fake.kills[0]).toEqual([{ token: 'runtoken12345', groups: [], stops: [] }]);
  });

  it('reapGone (a stopping coordinator) reaps a dead owner whose connection has not closed yet, and only it', async () => {
    const fake = fakeCoordinator();
    const dead = await fake.connect(undefined, undefined, 'run');
    const live = await fake.connect(undefined, undefined, 'run');
    await dead.call('reserve', { requests: [req('a', 'PORT', 'dev')], runToken: 'deadtoken1234' });
    await live.call('reserve', { requests: [req('b', 'PORT', 'dev')], runToken: 'livetoken1234' });
    fake.killPid(dead.pid);
    await fake.coordinator.reapGone();
    expect(fake.kills.flat()).toEqual([{ token: 'deadtoken1234', groups: [], stops: [] }]);
    expect([...fake.state.registry.leases.values()].map((lease) => lease.owner)).toEqual([live.owner.id]);
  });

  it('reapGone reaps an owner killed but not exited yet (SIGKILL pending), and not a live one', async () => {
    // A cleanup's `kill -9` then SIGTERM to the coordinator: under load the killed supervisor may
    // not have run since, so it still looks alive; it used to be left with its services running.
    const fake = fakeCoordinator();
    const killed = await fake.connect(undefined, undefined, 'run');
    const live = await fake.connect(undefined, undefined, 'run');
    await killed.call('reserve', { requests: [req('a', 'PORT', 'dev')], runToken: 'killedtoken12' });
    await live.call('reserve', { requests: [req('b', 'PORT', 'dev')], runToken: 'livetoken1234' });
    fake.sigkillPending(killed.pid);
    expect(fake.isAlive(killed.pid)).toBe(true);
    await fake.coordinator.reapGone();
    expect(fake.kills.flat()).toEqual([{ token: 'killedtoken12', groups: [], stops: [] }]);
    expect([...fake.state.registry.leases.values()].map((lease) => lease.owner)).toEqual([live.owner.id]);
  });

  it('reapGone also reaps an owner that dies while it reaps another', async () => {
    // The second dies while the first's kill runs; its connection has not closed yet.
    let second: Awaited<ReturnType<typeof fake.connect>> | undefined;
    const fake = fakeCoordinator({
      onKill: (targets) => {
        // After reapGone has looked at every owner (the kill itself starts while it looks).
        if (targets.some((target) => target.token === 'firsttoken123')) queueMicrotask(() => fake.killPid(second!.pid));
      },
    });
    const first = await fake.connect(undefined, undefined, 'run');
    second = await fake.connect(undefined, undefined, 'run');
    await first.call('reserve', { requests: [req('a', 'PORT', 'dev')], runToken: 'firsttoken123' });
    await second.call('reserve', { requests: [req('b', 'PORT', 'dev')], runToken: 'secondtoken12' });
    fake.killPid(first.pid);
    await fake.coordinator.reapGone();
    expect(fake.kills.flat().map((target) => target.token)).toEqual(['firsttoken123', 'secondtoken12']);
    expect(fake.state.registry.leases.size).toBe(0);
    expect(fake.state.owners.size).toBe(0);
  });

  it('refuses a second live stack with the same id, naming its pid; takes over a dead one', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await a.call('registerStack', { registration: registration(a) });
    const refused = await rejection(b.call('registerStack', { registration: registration(b) }));
    expect(refused.code).toBe('STYXY_STACK_RUNNING');
    expect(refused.message).toBe(`stack shop/default is already running (pid ${a.pid})`);
    expect(refused.hint).toContain('styxy attach');
    a.peer.close(); // detached but alive: still running
    expect((await rejection(b.call('registerStack', { registration: registration(b) }))).code).toBe(
      'STYXY_STACK_RUNNING',
    );
    fake.killPid(a.pid);
    await b.call('registerStack', { registration: registration(b) });
    expect(fake.state.stacks.get('shop-default-1')?.owner).toBe(b.owner.id);
  });

  it("keeps one owner out of another's stacks, leases and processes", async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await a.call('registerStack', { registration: registration(a) });
    const lease = await a.call<Lease[]>('reserve', {
      stackId: 'shop-default-1',
      requests: [req('web', 'PORT', 'dev')],
    });
    for (const [method, params] of [
      ['reserve', { stackId: 'shop-default-1', requests: [req('x', 'PORT', 'dev')] }],
      ['updateStack', { stackId: 'shop-default-1', phase: 'running', services: [] }],
      ['unregisterStack', { stackId: 'shop-default-1' }],
      ['reportProcess', { stackId: 'shop-default-1', service: 'web', pid: fake.spawnPid(), pgid: 0 }],
    ] as const) {
      expect((await rejection(b.call(method, params))).code).toBe('STYXY_NOT_OWNER');
    }
    await b.call('release', { ports: [lease[0]!.port] });
    expect(fake.state.registry.leases.get(lease[0]!.port)?.owner).toBe(a.owner.id);
    expect((await rejection(b.call('registerStack', { registration: registration(a) }))).code).toBe(
      'STYXY_BAD_REQUEST',
    );
  });

  it("never records the owner's own process group (the user's shell job)", async () => {
    const fake = fakeCoordinator();
    const shellJob = 77;
    const owner = fake.spawnPid(shellJob);
    const a = await fake.connect(owner, undefined, 'run');
    const child = fake.spawnPid(shellJob);
    await a.call('reportProcess', {
      stackId: null,
      service: 'vim',
      pid: child,
      pgid: shellJob,
      runToken: 'runtoken12345',
    });
    const entry = [...fake.state.processes.values()][0]!;
    expect(entry.pgid).toBe(child);
    expect((await rejection(a.call('reportProcess', { stackId: null, service: 'x', pid: owner, pgid: 0 }))).code).toBe(
      'STYXY_BAD_REQUEST',
    );
    const gone = await a.call<{ recorded: boolean }>('reportProcess', {
      stackId: null,
      service: 'x',
      pid: 99_999,
      pgid: 0,
    });
    expect(gone.recorded).toBe(false);
  });

  it('reclaim re-grants what is free, reports what another owner took, and drops what the client gave up', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await b.call('reserve', { requests: [req('b', 'PORT', null, { fixed: 3002 })] });
    await a.call('reserve', { requests: [req('stale', 'PORT', null, { fixed: 3005 })] });
    const lease = (port: number) => ({
      port,
      type: 'dev',
      service: 'web',
      portName: `P${port}`,
      stackId: null,
      since: 5,
    });
    const result = await a.call<{ lostPorts: { port: number }[]; lostStacks: unknown[] }>('reclaim', {
      stacks: [],
      leases: [lease(3001), lease(3002)],
      processes: [],
      runTokens: [],
    });
    expect(result.lostPorts.map((lost) => lost.port)).toEqual([3002]);
    const mine = [...fake.state.registry.leases.values()].filter((l) => l.owner === a.owner.id).map((l) => l.port);
    expect(mine).toEqual([3001]); // 3005 dropped: the client no longer holds it
  });

  it('reclaims a stack unless another live owner took it', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await b.call('registerStack', { registration: registration(b, 'taken-default-1') });
    const result = await a.call<{ lostStacks: { stackId: string; pid: number }[] }>('reclaim', {
      stacks: [
        { registration: registration(a), phase: 'running', services: [] },
        { registration: registration(a, 'taken-default-1') },
      ],
      leases: [{ port: 3000, type: 'dev', service: 'web', portName: 'PORT', stackId: 'shop-default-1', since: 1 }],
      processes: [],
      runTokens: [],
    });
    expect(result.lostStacks).toEqual([{ stackId: 'taken-default-1', pid: b.pid }]);
    expect(fake.state.stacks.get('shop-default-1')?.phase).toBe('running');
    expect(fake.state.registry.leases.get(3000)?.stackId).toBe('shop-default-1');
  });
});

describe('kill only what is provably an owner’s, for the owner only', () => {
  it('refuses reports of pid 1, of another user’s process and of a process it did not start', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const stranger = fake.spawnPid(undefined, 1); // a child of init, not of a
    const theirs = fake.spawnPid(undefined, a.pid);
    fake.foreign.add(theirs);
    for (const pid of [1, stranger, theirs]) {
      const refused = await rejection(a.call('reportProcess', { stackId: null, service: 'x', pid, pgid: pid }));
      expect(refused.code).toBe('STYXY_NOT_OWNER');
      expect(refused.message).toContain(`pid ${pid} cannot be reported by pid ${a.pid}`);
    }
    const child = fake.spawnPid(undefined, a.pid);
    const grandchild = fake.spawnPid(undefined, child);
    await a.call('reportProcess', { stackId: null, service: 'x', pid: grandchild, pgid: grandchild });
    expect([...fake.state.processes.values()].map((entry) => entry.pid)).toEqual([grandchild]);
  });

  it('records a group only when the process leads it: never a group the client names for it', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const leader = fake.spawnPid(undefined, a.pid); // its own group (spawned detached)
    const member = fake.spawnPid(leader, a.pid); // in the leader's group
    await a.call('reportProcess', { stackId: null, service: 'x', pid: leader, pgid: leader });
    await a.call('reportProcess', { stackId: null, service: 'y', pid: member, pgid: 4242 });
    expect([...fake.state.processes.values()].map((entry) => [entry.pid, entry.pgid])).toEqual([
      [leader, leader],
      [member, member], // "4242" ignored: only the pid, its descendants and its tag
    ]);
  });

  it('a run token belongs to the first owner that presents it; stacks never show it', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const b = await fake.connect();
    await a.call('registerStack', { registration: registration(a) });
    const token = registration(a).runToken;
    for (const [method, params] of [
      ['reserve', { requests: [req('x', 'PORT', 'dev')], runToken: token }],
      [
        'reportProcess',
        { stackId: null, service: 'x', pid: fake.spawnPid(undefined, b.pid), pgid: 0, runToken: token },
      ],
      ['registerStack', { registration: { ...registration(b, 'other-default-1'), runToken: token } }],
    ] as const) {
      expect((await rejection(b.call(method, params))).code, method).toBe('STYXY_NOT_OWNER');
    }
    expect([...b.owner.runTokens]).toEqual([]);
    const listed = await b.call<{ stacks: object[] }>('listStacks');
    expect(JSON.stringify(listed)).not.toContain(token);
    // Reaping b kills nothing by a's token.
    fake.killPid(b.pid);
    b.peer.close();
    await fake.settle();
    expect(fake.kills.flat().some((target) => target.token === token)).toBe(false);
  });

  it('drops, without killing anything, reports of a loaded state that no client can have made (pid 1)', async () => {
    const first = fakeCoordinator();
    const a = await first.connect();
    await a.call('reserve', { requests: [req('x', 'PORT', 'dev')] });
    const persisted = first.state.toPersisted(1);
    const legacy = {
      ...persisted,
      processes: [
        { owner: a.owner.id, stackId: null, service: 'x', pid: 1, pgid: 1, startTime: 'init', runToken: null },
      ],
      format: 1,
      journal: 0,
    } as PersistedState;
    const fake = fakeCoordinator({ state: CoordinatorState.fromPersisted(legacy) });
    await fake.coordinator.reapDead(); // a's pid is unknown to this fake: dead, so reaped
    expect(fake.kills).toEqual([]);
    expect(fake.logs.join('\n')).toContain('dropped reported process 1 from the state without killing it: init');
  });

  it('drops, without killing anything, owners of a loaded state that no client can be (pid 1, another user)', async () => {
    const first = fakeCoordinator();
    const a = await first.connect();
    await a.call('reserve', { requests: [req('x', 'PORT', 'dev')] });
    const persisted = first.state.toPersisted(1);
    const planted = {
      ...persisted,
      owners: (persisted.owners as PersistedState['owners']).map((owner) => ({ ...owner, pid: 1 })),
      processes: [{ owner: a.owner.id, stackId: null, service: 'x', pid: 1, pgid: 1, startTime: null, runToken: null }],
      format: 1,
      journal: 0,
    } as PersistedState;
    const fake = fakeCoordinator({ state: CoordinatorState.fromPersisted(planted) });
    await fake.coordinator.reapDead();
    expect(fake.state.owners.size).toBe(0);
    expect(fake.state.registry.leases.size).toBe(0);
    expect(fake.kills).toEqual([]);
    expect(fake.logs.join('\n')).toMatch(/pid 1 .*dropped without killing anything: init/);
  });

  it('refuses a hello as pid 1', async () => {
    const fake = fakeCoordinator();
    const error = await fake.connect(1).catch((e: unknown) => e);
    expect(isStyxyError(error) && error.code).toBe('STYXY_NOT_OWNER');
  });
});

describe('no client breaks it for others', () => {
  it('drops unknown fields: nothing a client adds is kept or shown', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('registerStack', { registration: { ...registration(a), padding: 'x'.repeat(1000) } });
    await a.call('updateStack', {
      stackId: 'shop-default-1',
      phase: 'running',
      padding: 'y'.repeat(1000),
      services: [
        {
          name: 'web',
          status: 'running',
          ports: {},
          pid: null,
          restarts: 0,
          extra: { deep: 'z'.repeat(1000) },
          lastExit: { code: 0, signal: null, at: 1, more: 'w' },
        },
      ],
    });
    const text = JSON.stringify(fake.state.toPersisted(1));
    expect(text).not.toMatch(/padding|extra|more|xxxx|yyyy|zzzz/);
  });

  it('caps what one client holds: stacks, and the bytes of a stack’s status', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    for (let i = 0; i < 64; i++) await a.call('registerStack', { registration: registration(a, `s${i}-default-1`) });
    const refused = await rejection(a.call('registerStack', { registration: registration(a, 's64-default-1') }));
    expect(refused).toMatchObject({ code: 'STYXY_BAD_REQUEST', message: 'one client may hold at most 64 stacks' });
    const services = Array.from({ length: 1024 }, (_, i) => ({
      name: `svc-${i}`,
      status: 'running' as const,
      ports: {},
      pid: null,
      restarts: 0,
      detail: 'd'.repeat(1000),
    }));
    const tooBig = await rejection(a.call('updateStack', { stackId: 's0-default-1', phase: 'running', services }));
    expect(tooBig.message).toMatch(/a stack's status may take 524288 bytes, not \d+/);
  });

  it('answers listStacks in pages that fit a message, however much others hold', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    const services = Array.from({ length: 300 }, (_, i) => ({
      name: `svc-${i}`,
      status: 'running' as const,
      ports: {},
      pid: null,
      restarts: 0,
      detail: 'd'.repeat(1200),
    }));
    for (let i = 0; i < 5; i++) {
      await a.call('registerStack', { registration: registration(a, `big${i}-default-1`) });
      await a.call('updateStack', { stackId: `big${i}-default-1`, phase: 'running', services });
    }
    const ids: string[] = [];
    let after: string | null | undefined;
    do {
      const page = await a.call<{ stacks: { id: string }[]; next: string | null }>(
        'listStacks',
        after ? { after } : {},
      );
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(1024 * 1024);
      ids.push(...page.stacks.map((stack) => stack.id));
      after = page.next;
    } while (after);
    expect(ids.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `big${i}-default-1`));
    const one = await a.call<{ stacks: { id: string }[] }>('listStacks', { stackId: 'big3-default-1' });
    expect(one.stacks.map((stack) => stack.id)).toEqual(['big3-default-1']);
  });
});
