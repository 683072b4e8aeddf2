/**
 * The coordinator daemon: `node dist/coordinator/main.js`, started detached by the first client
 * that finds none (client/start-coordinator.ts). One per STYXY_HOME:
 *
 * 1. take the lock (another live holder: exit 0 quietly, it serves);
 * 2. look at the socket path: a live socket means another coordinator serves (exit 0); a stale
 *    one is removed; anything that is not a socket is left alone and we exit 1 with a log line;
 * 3. load state.json and replay its journal (durable-state.ts), reap the owners that died
 *    meanwhile, listen;
 * 4. sweep detached owners every 250 ms; exit on SIGTERM/SIGINT, `shutdown`, or when the lock
 *    file is no longer ours (the home was deleted).
 *
 * It logs to $STYXY_HOME/coordinator.log and never writes to stdout.
 */

import '../os/node-guard.js';
import { lstatSync, readdirSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ignoreInspectorSignal } from '../os/inspector-signal.js';
import { keepChunks } from '../os/kept-chunks.js';
import { isStyxyError } from '../protocol/errors.js';
import { ensureHome, homePaths, styxyHome } from '../protocol/home.js';
import { ensurePrivateDir, homeProblem } from '../protocol/private-fs.js';
import { PROTOCOL_VERSION, STYXY_VERSION } from '../protocol/version.js';
import { type RpcServer, serveRpc } from '../transport/rpc-server.js';
import { ensureSocketFolder, inspectSocketPath, removeStaleSocket } from '../transport/socket-path.js';
import { createCoordinator } from './coordinator.js';
import { acquireDaemonLock } from './daemon-lock.js';
import { openDurableState } from './durable-state.js';
import { liveEffects } from './effects.js';
import { ephemeralRange } from './ephemeral-range.js';
import { createLog } from './log.js';
import { protocolMismatch } from './mismatch.js';
import { createTypesSource } from './types-source.js';

const SWEEP_MS = 250;
const LOCK_CHECK_MS = 2000;
/** The longest a stopping coordinator spends reaping owners that died just before (a reap takes ≤ ~3 s). */
const STOP_REAP_MS = 4000;

async function main(): Promise<number> {
  const home = styxyHome();
  // The client creates the home before starting us. Never create it here: a coordinator started
  // just before its (test) home was deleted would bring the folder back and live on in it.
  const homeId = folderId(home);
  if (homeId === null) {
    process.stderr.write(`styxy coordinator: ${home} does not exist\n`);
    return 1;
  }
  // A home that is not ours is not written to, not even its log (docs/security.md).
  const unsafe = homeProblem(home);
  if (unsafe) {
    process.stderr.write(`styxy coordinator: refusing to start: ${unsafe.message}\n`);
    return 1;
  }
  ensureHome(home);
  const paths = homePaths(home);
  const log = createLog(paths.log);
  process.title = 'styxy-coordinator';

  const acquired = await acquireDaemonLock(paths.lock);
  if (acquired.kind === 'held') {
    log(`another coordinator (pid ${acquired.pid}) holds ${paths.lock}; leaving it to serve`);
    return 0;
  }
  const lock = acquired.lock;
  // What it loads later (execa, for a reaped stack's stop commands), safe from an upgrade.
  keepChunks('coordinator/main.js');
  try {
    if (dirname(paths.socket) !== home) ensureSocketFolder(paths.socket);
  } catch (error) {
    log(`refusing to start: ${isStyxyError(error) ? error.message : `cannot prepare the socket folder: ${error}`}`);
    lock.release();
    return 1;
  }
  const found = await inspectSocketPath(paths.socket);
  switch (found.kind) {
    case 'live':
      log(`a coordinator already answers on ${paths.socket}; leaving it to serve`);
      lock.release();
      return 0;
    case 'not-socket':
    case 'unreachable':
      log(
        `refusing to start: ${paths.socket} is ${found.kind === 'not-socket' ? found.what : `a socket we cannot use (${found.code})`}, ` +
          'not a coordinator socket; move it away and retry',
      );
      lock.release();
      return 1;
    case 'stale':
      removeStaleSocket(paths.socket);
      log(`removed the stale socket ${paths.socket} (nothing listened on it)`);
      break;
    case 'absent':
      break;
  }

  // Where clients prove their pid at hello (verify-pid.ts): /proc shows the real path.
  const helloDir = realpathSync(ensurePrivateDir(paths.hello));
  const durable = openDurableState(paths.state, log);
  const state = durable.state;
  const startedAt = Date.now();
  let server: RpcServer | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let lockWatch: NodeJS.Timeout | undefined;
  let stopping = false;
  const coordinator = createCoordinator({
    state,
    effects: liveEffects(helloDir, log),
    types: createTypesSource(paths.config),
    ephemeral: ephemeralRange(),
    info: { pid: process.pid, version: STYXY_VERSION, startedAt, socket: paths.socket, home, configFile: paths.config },
    log,
    persist: durable.persist,
    journal: durable.journal,
    connections: () => server?.connections ?? 0,
    onShutdown: () => stop('asked to'),
  });

  // A supervisor killed just before the coordinator is told to stop (a `kill -9` of everything,
  // a test's cleanup) would otherwise keep its services running until a later coordinator reaps
  // it, and never when its home is deleted meanwhile: reap the dead first, for at most this long.
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweeper);
    clearInterval(lockWatch);
    server?.close();
    const reaped = coordinator.reapGone().catch((error: unknown) => log(`reaping before stopping: ${error}`));
    const bounded = new Promise<void>((resolve) => setTimeout(resolve, STOP_REAP_MS));
    void Promise.race([reaped, bounded]).then(() => {
      durable.flushSync();
      lock.release();
      log(
        `stopped (${why}); ${state.registry.leases.size} lease(s) and ${state.owners.size} owner(s) kept in ${paths.state}`,
      );
      // Let the event loop empty (closing sockets) rather than cutting it short.
      setTimeout(() => process.exit(0), 50).unref();
    });
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {}); // no terminal to hang up on; ignore like any daemon
  ignoreInspectorSignal(log);
  // Every request path is guarded; a rejection nobody handled is a bug worth a log line, not
  // worth taking the coordinator (and every client's service) down.
  process.on('unhandledRejection', (reason) => {
    log(`bug: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });
  process.on('uncaughtException', (error) => {
    log(`crashed: ${error.stack ?? error.message}`);
    if (!stopping) {
      durable.flushSync();
      lock.release();
    }
    process.exit(1);
  });

  try {
    server = await serveRpc({
      socketPath: paths.socket,
      protocolVersion: PROTOCOL_VERSION,
      mismatch: (peer) =>
        protocolMismatch(peer, { pid: process.pid, version: STYXY_VERSION, protocol: PROTOCOL_VERSION }),
      hello: (params, peer) => coordinator.hello(params, peer),
      methods: coordinator.methods,
      onDisconnect: (owner, peer) => coordinator.disconnected(owner, peer),
      log,
    });
  } catch (error) {
    log(`cannot listen on ${paths.socket}: ${(error as Error).message}`);
    lock.release();
    return 1;
  }
  sweeper = setInterval(() => coordinator.sweep(), SWEEP_MS);
  // Exit when the lock is no longer ours (the home was deleted) or the socket file was removed:
  // clients could not reach us, and a new coordinator could not start while we hold the lock.
  lockWatch = setInterval(() => {
    if (!lock.stillHeld() || folderId(home) !== homeId) stop(`the lock file ${paths.lock} is gone (home deleted?)`);
    else if (!isSocket(paths.socket)) stop(`the socket ${paths.socket} was removed`);
    else removeStaleProofs(helloDir);
  }, LOCK_CHECK_MS);
  log(
    `listening on ${paths.socket} (styxy ${STYXY_VERSION}, protocol ${PROTOCOL_VERSION}, ${state.owners.size} owner(s) loaded)`,
  );
  void coordinator.reapDead();
  return -1; // keep running
}

/** The folder's identity (device and inode): a deleted and re-created folder is another one. */
function folderId(path: string): string | null {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : null;
  } catch {
    return null;
  }
}

/** Hello proofs a client left when it died mid-hello (a live hello takes milliseconds). */
function removeStaleProofs(dir: string): void {
  const before = Date.now() - 60_000;
  try {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (lstatSync(file).mtimeMs < before) unlinkSync(file);
    }
  } catch {}
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: Error) => {
    try {
      createLog(homePaths().log)(`failed to start: ${error.stack ?? error.message}`);
    } catch {}
    process.exitCode = 1;
  },
);
