/**
 * Owned, private, no symlinks (src/protocol/private-fs.ts): a folder or file Styxy trusts is a
 * real one of the current user, not writable by others, inside folders nobody else can swap;
 * anything else is refused with its path and owner, and never changed. Cases that need another
 * owner use `chown 65534` (nobody), so they run as root only (skipped with a note otherwise).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStyxyError } from '../../../src/protocol/errors.js';
import {
  ancestorProblem,
  ensurePrivateDir,
  folderProblem,
  homeProblem,
  openOwnFile,
  readOwnText,
} from '../../../src/protocol/private-fs.js';

const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? it : it.skip;
if (!isRoot) console.warn('private-fs.test: not root, so the cases with a folder of another user are skipped');

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'styxy-private-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function refusal(action: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    action();
  } catch (error) {
    if (isStyxyError(error)) return { code: error.code, message: error.message, details: { ...error.details } };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('folders', () => {
  it('creates a missing folder (and its parents) owner-only, and tightens one of ours others may read', () => {
    const base = tempDir();
    const deep = join(base, 'a', 'b', 'home');
    ensurePrivateDir(deep, { parents: true });
    for (const dir of [join(base, 'a'), join(base, 'a', 'b'), deep]) expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(deep, 0o755);
    ensurePrivateDir(deep);
    expect(lstatSync(deep).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder others can write to, and leaves it as it is', () => {
    const dir = join(tempDir(), 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const refused = refusal(() => ensurePrivateDir(dir));
    expect(refused.code).toBe('STYXY_HOME_UNSAFE');
    expect(refused.message).toContain(`${dir} can be written by others (mode 777)`);
    expect(lstatSync(dir).mode & 0o777).toBe(0o777);
  });

  it('refuses a symbolic link, and never changes what it points to', () => {
    const base = tempDir();
    const target = join(base, 'target');
    mkdirSync(target, { mode: 0o755 });
    chmodSync(target, 0o755);
    const link = join(base, 'home');
    symlinkSync(target, link);
    const refused = refusal(() => ensurePrivateDir(link));
    expect(refused.message).toContain(`${link} is a symbolic link (to ${target}`);
    expect(refused.details.problem).toBe('symlink');
    expect(lstatSync(target).mode & 0o777).toBe(0o755);
    expect(folderProblem(link)?.kind).toBe('symlink');
  });

  asRoot('refuses a folder of another user, naming the owner, and never chmods it', () => {
    const dir = join(tempDir(), 'theirs');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    chownSync(dir, 65534, 65534);
    const refused = refusal(() => ensurePrivateDir(dir));
    expect(refused.message).toContain(`${dir} belongs to uid 65534 (nobody), not to you (root)`);
    expect(refused.details).toMatchObject({ path: dir, owner: 65534, ownerName: 'uid 65534 (nobody)' });
    expect(lstatSync(dir).mode & 0o777).toBe(0o755);
    expect(lstatSync(dir).uid).toBe(65534);
  });

  asRoot('refuses a home inside a folder another user owns, before creating anything', () => {
    const theirs = join(tempDir(), 'styxy-ci');
    mkdirSync(theirs, { mode: 0o777 });
    chownSync(theirs, 65534, 65534);
    const home = join(theirs, 'home');
    expect(homeProblem(home)?.message).toContain(`inside ${theirs}, which belongs to uid 65534 (nobody)`);
    expect(refusal(() => ensurePrivateDir(home, { parents: true })).code).toBe('STYXY_HOME_UNSAFE');
    expect(existsSync(home)).toBe(false);
  });

  it('accepts folders above that are root’s or ours, and writable ones only with the sticky bit (/tmp)', () => {
    expect(ancestorProblem(join(tempDir(), 'home'))).toBeNull();
    const open = join(tempDir(), 'shared');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(ancestorProblem(join(open, 'home'))?.message).toContain(
      'can be written by others (mode 777, no sticky bit)',
    );
    chmodSync(open, 0o1777);
    expect(ancestorProblem(join(open, 'home'))).toBeNull();
  });
});

describe('files', () => {
  it('opens its own files without following a link, and a new one only if it is new', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const log = join(dir, 'coordinator.log');
    symlinkSync(victim, log);
    expect(refusal(() => openOwnFile(log, 'append')).message).toContain(`${log} is a symbolic link`);
    expect(refusal(() => readOwnText(log)).code).toBe('STYXY_HOME_UNSAFE');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    writeFileSync(join(dir, 'exists'), '');
    expect(() => openOwnFile(join(dir, 'exists'), 'create')).toThrow(/EEXIST/);
    closeSync(openOwnFile(join(dir, 'fresh'), 'create'));
    expect(lstatSync(join(dir, 'fresh')).mode & 0o777).toBe(0o600);
  });

  it('refuses a FIFO where a file belongs without blocking on it', () => {
    const fifo = join(tempDir(), 'state.json');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    expect(refusal(() => readOwnText(fifo)).message).toContain('is not a regular file');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  asRoot('refuses a file of another user', () => {
    const file = join(tempDir(), 'state.json');
    writeFileSync(file, '{}');
    chownSync(file, 65534, 65534);
    expect(refusal(() => readOwnText(file)).message).toContain('is not yours (owner uid 65534 (nobody))');
  });
});
