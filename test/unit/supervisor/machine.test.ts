import { describe, expect, it } from 'vitest';
import { initialState, statusOf, step } from '../../../src/supervisor/machine.js';
import { serviceSnapshots } from '../../../src/supervisor/machine-snapshot.js';
import type { Effect, MachineEvent, MachineService, MachineState } from '../../../src/supervisor/machine-types.js';

const svc = (name: string, over: Partial<MachineService> = {}): MachineService => ({
  name,
  dependsOn: {},
  restartsWith: [],
  checked: true,
  restart: { policy: 'no', maxRestarts: 3, backoffMs: 500, maxBackoffMs: 2000 },
  healthFailures: null,
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 5000,
  input: 'pipe',
  ports: {},
  ...over,
});

/** An event without its time (the driver adds it). */
type EventInput = MachineEvent extends infer E
  ? E extends MachineEvent
    ? Omit<E, 'at'> & { at?: number }
    : never
  : never;

/** A machine driven by hand: events in, effects collected. */
class Driver {
  state: MachineState;
  effects: Effect[] = [];
  at = 1000;
  #pids = 100;

  constructor(services: MachineService[], off: string[] = []) {
    this.state = initialState(services, off);
  }

  send(event: EventInput): Effect[] {
    const result = step(this.state, { at: this.at, ...event } as MachineEvent);
    this.state = result.state;
    this.effects.push(...result.effects);
    return [...result.effects];
  }

  run(service: string): number {
    return this.state.services[service]!.runs;
  }

  /** The `spawned` event for the latest run, with a fresh pid. */
  spawned(service: string): number {
    const pid = ++this.#pids;
    this.send({ type: 'spawned', service, run: this.run(service), pid });
    return pid;
  }

  up(service: string): void {
    this.spawned(service);
    if (this.state.services[service]!.spec.checked) this.send({ type: 'probeReady', service, run: this.run(service) });
  }

  exit(service: string, code: number | null, signal: string | null = null): Effect[] {
    const pid = this.state.services[service]!.pid ?? 0;
    return this.send({ type: 'exited', service, run: this.run(service), pid, code, signal });
  }

  status(service: string) {
    return statusOf(this.state.services[service]!);
  }
}

const ofType = <T extends Effect['type']>(effects: readonly Effect[], type: T) =>
  effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
const spawned = (effects: readonly Effect[]) => ofType(effects, 'spawn').map((effect) => effect.service);
const stopped = (effects: readonly Effect[]) => ofType(effects, 'stop').map((effect) => effect.service);
const logs = (effects: readonly Effect[]) =>
  ofType(effects, 'log').map((effect) => `${effect.service}: ${effect.text}`);

describe('state machine: starting', () => {
  it('does nothing before the start event, then starts every service without dependencies together', () => {
    const machine = new Driver([svc('db'), svc('cache'), svc('api', { dependsOn: { db: 'ready' } })]);
    expect(machine.send({ type: 'restartService', service: 'db' })).toEqual([]);
    expect(spawned(machine.send({ type: 'start' }))).toEqual(['db', 'cache']);
    expect(machine.status('api')).toBe('pending');
    expect(serviceSnapshots(machine.state)[2]!.detail).toBe('waiting for db (ready)');
  });

  it.each([
    ['started', 'spawned', (m: Driver) => m.spawned('dep'), true],
    ['started', 'nothing yet', () => {}, false],
    ['ready', 'spawned', (m: Driver) => m.spawned('dep'), false],
    ['ready', 'ready', (m: Driver) => m.up('dep'), true],
    ['completed', 'ready', (m: Driver) => m.up('dep'), false],
    [
      'completed',
      'exited 0',
      (m: Driver) => {
        m.up('dep');
        m.exit('dep', 0);
      },
      true,
    ],
  ] as const)('dependsOn %s, dependency %s → starts: %s', (condition, _label, advance, starts) => {
    const machine = new Driver([svc('dep'), svc('app', { dependsOn: { dep: condition } })]);
    machine.send({ type: 'start' });
    advance(machine);
    expect(machine.status('app')).toBe(starts ? 'starting' : 'pending');
  });

  it('a completed dependency meets a `ready` condition', () => {
    const machine = new Driver([svc('task', { checked: false }), svc('app', { dependsOn: { task: 'ready' } })]);
    machine.send({ type: 'start' });
    machine.spawned('task');
    expect(machine.status('task')).toBe('running'); // up with no readiness check
    expect(machine.status('app')).toBe('starting');
  });

  it('probes a checked service after it spawned; ready with its ports and the time it took', () => {
    const machine = new Driver([svc('api', { ports: { PORT: 8001, DEBUG: 9201 } })]);
    machine.send({ type: 'start' });
    const effects = machine.send({ type: 'spawned', service: 'api', run: 1, pid: 42 });
    expect(effects).toEqual([
      { type: 'reportProcess', service: 'api', pid: 42 },
      { type: 'probe', service: 'api', run: 1 },
      { type: 'log', service: 'api', text: 'starting (pid 42)' },
    ]);
    expect(machine.state.phase).toBe('starting');
    machine.at += 312;
    expect(logs(machine.send({ type: 'probeReady', service: 'api', run: 1 }))).toEqual([
      'api: ready on :8001, :9201 in 312 ms',
    ]);
    expect(machine.status('api')).toBe('ready');
    expect(machine.state.phase).toBe('running');
  });

  it('a probe failure fails the service and the stack, which stops the rest', () => {
    const machine = new Driver([svc('db'), svc('api', { dependsOn: { db: 'started' } })]);
    machine.send({ type: 'start' });
    machine.spawned('db');
    machine.spawned('api');
    const effects = machine.send({ type: 'probeFailed', service: 'db', run: 1, reason: 'ready check timed out' });
    expect(machine.status('db')).toBe('failed');
    expect(machine.state.phase).toBe('failed');
    expect(machine.state.failure).toEqual({ service: 'db', reason: 'ready check timed out' });
    expect(stopped(effects)).toEqual(['api']);
    expect(ofType(effects, 'cancelProbe').map((e) => e.service)).toEqual(['api']);
  });

  it('ignores events of an older run', () => {
    const machine = new Driver([
      svc('api', { restart: { policy: 'always', maxRestarts: 3, backoffMs: 10, maxBackoffMs: 10 } }),
    ]);
    machine.send({ type: 'start' });
    machine.spawned('api');
    machine.exit('api', 1);
    machine.send({ type: 'restartDue', service: 'api', run: 1 });
    expect(machine.run('api')).toBe(2);
    expect(machine.send({ type: 'probeReady', service: 'api', run: 1 })).toEqual([]);
    expect(machine.send({ type: 'exited', service: 'api', run: 1, pid: 5, code: 1, signal: null })).toEqual([
      { type: 'reportExit', service: 'api', pid: 5 },
    ]);
    expect(machine.status('api')).toBe('starting');
  });

  it('a spawn failure fails the service', () => {
    const machine = new Driver([svc('api')]);
    machine.send({ type: 'start' });
    machine.send({ type: 'spawnFailed', service: 'api', run: 1, message: 'nope: command not found' });
    expect(machine.state.failure?.reason).toBe('could not start: nope: command not found');
  });
});

describe('state machine: exits and restart policies', () => {
  const restart = (policy: 'no' | 'on-failure' | 'always') => ({
    policy,
    maxRestarts: 3,
    backoffMs: 500,
    maxBackoffMs: 2000,
  });

  it.each([
    // policy, up first?, exit code, resulting status, stack failed?
    ['no', true, 0, 'completed', false],
    ['no', false, 0, 'completed', false],
    ['no', true, 1, 'exited', false],
    ['no', false, 1, 'failed', true],
    ['on-failure', true, 0, 'completed', false],
    ['on-failure', true, 1, 'exited', false], // exited, restarting (backoff)
    ['on-failure', false, 1, 'exited', false],
    ['always', true, 0, 'exited', false],
  ] as const)('restart %s, up=%s, exit %i → %s (stack failed: %s)', (policy, upFirst, code, status, failed) => {
    const machine = new Driver([svc('api', { restart: restart(policy) }), svc('other')]);
    machine.send({ type: 'start' });
    machine.up('other');
    if (upFirst) machine.up('api');
    else machine.spawned('api');
    machine.exit('api', code);
    expect(machine.status('api')).toBe(status);
    expect(machine.state.phase === 'failed').toBe(failed);
  });

  it('backs off exponentially up to the cap, then gives up after maxRestarts in a row', () => {
    const machine = new Driver([svc('api', { restart: restart('on-failure') })]);
    machine.send({ type: 'start' });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      machine.spawned('api');
      const effects = machine.exit('api', 1);
      delays.push(ofType(effects, 'schedule')[0]!.delayMs);
      const detail = ['restarting in 500 ms (1/3)', 'restarting in 1.0 s (2/3)', 'restarting in 2.0 s (3/3)'][i];
      expect(serviceSnapshots(machine.state)[0]!.detail).toBe(detail);
      expect(spawned(machine.send({ type: 'restartDue', service: 'api', run: machine.run('api') }))).toEqual(['api']);
    }
    expect(delays).toEqual([500, 1000, 2000]);
    expect(machine.state.services.api!.restarts).toBe(3);
    machine.spawned('api');
    const last = machine.exit('api', 1);
    expect(machine.status('api')).toBe('failed');
    expect(logs(last)).toContain('api: failed: exited with code 1 again after restarting 3 times in a row; giving up');
    expect(ofType(last, 'finish')).toEqual([
      { type: 'finish', outcome: { kind: 'failed', service: 'api', reason: expect.stringContaining('giving up') } },
    ]);
  });

  it('a run that stayed up for 10 s resets the failure streak', () => {
    const machine = new Driver([svc('api', { restart: restart('on-failure') })]);
    machine.send({ type: 'start' });
    machine.up('api');
    machine.exit('api', 1);
    machine.send({ type: 'restartDue', service: 'api', run: 1 });
    machine.up('api');
    machine.at += 10_000;
    const effects = machine.exit('api', 1);
    expect(ofType(effects, 'schedule')[0]!.delayMs).toBe(500);
    expect(machine.state.services.api!.streak).toBe(1);
  });

  it('restart "no": a crash after up fails the service when a pending dependent waits for it', () => {
    const machine = new Driver([svc('a'), svc('b'), svc('app', { dependsOn: { a: 'ready', b: 'ready' } })]);
    machine.send({ type: 'start' });
    machine.up('a');
    machine.exit('a', 3);
    expect(machine.state.failure).toEqual({ service: 'a', reason: 'exited with code 3 while "app" waited for it' });
  });

  it('a killed process is described by its signal', () => {
    const machine = new Driver([svc('api'), svc('other')]);
    machine.send({ type: 'start' });
    machine.up('other');
    machine.up('api');
    expect(logs(machine.exit('api', null, 'SIGKILL'))).toEqual(['api: was killed by SIGKILL']);
    expect(machine.status('api')).toBe('exited');
  });

  it('ends the stack once every service has ended by itself: clean if all completed, failed if one crashed', () => {
    const clean = new Driver([svc('a', { checked: false }), svc('b', { checked: false })]);
    clean.send({ type: 'start' });
    clean.spawned('a');
    clean.spawned('b');
    clean.exit('a', 0);
    expect(ofType(clean.exit('b', 0), 'finish')).toEqual([{ type: 'finish', outcome: { kind: 'clean' } }]);
    expect(clean.state.phase).toBe('stopped');

    const crashed = new Driver([svc('a', { checked: false }), svc('b', { checked: false })]);
    crashed.send({ type: 'start' });
    crashed.spawned('a');
    crashed.spawned('b');
    crashed.exit('a', 0);
    expect(ofType(crashed.exit('b', 2), 'finish')[0]!.outcome).toEqual({
      kind: 'failed',
      service: 'b',
      reason: 'exited with code 2',
    });
  });
});

describe('state machine: stopping', () => {
  const stack = () => {
    const machine = new Driver([
      svc('db', { stopSignal: 'SIGINT', stopTimeoutMs: 3000 }),
      svc('cache'),
      svc('api', { dependsOn: { db: 'ready', cache: 'ready' } }),
      svc('web', { dependsOn: { api: 'started' } }),
      svc('docs'),
    ]);
    machine.send({ type: 'start' });
    for (const name of ['db', 'cache', 'docs', 'api', 'web']) machine.up(name);
    return machine;
  };

  it('stops in reverse dependency order, independent services together, then finishes', () => {
    const machine = stack();
    expect(machine.state.phase).toBe('running');
    const first = machine.send({ type: 'stopStack', force: false, reason: { kind: 'signal', signal: 'SIGINT' } });
    expect(machine.state.phase).toBe('stopping');
    expect(stopped(first)).toEqual(['docs', 'web']);
    expect(stopped(machine.send({ type: 'stopDone', service: 'docs', killed: false }))).toEqual([]);
    expect(stopped(machine.send({ type: 'stopDone', service: 'web', killed: false }))).toEqual(['api']);
    const last = machine.send({ type: 'stopDone', service: 'api', killed: false });
    expect(ofType(last, 'stop')).toEqual([
      { type: 'stop', service: 'cache', signal: 'SIGTERM', timeoutMs: 5000 },
      { type: 'stop', service: 'db', signal: 'SIGINT', timeoutMs: 3000 },
    ]);
    machine.send({ type: 'stopDone', service: 'cache', killed: false });
    const end = machine.send({ type: 'stopDone', service: 'db', killed: true });
    expect(logs(end)).toEqual(['db: did not stop within 3.0 s of SIGINT; killed with SIGKILL']);
    expect(ofType(end, 'finish')).toEqual([{ type: 'finish', outcome: { kind: 'interrupted', signal: 'SIGINT' } }]);
    expect(machine.state.phase).toBe('stopped');
    expect(serviceSnapshots(machine.state).every((s) => s.status === 'stopped')).toBe(true);
  });

  it('a forced stop kills what is stopping and everything else at once', () => {
    const machine = stack();
    machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    const forced = machine.send({ type: 'stopStack', force: true, reason: { kind: 'request' } });
    expect(ofType(forced, 'stop').map((e) => [e.service, e.signal, e.timeoutMs])).toEqual([
      ['web', 'SIGKILL', 0],
      ['docs', 'SIGKILL', 0],
      ['api', 'SIGKILL', 0],
      ['cache', 'SIGKILL', 0],
      ['db', 'SIGKILL', 0],
    ]);
    expect(machine.send({ type: 'stopStack', force: true, reason: { kind: 'request' } })).toEqual([]);
  });

  it('cancels pending restarts and never starts pending services once stopping', () => {
    const machine = new Driver([
      svc('api', { restart: { policy: 'always', maxRestarts: 3, backoffMs: 500, maxBackoffMs: 500 } }),
      svc('web', { dependsOn: { api: 'ready' } }),
    ]);
    machine.send({ type: 'start' });
    machine.spawned('api');
    machine.exit('api', 1);
    const effects = machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    expect(ofType(effects, 'cancelTimer')).toEqual([{ type: 'cancelTimer', service: 'api' }]);
    expect(ofType(effects, 'finish')).toHaveLength(1);
    expect(machine.send({ type: 'restartDue', service: 'api', run: 1 })).toEqual([]);
  });

  it('a service that exits while it waits for its dependents to stop is not restarted', () => {
    const machine = new Driver([
      svc('db', { restart: { policy: 'always', maxRestarts: 3, backoffMs: 1, maxBackoffMs: 1 } }),
      svc('api', { dependsOn: { db: 'ready' } }),
    ]);
    machine.send({ type: 'start' });
    machine.up('db');
    machine.up('api');
    machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    const effects = machine.exit('db', 1);
    expect(ofType(effects, 'schedule')).toEqual([]);
    expect(machine.status('db')).toBe('exited');
    expect(ofType(machine.send({ type: 'stopDone', service: 'api', killed: false }), 'finish')).toHaveLength(1);
  });
});

describe('state machine: by hand', () => {
  it('restart stops then starts again, counting a restart; the stop waits for stopDone', () => {
    const machine = new Driver([svc('api')]);
    machine.send({ type: 'start' });
    machine.up('api');
    const stop = machine.send({ type: 'restartService', service: 'api' });
    expect(stopped(stop)).toEqual(['api']);
    expect(serviceSnapshots(machine.state)[0]).toMatchObject({ status: 'ready', detail: 'restarting', restarts: 1 });
    machine.exit('api', null, 'SIGTERM');
    expect(spawned(machine.send({ type: 'stopDone', service: 'api', killed: false }))).toEqual(['api']);
    machine.up('api');
    expect(machine.status('api')).toBe('ready');
  });

  it('stop keeps a service stopped (dependents run on); start brings it back', () => {
    const machine = new Driver([svc('api'), svc('web', { dependsOn: { api: 'ready' } })]);
    machine.send({ type: 'start' });
    machine.up('api');
    expect(stopped(machine.send({ type: 'stopService', service: 'api' }))).toEqual(['api']);
    machine.send({ type: 'stopDone', service: 'api', killed: false });
    expect(machine.status('api')).toBe('stopped');
    expect(machine.state.phase).toBe('starting');
    expect(spawned(machine.send({ type: 'startService', service: 'api' }))).toEqual(['api']);
    expect(machine.send({ type: 'startService', service: 'api' })).toEqual([]);
  });

  it('stopping a service in backoff cancels its restart', () => {
    const machine = new Driver([
      svc('api', { restart: { policy: 'always', maxRestarts: 3, backoffMs: 9, maxBackoffMs: 9 } }),
      svc('x'),
    ]);
    machine.send({ type: 'start' });
    machine.up('api');
    machine.exit('api', 1);
    expect(machine.send({ type: 'stopService', service: 'api' })).toEqual([
      { type: 'cancelTimer', service: 'api' },
      { type: 'log', service: 'api', text: 'stopped' },
    ]);
  });

  it('actions are ignored while the stack stops', () => {
    const machine = new Driver([svc('api')]);
    machine.send({ type: 'start' });
    machine.up('api');
    machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    expect(machine.send({ type: 'restartService', service: 'api' })).toEqual([]);
  });
});

describe('state machine: health after ready', () => {
  const healthy = (over: Partial<MachineService> = {}) =>
    svc('api', {
      healthFailures: 2,
      restart: { policy: 'on-failure', maxRestarts: 2, backoffMs: 500, maxBackoffMs: 2000 },
      ...over,
    });
  const check = (machine: Driver, ok: boolean) =>
    machine.send({
      type: 'healthChecked',
      service: 'api',
      run: machine.run('api'),
      ok,
      reason: ok ? null : 'answered 500',
    });

  it('starts checking once ready, and stops checking when it stops', () => {
    const machine = new Driver([healthy()]);
    machine.send({ type: 'start' });
    machine.spawned('api');
    const ready = machine.send({ type: 'probeReady', service: 'api', run: 1 });
    expect(ofType(ready, 'watchHealth')).toEqual([{ type: 'watchHealth', service: 'api', run: 1 }]);
    expect(serviceSnapshots(machine.state)[0]!.health).toMatchObject({ status: 'checking', misses: 0, failures: 2 });
    check(machine, true);
    expect(serviceSnapshots(machine.state)[0]!.health).toMatchObject({ status: 'healthy', checkedAt: 1000 });
    expect(ofType(machine.send({ type: 'stopService', service: 'api' }), 'cancelHealth')).toHaveLength(1);
  });

  it('a service without a health check is never checked and has no health', () => {
    const machine = new Driver([svc('api')]);
    machine.send({ type: 'start' });
    machine.up('api');
    expect(ofType(machine.effects, 'watchHealth')).toEqual([]);
    expect(serviceSnapshots(machine.state)[0]!.health).toBeNull();
  });

  it('`failures` misses in a row make it unhealthy; with a restarting policy it is stopped, then restarted with backoff', () => {
    const machine = new Driver([healthy()]);
    machine.send({ type: 'start' });
    machine.up('api');
    expect(logs(check(machine, false))).toEqual(['api: health check failed (1/2): answered 500']);
    expect(machine.status('api')).toBe('ready');
    const effects = check(machine, false);
    expect(logs(effects)[0]).toBe('api: unhealthy: 2 health checks in a row failed (answered 500)');
    expect(stopped(effects)).toEqual(['api']);
    expect(ofType(effects, 'cancelHealth')).toHaveLength(1);
    expect(machine.status('api')).toBe('unhealthy');
    machine.exit('api', null, 'SIGTERM');
    const done = machine.send({ type: 'stopDone', service: 'api', killed: false });
    expect(ofType(done, 'schedule')).toEqual([{ type: 'schedule', service: 'api', run: 1, delayMs: 500 }]);
    expect(logs(done)).toEqual(['api: was unhealthy, restarting in 500 ms (1/2)']);
    expect(machine.status('api')).toBe('unhealthy'); // between the stop and the new run
    expect(spawned(machine.send({ type: 'restartDue', service: 'api', run: 1 }))).toEqual(['api']);
    expect(machine.status('api')).toBe('starting');
    expect(machine.state.services.api!.restarts).toBe(1);
    expect(serviceSnapshots(machine.state)[0]!.health).toMatchObject({ status: 'checking', misses: 0 });
  });

  it('a pass resets the count of misses', () => {
    const machine = new Driver([healthy()]);
    machine.send({ type: 'start' });
    machine.up('api');
    check(machine, false);
    check(machine, true);
    check(machine, false);
    expect(machine.status('api')).toBe('ready');
    expect(stopped(machine.effects)).toEqual([]);
  });

  it('restart "no": it stays up and unhealthy, and a passing check makes it healthy again', () => {
    const machine = new Driver([
      healthy({ restart: { policy: 'no', maxRestarts: 5, backoffMs: 500, maxBackoffMs: 2000 } }),
    ]);
    machine.send({ type: 'start' });
    machine.up('api');
    check(machine, false);
    const effects = check(machine, false);
    expect(stopped(effects)).toEqual([]);
    expect(logs(effects)).toEqual([
      'api: unhealthy: 2 health checks in a row failed (answered 500); it keeps running (restart is "no")',
    ]);
    expect(machine.status('api')).toBe('unhealthy');
    expect(serviceSnapshots(machine.state)[0]!.detail).toBe('health check failing: answered 500');
    expect(logs(check(machine, true))).toEqual(['api: healthy again']);
    expect(machine.status('api')).toBe('ready');
  });

  it('gives up after maxRestarts unhealthy runs in a row (each shorter than 10 s)', () => {
    const machine = new Driver([healthy()]);
    machine.send({ type: 'start' });
    for (let round = 1; round <= 3; round++) {
      machine.up('api');
      check(machine, false);
      check(machine, false);
      machine.exit('api', null, 'SIGTERM');
      machine.send({ type: 'stopDone', service: 'api', killed: false });
      if (round < 3) machine.send({ type: 'restartDue', service: 'api', run: machine.run('api') });
    }
    expect(machine.status('api')).toBe('failed');
    expect(machine.state.failure?.reason).toBe('was unhealthy again after restarting 2 times in a row; giving up');
  });

  it('ignores verdicts of an older run and of a service that is not up', () => {
    const machine = new Driver([healthy()]);
    machine.send({ type: 'start' });
    machine.spawned('api');
    expect(check(machine, false)).toEqual([]); // still starting
    machine.send({ type: 'probeReady', service: 'api', run: 1 });
    expect(machine.send({ type: 'healthChecked', service: 'api', run: 0, ok: false, reason: 'x' })).toEqual([]);
  });

  it('an unhealthy service that is stopping when the stack stops stays stopped', () => {
    const machine = new Driver([healthy()]);
    machine.send({ type: 'start' });
    machine.up('api');
    check(machine, false);
    check(machine, false);
    machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    machine.exit('api', null, 'SIGTERM');
    const done = machine.send({ type: 'stopDone', service: 'api', killed: false });
    expect(ofType(done, 'schedule')).toEqual([]);
    expect(ofType(done, 'finish')).toHaveLength(1);
  });
});

describe('state machine: dependents restarted with their dependency', () => {
  const onFailure = { policy: 'on-failure' as const, maxRestarts: 3, backoffMs: 500, maxBackoffMs: 2000 };
  const stack = () =>
    new Driver([
      svc('db', { restart: onFailure }),
      svc('api', { dependsOn: { db: 'ready' }, restartsWith: ['db'] }),
      svc('web', { dependsOn: { api: 'ready' }, restartsWith: ['api'] }),
      svc('docs', { dependsOn: { db: 'ready' } }), // without restart: true
    ]);
  const allUp = (machine: Driver) => {
    machine.send({ type: 'start' });
    machine.up('db');
    machine.up('docs');
    machine.up('api');
    machine.up('web');
  };

  it('a crash of the dependency stops its dependents (and theirs), which start again in dependency order once it is back', () => {
    const machine = stack();
    allUp(machine);
    const effects = machine.exit('db', 1);
    expect(stopped(effects)).toEqual(['api', 'web']);
    expect(logs(effects)).toContain('api: restarting (db restarts)');
    expect(logs(effects)).toContain('web: restarting (api restarts)');
    expect(machine.status('docs')).toBe('ready'); // not restarted with it
    for (const name of ['api', 'web']) {
      machine.exit(name, null, 'SIGTERM');
      machine.send({ type: 'stopDone', service: name, killed: false });
      expect(machine.status(name)).toBe('pending');
    }
    expect(serviceSnapshots(machine.state)[1]!.detail).toBe('waiting for db (ready)');
    expect(spawned(machine.send({ type: 'restartDue', service: 'db', run: 1 }))).toEqual(['db']);
    machine.spawned('db');
    expect(machine.status('api')).toBe('pending'); // db is starting, not ready
    expect(spawned(machine.send({ type: 'probeReady', service: 'db', run: 2 }))).toEqual(['api']);
    machine.spawned('api');
    expect(spawned(machine.send({ type: 'probeReady', service: 'api', run: 2 }))).toEqual(['web']);
    expect(machine.state.services.api!.restarts).toBe(1);
    expect(machine.state.services.web!.restarts).toBe(1);
  });

  it('a restart by hand restarts its dependents too', () => {
    const machine = stack();
    allUp(machine);
    const effects = machine.send({ type: 'restartService', service: 'db' });
    expect(stopped(effects)).toEqual(['db', 'api', 'web']);
    machine.exit('db', null, 'SIGTERM');
    machine.exit('api', null, 'SIGTERM');
    machine.send({ type: 'stopDone', service: 'api', killed: false });
    // db comes back before api is started again.
    expect(spawned(machine.send({ type: 'stopDone', service: 'db', killed: false }))).toEqual(['db']);
    expect(machine.status('api')).toBe('pending');
  });

  it('a dependent waiting for a `started` dependency waits for the new run, not the old one', () => {
    const machine = new Driver([
      svc('db', { restart: onFailure }),
      svc('api', { dependsOn: { db: 'started' }, restartsWith: ['db'] }),
    ]);
    machine.send({ type: 'start' });
    machine.up('db');
    machine.up('api');
    machine.exit('db', 1);
    machine.exit('api', null, 'SIGTERM');
    expect(spawned(machine.send({ type: 'stopDone', service: 'api', killed: false }))).toEqual([]);
    expect(spawned(machine.send({ type: 'restartDue', service: 'db', run: 1 }))).toEqual(['db']);
    expect(spawned(machine.send({ type: 'spawned', service: 'db', run: 2, pid: 7 }))).toEqual(['api']);
  });

  it('a dependent in its own backoff waits for the dependency instead', () => {
    const machine = new Driver([
      svc('db', { restart: onFailure }),
      svc('api', { dependsOn: { db: 'ready' }, restartsWith: ['db'], restart: onFailure }),
    ]);
    machine.send({ type: 'start' });
    machine.up('db');
    machine.up('api');
    machine.exit('api', 1);
    const effects = machine.exit('db', 1);
    expect(ofType(effects, 'cancelTimer')).toEqual([{ type: 'cancelTimer', service: 'api' }]);
    expect(machine.status('api')).toBe('pending');
  });

  it('the stack stopping meanwhile: dependents stay stopped', () => {
    const machine = stack();
    allUp(machine);
    machine.exit('db', 1);
    machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    machine.exit('web', null, 'SIGTERM');
    machine.send({ type: 'stopDone', service: 'web', killed: false });
    expect(machine.status('web')).toBe('stopped');
  });
});

describe('state machine: watched files changed', () => {
  const onFailure = { policy: 'on-failure' as const, maxRestarts: 3, backoffMs: 500, maxBackoffMs: 2000 };
  const change = (machine: Driver, service = 'api') =>
    machine.send({ type: 'filesChanged', service, change: 'src/app.ts changed' });

  it('an up service restarts on the same ports, saying why, and counts a restart', () => {
    const machine = new Driver([svc('api', { ports: { PORT: 8001 } })]);
    machine.send({ type: 'start' });
    machine.up('api');
    const effects = change(machine);
    expect(logs(effects)[0]).toBe('api: restarting: src/app.ts changed');
    expect(stopped(effects)).toEqual(['api']);
    machine.exit('api', null, 'SIGTERM');
    expect(spawned(machine.send({ type: 'stopDone', service: 'api', killed: false }))).toEqual(['api']);
    expect(machine.state.services.api!.restarts).toBe(1);
  });

  it('a crashed service (backoff, exited, completed) starts again at once: the change may be the fix', () => {
    const crashing = new Driver([svc('api', { restart: onFailure })]);
    crashing.send({ type: 'start' });
    crashing.up('api');
    crashing.exit('api', 1);
    const effects = change(crashing);
    expect(ofType(effects, 'cancelTimer')).toHaveLength(1);
    expect(spawned(effects)).toEqual(['api']);
    expect(crashing.state.services.api!.streak).toBe(0);

    const exited = new Driver([svc('api'), svc('db')]);
    exited.send({ type: 'start' });
    exited.up('api');
    exited.up('db');
    exited.exit('api', 1); // restart 'no': stays exited, the stack runs on
    expect(spawned(change(exited))).toEqual(['api']);
  });

  it('a service stopped by hand, pending, or a stack that stops, is left alone', () => {
    const machine = new Driver([svc('db'), svc('api', { dependsOn: { db: 'ready' } })]);
    machine.send({ type: 'start' });
    expect(change(machine)).toEqual([]); // api pending
    machine.up('db');
    machine.up('api');
    machine.send({ type: 'stopService', service: 'api' });
    machine.exit('api', null, 'SIGTERM');
    machine.send({ type: 'stopDone', service: 'api', killed: false });
    expect(change(machine)).toEqual([]);
    machine.send({ type: 'stopStack', force: false, reason: { kind: 'request' } });
    expect(change(machine, 'db')).toEqual([]);
  });

  it('dependents with restart: true restart with it', () => {
    const machine = new Driver([svc('api'), svc('web', { dependsOn: { api: 'ready' }, restartsWith: ['api'] })]);
    machine.send({ type: 'start' });
    machine.up('api');
    machine.up('web');
    expect(stopped(change(machine))).toEqual(['api', 'web']);
  });
});
describe('state machine: services outside the active profiles (off)', () => {
  const stack = () =>
    new Driver([svc('api'), svc('mock'), svc('inspector', { dependsOn: { mock: 'ready' } })], ['mock', 'inspector']);

  it('are never started, do not hold up the stack, and show as off', () => {
    const machine = stack();
    expect(spawned(machine.send({ type: 'start' }))).toEqual(['api']);
    machine.up('api');
    expect(machine.state.phase).toBe('running');
    expect([machine.status('mock'), machine.status('inspector')]).toEqual(['off', 'off']);
    expect(serviceSnapshots(machine.state).find((s) => s.name === 'mock')?.detail).toBe('outside the active profiles');
    // startService by hand does nothing until the shell has leased its ports (activate).
    expect(machine.send({ type: 'startService', service: 'inspector' })).toEqual([]);
  });

  it('activate: with their ports, they start in dependency order', () => {
    const machine = stack();
    machine.send({ type: 'start' });
    machine.up('api');
    const effects = machine.send({
      type: 'activate',
      services: { mock: { PORT: 4001 }, inspector: { PORT: 4002 } },
    });
    expect(spawned(effects)).toEqual(['mock']);
    expect(machine.state.services.mock!.spec.ports).toEqual({ PORT: 4001 });
    machine.up('mock');
    expect(spawned(machine.effects).at(-1)).toBe('inspector');
    machine.up('inspector');
    expect(machine.status('inspector')).toBe('ready');
  });

  it('an ended stack ends without them, and stops without touching them', () => {
    const machine = stack();
    machine.send({ type: 'start' });
    machine.up('api');
    const effects = machine.exit('api', 0);
    expect(ofType(effects, 'finish')).toHaveLength(1);
    expect(machine.status('mock')).toBe('off');
  });
});
