/**
 * Runs one stack: registers it with the coordinator, leases every port in one batch, then lets
 * the state machine drive the services (effect-runner.ts performs what it asks for). Implements
 * StackView for the UIs. `start()` settles once every service is up (or the stack failed);
 * `done` settles once every process is gone and every port is released.
 */
import { selectServices } from '../config/select-services.js';
import { newRunToken } from '../os/tag.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import type { StackSnapshot } from '../protocol/stack.js';
import { DEFAULT_STACK_NAME, stackId } from '../protocol/stack-id.js';
import { type ControlServer, serveControl } from './control/control-server.js';
import { EffectRunner } from './effect-runner.js';
import { tuneHeapForLogRings } from './heap-tuning.js';
import { watchLostPorts } from './lost-ports.js';
import { initialState, step } from './machine.js';
import { isUp } from './machine-deps.js';
import { serviceSnapshots } from './machine-snapshot.js';
import type { MachineEvent, MachineOutcome, MachineState } from './machine-types.js';
import { launchSpecs, machineService, portRequests, portsFromLeases } from './prepare-stack.js';
import { type ActionWatch, watchAction } from './service-actions.js';
import { interruptedError, serviceFailedError } from './stack-errors.js';
import { StackOutput } from './stack-output.js';
import { createStackPusher } from './stack-pusher.js';
import type { StackOutcome, StopOptions, Supervisor, SupervisorOptions } from './supervisor-types.js';
import type { StackActions } from './view.js';

export type { StackOutcome, StopOptions, Supervisor, SupervisorOptions } from './supervisor-types.js';

export function createSupervisor(options: SupervisorOptions): Supervisor {
  tuneHeapForLogRings();
  const { config, coordinator } = options;
  const services = selectServices(config, options.services ?? []);
  const names = services.map((service) => service.name);
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const id = stackId(config.root, stackName);
  const runToken = options.runToken ?? newRunToken();
  const now = options.now ?? Date.now;

  const output = new StackOutput(names, { ringSize: options.ringSize, now, logDir: options.logDir ?? null });
  const { logs } = output;

  let state: MachineState = initialState(services.map((service) => machineService(service, {})));
  let snapshot: StackSnapshot | null = null;
  let leases = 0;
  let runner: EffectRunner | null = null;
  let started: Promise<StackSnapshot> | null = null;
  let pendingStop: StopOptions | null = null;
  let up: { resolve: (value: StackSnapshot) => void; reject: (error: Error) => void } | null = null;
  const watches = new Set<ActionWatch>();
  let stopWatchingLosses = () => {};
  const queue: MachineEvent[] = [];
  let draining = false;

  let control: ControlServer | null = null;
  let settleDone!: (outcome: StackOutcome) => void;
  /** Everything stopped and released. */
  const stopped = new Promise<StackOutcome>((resolve) => {
    settleDone = resolve;
  });
  /** …and the control socket closed, after its last replies (a `stopStack` waits on `stopped`). */
  const done = stopped.then(async (outcome) => {
    await control?.close();
    return outcome;
  });
  const pusher = createStackPusher(
    () => coordinator.updateStack(id, { phase: state.phase, services: serviceSnapshots(state) }),
    options.pushIntervalMs,
  );

  function getSnapshot(): StackSnapshot {
    snapshot ??= {
      stack: {
        id,
        name: stackName,
        project: config.name,
        root: config.root,
        pid: process.pid,
        detached: !!options.detached,
      },
      coordinator: { pid: coordinator.coordinatorPid ?? null, leases },
      phase: state.phase,
      services: serviceSnapshots(state),
    };
    return snapshot;
  }

  function failureError(service: string, reason: string): StyxyError {
    return serviceFailedError(service, reason, logs.lines(service));
  }

  function dispatch(event: MachineEvent): void {
    queue.push(event);
    if (draining) return;
    draining = true;
    const before = state;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = step(state, next);
        state = result.state;
        for (const effect of result.effects) runner!.run(effect);
      }
    } finally {
      draining = false;
    }
    if (state !== before) publish();
  }

  function publish(): void {
    snapshot = null;
    output.emit({ type: 'snapshot', snapshot: getSnapshot() });
    if (!state.finished) pusher.schedule();
    if (up) {
      const allUp = isUp(state);
      if (state.failure) up.reject(failureError(state.failure.service, state.failure.reason));
      else if (allUp) up.resolve(getSnapshot());
      else if (state.stopping) up.reject(interruptedError());
      if (state.failure || state.stopping || allUp) up = null;
    }
    for (const watch of watches) if (watch.check(state)) watches.delete(watch);
  }

  async function finished(outcome: MachineOutcome): Promise<void> {
    pusher.cancel();
    stopWatchingLosses();
    await coordinator.unregisterStack(id).catch(() => {});
    output.close();
    for (const watch of watches) watch.check(state);
    watches.clear();
    settleDone(
      outcome.kind === 'failed' ? { kind: 'failed', error: failureError(outcome.service, outcome.reason) } : outcome,
    );
  }

  /** Ends a stack that never started its services (a refusal, a failed batch, a stop meanwhile). */
  async function abandon(registered: boolean, error: unknown): Promise<never> {
    if (registered) await coordinator.unregisterStack(id).catch(() => {});
    output.close();
    const failure = isStyxyError(error)
      ? error
      : new StyxyError('STYXY_INTERNAL', `could not start the stack: ${(error as Error)?.message ?? error}`, {
          cause: error,
        });
    if (failure.code === 'STYXY_INTERRUPTED') {
      settleDone(pendingStop?.signal ? { kind: 'interrupted', signal: pendingStop.signal } : { kind: 'clean' });
    } else settleDone({ kind: 'failed', error: failure });
    throw failure;
  }

  async function startSequence(): Promise<StackSnapshot> {
    try {
      await coordinator.registerStack({
        id,
        name: stackName,
        project: config.name,
        root: config.root,
        configFile: config.file,
        pid: process.pid,
        detached: !!options.detached,
        controlSocket: null,
        runToken,
      });
    } catch (error) {
      return abandon(false, error);
    }
    if (pendingStop) return abandon(true, interruptedError());
    if (options.controlDir) {
      try {
        control = await serveControl(self, { dir: options.controlDir, log: options.controlLog });
        await coordinator.updateStackRegistration(id, { controlSocket: control.socketPath });
      } catch (error) {
        return abandon(true, error);
      }
      if (pendingStop) return abandon(true, interruptedError());
    }
    output.openFiles();
    let specs: ReturnType<typeof launchSpecs>;
    let ports: ReturnType<typeof portsFromLeases>;
    try {
      const requests = portRequests(services);
      // A stack without ports leases nothing (the coordinator refuses an empty batch).
      const leased = requests.length === 0 ? [] : await coordinator.reserve({ stackId: id, requests });
      leases = leased.length;
      ports = portsFromLeases(services, leased);
      const inherited = options.env ?? process.env;
      specs = launchSpecs(services, { stackName, stackId: id, project: config.name, runToken, ports, inherited });
    } catch (error) {
      return abandon(true, error);
    }
    if (pendingStop) return abandon(true, interruptedError());
    state = initialState(services.map((service) => machineService(service, ports[service.name] ?? {})));
    stopWatchingLosses = watchLostPorts(coordinator, ports, (service, lost) =>
      dispatch({ type: 'portsLost', service, ports: lost, at: now() }),
    );
    runner = new EffectRunner({
      stackId: id,
      runToken,
      specs,
      logs,
      follow: (service, listener) => output.follow(service, listener),
      coordinator,
      dispatch,
      now,
      finished: (outcome) => void finished(outcome),
      coordinatorError: () => {}, // the client reconnects and re-claims by itself
    });
    const result = new Promise<StackSnapshot>((resolve, reject) => {
      up = { resolve, reject };
    });
    dispatch({ type: 'start', at: now() });
    return result;
  }

  function stop(stopOptions: StopOptions = {}): Promise<StackOutcome> {
    if (!started) {
      // Stopped before it started: it never will.
      started = Promise.reject(interruptedError());
      started.catch(() => {});
      settleDone(stopOptions.signal ? { kind: 'interrupted', signal: stopOptions.signal } : { kind: 'clean' });
    } else if (!state.begun) {
      pendingStop = { ...pendingStop, ...stopOptions, force: !!(pendingStop?.force || stopOptions.force) };
    } else {
      const reason = stopOptions.signal
        ? { kind: 'signal' as const, signal: stopOptions.signal }
        : { kind: 'request' as const };
      dispatch({ type: 'stopStack', force: !!stopOptions.force, reason, at: now() });
    }
    return stopped;
  }

  const act = (type: 'stopService' | 'startService' | 'restartService') => (service: string) =>
    watchAction({ type, service, names, state, stackName, failureError }, (watch) => {
      watches.add(watch);
      dispatch({ type, service, at: now() });
      if (watch.check(state)) watches.delete(watch);
    });

  const actions: StackActions = {
    restart: act('restartService'),
    stop: act('stopService'),
    start: act('startService'),
    stopStack: async (stopOptions) => {
      await stop({ force: !!stopOptions?.force, ...(stopOptions?.signal ? { signal: stopOptions.signal } : {}) });
    },
  };

  const self: Supervisor = {
    id,
    runToken,
    start: () => {
      started ??= startSequence();
      return started;
    },
    stop,
    done,
    get controlSocket() {
      return control?.socketPath ?? null;
    },
    getSnapshot,
    getLogs: (service, limit) => logs.lines(service, limit),
    subscribe: (listener) => output.subscribe(listener),
    actions,
  };
  return self;
}
