/**
 * `styxy up -d [--json] [--timeout S]`: starts the stack under a background supervisor
 * (spawn-background.ts), tells its progress on stderr, and waits until every service is up — then
 * prints the port map (the `ps` table, or with `--json` the `ps --json` document) and exits 0,
 * leaving the stack running. If it cannot start (a service failed, `--timeout` ran out, a second
 * copy, a bad config), everything it started is stopped and every port freed before the error is
 * printed and `up` exits 1. Ctrl-C meanwhile stops the start the same way (exit 130).
 */
import { constants } from 'node:os';
import { locateConfig } from '../../config/locate.js';
import { StyxyError } from '../../protocol/errors.js';
import { ensureHome, stackDir, styxyHome } from '../../protocol/home.js';
import { ensurePrivateDir } from '../../protocol/private-fs.js';
import { DEFAULT_STACK_NAME, stackId } from '../../protocol/stack-id.js';
import { STOP_SIGNALS } from '../../supervisor/stop-signals.js';
import { printJson } from '../output.js';
import { renderError } from '../render-error.js';
import { secondsOption } from '../seconds-option.js';
import { snapshotDocument } from '../stack/ps-document.js';
import { formatPs } from '../stack/ps-table.js';
import { stackNameOption } from '../stack/stack-name.js';
import { waitStackGone } from '../stack/wait-stack-gone.js';
import { type LaunchResult, spawnBackground } from './spawn-background.js';

export interface DetachedOptions {
  readonly config?: readonly string[];
  readonly name?: string;
  readonly json: boolean;
  /** `--timeout` in seconds, as typed. */
  readonly timeout?: string;
}

/** The child stops by itself when its timeout runs out; this much more, and it is killed. */
const SAFETY_MARGIN_MS = 60_000;
/** After a failed start: how long the child and the coordinator get to show that nothing is left. */
const CLEANUP_MS = 15_000;

export const DEFAULT_TIMEOUT_S = 120;

export async function runDetached(names: readonly string[], options: DetachedOptions): Promise<number> {
  const stackName = stackNameOption(options.name);
  const timeoutMs = secondsOption(options.timeout, DEFAULT_TIMEOUT_S);
  const cwd = process.cwd();
  const home = ensureHome(styxyHome());
  const { root } = locateConfig({ cwd, file: options.config });
  const id = stackId(root, stackName);
  const dir = ensurePrivateDir(stackDir(home, id), { parents: true });
  const say = (text: string) => process.stderr.write(`${text}\n`);
  const launched = spawnBackground(
    { cwd, config: options.config ?? null, stackName, services: names, timeoutMs },
    {
      dir,
      root,
      onReport: (report) => {
        if (report.type === 'starting') say(`styxy: ${report.text}`);
        else if (report.type === 'progress') say(`${report.service} ${report.text}`);
      },
    },
  );

  // Ctrl-C (or SIGTERM, SIGHUP) while waiting stops the start: the child stops gracefully on the
  // first, forcibly on a later one, and reports `failed` once everything is down.
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled ??= signal;
    launched.signal('SIGTERM');
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const safety = setTimeout(() => launched.signal('SIGKILL'), timeoutMs + SAFETY_MARGIN_MS);
  let result: LaunchResult;
  try {
    result = await launched.result;
  } finally {
    clearTimeout(safety);
  }

  try {
    if (result.type === 'up') {
      const { snapshot } = result;
      launched.detach();
      const document = snapshotDocument(snapshot);
      if (options.json) printJson(document);
      else process.stdout.write(formatPs(document));
      const copy = stackName === DEFAULT_STACK_NAME ? '' : ` --name ${stackName}`;
      say(
        `styxy: ${snapshot.stack.project}/${stackName} runs in the background (pid ${launched.pid}): ` +
          `\`styxy logs${copy}\`, \`styxy attach${copy}\`, \`styxy down${copy}\``,
      );
      return 0;
    }
    // Whatever went wrong, nothing may be left: the child stops what it started and exits (a
    // child that does not is killed; then the coordinator reaps what it left).
    const exit = await Promise.race([
      launched.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), CLEANUP_MS).unref()),
    ]);
    if (exit === null) launched.signal('SIGKILL');
    const gone = await waitStackGone(id, { supervisor: launched.pid, timeoutMs: CLEANUP_MS, home });
    const leftBehind = `styxy: stack ${id} was still registered ${CLEANUP_MS / 1000} s later; see \`styxy ps --all\``;
    if (signalled !== null) {
      say(gone ? `styxy: stopped (${signalled}): nothing was left running` : leftBehind);
      return 128 + (constants.signals[signalled] ?? constants.signals.SIGINT);
    }
    const code = renderError(
      result.type === 'failed' ? StyxyError.fromWire(result.error) : died(exit, launched.output(), launched.outputFile),
    );
    if (!gone) say(leftBehind);
    return code;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

function died(
  exit: { code: number | null; signal: NodeJS.Signals | null } | null,
  output: string,
  outputFile: string,
): StyxyError {
  const how =
    exit === null
      ? 'stopped answering'
      : exit.signal
        ? `was killed by ${exit.signal}`
        : `exited with code ${exit.code ?? '?'}`;
  const lines = output.trimEnd().split('\n').filter(Boolean).slice(-20);
  const quoted = lines.length > 0 ? `\n${lines.map((line) => `  | ${line}`).join('\n')}` : '';
  return new StyxyError('STYXY_INTERNAL', `the background supervisor ${how} before the stack was up${quoted}`, {
    hint: `its own output is in ${outputFile}`,
  });
}
