/**
 * What a service's `watch` means on disk, as pure functions of its patterns and folder: which
 * folders to hand the watcher (each pattern's part before its first wildcard), which paths it may
 * skip without entering them (`node_modules` and `.git` unless a pattern names them, and what
 * `ignore` matches), and whether a changed file restarts the service. Globs are Node's
 * `path.matchesGlob`; a pattern without wildcards that names a folder (`'src'`) matches
 * everything in it.
 */
import { isAbsolute, matchesGlob, relative, resolve, sep } from 'node:path';
import type { ResolvedWatch } from '../config/types.js';

export interface WatchPlan {
  /** Absolute folders (or files) to watch, none inside another. */
  readonly roots: readonly string[];
  /** Never entered nor reported: pruned folders, ignored files. */
  prunes(absolute: string): boolean;
  /** A change of this file restarts the service. */
  matches(absolute: string): boolean;
  /** `src/app.ts`: the path as the user wrote its pattern (relative to the service's folder). */
  display(absolute: string): string;
}

/** Folders never watched unless a pattern names them. */
const SKIPPED = ['node_modules', '.git'] as const;

const WILDCARD = /[*?[\]{}]/;

/** The part of a pattern before its first wildcard segment (`src/**\/*.ts` → `src`). */
export function patternBase(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments) {
    if (WILDCARD.test(segment)) break;
    literal.push(segment);
  }
  return literal.join('/') || '.';
}

const matchesPattern = (path: string, pattern: string) =>
  matchesGlob(path, pattern) || matchesGlob(path, `${pattern.replace(/\/+$/, '')}/**`);

export function watchPlan(watch: ResolvedWatch, cwd: string): WatchPlan {
  const named = SKIPPED.filter((folder) => watch.paths.some((pattern) => pattern.split('/').includes(folder)));
  const skipped = SKIPPED.filter((folder) => !named.includes(folder));
  const bases = [...new Set(watch.paths.map((pattern) => resolve(cwd, patternBase(pattern))))].sort();
  const roots = bases.filter((base) => !bases.some((other) => other !== base && base.startsWith(other + sep)));
  const rel = (absolute: string) => relative(cwd, absolute).split(sep).join('/');
  const prunes = (absolute: string) => {
    const path = rel(absolute);
    if (path === '' || isAbsolute(path)) return false;
    if (path.split('/').some((segment) => (skipped as readonly string[]).includes(segment))) return true;
    return watch.ignore.some((pattern) => matchesPattern(path, pattern));
  };
  return {
    roots,
    prunes,
    matches: (absolute) => !prunes(absolute) && watch.paths.some((pattern) => matchesPattern(rel(absolute), pattern)),
    display: rel,
  };
}

/** `src/app.ts changed`, `src/app.ts and 2 more files changed`. */
export function describeChange(files: readonly string[]): string {
  const [first] = files;
  if (first === undefined) return 'files changed';
  if (files.length === 1) return `${first} changed`;
  const more = files.length - 1;
  return `${first} and ${more} more file${more === 1 ? '' : 's'} changed`;
}
