/**
 * The checks of `styxy doctor`, each one a question about this machine with an answer a user
 * can act on. None of them changes anything (a corrupt state file is reported, not moved).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { ephemeralRange } from '../../coordinator/ephemeral-range.js';
import { stateProblem } from '../../coordinator/state-file.js';
import { MIN_NODE, NODE_HINT, nodeTooOld } from '../../os/node-version.js';
import { isStyxyError } from '../../protocol/errors.js';
import { type HomePaths, MAX_SOCKET_PATH } from '../../protocol/home.js';
import { loadServiceTypes, type ServiceType } from '../../protocol/service-types.js';

export interface CheckResult {
  readonly name: string;
  /** `info`: worth knowing, not a problem. */
  readonly status: 'ok' | 'problem' | 'info';
  readonly detail: string;
  /** What to run or change, for a problem. */
  readonly fix?: string;
}

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const info = (name: string, detail: string): CheckResult => ({ name, status: 'info', detail });
const problem = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'problem', detail, fix });

export function checkNode(version: string = process.versions.node): CheckResult {
  if (!nodeTooOld(version)) return ok('node', `Node.js ${version}`);
  return problem('node', `Node.js ${version} is older than ${MIN_NODE.major}.${MIN_NODE.minor}`, NODE_HINT);
}

export function checkHome(paths: HomePaths): CheckResult {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(paths.home);
  } catch {
    return info('home', `${paths.home} does not exist yet (created owner-only on first use)`);
  }
  if (!stat.isDirectory()) return problem('home', `${paths.home} is not a folder`, `move it away or set STYXY_HOME`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (stat.uid !== uid) {
    return problem(
      'home',
      `${paths.home} belongs to uid ${stat.uid}, not you (${uid})`,
      'set STYXY_HOME to a folder of yours',
    );
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    return problem('home', `${paths.home} is open to others (mode ${mode})`, `chmod 700 ${paths.home}`);
  }
  return ok('home', `${paths.home} (owner-only)`);
}

export function checkSocketPath(paths: HomePaths): CheckResult {
  const bytes = Buffer.byteLength(paths.socket);
  if (dirname(paths.socket) === paths.home)
    return ok('socket', `${paths.socket} (${bytes} bytes of ${MAX_SOCKET_PATH})`);
  return info('socket', `${paths.home} is too deep for a socket path; it lives at ${paths.socket} instead`);
}

export async function checkCoordinator(paths: HomePaths): Promise<CheckResult> {
  try {
    return await withRunningCoordinator(
      async (client) => {
        const status = await client.status();
        return ok(
          'coordinator',
          `running (pid ${status.pid}, styxy ${status.version}, protocol ${status.protocol}), ${status.leases} lease(s), ${status.stacks} stack(s)`,
        );
      },
      () => info('coordinator', 'not running (started on demand)'),
      { home: paths.home, timeoutMs: 3000 },
    );
  } catch (error) {
    if (!isStyxyError(error)) return problem('coordinator', String(error), 'see the coordinator log');
    return problem('coordinator', error.message, error.hint ?? `see ${paths.log}`);
  }
}

export function checkStateFile(paths: HomePaths): CheckResult {
  let text: string;
  try {
    text = readFileSync(paths.state, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ok('state', 'no state file yet');
    return problem(
      'state',
      `cannot read ${paths.state}: ${(error as Error).message}`,
      `check the permissions of ${paths.state}`,
    );
  }
  const reason = stateProblem(text);
  if (reason === null) return ok('state', `${paths.state} is readable`);
  return problem(
    'state',
    `${paths.state} is ${reason}`,
    'the coordinator moves it aside on its next start (`styxy daemon stop`); running stacks re-claim their ports',
  );
}

export function checkTypes(paths: HomePaths): { result: CheckResult; types: ServiceType[] } {
  try {
    const types = loadServiceTypes(paths.config);
    return { result: ok('config', `${types.length} service types (${paths.config})`), types };
  } catch (error) {
    const message = isStyxyError(error) ? error.message : String(error);
    return { result: problem('config', message, `fix ${paths.config} or remove it to use the defaults`), types: [] };
  }
}

export function checkEphemeral(types: readonly ServiceType[]): CheckResult {
  const [low, high] = ephemeralRange();
  const overlapping = types.filter(({ range: [from, to] }) => from <= high && to >= low);
  if (overlapping.length === 0) return ok('ephemeral', `OS ephemeral range ${low}–${high}; no type overlaps it`);
  const names = overlapping.map((type) => `${type.name} (${type.range[0]}–${type.range[1]})`).join(', ');
  return problem(
    'ephemeral',
    `types overlapping the OS ephemeral range ${low}–${high}: ${names}; those ports are never handed out`,
    `move their ranges below ${low} in the config.json of STYXY_HOME`,
  );
}

function hasCommand(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim();
  } catch {
    return null;
  }
}

export function checkProcessTable(platform: NodeJS.Platform = process.platform): CheckResult {
  if (platform === 'linux') {
    try {
      readFileSync('/proc/self/stat');
      return ok('processes', '/proc is readable');
    } catch {
      return problem('processes', '/proc is not readable', 'mount /proc (Styxy reads the process table from it)');
    }
  }
  if (hasCommand('ps', ['-o', 'pid=', '-p', String(process.pid)]) !== null) return ok('processes', '`ps` is available');
  return problem('processes', '`ps` is not available', 'install procps: Styxy needs it to find and stop processes');
}

export function checkTmux(): CheckResult {
  const version = hasCommand('tmux', ['-V']);
  return info('tmux', version ? `${version} (used by the TUI tests)` : 'not installed (only the TUI tests need it)');
}
