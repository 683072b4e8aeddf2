/**
 * `styxy up` in the foreground: load the config, connect to the coordinator (starting one if
 * needed), run the stack under a supervisor with its log files in `$STYXY_HOME/stacks/<id>/`,
 * show it (choose-renderer.ts), stop it on SIGINT/SIGTERM/SIGHUP (again: forced), and exit with
 * the stack's outcome: 0 clean, 1 failed, 128 + n after signal n (130 for Ctrl-C).
 */
import { connectCoordinator } from '../../client/coordinator-client.js';
import { loadProjectConfig } from '../../config/load.js';
import { activeProfiles, selectByProfiles } from '../../config/select-services.js';
import { ignoreInspectorSignal } from '../../os/inspector-signal.js';
import { stackDir, styxyHome } from '../../protocol/home.js';
import { stackId } from '../../protocol/stack-id.js';
import { isShared } from '../../supervisor/shared/shared-use.js';
import { exitCodeOf, handleStopSignals } from '../../supervisor/stop-signals.js';
import { createSupervisor } from '../../supervisor/supervisor.js';
import { printJson } from '../output.js';
import { renderError } from '../render-error.js';
import { snapshotDocument } from '../stack/ps-document.js';
import { withSharedRows } from '../stack/shared-rows.js';
import { stackNameOption } from '../stack/stack-name.js';
import { chooseRenderer, preloadRenderer, rendererKind } from './choose-renderer.js';
import { tellCoordinatorEvents } from './coordinator-notices.js';
import { upHeader } from './up-header.js';

/** The start of the styxy line a stop command that could not run leaves (supervisor/effect-runner.ts). */
const STOP_FAILED = 'stop command could not run';

export interface ForegroundOptions {
  readonly config?: readonly string[];
  readonly name?: string;
  /** False with `--no-tui`. */
  readonly tui: boolean;
  readonly json: boolean;
  /** False with `--no-watch`. */
  readonly watch?: boolean;
  /** Every `--profile`. */
  readonly profile?: readonly string[];
}

export async function runForeground(names: readonly string[], options: ForegroundOptions): Promise<number> {
  const stackName = stackNameOption(options.name);
  const home = styxyHome();
  const cwd = process.cwd();
  const config = await loadProjectConfig({ cwd, file: options.config, home });
  // An unknown service or profile name fails here, before a coordinator is started for nothing.
  const profiles = activeProfiles(options.profile);
  const selection = selectByProfiles(config, names, profiles);
  const services = selection.active.map((service) => service.name);
  const off = selection.off.map((service) => service.name);
  // On a terminal, Ink loads (half a second) while the coordinator is reached and the ports are
  // reserved; not earlier, so that a config error is not kept waiting for it.
  preloadRenderer({ tui: options.tui, json: options.json, stdout: process.stdout });
  const client = await connectCoordinator({ kind: 'supervisor', home });
  // A reader gone away (EPIPE) or a closed terminal (EIO) must not crash the supervisor: the
  // stack still has to be stopped and its ports given back.
  const ignore = () => {};
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  try {
    const supervisor = createSupervisor({
      config,
      // `up -d` in another terminal makes this stack take an edited config (apply-config.ts).
      reload: () => loadProjectConfig({ cwd, file: options.config, home }),
      services: names,
      profiles,
      stackName,
      coordinator: client,
      // Written for foreground stacks too, so `styxy logs` works for every stack; the control
      // socket too, so `attach`, `logs -f`, `restart` and `down` reach every stack.
      logDir: stackDir(home, stackId(config.root, stackName)),
      controlDir: stackDir(home, stackId(config.root, stackName)),
      watch: options.watch !== false,
    });
    // The live UI shows the shared services the stack uses too (stack/shared-rows.ts); plain
    // output stays the stack's own (`styxy logs db` has the instance's).
    const shared = selection.active.filter(isShared).map((service) => service.name);
    const view =
      shared.length > 0 && rendererKind({ ...options, stdout: process.stdout }) === 'tui'
        ? withSharedRows(supervisor, {
            stackId: stackId(config.root, stackName),
            shared,
            listStacks: () => client.listStacks(),
          })
        : null;
    const renderer = await chooseRenderer(view ?? supervisor, {
      tui: options.tui,
      json: options.json,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
    });
    renderer.notice(upHeader(config, stackName, services, off));
    // A stop command that could not run (`execa did not load`) is said in the service's log, and
    // the live UI is gone by then (q): said again on the shell's screen once the UI has left.
    const failedStops: string[] = [];
    const stopWatchingStops =
      rendererKind({ ...options, stdout: process.stdout }) === 'tui'
        ? supervisor.subscribe((event) => {
            if (event.type === 'log' && event.line.stream === 'styxy' && event.line.text.startsWith(STOP_FAILED)) {
              failedStops.push(`styxy: ${event.line.service}: ${event.line.text}\n`);
            }
          })
        : () => {};
    // This process supervises the stack: no debugger port for anyone (os/inspector-signal.ts).
    ignoreInspectorSignal((line) => renderer.notice(line));
    const stopTelling = tellCoordinatorEvents(client, (text, tone) => renderer.notice(text, tone));
    const stopHandling = handleStopSignals(supervisor, {
      onSignal: (signal, forced) =>
        renderer.notice(
          forced ? `${signal}: forcing the stop (SIGKILL)` : `${signal} received; press Ctrl-C again to force`,
        ),
      // Stopping already (q in the UI, a failed service): a signal forces, as a second Ctrl-C does.
      stopping: () => ['stopping', 'failed'].includes(supervisor.getSnapshot().phase),
    });
    try {
      const up = await supervisor.start().then(
        (snapshot) => snapshot,
        () => null, // the outcome below says why
      );
      if (up && options.json) printJson(snapshotDocument(up));
      const outcome = await supervisor.done;
      await renderer.flush();
      // The UI leaves the screen first, so that the failure is printed on the shell's screen.
      renderer.close();
      for (const line of failedStops) process.stderr.write(line);
      if (outcome.kind === 'failed') renderError(outcome.error);
      return exitCodeOf(outcome);
    } finally {
      stopHandling();
      stopTelling();
      stopWatchingStops();
      renderer.close();
      view?.close();
    }
  } finally {
    await client.close();
    process.stdout.off('error', ignore);
    process.stderr.off('error', ignore);
  }
}
