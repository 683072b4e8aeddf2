/**
 * Performs the state machine's effects: spawns, stops, probes, timers, reports to the
 * coordinator, lifecycle lines. What they lead to comes back through `dispatch` as events. It
 * keeps what the machine does not need to know: process records, probe and timer handles.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoordinatorClient } from '../client/coordinator-client.js';
import { sweepListeners } from '../os/port-sweep.js';
import { processStartTime } from '../os/process-table.js';
import { describeStopCommandResult, runStopCommand } from '../os/stop-command.js';
import { type ProcessRecord, stopTarget } from '../os/stop-target.js';
import { runSeparator } from '../protocol/run-separator.js';
import type { LaunchSpec } from './launch-spec.js';
import { LineSplitter } from './line-splitter.js';
import type { LogStore } from './log-store.js';
import type { Effect, MachineEvent, MachineOutcome } from './machine-types.js';
import { describeConflict } from './port-conflict.js';
import { runHealthChecks } from './probes/health-loop.js';
import type { LogSource } from './probes/log.js';
import { runProbe } from './probes/run-probe.js';
import { spawnPtyService } from './pty-process.js';
import { OUTPUT_GRACE_MS, type SpawnHooks, spawnService } from './service-process.js';

/** How long a forced stop (a second Ctrl-C, `down --force`) lets a service's stop command run. */
const FORCED_STOP_COMMAND_MS = 2000;

/** The longest a spawned service waits at its gate for the coordinator to record it (service-process.ts). */
const REPORT_WAIT_MS = 5000;

/** What started after this supervisor and listens on a leased port is the stack's (os/port-sweep.ts). */
const SUPERVISOR_START = processStartTime(process.pid);

/**
 * Test hook, inert unless STYXY_TEST_STOP_AFTER_SPAWN is set (to `<service>:<file>`): right after
 * spawning that service, before its report, writes `<service pid> <supervisor pid>` to the file and
 * stops this process (SIGSTOP), so a test can `kill -9` the supervisor in the window between a
 * spawn and its report (test/e2e/spawn-window.test.ts).
 */
function stopAfterSpawnHook(service: string, pid: number): void {
  const hook = process.env.STYXY_TEST_STOP_AFTER_SPAWN;
  if (!hook?.startsWith(`${service}:`)) return;
  writeFileSync(hook.slice(service.length + 1), `${pid} ${process.pid}\n`);
  process.kill(process.pid, 'SIGSTOP');
}

export interface EffectContext {
  readonly stackId: string;
  readonly runToken: string;
  readonly specs: ReadonlyMap<string, LaunchSpec>;
  readonly logs: LogStore;
  /** Follows one service's new lines (for log probes). */
  readonly follow: (service: string, listener: Parameters<LogSource['follow']>[0]) => () => void;
  readonly coordinator: CoordinatorClient;
  readonly dispatch: (event: MachineEvent) => void;
  readonly now: () => number;
  /** Everything is stopped and swept: release the ports and settle the outcome. */
  readonly finished: (outcome: MachineOutcome) => void;
  /** A coordinator call failed (the service keeps running; the client reconnects by itself). */
  readonly coordinatorError: (error: unknown) => void;
}

interface ServiceShell {
  /** Process groups of this service that may still hold processes. */
  records: ProcessRecord[];
  /** The spawn in progress (a stop waits for it, so it knows what to stop). */
  spawning: Promise<void> | null;
  probe: AbortController | null;
  /** The health checks of the current run (config `health`). */
  health: AbortController | null;
  timer: NodeJS.Timeout | null;
  /** The stack-wide seq of this run's first line (log probes read from there). */
  runStartSeq: number;
  /** Writes to the running process's stdin or terminal (null while none runs). */
  write: ((data: string) => boolean) | null;
  /** The latest process's exit (with its last output read). */
  exit: Promise<unknown> | null;
  /** The stop command while it runs (a forced stop does not start a second one). */
  stopCommand: Promise<void> | null;
  /** The pid of the latest run (its exit clears the stop registration). */
  latestPid: number | null;
  /** This run passed its readiness check (an exit before it is a failure to start). */
  readySeen: boolean;
  /** For a daemon: settles once this run's daemon is found (its readiness is checked then). */
  daemonWait: Promise<void> | null;
  daemonFound: (() => void) | null;
  /** Spawned processes still held at their gate until their report is recorded (service-process.ts). */
  gates: Map<number, () => void>;
  /** Settles once the latest run is released from its gate: its readiness check starts then. */
  released: Promise<void> | null;
}

export class EffectRunner {
  readonly #context: EffectContext;
  readonly #shells = new Map<string, ServiceShell>();
  #forced = false;

  /** `specs` may gain services later (an `off` service started by hand): their shells come then. */
  constructor(context: EffectContext) {
    this.#context = context;
    for (const name of context.specs.keys()) this.#shell(name);
  }

  run(effect: Effect): void {
    const { coordinator, stackId, logs, coordinatorError } = this.#context;
    switch (effect.type) {
      case 'spawn':
        this.#spawn(effect.service, effect.run);
        break;
      case 'stop':
        if (effect.signal === 'SIGKILL' && effect.timeoutMs === 0) this.#forced = true;
        void this.#stop(effect.service, effect.signal, effect.timeoutMs);
        break;
      case 'probe':
        this.#probe(effect.service, effect.run);
        break;
      case 'cancelProbe': {
        const shell = this.#shell(effect.service);
        shell.probe?.abort();
        shell.probe = null;
        break;
      }
      case 'watchHealth':
        this.#watchHealth(effect.service, effect.run);
        break;
      case 'cancelHealth': {
        const shell = this.#shell(effect.service);
        shell.health?.abort();
        shell.health = null;
        break;
      }
      case 'schedule':
        this.#schedule(effect.service, effect.run, effect.delayMs);
        break;
      case 'cancelTimer': {
        const shell = this.#shell(effect.service);
        if (shell.timer) clearTimeout(shell.timer);
        shell.timer = null;
        break;
      }
      case 'reportProcess': {
        // Write-ahead: the process runs its command only once the coordinator has recorded it
        // (or could not be told: a lost connection's reclaim carries the report, a refusal is
        // logged), so a reap after a `kill -9` at any moment finds it.
        // A coordinator that does not answer (stopped) holds a start up for REPORT_WAIT_MS at most.
        const gates = this.#shell(effect.service).gates;
        const release = gates.get(effect.pid);
        gates.delete(effect.pid);
        const cap = release ? setTimeout(release, REPORT_WAIT_MS) : null;
        coordinator
          .reportProcess({ stackId, service: effect.service, pid: effect.pid, pgid: effect.pid })
          .catch(coordinatorError)
          .finally(() => {
            if (cap) clearTimeout(cap);
            release?.();
          });
        this.#shell(effect.service).latestPid = effect.pid;
        this.#registerStop(effect.service, null);
        break;
      }
      case 'reportExit':
        coordinator.reportExit({ stackId, service: effect.service, pid: effect.pid }).catch(coordinatorError);
        // Only the latest run's exit ends what the coordinator would do (an older run's exit can come late).
        if (this.#shell(effect.service).latestPid === effect.pid) this.#clearStop(effect.service);
        break;
      case 'log':
        logs.append(effect.service, 'styxy', effect.text);
        break;
      case 'finish':
        void this.#finish(effect.outcome);
        break;
    }
  }

  /** Writes to the service's running process (typed input); false when none runs. */
  input(service: string, data: string): boolean {
    return this.#shells.get(service)?.write?.(data) ?? false;
  }

  #schedule(service: string, run: number, delayMs: number): void {
    const shell = this.#shell(service);
    if (shell.timer) clearTimeout(shell.timer);
    shell.timer = setTimeout(() => {
      shell.timer = null;
      this.#context.dispatch({ type: 'restartDue', service, run, at: this.#context.now() });
    }, delayMs);
  }

  #shell(service: string): ServiceShell {
    let shell = this.#shells.get(service);
    if (!shell) {
      shell = {
        records: [],
        spawning: null,
        probe: null,
        health: null,
        timer: null,
        latestPid: null,
        readySeen: false,
        daemonWait: null,
        daemonFound: null,
        gates: new Map(),
        released: null,
        runStartSeq: 1,
        write: null,
        exit: null,
        stopCommand: null,
      };
      this.#shells.set(service, shell);
    }
    return shell;
  }

  #spawn(service: string, run: number): void {
    const shell = this.#shell(service);
    const spec = this.#context.specs.get(service)!;
    const { dispatch, now, logs } = this.#context;
    shell.spawning = (async () => {
      // What an earlier run left behind (a child still holding the port) goes first.
      if (run > 1) await this.#sweep(service, spec.stopSignal, spec.stopTimeoutMs);
      shell.runStartSeq = logs.nextSeq;
      shell.daemonWait = spec.daemon ? new Promise((resolve) => (shell.daemonFound = resolve)) : null;
      const hooks: SpawnHooks = {
        onLine: (stream, line) => logs.append(service, stream, line),
        onDaemon: (daemon) => {
          shell.records.push(daemon);
          shell.daemonFound?.();
          this.#registerStop(service, daemon.pid);
          dispatch({ type: 'daemonized', service, run, pid: daemon.pid, at: now() });
        },
      };
      const result = await (spec.tty ? spawnPtyService(spec, hooks) : spawnService(spec, hooks)).catch(
        (error: unknown) => ({ ok: false as const, message: (error as Error)?.message ?? String(error) }),
      );
      if (!result.ok) {
        dispatch({ type: 'spawnFailed', service, run, message: result.message, at: now() });
        return;
      }
      const { record, exit, write, release } = result.process;
      stopAfterSpawnHook(service, record.pid);
      logs.append(service, 'styxy', runSeparator(run, now(), record.pid, spec.ports));
      if (run === 1 && spec.portFlag) {
        logs.append(
          service,
          'styxy',
          `${spec.portFlag.tool} takes no PORT from the environment: added ${spec.portFlag.added} to its command (portFlag: false turns this off)`,
        );
      }
      shell.records.push(record);
      shell.exit = exit;
      shell.write = write;
      // The readiness check starts once the service runs: its first attempt (the HTTP check loads
      // node:http, ~35 ms) would otherwise hold up the report's answer, and so the service's start.
      let onReleased = () => {};
      shell.released = new Promise<void>((resolve) => (onReleased = resolve));
      shell.gates.set(record.pid, () => {
        release();
        onReleased();
      });
      dispatch({ type: 'spawned', service, run, pid: record.pid, at: now() });
      // The report (the `spawned` effect) releases it; a gate it did not take is released here.
      shell.gates.get(record.pid)?.();
      shell.gates.delete(record.pid);
      shell.readySeen = spec.probe.kind === 'none';
      exit.then(async ({ code, signal, note }) => {
        if (shell.write === write) shell.write = null;
        if (note) logs.append(service, 'styxy', note);
        // Exited before it was ready: name what holds the port it wanted, if anything does.
        const failed = code !== 0 || signal !== null;
        const conflict =
          failed && !shell.readySeen
            ? await describeConflict(
                spec.ports,
                logs.lines(service, 100).map((line) => line.text),
                this.#context.coordinator,
                this.#context.stackId,
              )
            : null;
        const at = now();
        dispatch({
          type: 'exited',
          service,
          run,
          pid: record.pid,
          code,
          signal,
          at,
          ...(conflict ? { detail: conflict } : {}),
        });
      });
    })();
  }

  async #stop(service: string, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const shell = this.#shell(service);
    let killed = false;
    try {
      await shell.spawning;
      // A forced stop (a second Ctrl-C) runs it too, cut short: `docker stop` of a container
      // the service started must not be skipped, or the container outlives the stack.
      const forced = signal === 'SIGKILL' && timeoutMs === 0;
      await this.#stopCommand(service, forced ? FORCED_STOP_COMMAND_MS : null);
      killed = await this.#sweep(service, signal, timeoutMs);
      // So that its last lines and its exit come before "stopped". Unref'd: a grace timer left
      // running must not hold the process (`up` would exit half a second late).
      await Promise.race([shell.exit, sleep(OUTPUT_GRACE_MS * 2, undefined, { ref: false })]);
    } finally {
      // Whatever happened, the machine must move on (a stuck stop would hold the stack forever).
      this.#context.dispatch({ type: 'stopDone', service, killed, at: this.#context.now() });
    }
  }

  /**
   * Tells the coordinator what to do for the service if this supervisor dies (coordinator/stops.ts):
   * run its stop command, stop its daemon. What it will not take is said in the service's log.
   */
  #registerStop(service: string, daemonPid: number | null): void {
    const spec = this.#context.specs.get(service)!;
    if (!spec.stop && daemonPid === null) return;
    const stop = spec.stop && {
      file: spec.stop.file,
      args: [...spec.stop.args],
      cwd: spec.cwd,
      env: { ...spec.env },
      timeoutMs: spec.stop.timeoutMs,
    };
    const daemon = daemonPid === null || !spec.daemon ? null : { pid: daemonPid, pidFile: spec.daemon.pidFile };
    this.#context.coordinator
      .registerStop({ stackId: this.#context.stackId, service, stop, daemon })
      .then((result) => {
        if (result?.problem) {
          this.#context.logs.append(
            service,
            'styxy',
            `if this supervisor is killed, the coordinator will not stop the daemon itself: ${result.problem}${stop ? ' (it will run the stop command)' : ''}`,
          );
        }
      })
      .catch(this.#context.coordinatorError);
  }

  #clearStop(service: string): void {
    const spec = this.#context.specs.get(service)!;
    if (!spec.stop && !spec.daemon) return;
    this.#context.coordinator
      .registerStop({ stackId: this.#context.stackId, service, stop: null, daemon: null })
      .catch(this.#context.coordinatorError);
  }

  /**
   * Runs the service's stop command (once per stop: a forced stop while it runs does not start
   * it again) when something of the service may still run. Its output goes to the service's log.
   */
  async #stopCommand(service: string, capMs: number | null): Promise<void> {
    const shell = this.#shell(service);
    const spec = this.#context.specs.get(service)!;
    if (shell.stopCommand) return; // running already (a graceful stop's): the forced stop goes on
    if (!spec.stop || shell.records.length === 0) return;
    const timeoutMs = capMs === null ? spec.stop.timeoutMs : Math.min(capMs, spec.stop.timeoutMs);
    shell.stopCommand = this.#runStopCommand(service, spec, spec.stop, timeoutMs).finally(() => {
      shell.stopCommand = null;
    });
    await shell.stopCommand;
  }

  async #runStopCommand(
    service: string,
    spec: LaunchSpec,
    stop: NonNullable<LaunchSpec['stop']>,
    timeoutMs: number,
  ): Promise<void> {
    const { logs } = this.#context;
    logs.append(service, 'styxy', `running its stop command: ${stop.display}`);
    const splitters = {
      stdout: new LineSplitter((line) => logs.append(service, 'stdout', line)),
      stderr: new LineSplitter((line) => logs.append(service, 'stderr', line)),
    };
    const result = await runStopCommand({ ...stop, timeoutMs, cwd: spec.cwd, env: spec.env }, (stream, chunk) =>
      splitters[stream].push(chunk),
    );
    splitters.stdout.end();
    splitters.stderr.end();
    logs.append(service, 'styxy', `stop command ${describeStopCommandResult(result, timeoutMs)}`);
  }

  /** Stops every process of the service (its groups, and its tagged escapees). True if SIGKILL was needed. */
  async #sweep(service: string, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
    const shell = this.#shell(service);
    const result = await stopTarget(
      { groups: shell.records, token: this.#context.runToken, service, taggedSince: SUPERVISOR_START },
      { signal, timeoutMs },
    );
    if (result.survivors.length === 0) shell.records = [];
    return result.killed;
  }

  #probe(service: string, run: number): void {
    const shell = this.#shell(service);
    const spec = this.#context.specs.get(service)!;
    const { logs, dispatch, now } = this.#context;
    shell.probe?.abort();
    const controller = new AbortController();
    shell.probe = controller;
    const from = shell.runStartSeq;
    const source: LogSource = {
      backlog: () => logs.since(service, from),
      follow: (listener) => this.#context.follow(service, listener),
    };
    // A daemon's readiness is checked once the daemon is found: until then its port may still be
    // held by the command that starts it, which is about to exit.
    const daemon = shell.daemonWait;
    const released = shell.released;
    const probing = (async () => {
      if (released) await released;
      if (daemon) await Promise.race([daemon, once(controller.signal, 'abort')]);
      if (controller.signal.aborted) return null;
      return runProbe(spec.probe, { cwd: spec.cwd, env: spec.env, logs: source }, controller.signal);
    })().catch((error: unknown) => ({
      ok: false as const,
      reason: `ready check could not run: ${(error as Error)?.message}`,
    }));
    void probing.then((result) => {
      if (!result || controller.signal.aborted) return;
      if (result.ok) shell.readySeen = true;
      if (shell.probe === controller) shell.probe = null;
      dispatch(
        result.ok
          ? { type: 'probeReady', service, run, at: now() }
          : { type: 'probeFailed', service, run, reason: result.reason, at: now() },
      );
    });
  }

  #watchHealth(service: string, run: number): void {
    const shell = this.#shell(service);
    const spec = this.#context.specs.get(service)!;
    if (!spec.health) return;
    const { dispatch, now } = this.#context;
    shell.health?.abort();
    const controller = new AbortController();
    shell.health = controller;
    void runHealthChecks(spec.health, { cwd: spec.cwd, env: spec.env }, controller.signal, (attempt) =>
      dispatch({
        type: 'healthChecked',
        service,
        run,
        ok: attempt.ok,
        reason: attempt.ok ? null : attempt.reason,
        at: now(),
      }),
    );
  }

  /** A last sweep of everything carrying the stack's tag (tasks' leftovers included). */
  async #finish(outcome: MachineOutcome): Promise<void> {
    for (const shell of this.#shells.values()) {
      shell.probe?.abort();
      shell.health?.abort();
      if (shell.timer) clearTimeout(shell.timer);
    }
    const groups = [...this.#shells.values()].flatMap((shell) => shell.records);
    try {
      await stopTarget(
        { groups, token: this.#context.runToken, taggedSince: SUPERVISOR_START },
        { timeoutMs: this.#forced ? 0 : 2000 },
      );
      for (const [service, spec] of this.#context.specs) {
        for (const swept of await sweepListeners(spec.ports, {
          since: SUPERVISOR_START,
          graceMs: this.#forced ? 200 : 2000,
        })) {
          const who = `pid ${swept.pid ?? '?'}${swept.command ? ` (${swept.command})` : ''}`;
          this.#context.logs.append(
            service,
            'styxy',
            swept.stopped
              ? `${who} still listened on :${swept.port} after the stack stopped: stopped it`
              : `:${swept.port} is still held by ${who}, which is not provably this stack's: left running`,
          );
        }
      }
    } finally {
      this.#context.finished(outcome);
    }
  }
}
