/**
 * Styxy trusts a folder or a file only when it is provably the user's own: a real folder (never
 * a symbolic link), owned by the current user, that nobody else can write to, inside folders
 * nobody else can swap. Anything else is refused with an error that names the path, its owner
 * and what to do; it is never chmodded, written to or read as state (docs/security.md, "Owned,
 * private, no symlinks").
 *
 * Folders: `folderProblem` (an existing one), `ancestorProblem` (the folders above one),
 * `ensurePrivateDir` (create one level at a time, owner-only, or refuse). Files: `openOwnFile`
 * opens with O_NOFOLLOW (O_EXCL when new) and checks what it opened (fstat: a regular file of
 * ours). Without uids (Windows) every check passes: there is nobody else to check for.
 *
 * Here rather than in os/ because every layer needs it (config for jiti's cache, the client for
 * the socket folder, the coordinator for its files), and protocol/ is the one they all may import.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { StyxyError } from './errors.js';

const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_EXCL } = constants;
/** The sticky bit: in such a folder (/tmp) only an entry's owner may rename or remove it. */
const S_ISVTX = 0o1000;
/** Undefined on Windows, where there are no symbolic-link races of this kind to close. */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;
/** So that opening a FIFO planted where a file belongs never blocks (it is then refused). */
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

export type FolderProblemKind = 'symlink' | 'not-folder' | 'not-file' | 'foreign' | 'writable' | 'unsafe-parent';

export interface FolderProblem {
  readonly path: string;
  readonly kind: FolderProblemKind;
  /** The owner of what is wrong (the path itself, or the parent that makes it unsafe). */
  readonly uid: number | null;
  readonly message: string;
  readonly hint: string;
}

/** The current user's uid; null where the OS has none (Windows). */
export function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

let userNames: Map<number, string> | undefined;

/** `uid 65534 (nobody)`: the user name from /etc/passwd when it has one. */
export function describeUid(uid: number): string {
  const name = userName(uid);
  return name === undefined ? `uid ${uid}` : `uid ${uid} (${name})`;
}

function userName(uid: number): string | undefined {
  if (userNames === undefined) {
    userNames = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id !== undefined && /^\d+$/.test(id) && !userNames.has(Number(id))) userNames.set(Number(id), name);
      }
    } catch {
      // No passwd file (macOS keeps users elsewhere): the number alone.
    }
  }
  return userNames.get(uid);
}

/** `you (root)`, `you (uid 1000)`. */
function you(uid: number): string {
  return `you (${userName(uid) ?? `uid ${uid}`})`;
}

const mode = (stat: Stats) => (stat.mode & 0o7777).toString(8);

/**
 * Why the folder at `path` is not a private folder of ours, or null when it is. Looks, never
 * changes (lstat: a symbolic link is a problem, not followed). Readable by others is no problem
 * here (`ensurePrivateDir` tightens it); writable by others is.
 */
export function folderProblem(path: string, stat: Stats = lstatSync(path)): FolderProblem | null {
  const uid = currentUid();
  if (uid === null) return null;
  if (stat.isSymbolicLink()) {
    let target = '?';
    try {
      target = realpathSync(path);
    } catch {}
    return {
      path,
      kind: 'symlink',
      uid: stat.uid,
      message: `${path} is a symbolic link (to ${target}, made by ${describeUid(stat.uid)}); Styxy never follows a link to a folder it trusts`,
      hint: `use the real folder instead (set STYXY_HOME to \`realpath ${path}\`), or remove the link`,
    };
  }
  if (!stat.isDirectory()) {
    return {
      path,
      kind: 'not-folder',
      uid: stat.uid,
      message: `${path} is not a folder`,
      hint: `move it away (\`mv ${path} ${path}.bak\`), or set STYXY_HOME to another folder`,
    };
  }
  if (stat.uid !== uid) {
    return {
      path,
      kind: 'foreign',
      uid: stat.uid,
      message: `${path} belongs to ${describeUid(stat.uid)}, not to ${you(uid)}: another user may have made it to plant files or links for Styxy`,
      hint: 'set STYXY_HOME to a folder of your own (the default is ~/.local/state/styxy); nothing in this one is trusted',
    };
  }
  if ((stat.mode & 0o022) !== 0) {
    return {
      path,
      kind: 'writable',
      uid: stat.uid,
      message: `${path} can be written by others (mode ${mode(stat)}): anyone in its group or on the machine may have changed what is in it`,
      hint: `check what is in it, then \`chmod 700 ${path}\`; or use another folder`,
    };
  }
  return null;
}

/**
 * Why the folders above `path` would let another user swap it (or what leads to it), or null.
 * Each must be owned by root or by us, and writable by others only with the sticky bit (as
 * /tmp); a symbolic link on the way must be root's or ours and lead to folders that pass too.
 * Folders of `path` that do not exist yet are skipped (we create them, owner-only).
 */
export function ancestorProblem(path: string, depth = 0): FolderProblem | null {
  const uid = currentUid();
  if (uid === null || depth > 16) return null;
  for (let dir = dirname(path), child = path; dir !== child; child = dir, dir = dirname(dir)) {
    let stat: Stats;
    try {
      stat = lstatSync(dir);
    } catch {
      continue; // not there yet: created by us
    }
    if (stat.uid !== 0 && stat.uid !== uid) return unsafeParent(path, dir, stat, `belongs to ${describeUid(stat.uid)}`);
    if (stat.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(dir);
      } catch {
        return unsafeParent(path, dir, stat, 'is a symbolic link that leads nowhere');
      }
      const behind = lstatSync(target);
      if (behind.uid !== 0 && behind.uid !== uid) {
        return unsafeParent(path, target, behind, `belongs to ${describeUid(behind.uid)}`);
      }
      if ((behind.mode & 0o022) !== 0 && (behind.mode & S_ISVTX) === 0) {
        return unsafeParent(path, target, behind, `can be written by others (mode ${mode(behind)})`);
      }
      const further = ancestorProblem(target, depth + 1);
      if (further) return further;
      continue;
    }
    if ((stat.mode & 0o022) !== 0 && (stat.mode & S_ISVTX) === 0) {
      return unsafeParent(path, dir, stat, `can be written by others (mode ${mode(stat)}, no sticky bit)`);
    }
  }
  return null;
}

function unsafeParent(path: string, dir: string, stat: Stats, what: string): FolderProblem {
  return {
    path,
    kind: 'unsafe-parent',
    uid: stat.uid,
    message: `${path} lies inside ${dir}, which ${what}: another user could swap it for a folder of theirs`,
    hint: 'set STYXY_HOME to a folder of your own (the default is ~/.local/state/styxy)',
  };
}

/** The refusal for a problem: STYXY_HOME_UNSAFE, with the path and its owner in `details`. */
export function unsafeError(problem: FolderProblem): StyxyError {
  return new StyxyError('STYXY_HOME_UNSAFE', problem.message, {
    hint: problem.hint,
    details: {
      path: problem.path,
      problem: problem.kind,
      owner: problem.uid,
      ownerName: problem.uid === null ? null : describeUid(problem.uid),
    },
  });
}

/**
 * What is wrong with `home` (it, or what leads to it), or null when it is safe to use or to
 * create. A home that does not exist yet is judged by the folders it would be made in.
 */
export function homeProblem(home: string): FolderProblem | null {
  if (currentUid() === null) return null;
  let stat: Stats | null = null;
  try {
    stat = lstatSync(home);
  } catch {}
  return (stat ? folderProblem(home, stat) : null) ?? ancestorProblem(home);
}

/** Throws STYXY_HOME_UNSAFE when `home` is not ours to use (see homeProblem). */
export function assertHomeSafe(home: string): void {
  const problem = homeProblem(home);
  if (problem) throw unsafeError(problem);
}

export interface EnsureOptions {
  /**
   * Create missing folders above `dir` too (each owner-only, the existing ones checked with
   * `ancestorProblem`). Without it, a missing parent is an error (ENOENT), as for a home that
   * was deleted: Styxy then brings nothing back.
   */
  readonly parents?: boolean;
}

/**
 * `dir` as a private folder of ours: created owner-only when missing, tightened to 0700 when
 * others may read it, refused (STYXY_HOME_UNSAFE) when it is a symbolic link, not ours, or
 * writable by others. Never chmods or writes into a folder it does not own.
 */
export function ensurePrivateDir(dir: string, options: EnsureOptions = {}): string {
  if (currentUid() === null) {
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  let stat: Stats;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (options.parents) {
      const problem = ancestorProblem(dir);
      if (problem) throw unsafeError(problem);
      const missing: string[] = [];
      for (let parent = dirname(dir); parent !== dirname(parent) && !exists(parent); parent = dirname(parent)) {
        missing.unshift(parent);
      }
      for (const parent of missing) makeOwnFolder(parent);
    }
    stat = makeOwnFolder(dir);
  }
  const problem = folderProblem(dir, stat);
  if (problem) throw unsafeError(problem);
  if ((stat.mode & 0o077) !== 0) tighten(dir);
  return dir;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** mkdir 0700; one made by someone else meanwhile (EEXIST) must pass the same checks. */
function makeOwnFolder(dir: string): Stats {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(dir);
  const problem = folderProblem(dir, stat);
  if (problem) throw unsafeError(problem);
  return stat;
}

/** chmod 700 through a descriptor of the folder itself (never through a link swapped in meanwhile). */
function tighten(dir: string): void {
  const fd = openSync(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    const problem = folderProblem(dir, stat);
    if (problem) throw unsafeError(problem);
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

/** `append`: create or append; `create`: a new file only (O_EXCL); `read`: an existing one. */
export type OpenHow = 'append' | 'create' | 'read';

const FLAGS: Record<OpenHow, number> = {
  append: O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK,
  create: O_WRONLY | O_CREAT | O_EXCL,
  read: O_RDONLY | O_NONBLOCK,
};

/**
 * Opens one of Styxy's own files without following a symbolic link (O_NOFOLLOW; O_EXCL for a new
 * one), then checks what it got: a regular file owned by us. Throws STYXY_HOME_UNSAFE otherwise
 * (and the fs error, e.g. ENOENT or ENOSPC, as it is).
 */
export function openOwnFile(path: string, how: OpenHow, fileMode = 0o600): number {
  let fd: number;
  try {
    fd = openSync(path, FLAGS[how] | O_NOFOLLOW, fileMode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw unsafeError(fileProblem(path, lstatSync(path), 'is a symbolic link'));
    }
    throw error;
  }
  const stat = fstatSync(fd);
  const uid = currentUid();
  const wrong = !stat.isFile() ? 'is not a regular file' : uid !== null && stat.uid !== uid ? 'is not yours' : null;
  if (wrong) {
    closeSync(fd);
    throw unsafeError(fileProblem(path, stat, wrong));
  }
  return fd;
}

/**
 * Writes all of `data` (writeSync may write part of it, e.g. when the disk fills up; the next
 * part then throws). Returns the bytes written.
 */
export function writeFully(fd: number, data: string | Buffer): number {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  return done;
}

/** The whole text of one of Styxy's own files (see openOwnFile). */
export function readOwnText(path: string): string {
  return readOwnFile(path).text;
}

/** The same, with the file's stat (of the very file read: no path looked up twice). */
export function readOwnFile(path: string): { readonly text: string; readonly stat: Stats } {
  const fd = openOwnFile(path, 'read');
  try {
    return { stat: fstatSync(fd), text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * Why someone else than us may have written a file of ours (its mode lets others write, or it
 * has another name somewhere), or null. For files whose content is run as a command.
 */
export function othersMayWrite(stat: Stats): string | null {
  if ((stat.mode & 0o022) !== 0) return `it can be written by others (mode ${mode(stat)})`;
  if (stat.nlink > 1) return `it has ${stat.nlink} names (hard links)`;
  return null;
}

function fileProblem(path: string, stat: Stats, what: string): FolderProblem {
  return {
    path,
    kind: stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'foreign' : 'not-file',
    uid: stat.uid,
    message: `${path} ${what} (owner ${describeUid(stat.uid)}); Styxy only writes and reads its own files`,
    hint: `move it away (\`mv ${path} ${path}.bak\`) and retry`,
  };
}
