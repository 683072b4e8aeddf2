/**
 * One connection to the coordinator, starting it when none answers: connect, and on "nothing
 * there" (ENOENT), "nobody listening" (ECONNREFUSED) or a coordinator that died as we connected
 * (ECONNRESET) start one and keep trying until the deadline; on "busy" (EAGAIN: its accept queue
 * is full) keep trying too. Anything at the socket path that is not a socket is reported, never
 * touched. It returns once connected, the hello on its way (rpc-client.ts): a connection closed
 * before the hello is answered is the caller's to dial again (healing-connection.ts).
 */
import { lstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  COORDINATOR_RESULTS,
  type CoordinatorParams,
  type CoordinatorProtocol,
  type HelloResult,
} from '../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import { ensureHome, type HomePaths } from '../protocol/home.js';
import { assertHomeSafe, unsafeError } from '../protocol/private-fs.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { openRpc, type RpcClient } from '../transport/rpc-client.js';
import { socketFolderProblem } from '../transport/socket-path.js';
import { type HeldProof, holdPidProof } from './pid-proof.js';
import {
  clearSpawnLock,
  coordinatorHoldsLock,
  type SpawnedCoordinator,
  startCoordinator,
} from './start-coordinator.js';

/**
 * How much longer than the caller's deadline to wait for a coordinator this process started and
 * that still runs: on a machine busy enough, its start (a Node process loading its modules) can
 * take longer than the deadline, and giving up on it then helps nobody.
 */
const STARTING_GRACE_MS = 20_000;
/** The longest wait between two tries while a coordinator starts (see the loop below). */
const STARTING_POLL_MS = 10;

export interface OpenOptions {
  readonly paths: HomePaths;
  /** Hello params (without `protocol`). */
  readonly hello: Omit<CoordinatorParams<'hello'>, 'protocol'>;
  readonly autoStart: boolean;
  /** Epoch ms after which to give up. */
  readonly deadline: number;
  readonly onClose?: () => void;
}

export function connectionClosed(): StyxyError {
  return new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', 'the connection to the coordinator closed', {
    hint: 'it restarts by itself on the next command; see `styxy doctor` if it keeps failing',
    details: { reason: 'closed' },
  });
}

/**
 * The connection closed before the hello was answered: the coordinator died (or stopped)
 * meanwhile, and nothing sent on it was run. As good as no coordinator: dial again.
 */
export function closedBeforeHello(rpc: RpcClient<CoordinatorProtocol>, error: unknown): boolean {
  return (
    rpc.closed &&
    !rpc.greeted &&
    isStyxyError(error) &&
    (error.details as { reason?: unknown } | undefined)?.reason === 'closed'
  );
}

/** A reply of the wrong shape: the coordinator is of another build than this client (or broken). */
function malformedReply(paths: HomePaths): (what: string, problem: string) => StyxyError {
  return (what, problem) =>
    new StyxyError('STYXY_PROTOCOL_ERROR', `the coordinator on ${paths.socket} sent a malformed ${what}: ${problem}`, {
      hint: 'it may be of another Styxy build: run `styxy daemon stop` (the next command starts one of this version)',
      details: { problem },
    });
}

export function notRunning(paths: HomePaths): StyxyError {
  return new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', `no coordinator is running for ${paths.home}`, {
    hint: 'run `styxy daemon start` (any command that needs one starts it)',
    details: { reason: 'not-running', socket: paths.socket },
  });
}

function blockedPath(paths: HomePaths): StyxyError | null {
  try {
    const stat = lstatSync(paths.socket);
    if (stat.isSocket()) return null;
    const what = stat.isDirectory() ? 'a folder' : stat.isSymbolicLink() ? 'a symbolic link' : 'a regular file';
    return new StyxyError(
      'STYXY_COORDINATOR_UNAVAILABLE',
      `${paths.socket} is ${what}, not a socket: the coordinator cannot listen there`,
      { hint: `move it away (\`mv ${paths.socket} ${paths.socket}.bak\`) and retry`, details: { reason: 'blocked' } },
    );
  } catch {
    return null;
  }
}

function lastLogLine(paths: HomePaths): string | null {
  try {
    const lines = readFileSync(paths.log, 'utf8').trimEnd().split('\n');
    return lines.at(-1) ?? null;
  } catch {
    return null;
  }
}

/**
 * Refuses a home or socket folder that is not the user's own before anything is read from it or
 * sent to it: whoever answers on a socket there could fake a coordinator, and `down` signals the
 * pids a coordinator names (docs/security.md).
 */
export function assertTrustedPaths(paths: HomePaths): void {
  assertHomeSafe(paths.home);
  if (dirname(paths.socket) === paths.home) return;
  const problem = socketFolderProblem(paths.socket);
  if (problem) throw unsafeError(problem);
}

function stillStarting(spawned: SpawnedCoordinator | null, deadline: number): boolean {
  return spawned !== null && spawned.ended() === null && Date.now() < deadline + STARTING_GRACE_MS;
}

export function notAnswering(paths: HomePaths, spawned: SpawnedCoordinator | null): StyxyError {
  const last = lastLogLine(paths);
  const ended = spawned?.ended();
  const fate = !spawned
    ? ''
    : ended
      ? `; the coordinator started for it (pid ${spawned.pid}) ${ended}`
      : `; the coordinator started for it (pid ${spawned.pid}) still runs but does not answer`;
  return new StyxyError(
    'STYXY_COORDINATOR_UNAVAILABLE',
    `the coordinator did not answer on ${paths.socket} in time${fate}`,
    {
      hint: `see ${paths.log}${last ? ` (last line: ${last})` : ' (empty)'}`,
    },
  );
}

export async function openConnection(
  options: OpenOptions,
): Promise<{ rpc: RpcClient<CoordinatorProtocol>; hello: Promise<HelloResult> }> {
  const { paths } = options;
  assertTrustedPaths(paths);
  let delay = 5;
  let spawned: SpawnedCoordinator | null = null;
  for (;;) {
    // A new one each attempt: the coordinator removes the file it checked.
    let held: HeldProof | null = holdPidProof(paths);
    try {
      const { client, hello } = await openRpc<CoordinatorProtocol>({
        socketPath: paths.socket,
        protocolVersion: PROTOCOL_VERSION,
        hello: held.proof === undefined ? options.hello : { ...options.hello, proof: held.proof },
        results: COORDINATOR_RESULTS,
        malformed: malformedReply(paths),
        closedError: connectionClosed,
        ...(options.onClose ? { onClose: () => options.onClose?.() } : {}),
      });
      if (spawned) clearSpawnLock(paths);
      // The proof is checked when the hello is read: held until it is answered.
      const release = held.release;
      held = null;
      hello.then(release, release);
      return { rpc: client, hello };
    } catch (error) {
      if (isStyxyError(error)) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // EAGAIN: a coordinator listens but its accept queue is full (a burst of connections it has
      // not taken yet): busy, not gone. Try again until the deadline; never start another.
      if (code === 'EAGAIN') {
        if (Date.now() > options.deadline) throw notAnswering(paths, spawned);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 100);
        continue;
      }
      // ECONNRESET, EPIPE: the listener went away as we connected (killed at that moment).
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED' && code !== 'ECONNRESET' && code !== 'EPIPE') {
        throw new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', `cannot connect to ${paths.socket}: ${String(error)}`, {
          hint: 'run `styxy doctor`',
          cause: error,
        });
      }
      const blocked = blockedPath(paths);
      if (blocked) throw blocked;
      if (!options.autoStart) {
        // A coordinator between taking its lock and listening is "starting", not "not running".
        if (!coordinatorHoldsLock(paths)) throw notRunning(paths);
        // It runs (holds the lock) but did not answer: say so, not "not running".
        if (Date.now() > options.deadline) throw notAnswering(paths, null);
      } else {
        ensureHome(paths.home);
        spawned = startCoordinator(paths) ?? spawned;
      }
      if (Date.now() > options.deadline && !stillStarting(spawned, options.deadline)) {
        if (spawned) clearSpawnLock(paths);
        throw notAnswering(paths, spawned);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      // A coordinator is starting (ours, or another client's): it listens within ~100 ms, and a
      // connect to a socket not there yet costs microseconds. Polling every 10 ms, not backing
      // off to 100, keeps a first command from waiting up to ~80 ms after it listens.
      delay = Math.min(delay * 2, STARTING_POLL_MS);
    } finally {
      held?.release();
    }
  }
}
