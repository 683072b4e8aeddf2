/**
 * Where Styxy keeps its state. Everything lives under one folder, `$STYXY_HOME`, so that tests
 * (and users who want isolation) can move all of it with one environment variable.
 */
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from './private-fs.js';

/**
 * Unix socket paths are limited to 108 bytes on Linux and 104 on macOS (sun_path). We stay below
 * the smaller one, with room for the terminating NUL.
 */
export const MAX_SOCKET_PATH = 103;

/** `$STYXY_HOME`, else `$XDG_STATE_HOME/styxy`, else `~/.local/state/styxy` (absolute). */
export function styxyHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STYXY_HOME) return resolve(env.STYXY_HOME);
  if (env.XDG_STATE_HOME) return resolve(env.XDG_STATE_HOME, 'styxy');
  return join(homedir(), '.local', 'state', 'styxy');
}

/**
 * Creates `$STYXY_HOME` (and missing parents) owner-only and returns it; refuses one that is not
 * the user's own (private-fs.ts).
 */
export function ensureHome(home: string = styxyHome()): string {
  return ensurePrivateDir(home, { parents: true });
}

/**
 * The path of a socket named `name` that belongs in `dir`. When `dir/name` is too long for a
 * Unix socket, the socket goes to a short owner-only folder under `$XDG_RUNTIME_DIR` (else the
 * system temp folder) named from a hash of `dir`, so the same `dir` always maps to the same path.
 */
export function socketPathIn(dir: string, name: string, env: NodeJS.ProcessEnv = process.env): string {
  const direct = join(dir, name);
  if (process.platform === 'win32') {
    // Named pipes have no length limit worth the name; node-ipc maps the path to \\.\pipe\…
    return direct;
  }
  if (Buffer.byteLength(direct) <= MAX_SOCKET_PATH) return direct;
  const hash = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'styxy') : join(tmpdir(), `styxy-${uid}`);
  return join(base, hash, name);
}

/** Paths of the files in `$STYXY_HOME`. */
export interface HomePaths {
  readonly home: string;
  /** The coordinator's Unix socket (possibly relocated, see `socketPathIn`). */
  readonly socket: string;
  /** Lock taken by a coordinator while it starts listening (one coordinator per home). */
  readonly lock: string;
  /** Persisted leases, stacks and sticky assignments. */
  readonly state: string;
  /** The coordinator's log. */
  readonly log: string;
  /** User settings: service types (`{ "types": { … } }`). */
  readonly config: string;
  /** One folder per stack: log files, control socket. */
  readonly stacks: string;
  /** Cache for compiled TypeScript configs (jiti) and V8's compiled code. */
  readonly cache: string;
  /** Where clients prove their pid at hello (client/pid-proof.ts, coordinator/verify-pid.ts). */
  readonly hello: string;
}

export function homePaths(home: string = styxyHome(), env: NodeJS.ProcessEnv = process.env): HomePaths {
  return {
    home,
    socket: socketPathIn(home, 'coordinator.sock', env),
    lock: join(home, 'coordinator.lock'),
    state: join(home, 'state.json'),
    log: join(home, 'coordinator.log'),
    config: join(home, 'config.json'),
    stacks: join(home, 'stacks'),
    cache: join(home, 'cache'),
    hello: join(home, 'hello'),
  };
}

/** The folder of one stack's files (`$STYXY_HOME/stacks/<stack-id>`). */
export function stackDir(home: string, stackId: string): string {
  return join(home, 'stacks', stackId);
}
