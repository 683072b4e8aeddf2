/** Temporary project folders written inline by the config tests, and a listing to prove nothing else was written. */
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface Project {
  /** Real path of the folder. */
  readonly dir: string;
  write(files: Readonly<Record<string, string>>): void;
  /** Every file under the folder, relative, sorted. */
  list(): string[];
  remove(): void;
}

export function makeProject(files: Readonly<Record<string, string>> = {}): Project {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'styxy-project-')));
  const project: Project = {
    dir,
    write(more) {
      for (const [name, text] of Object.entries(more)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
    },
    list() {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => !entry.isDirectory())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
        .sort();
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  project.write(files);
  return project;
}

/** The error a config load failed with (the test fails when it did not fail). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; hint?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected the load to fail');
}
