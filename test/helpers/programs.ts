/**
 * Real third-party programs the tests run (redis-server, PostgreSQL's initdb/pg_ctl/postgres).
 * `findProgram` looks on PATH and in the places Debian's packages put them (PostgreSQL's binaries
 * live in /usr/lib/postgresql/<version>/bin, off PATH). A test that needs a missing program fails
 * when `CI=true` or `STYXY_TEST_REQUIRE_PROGRAMS=1` (`.ci/run` installs them and sets it) and
 * elsewhere skips with a visible message.
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Newest first: /usr/lib/postgresql/16/bin before /usr/lib/postgresql/15/bin. */
function postgresBinFolders(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((version) => /^\d+$/.test(version))
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    return [];
  }
}

/** The absolute path of `name`, or null when it is not installed. */
export function findProgram(name: string): string | null {
  const folders = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...postgresBinFolders()];
  for (const folder of folders) {
    const path = join(folder, name);
    if (executable(path)) return path;
  }
  return null;
}

export interface Programs {
  /** Name → absolute path; only complete when `missing` is empty. */
  readonly paths: Readonly<Record<string, string>>;
  readonly missing: readonly string[];
}

/**
 * Finds every program of `names`. When one is missing: throws in CI, else warns once
 * (`<suite>: redis-server not found; its tests are skipped`) so the skip is seen. Use the result's
 * `missing.length > 0` with `describe.skipIf`.
 */
export function requirePrograms(suite: string, names: readonly string[]): Programs {
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const path = findProgram(name);
    if (path === null) missing.push(name);
    else paths[name] = path;
  }
  if (missing.length > 0) {
    const message = `${suite}: ${missing.join(', ')} not found (install the Debian packages redis-server and postgresql)`;
    if (process.env.CI === 'true' || process.env.STYXY_TEST_REQUIRE_PROGRAMS === '1')
      throw new Error(`${message}; CI must have them (.ci/run installs them)`);
    console.warn(`${message}; its tests are skipped`);
  }
  return { paths, missing };
}
