/**
 * `up -d` as a function (the CLI's `up -d`, and `styxy mcp`'s `up` tool): makes this folder's
 * stack run in the background and returns its `up -d --json` document once every service is up.
 *
 * Idempotent, like `docker compose up -d`: when the stack is starting or running already, it
 * waits for it to be up and answers with the same document, `"reused": true`. Any number of
 * callers may race: each that finds no stack spawns a background supervisor, the coordinator
 * lets one register the stack and refuses the others (STYXY_STACK_RUNNING), and the refused ones
 * wait for the one that won. A stack that stops or fails meanwhile (while `down` runs, or a
 * service failed) is waited out and started again, at most `ATTEMPTS` times in all. On a stack
 * that runs, the config as it is now is applied first (`applyConfig`, supervisor/apply-config.ts):
 * what changed is restarted in place, or the stack is stopped and started afresh when its set of
 * services or ports changed; `changed` says what was done.
 *
 * It throws a StyxyError when the stack does not come up; everything a failed fresh start
 * started is stopped and every port freed before it throws. Aborted (`signal`), a fresh start
 * is stopped the same way and a wait for another's start just ends: the error is
 * STYXY_INTERRUPTED with the signal in `details.signal`.
 */
import type { ControlClient } from '../../client/control-client.js';
import { connectCoordinator, withRunningCoordinator } from '../../client/coordinator-client.js';
import { clearSpawnLock, startCoordinator } from '../../client/start-coordinator.js';
import { locateConfig } from '../../config/locate.js';
import { processInfo } from '../../os/process-table.js';
import type { ApplyConfigResult } from '../../protocol/control-protocol.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';
import { ensureHome, homePaths, stackDir, styxyHome } from '../../protocol/home.js';
import { ensurePrivateDir } from '../../protocol/private-fs.js';
import { stackId } from '../../protocol/stack-id.js';
import { type LaunchResult, spawnBackground } from '../../supervisor/background/spawn-background.js';
import { buildNote, outdated, REBUILD_FIX } from '../stack/build-note.js';
import { type PsDocument, psDocument, snapshotDocument } from '../stack/ps-document.js';
import { connectStack } from '../stack/stack-control.js';
import { stackNameOption } from '../stack/stack-name.js';
import { waitStackGone } from '../stack/wait-stack-gone.js';

export interface UpDetachedOptions {
  /** Where the config search starts (and `config` is relative to). */
  readonly cwd: string;
  /** Every `-c FILE`, in order (the first is the config, the others merge over it). */
  readonly config?: readonly string[];
  /** `--name N`. */
  readonly name?: string;
  /** Services named (with what they need); empty: all. */
  readonly services?: readonly string[];
  /** The active profiles (`--profile`, else STYXY_PROFILES: the caller decides). @default none */
  readonly profiles?: readonly string[];
  /** Every service must be up within this (the whole call, waits included). */
  readonly timeoutMs: number;
  /** False with `--no-watch`: a fresh stack watches no files. @default true */
  readonly watch?: boolean;
  /** `$STYXY_HOME` (default: from the environment). */
  readonly home?: string;
  /** Progress lines (`starting shop from …`, `api ready on :8001 in 312 ms`, what is waited for). */
  readonly onProgress?: (text: string) => void;
  /** Aborted with a signal's name as its reason: stop a fresh start, or stop waiting. */
  readonly signal?: AbortSignal;
}

/** The `up -d --json` document: the `ps --json` document and what this call did. */
export interface UpDocument extends PsDocument {
  /** True when the stack was starting or running already and this call waited for it. */
  readonly reused: boolean;
  /** Services this call restarted, stopped or started because the config changed since the stack started. */
  readonly changed: readonly UpChange[];
}

export interface UpChange {
  readonly service: string;
  readonly action: 'restarted' | 'stopped' | 'started';
}

/** Fresh starts and waits for another's, in all. */
const ATTEMPTS = 3;
/** The child stops by itself when its timeout runs out; this much more, and it is killed. */
const SAFETY_MARGIN_MS = 60_000;
/** After a failed start: how long the child and the coordinator get to show that nothing is left. */
const CLEANUP_MS = 15_000;
/** How often a waiter looks at the coordinator's record of a stack another started. */
const WAIT_POLL_MS = 50;
/** How long a coordinator started early for a failed start gets to exit. */
const IDLE_STOP_MS = 3000;

export async function upDetached(options: UpDetachedOptions): Promise<UpDocument> {
  const stackName = stackNameOption(options.name);
  const home = ensureHome(options.home ?? styxyHome());
  const { root } = locateConfig({ cwd: options.cwd, file: options.config });
  const id = stackId(root, stackName);
  const deadline = Date.now() + options.timeoutMs;
  const say = options.onProgress ?? (() => {});
  // What a config change made this call do to a running stack restarted as a whole.
  let restartedFor: readonly UpChange[] = [];
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= ATTEMPTS;
    const running = await waitForRunning(id, home, deadline, options.signal, say);
    if (running.kind === 'running') {
      if (outdated(running.stack.build))
        say(`styxy: this stack's supervisor runs ${buildNote(running.stack.build)}: ${REBUILD_FIX}`);
      const applied = await applyCurrentConfig(running.stack, deadline, say);
      if (applied.outcome === 'applied') {
        // Restarted services are answered once the coordinator has their new state.
        const now =
          applied.changed.length === 0 ? running : await waitForRunning(id, home, deadline, options.signal, say);
        const stack = now.kind === 'running' ? now.stack : running.stack;
        return { ...psDocument(stack, stack.services), reused: true, changed: applied.changed };
      }
      if (last) throw stackEnded(running.stack);
      // The set of services or a port request changed: stop it, and start it afresh next round
      // (sticky ports give each service its port back).
      say(
        `styxy: the config changed (${applied.changed.map((c) => `${c.service} ${c.action}`).join(', ')}): restarting the stack`,
      );
      await stopForRestart(running.stack, home, deadline);
      restartedFor = applied.changed;
      continue;
    }
    if (running.kind === 'ended' && last) throw stackEnded(running.stack);
    // No coordinator runs: start it now, so that its start overlaps the background supervisor's
    // (which would start it only once its own modules and the config are loaded). If the stack
    // then fails to start (a typo in a service's name), it is stopped again while it serves
    // nothing: a failed `up` leaves no coordinator behind.
    const early = running.kind === 'none' && !running.coordinator ? startCoordinator(homePaths(home)) : null;
    let started: Fresh;
    try {
      started = await startFresh(options, {
        home,
        root,
        id,
        stackName,
        // The first start has the whole timeout (its error names it); a later one what is left.
        timeoutMs: attempt === 1 ? options.timeoutMs : Math.max(1000, deadline - Date.now()),
      });
    } catch (error) {
      if (early) await stopIfIdle(home);
      throw error;
    } finally {
      if (early) clearSpawnLock(homePaths(home));
    }
    if (started.kind === 'up') return { ...started.document, reused: false, changed: restartedFor };
    // Refused: another caller's supervisor registered the stack first. Wait for it (next round).
    if (last) throw started.error;
    say(`styxy: ${started.error.message}: waiting for it to be up`);
  }
}

/**
 * Asks the running stack to take its config as it is now (control protocol `applyConfig`): the
 * services whose definition changed are restarted on their ports before it answers. A stack
 * that cannot (no control socket, a supervisor of an older Styxy) is used as it runs.
 */
async function applyCurrentConfig(
  stack: StackInfo,
  deadline: number,
  say: (text: string) => void,
): Promise<ApplyConfigResult> {
  let client: ControlClient;
  try {
    client = await connectStack(stack);
  } catch {
    return { outcome: 'applied', changed: [] };
  }
  try {
    const result = await client.applyConfig({ timeoutMs: Math.max(1000, deadline - Date.now()) });
    for (const change of result.changed)
      if (result.outcome === 'applied') say(`styxy: config changed: ${change.service} ${change.action}`);
    return result;
  } catch (error) {
    // An older supervisor does not know the method: it keeps running as it is.
    if (isStyxyError(error) && error.code === 'STYXY_BAD_REQUEST') return { outcome: 'applied', changed: [] };
    throw error;
  } finally {
    client.close();
  }
}

/** Stops a stack to restart it with a changed config; another caller may be doing the same. */
async function stopForRestart(stack: StackInfo, home: string, deadline: number): Promise<void> {
  try {
    const client = await connectStack(stack);
    try {
      await client.stopStack({ timeoutMs: Math.max(1000, deadline - Date.now()) });
    } finally {
      client.close();
    }
  } catch {
    // Stopped already (by a caller racing this one), or not answering: what is left is waited for.
  }
  await waitStackGone(stack.id, { supervisor: stack.pid, timeoutMs: Math.max(1000, deadline - Date.now()), home });
}

type Running =
  | { readonly kind: 'running'; readonly stack: StackInfo }
  /** No such stack (any more): start one. `coordinator`: whether one runs. */
  | { readonly kind: 'none'; readonly coordinator: boolean }
  /** It was there, and stopped or failed before it was up. */
  | { readonly kind: 'ended'; readonly stack: StackInfo };

/**
 * Waits until the coordinator's record of the stack says it runs (every service came up: the
 * supervisor pushes that state before it tells anyone, so `ps` agrees), or it is gone. Starts no
 * coordinator: with none, there is no stack.
 */
async function waitForRunning(
  id: string,
  home: string,
  deadline: number,
  signal: AbortSignal | undefined,
  say: (text: string) => void,
): Promise<Running> {
  return withRunningCoordinator<Running>(
    async (client) => {
      let seen: StackInfo | null = null;
      for (;;) {
        throwIfAborted(signal);
        const [stack] = await client.listStacks(id);
        if (!stack) return seen ? { kind: 'ended', stack: seen } : { kind: 'none', coordinator: true };
        if (stack.phase === 'running') return { kind: 'running', stack };
        if (!seen) say(`styxy: ${stack.project}/${stack.name} is ${stack.phase} (pid ${stack.pid}): waiting for it`);
        seen = stack;
        if (Date.now() >= deadline) throw waitTimeout(stack);
        await pause(WAIT_POLL_MS, signal);
      }
    },
    () => ({ kind: 'none', coordinator: false }),
    { home },
  );
}

type Fresh =
  | { readonly kind: 'up'; readonly document: PsDocument }
  | { readonly kind: 'refused'; readonly error: StyxyError };

/** Spawns a background supervisor and waits for its report; on failure, for nothing to be left. */
async function startFresh(
  options: UpDetachedOptions,
  stack: { home: string; root: string; id: string; stackName: string; timeoutMs: number },
): Promise<Fresh> {
  const { home, id } = stack;
  const say = options.onProgress ?? (() => {});
  const dir = ensurePrivateDir(stackDir(home, id), { parents: true });
  const launched = spawnBackground(
    {
      cwd: options.cwd,
      config: options.config ?? null,
      stackName: stack.stackName,
      services: options.services ?? [],
      profiles: options.profiles ?? [],
      timeoutMs: stack.timeoutMs,
      watch: options.watch !== false,
    },
    {
      dir,
      root: stack.root,
      onReport: (report) => {
        if (report.type === 'starting') say(`styxy: ${report.text}`);
        else if (report.type === 'progress') say(`${report.service} ${report.text}`);
      },
    },
  );
  // Aborted: the child stops gracefully on the first signal, forcibly on a later one, and
  // reports `failed` once everything is down.
  const onAbort = () => launched.signal('SIGTERM');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  const safety = setTimeout(() => launched.signal('SIGKILL'), stack.timeoutMs + SAFETY_MARGIN_MS);
  let result: LaunchResult;
  try {
    result = await launched.result;
  } finally {
    clearTimeout(safety);
  }
  try {
    if (result.type === 'up') {
      launched.detach();
      return { kind: 'up', document: snapshotDocument(result.snapshot) };
    }
    // Whatever went wrong, nothing may be left: the child stops what it started and exits (a
    // child that does not is killed; then the coordinator reaps what it left).
    const exit = await Promise.race([
      launched.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), CLEANUP_MS).unref()),
    ]);
    if (exit === null) launched.signal('SIGKILL');
    const gone = await waitStackGone(id, { supervisor: launched.pid, timeoutMs: CLEANUP_MS, home });
    if (!gone) say(`styxy: stack ${id} was still registered ${CLEANUP_MS / 1000} s later; see \`styxy ps --all\``);
    const aborted = options.signal?.aborted ? interrupted(options.signal) : null;
    if (aborted) {
      if (gone) say(`styxy: stopped (${aborted.details?.signal}): nothing was left running`);
      throw aborted;
    }
    const error =
      result.type === 'failed' ? StyxyError.fromWire(result.error) : died(exit, launched.output(), launched.outputFile);
    if (error.code === 'STYXY_STACK_RUNNING') return { kind: 'refused', error };
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Stops the coordinator if it holds no stack and no lease (one started early for a start that failed). */
async function stopIfIdle(home: string): Promise<void> {
  try {
    const client = await connectCoordinator({ kind: 'cli', home, timeoutMs: 5000, pipelined: true });
    try {
      const status = await client.status();
      if (status.stacks !== 0 || status.leases !== 0) return;
      await client.shutdown();
      // Gone before `up` exits, as if it had never started (processInfo: a zombie counts as gone).
      const until = Date.now() + IDLE_STOP_MS;
      while (status.pid !== null && processInfo(status.pid) !== null && Date.now() < until) await pause(20, undefined);
    } finally {
      await client.close();
    }
  } catch {
    // Left running: harmless (any command would have started it).
  }
}

function interrupted(signal: AbortSignal): StyxyError {
  const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT';
  return new StyxyError('STYXY_INTERRUPTED', `interrupted (${name})`, { details: { signal: name } });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interrupted(signal);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}

function waitTimeout(stack: StackInfo): StyxyError {
  const waiting = stack.services
    .filter((s) => !['ready', 'running', 'completed'].includes(s.status))
    .map((s) => `${s.name} (${s.status})`);
  return new StyxyError(
    'STYXY_TIMEOUT',
    `stack ${stack.project}/${stack.name} (pid ${stack.pid}), started by another \`up\`, was not up in time${waiting.length > 0 ? `: ${waiting.join(', ')}` : ''}`,
    {
      hint: 'see why with `styxy ps` and `styxy logs`; it keeps starting (its own `up` decides)',
      details: { stackId: stack.id },
    },
  );
}

function stackEnded(stack: StackInfo): StyxyError {
  return new StyxyError('STYXY_STACK_STOPPING', `stack ${stack.project}/${stack.name} stopped before it was up`, {
    hint: 'see why with `styxy logs`, then `styxy up -d` again',
    details: { stackId: stack.id },
  });
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
