/**
 * The checks of `styxy doctor`, each one a question about this machine with an answer a user
 * can act on. None of them changes anything (a corrupt state file is reported, not moved).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { ephemeralRange } from '../../coordinator/ephemeral-range.js';
import { stateProblem } from '../../coordinator/state-file.js';
import { MIN_NODE, NODE_HINT, nodeTooOld } from '../../os/node-version.js';
import { isStyxyError } from '../../protocol/errors.js';
import { type HomePaths, MAX_SOCKET_PATH } from '../../protocol/home.js';
import {
  currentUid,
  describeUid,
  type FolderProblem,
  folderProblem,
  homeProblem,
  readOwnText,
} from '../../protocol/private-fs.js';
import { loadServiceTypes, type ServiceType } from '../../protocol/service-types.js';
import { compareBuild } from '../../protocol/version.js';
import { socketFolderProblem } from '../../transport/socket-path.js';
import {
  buildNote,
  COORDINATOR_REBUILD_FIX,
  coordinatorBuildNote,
  outdated,
  REBUILD_FIX,
} from '../stack/build-note.js';
import { shortFolder } from '../stack/short-folder.js';

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

/** The home itself: a real folder of ours, owner-only, inside folders nobody else can swap. */
export function checkHome(paths: HomePaths): CheckResult {
  const unsafe = homeProblem(paths.home);
  if (unsafe) return problem('home', unsafe.message, unsafe.hint);
  let stat: Stats;
  try {
    stat = lstatSync(paths.home);
  } catch {
    return info('home', `${paths.home} does not exist yet (created owner-only on first use)`);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    return problem('home', `${paths.home} is open to others (mode ${mode})`, `chmod 700 ${paths.home}`);
  }
  return ok('home', `${paths.home} (yours, owner-only, no symbolic link, inside folders only you or root can change)`);
}

export function checkSocketPath(paths: HomePaths): CheckResult {
  const bytes = Buffer.byteLength(paths.socket);
  if (dirname(paths.socket) === paths.home)
    return ok('socket', `${paths.socket} (${bytes} bytes of ${MAX_SOCKET_PATH})`);
  const unsafe = socketFolderProblem(paths.socket);
  if (unsafe) return problem('socket', unsafe.message, unsafe.hint);
  return info(
    'socket',
    `${paths.home} is too deep for a socket path; it lives at ${paths.socket} instead (a private folder)`,
  );
}

/** The folders Styxy keeps in the home: cache (jiti's and V8's compiled code), stacks and their logs, hello proofs. */
export function checkFolders(paths: HomePaths): CheckResult {
  const folders = [
    paths.cache,
    join(paths.cache, 'jiti'),
    join(paths.cache, 'node-compile'),
    paths.hello,
    paths.stacks,
  ];
  for (const name of listNames(paths.stacks)) folders.push(join(paths.stacks, name));
  const problems: string[] = [];
  let checked = 0;
  for (const folder of folders) {
    let found: FolderProblem | null;
    try {
      found = folderProblem(folder);
    } catch {
      continue; // not made yet
    }
    checked++;
    if (found) problems.push(found.message);
  }
  if (problems.length > 0) {
    return problem(
      'folders',
      problems.join('; '),
      'move them away (Styxy makes new ones owner-only); never trust what is in them',
    );
  }
  return ok('folders', `${checked} folder(s) in the home are yours and owner-only`);
}

/** The files Styxy reads and writes there: regular files of ours, no symbolic links, not writable by others. */
export function checkFiles(paths: HomePaths): CheckResult {
  const dirs = [paths.home, ...listNames(paths.stacks).map((name) => join(paths.stacks, name))];
  const uid = currentUid();
  const problems: string[] = [];
  let checked = 0;
  for (const dir of dirs) {
    for (const name of listNames(dir)) {
      const file = join(dir, name);
      let stat: Stats;
      try {
        stat = lstatSync(file);
      } catch {
        continue;
      }
      if (stat.isDirectory() || stat.isSocket()) continue;
      checked++;
      if (stat.isSymbolicLink()) problems.push(`${file} is a symbolic link (never followed)`);
      else if (!stat.isFile()) problems.push(`${file} is not a regular file`);
      else if (uid !== null && stat.uid !== uid) problems.push(`${file} belongs to ${describeUid(stat.uid)}`);
      else if ((stat.mode & 0o022) !== 0) problems.push(`${file} can be written by others`);
    }
  }
  if (problems.length > 0) {
    return problem('files', problems.join('; '), 'move them away; Styxy refuses to read or write them as they are');
  }
  return ok('files', `${checked} file(s) in the home are regular files of yours`);
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export async function checkCoordinator(paths: HomePaths): Promise<CheckResult> {
  try {
    return await withRunningCoordinator(
      async (client) => {
        const status = await client.status();
        const running = `running (pid ${status.pid}, styxy ${status.version}, protocol ${status.protocol}), ${status.leases} lease(s), ${status.stacks} stack(s)`;
        if (compareBuild(status.build ?? null) !== 'same')
          return problem('coordinator', `${running}; ${coordinatorBuildNote(status)}`, COORDINATOR_REBUILD_FIX);
        return ok('coordinator', running);
      },
      () => info('coordinator', 'not running (started on demand)'),
      { home: paths.home, timeoutMs: 3000 },
    );
  } catch (error) {
    if (!isStyxyError(error)) return problem('coordinator', String(error), 'see the coordinator log');
    return problem('coordinator', error.message, error.hint ?? `see ${paths.log}`);
  }
}

/** Stacks whose supervisor runs another build than this command: an upgrade left them running. */
export async function checkStackBuilds(paths: HomePaths): Promise<CheckResult> {
  try {
    return await withRunningCoordinator(
      async (client) => {
        const stacks = await client.listStacks();
        const old = stacks.filter((stack) => outdated(stack.build));
        if (stacks.length > 0 && stacks.every((stack) => stack.build === undefined))
          return info('stack builds', 'not known: the coordinator records no builds (see above)');
        if (old.length === 0) return ok('stack builds', `${stacks.length} stack(s), all on this build`);
        const named = old.map(
          (stack) => `${stack.project}/${stack.name} (${shortFolder(stack.root)}) runs ${buildNote(stack.build)}`,
        );
        return problem('stack builds', named.join('; '), REBUILD_FIX);
      },
      () => ok('stack builds', 'no stacks running'),
      { home: paths.home, timeoutMs: 3000 },
    );
  } catch (error) {
    return info('stack builds', `not checked: ${isStyxyError(error) ? error.message : String(error)}`);
  }
}

export function checkStateFile(paths: HomePaths): CheckResult {
  let text: string;
  try {
    // Non-blocking, regular files of ours only: a FIFO there must not hang doctor.
    text = readOwnText(paths.state);
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
