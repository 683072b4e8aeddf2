/**
 * The background supervisor (entry: `node dist/supervisor/background-main.js <args>`), spawned
 * by `styxy up -d` in a session of its own, with no terminal, its output going to
 * `$STYXY_HOME/stacks/<id>/supervisor.out`. It runs one stack exactly as a foreground `up` does
 * (log files, control socket, reports to the coordinator) and tells the parent how the start went
 * over the report pipe (launch.ts). It exits once the stack has stopped: by `styxy
 * down` (the control socket), a signal (SIGTERM/SIGINT/SIGHUP; a second one forces), or a failure.
 * A `kill -9` of it is handled by the coordinator, which reaps its services and frees its ports.
 */
import { relative } from 'node:path';
import { connectCoordinator } from '../../client/coordinator-client.js';
import { selectByProfiles } from '../../config/select-services.js';
import { flushCompiledCode } from '../../os/compile-cache.js';
import { ignoreInspectorSignal } from '../../os/inspector-signal.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';
import { stackDir, styxyHome } from '../../protocol/home.js';
import { DEFAULT_STACK_NAME, stackId } from '../../protocol/stack-id.js';
import { exitCodeOf, handleStopSignals } from '../stop-signals.js';
import { loadConfigInChild } from './config-child.js';
import { decodeArgs, REPORT_FD } from './launch.js';
import { openReportChannel } from './report-channel.js';
import { startTimeoutError } from './timeout-error.js';

const report = openReportChannel(REPORT_FD);

/** One line of this supervisor's own output file (stderr is that file). */
function log(text: string): void {
  try {
    process.stderr.write(`${new Date().toISOString()} [${process.pid}] ${text}\n`);
  } catch {}
}

function asStyxyError(error: unknown): StyxyError {
  if (isStyxyError(error)) return error;
  return new StyxyError('STYXY_INTERNAL', `the background supervisor failed: ${(error as Error)?.stack ?? error}`);
}

async function main(): Promise<number> {
  // The supervisor's own modules (the machine, probes, logs and control socket: most of what this process loads) load
  // while the config loads in its worker and the coordinator is reached, not before both.
  const supervisorModule = import('../supervisor.js');
  supervisorModule.catch(() => {}); // a failure shows where it is awaited
  const args = decodeArgs(process.argv.slice(2));
  process.title = 'styxy-supervisor';
  ignoreInspectorSignal(log);
  const home = styxyHome();
  log(`starting in ${args.cwd} (stack ${args.stackName})`);
  const request = { cwd: args.cwd, file: args.config ?? undefined, home };
  const config = await loadConfigInChild(request);
  const names = selectByProfiles(config, args.services, args.profiles).active.map((service) => service.name);
  // What `ps -ef` shows for this process (the arguments are an unreadable JSON blob).
  process.title = `styxy-supervisor ${config.name}/${args.stackName}`;
  const file = relative(args.cwd, config.file) || config.file;
  const copy = args.stackName === DEFAULT_STACK_NAME ? '' : ` (stack ${args.stackName})`;
  report.send({
    type: 'starting',
    text: `starting ${config.name}${copy} from ${file} in the background: ${names.join(', ')}`,
  });

  const client = await connectCoordinator({ kind: 'supervisor', home, cwd: config.root });
  const dir = stackDir(home, stackId(config.root, args.stackName));
  const { createSupervisor } = await supervisorModule;
  const supervisor = createSupervisor({
    config,
    reload: () => loadConfigInChild(request),
    services: args.services,
    profiles: args.profiles,
    stackName: args.stackName,
    coordinator: client,
    detached: true,
    logDir: dir,
    controlDir: dir,
    controlLog: log,
    ...(args.shared === undefined ? {} : { sharedInstance: args.shared }),
    watch: args.watch !== false,
  });
  const stopHandling = handleStopSignals(supervisor, {
    onSignal: (signal, forced) => log(`${signal} received: ${forced ? 'forcing the stop (SIGKILL)' : 'stopping'}`),
  });
  client.on('disconnected', () => log('lost the coordinator; reconnecting (the services keep running)'));
  client.on('reconnected', () => log(`reconnected to the coordinator (pid ${client.coordinatorPid})`));
  client.on('reclaimFailed', (error) => log(error.message));
  const stopProgress = supervisor.subscribe((event) => {
    if (event.type === 'log' && event.line.stream === 'styxy') {
      report.send({ type: 'progress', service: event.line.service, text: event.line.text });
    }
  });

  let timedOut: StyxyError | null = null;
  const timer = setTimeout(() => {
    timedOut = startTimeoutError(supervisor.getSnapshot(), args.timeoutMs, (s) => supervisor.getLogs(s));
    log(`start timed out after ${args.timeoutMs} ms; stopping`);
    void supervisor.stop();
  }, args.timeoutMs);
  try {
    const up = await supervisor.start();
    clearTimeout(timer);
    stopProgress();
    log(`every service is up; control socket ${supervisor.controlSocket}`);
    report.send({ type: 'up', snapshot: up });
    await report.end();
    // After the answer: `up -d` does not wait for it (os/compile-cache.ts).
    flushCompiledCode();
  } catch (error) {
    clearTimeout(timer);
    stopProgress();
    // Told only once everything it started is stopped and every port released.
    const outcome = await supervisor.done;
    const failure = timedOut ?? (outcome.kind === 'failed' ? outcome.error : asStyxyError(error));
    log(`did not start: ${failure.message}`);
    report.send({ type: 'failed', error: failure.toWire() });
    await report.end();
  }
  const outcome = await supervisor.done;
  log(`stopped (${outcome.kind === 'failed' ? outcome.error.message : outcome.kind})`);
  stopHandling();
  await client.close();
  return exitCodeOf(outcome);
}

// A bug must not leave the parent waiting: say so, then die. The coordinator reaps what is left.
process.on('uncaughtException', (error) => {
  log(`crashed: ${error.stack ?? error.message}`);
  report.send({ type: 'failed', error: asStyxyError(error).toWire() });
  void report.end(500).finally(() => process.exit(1));
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const failure = asStyxyError(error);
    log(`did not start: ${failure.message}`);
    report.send({ type: 'failed', error: failure.toWire() });
    await report.end();
    // Nothing was started (a config error, no coordinator): nothing may keep this process alive.
    process.exit(failure.exitCode);
  },
);
