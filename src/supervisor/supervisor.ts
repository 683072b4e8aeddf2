/**
 * Runs one stack: registers it with the coordinator, leases every port in one batch, then lets
 * the state machine drive the services (effect-runner.ts performs what it asks for). Implements
 * StackView for the UIs. `start()` settles once every service is up (or the stack failed);
 * `done` settles once every process is gone and every port is released.
 *
 * The shell around the pure machine keeps everything that changes in one record (`Shell`), and
 * one function (`stopPending`) says whether a stop waits for the start to reach a checkpoint.
 */

import type { StackPorts } from '../config/interpolate.js';
import { selectByProfiles, selectServices } from '../config/select-services.js';
import type { ResolvedService } from '../config/types.js';
import { prefetchOutputPipes } from '../os/output-pipes.js';
import { newRunToken } from '../os/tag.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import type { StackSnapshot } from '../protocol/stack.js';
import { DEFAULT_STACK_NAME, stackId, stackSlug as stackSlugOf } from '../protocol/stack-id.js';
import { STYXY_BUILD } from '../protocol/version.js';
import { applyConfig } from './apply-config.js';
import { type ControlServer, serveControl } from './control/control-server.js';
import { EffectRunner } from './effect-runner.js';
import { watchServices } from './file-watcher.js';
import { tuneHeapForLogRings } from './heap-tuning.js';
import type { LaunchSpec } from './launch-spec.js';
import { watchLostPorts } from './lost-ports.js';
import { initialState, step } from './machine.js';
import { isUp } from './machine-deps.js';
import { serviceSnapshots } from './machine-snapshot.js';
import type { MachineEvent, MachineOutcome, MachineState } from './machine-types.js';
import { launchSpecs, machineService, portRequests, portsFromLeases } from './prepare-stack.js';
import { type ActionWatch, watchAction } from './service-actions.js';
import type { EnvContext } from './service-env.js';
import { writeInput } from './service-input.js';
import { isShared } from './shared/shared-use.js';
import { joinAll, planShared, watchShared } from './shared/stack-shared.js';
import { interruptedError, serviceFailedError } from './stack-errors.js';
import { StackOutput } from './stack-output.js';
import { createStackPusher } from './stack-pusher.js';
import type { StackOutcome, StopOptions, Supervisor, SupervisorOptions } from './supervisor-types.js';
import type { StackActions } from './view.js';

export type { StackOutcome, StopOptions, Supervisor, SupervisorOptions } from './supervisor-types.js';

/** How far `start()` has come. */
type StartPhase =
  | { readonly kind: 'not-started' }
  /** Stopped before `start()` was called: it never will start. */
  | { readonly kind: 'abandoned' }
  /**
   * Registering, serving the control socket, leasing: nothing runs yet. `stop`: a stop asked for
   * meanwhile, which the start obeys at its next checkpoint.
   */
  | { readonly kind: 'preparing'; stop: StopOptions | null }
  /** The machine drives the services: a stop is an event for it. */
  | { readonly kind: 'running' };

/** Everything the shell keeps between calls, in one place. */
interface Shell {
  /** The pure machine's state (machine.ts): every service, the stack's phase. */
  machine: MachineState;
  start: StartPhase;
  /** What `start()` returns, once asked. */
  started: Promise<StackSnapshot> | null;
  /** Settles `start()`'s promise once every service is up, the stack failed or it is stopping. */
  up: { readonly resolve: (value: StackSnapshot) => void; readonly reject: (error: Error) => void } | null;
  /** Performs the machine's effects; there once the services can start. */
  runner: EffectRunner | null;
  control: ControlServer | null;
  /** Ports leased. */
  leases: number;
  /** The snapshot of the current state, built on demand (null after a change). */
  snapshot: StackSnapshot | null;
  /** Events for the machine: effects dispatch while the machine steps, so they queue. */
  readonly queue: MachineEvent[];
  draining: boolean;
  /** Actions on one service, waiting for their outcome. */
  readonly watches: Set<ActionWatch>;
  /** Stops telling the machine of ports a reclaim lost (lost-ports.ts); a no-op before the lease. */
  stopWatchingLosses: () => void;
  /** Stops checking that the shared services the stack uses still run. */
  stopWatchingShared: () => void;
  /** What the services run with, once leased: what `applyConfig` compares and replaces. */
  launch: {
    services: ResolvedService[];
    readonly specs: Map<string, LaunchSpec>;
    /** Its ports grow when an `off` service is started. */
    context: EnvContext;
  } | null;
  /** Starts of `off` services, one at a time: each sees what the one before leased. */
  activations: Promise<unknown>;
  /**
   * Each watching service's file watcher (file-watcher.ts), as the function that stops it; they
   * start with the services, and one is replaced when `applyConfig` changes its service's `watch`.
   */
  readonly fileWatchers: Map<string, Promise<() => Promise<void>>>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  tuneHeapForLogRings();
  const { config, coordinator } = options;
  // Services outside the active profiles are `off`: listed, but not leased or started (ports are
  // leased when one is started by hand, with the `off` services it needs, in one batch), so an
  // unused profile neither takes ports nor fails the stack (docs/architecture.md, "Statuses").
  // A shared service outside them is not listed: it would have to be joined, not started here.
  const profiles = options.profiles ?? [];
  const selection = selectByProfiles(config, options.services ?? [], profiles);
  // Shared services run in stacks of their own: this one joins them (shared/stack-shared.ts).
  const plan = planShared(selection.active, config, options.sharedInstance);
  const active = plan.own;
  const off = options.sharedInstance === undefined ? selection.off.filter((service) => !isShared(service)) : [];
  const offNames = off.map((service) => service.name);
  const chosen = new Set([...active, ...off].map((service) => service.name));
  // In start order; an active service as the plan has it (its dependencies on shared ones dropped).
  const byName = new Map([...off, ...active].map((service) => [service.name, service]));
  const services = config.services
    .filter((service) => chosen.has(service.name))
    .map((service) => byName.get(service.name)!);
  const names = services.map((service) => service.name);
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const id = stackId(config.root, stackName);
  const runToken = options.runToken ?? newRunToken();
  const now = options.now ?? Date.now;

  const output = new StackOutput(names, { ringSize: options.ringSize, now, logDir: options.logDir ?? null });
  const { logs } = output;

  const shell: Shell = {
    machine: initialState(
      services.map((service) => machineService(service, {})),
      offNames,
    ),
    start: { kind: 'not-started' },
    started: null,
    up: null,
    runner: null,
    control: null,
    leases: 0,
    snapshot: null,
    queue: [],
    draining: false,
    watches: new Set(),
    stopWatchingLosses: () => {},
    launch: null,
    activations: Promise.resolve(),
    stopWatchingShared: () => {},
    fileWatchers: new Map(),
  };

  let settleDone!: (outcome: StackOutcome) => void;
  /** Everything stopped and released. */
  const stopped = new Promise<StackOutcome>((resolve) => {
    settleDone = resolve;
  });
  /** …and the control socket closed, after its last replies (a `stopStack` waits on `stopped`). */
  const done = stopped.then(async (outcome) => {
    await shell.control?.close();
    return outcome;
  });
  const pusher = createStackPusher(
    () => coordinator.updateStack(id, { phase: shell.machine.phase, services: serviceSnapshots(shell.machine) }),
    options.pushIntervalMs,
  );

  /** The stop that waits for the start to reach a checkpoint (asked while preparing), if any. */
  function stopPending(): StopOptions | null {
    return shell.start.kind === 'preparing' ? shell.start.stop : null;
  }

  function getSnapshot(): StackSnapshot {
    shell.snapshot ??= {
      stack: {
        id,
        name: stackName,
        project: config.name,
        root: config.root,
        pid: process.pid,
        detached: !!options.detached,
      },
      coordinator: { pid: coordinator.coordinatorPid ?? null, leases: shell.leases },
      phase: shell.machine.phase,
      services: serviceSnapshots(shell.machine),
    };
    return shell.snapshot;
  }

  function failureError(service: string, reason: string): StyxyError {
    return serviceFailedError(service, reason, logs.lines(service));
  }

  function dispatch(event: MachineEvent): void {
    shell.queue.push(event);
    if (shell.draining) return;
    shell.draining = true;
    const before = shell.machine;
    try {
      for (let next = shell.queue.shift(); next; next = shell.queue.shift()) {
        const result = step(shell.machine, next);
        shell.machine = result.state;
        for (const effect of result.effects) shell.runner!.run(effect);
      }
    } finally {
      shell.draining = false;
    }
    if (shell.machine !== before) publish();
  }

  function publish(): void {
    const state = shell.machine;
    shell.snapshot = null;
    output.emit({ type: 'snapshot', snapshot: getSnapshot() });
    if (!state.finished) pusher.schedule();
    const up = shell.up;
    if (up) {
      const allUp = isUp(state);
      if (state.failure) up.reject(failureError(state.failure.service, state.failure.reason));
      else if (allUp) {
        // Answered once the coordinator has this state: a `ps` right after `up -d` shows it.
        const snapshot = getSnapshot();
        void pusher.flush().then(() => up.resolve(snapshot));
      } else if (state.stopping) up.reject(interruptedError());
      if (state.failure || state.stopping || allUp) shell.up = null;
    }
    for (const watch of shell.watches) if (watch.check(state)) shell.watches.delete(watch);
  }

  async function finished(outcome: MachineOutcome): Promise<void> {
    pusher.cancel();
    shell.stopWatchingLosses();
    shell.stopWatchingShared();
    await Promise.all([...shell.fileWatchers.values()].map(async (close) => (await close)().catch(() => {})));
    shell.fileWatchers.clear();
    await coordinator.unregisterStack(id).catch(() => {});
    output.close();
    for (const watch of shell.watches) watch.check(shell.machine);
    shell.watches.clear();
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
      const signal = stopPending()?.signal;
      settleDone(signal ? { kind: 'interrupted', signal } : { kind: 'clean' });
    } else settleDone({ kind: 'failed', error: failure });
    throw failure;
  }

  async function startSequence(): Promise<StackSnapshot> {
    shell.start = { kind: 'preparing', stop: null };
    // Each service's stdout and stderr pipes, made while the stack registers and leases.
    prefetchOutputPipes(active.filter((service) => !service.tty).length * 2);
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
        build: STYXY_BUILD,
        ...(plan.uses.length > 0 ? { uses: [...plan.uses] } : {}),
        ...(plan.instance ? { shared: plan.instance } : {}),
      });
    } catch (error) {
      return abandon(false, error);
    }
    if (stopPending()) return abandon(true, interruptedError());
    if (options.controlDir) {
      try {
        shell.control = await serveControl(self, { dir: options.controlDir, log: options.controlLog });
        await coordinator.updateStackRegistration(id, { controlSocket: shell.control.socketPath });
      } catch (error) {
        return abandon(true, error);
      }
      if (stopPending()) return abandon(true, interruptedError());
    }
    output.openFiles();
    const inherited = options.env ?? process.env;
    const sharedContext = { coordinator, stackId: id, config, env: inherited, cancelled: () => stopPending() !== null };
    let sharedPorts: StackPorts;
    try {
      sharedPorts = await joinAll(plan, sharedContext);
    } catch (error) {
      return abandon(true, stopPending() ? interruptedError() : error);
    }
    if (stopPending()) return abandon(true, interruptedError());
    let specs: ReturnType<typeof launchSpecs>;
    let ports: ReturnType<typeof portsFromLeases>;
    try {
      const requests = portRequests(active);
      // A stack without ports leases nothing (the coordinator refuses an empty batch).
      const leased = requests.length === 0 ? [] : await coordinator.reserve({ stackId: id, requests });
      shell.leases = leased.length;
      ports = { ...portsFromLeases(active, leased), ...sharedPorts };
      const stackSlug = stackSlugOf(config.root, stackName, config.name);
      const envContext: EnvContext = {
        stackName,
        stackId: id,
        stackSlug,
        project: config.name,
        runToken,
        ports,
        inherited,
      };
      specs = launchSpecs(active, envContext);
      shell.launch = { services: [...active], specs, context: envContext };
    } catch (error) {
      return abandon(true, error);
    }
    if (stopPending()) return abandon(true, interruptedError());
    shell.machine = initialState(
      services.map((service) => machineService(service, ports[service.name] ?? {})),
      offNames,
    );
    shell.stopWatchingShared = watchShared(
      plan,
      sharedContext,
      (text) => options.controlLog?.(text),
      (name, joined) => sharedJoined(name, joined),
    );
    shell.stopWatchingLosses = watchLostPorts(coordinator, ports, (service, lost) =>
      dispatch({ type: 'portsLost', service, ports: lost, at: now() }),
    );
    shell.runner = new EffectRunner({
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
      shell.up = { resolve, reject };
    });
    shell.start = { kind: 'running' };
    dispatch({ type: 'start', at: now() });
    for (const spec of specs.values()) watchFilesOf(spec);
    return result;
  }

  /**
   * Watches what the service's `watch` names (replacing a watcher it had); a watcher that cannot
   * start is logged, not fatal. Nothing with `--no-watch`, or once the stack stops.
   */
  function watchFilesOf(spec: LaunchSpec): void {
    const previous = shell.fileWatchers.get(spec.service);
    shell.fileWatchers.delete(spec.service);
    if (previous) void previous.then((close) => close()).catch(() => {});
    if (options.watch === false || !spec.watch || shell.machine.stopping || shell.machine.finished) return;
    const target = { service: spec.service, cwd: spec.cwd, watch: spec.watch };
    const started = watchServices([target], {
      changed: (service, change) => dispatch({ type: 'filesChanged', service, change, at: now() }),
      log: (service, text) => logs.append(service, 'styxy', text),
    }).catch((error: unknown) => {
      logs.append(spec.service, 'styxy', `cannot watch files: ${(error as Error)?.message}`);
      return async () => {};
    });
    shell.fileWatchers.set(spec.service, started);
  }

  function stop(stopOptions: StopOptions = {}): Promise<StackOutcome> {
    const start = shell.start;
    switch (start.kind) {
      case 'not-started':
        // Stopped before it started: it never will.
        shell.start = { kind: 'abandoned' };
        shell.started = Promise.reject(interruptedError());
        shell.started.catch(() => {});
        settleDone(stopOptions.signal ? { kind: 'interrupted', signal: stopOptions.signal } : { kind: 'clean' });
        break;
      case 'abandoned':
        break;
      case 'preparing':
        start.stop = { ...start.stop, ...stopOptions, force: !!(start.stop?.force || stopOptions.force) };
        break;
      case 'running': {
        const reason = stopOptions.signal
          ? { kind: 'signal' as const, signal: stopOptions.signal }
          : { kind: 'request' as const };
        dispatch({ type: 'stopStack', force: !!stopOptions.force, reason, at: now() });
        break;
      }
    }
    return stopped;
  }

  // Settled once the action has played out and the coordinator has the state it left (a `ps`
  // right after `restart api` shows api up), whether it succeeded or failed.
  const act =
    (type: 'stopService' | 'startService' | 'restartService') =>
    (service: string, event: MachineEvent = { type, service, at: now() }) =>
      watchAction({ type, service, names, state: shell.machine, stackName, failureError }, (watch) => {
        shell.watches.add(watch);
        dispatch(event);
        if (watch.check(shell.machine)) shell.watches.delete(watch);
      }).then(
        () => pusher.flush(),
        (error: unknown) => pusher.flush().then(() => Promise.reject(error)),
      );

  /**
   * Starting an `off` service: lease the ports of it and of the `off` services it needs, in one
   * batch (all or none: a refused batch changes nothing), build their launch specs, then let the
   * machine start them in dependency order. Services already running keep the environment they
   * started with (their `STYXY_<SERVICE>_<PORT>` variables do not gain the new ports).
   */
  function startOff(service: string): Promise<void> {
    const leased = shell.activations.then(async (): Promise<MachineEvent | null> => {
      const isOff = (name: string) => shell.machine.services[name]?.life.kind === 'off';
      const launch = shell.launch;
      if (!isOff(service) || !launch || shell.machine.stopping) return null;
      const needed = selectServices(config, [service]).filter((each) => isOff(each.name));
      const requests = portRequests(needed);
      const leases = requests.length === 0 ? [] : await coordinator.reserve({ stackId: id, requests });
      shell.leases += leases.length;
      const fresh = portsFromLeases(needed, leases);
      launch.context = { ...launch.context, ports: { ...launch.context.ports, ...fresh } };
      for (const [name, spec] of launchSpecs(needed, launch.context)) {
        launch.specs.set(name, spec);
        watchFilesOf(spec);
      }
      const started = new Set(needed.map((each) => each.name));
      launch.services = services.filter(
        (each) => started.has(each.name) || launch.services.some((s) => s.name === each.name),
      );
      return { type: 'activate', services: fresh, at: now() };
    });
    shell.activations = leased.catch(() => {});
    // Already started meanwhile (another request): only watch it come up.
    return leased.then((event) => act('startService')(service, event ?? { type: 'activate', services: {}, at: now() }));
  }

  const actions: StackActions = {
    restart: (service) =>
      shell.machine.services[service]?.life.kind === 'off' ? startOff(service) : act('restartService')(service),
    stop: act('stopService'),
    start: (service) =>
      shell.machine.services[service]?.life.kind === 'off' ? startOff(service) : act('startService')(service),
    input: async (service, data) => {
      writeInput(shell.machine, service, data, (name, text) => shell.runner?.input(name, text) ?? false);
    },
    stopStack: async (stopOptions) => {
      await stop({ force: !!stopOptions?.force, ...(stopOptions?.signal ? { signal: stopOptions.signal } : {}) });
    },
  };

  let applying: Promise<unknown> = Promise.resolve();
  const applyNewConfig = () =>
    applyConfig({
      reload: options.reload,
      // What runs: as the profiles select it, and the `off` services started since.
      select: (next) => {
        const running = new Set([
          ...selectByProfiles(next, options.services ?? [], profiles).active.map((service) => service.name),
          ...(shell.launch?.services.map((service) => service.name) ?? []),
        ]);
        return next.services.filter((service) => running.has(service.name));
      },
      sharedInstance: options.sharedInstance,
      current: () => {
        const state = shell.machine;
        if (!shell.launch || shell.start.kind !== 'running' || !state.begun || state.stopping || state.finished)
          return null;
        return { services: shell.launch.services, uses: plan.uses, specs: shell.launch.specs };
      },
      buildSpecs: (next) => launchSpecs(next, shell.launch!.context),
      replace: replaceService,
      restart: actions.restart,
      log: (text) => options.controlLog?.(text),
    });

  /** Makes the next start of `service` run this definition. */
  function replaceService(service: ResolvedService, spec: LaunchSpec): void {
    const launch = shell.launch!;
    launch.services = launch.services.map((old) => (old.name === service.name ? service : old));
    const before = launch.specs.get(service.name);
    launch.specs.set(service.name, spec);
    if (JSON.stringify(before?.watch ?? null) !== JSON.stringify(spec.watch)) watchFilesOf(spec);
    const state = shell.machine.services[service.name]!;
    const machine = machineService(service, state.spec.ports);
    shell.machine = {
      ...shell.machine,
      services: { ...shell.machine.services, [service.name]: { ...state, spec: machine } },
    };
  }

  /**
   * A shared service this stack uses answers on other ports than those its services started with
   * (its instance was started again after a `kill -9` and its old port was taken meanwhile): each
   * service whose command or environment named the old ones (with the `STYXY_*` variables, every
   * one) runs the new ones from its next start, and restarts now if it runs, as `restart` would.
   * Completed tasks are not run again. Queued behind `applyConfig` (one change at a time).
   */
  function sharedJoined(shared: string, ports: Readonly<Record<string, number>>): void {
    const launch = shell.launch;
    const before = launch?.context.ports[shared];
    if (!launch || !before || samePorts(before, ports) || shell.machine.stopping || shell.machine.finished) return;
    launch.context = { ...launch.context, ports: { ...launch.context.ports, [shared]: { ...ports } } };
    const specs = launchSpecs(launch.services, launch.context);
    const changed = launch.services.filter(
      (service) => JSON.stringify(specs.get(service.name)) !== JSON.stringify(launch.specs.get(service.name)),
    );
    const moved = Object.entries(ports)
      .map(([name, port]) => `${name} ${before[name] ?? '?'} -> ${port}`)
      .join(', ');
    options.controlLog?.(`shared service "${shared}" answers on other ports (${moved})`);
    const next = applying.then(async () => {
      for (const service of changed) {
        if (!shell.launch || shell.machine.stopping || shell.machine.finished) return;
        replaceService(service, specs.get(service.name)!);
        const kind = shell.machine.services[service.name]?.life.kind;
        if (kind !== 'starting' && kind !== 'up' && kind !== 'backoff') continue;
        logs.append(service.name, 'styxy', `shared service "${shared}" moved (${moved}): restarting`);
        await actions.restart(service.name).catch(() => {});
      }
    });
    applying = next.catch(() => {});
  }

  const self: Supervisor = {
    id,
    runToken,
    start: () => {
      shell.started ??= startSequence();
      return shell.started;
    },
    stop,
    done,
    get controlSocket() {
      return shell.control?.socketPath ?? null;
    },
    getSnapshot,
    getLogs: (service, limit) => logs.lines(service, limit),
    subscribe: (listener) => output.subscribe(listener),
    actions,
    // One at a time: two `up -d` at once must not both restart what changed.
    applyConfig: () => {
      const next = applying.then(applyNewConfig, applyNewConfig);
      applying = next.catch(() => {});
      return next;
    },
  };
  return self;
}

function samePorts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}
