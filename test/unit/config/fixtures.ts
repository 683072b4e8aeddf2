/** Helpers for the pure config tests: a resolve context with in-memory files and the default types. */

import { type ResolveResult, resolveConfig } from '../../../src/config/resolve.js';
import type { ResolveContext } from '../../../src/config/resolve-context.js';
import type { ResolvedConfig, ResolvedService } from '../../../src/config/types.js';
import { DEFAULT_TYPES, mergeServiceTypes } from '../../../src/protocol/service-types.js';

export const ROOT = '/projects/shop';
export const FILE = `${ROOT}/styxy.config.ts`;

export interface ContextOptions {
  /** Absolute path → text. */
  readonly files?: Readonly<Record<string, string>>;
  /** Absolute folders that exist (the root always does). */
  readonly dirs?: readonly string[];
  /** Types added as in `$STYXY_HOME/config.json`. */
  readonly extraTypes?: Readonly<Record<string, readonly [number, number]>>;
}

export function context(options: ContextOptions = {}): ResolveContext {
  const extra = Object.fromEntries(Object.entries(options.extraTypes ?? {}).map(([name, range]) => [name, { range }]));
  return {
    root: ROOT,
    types: options.extraTypes ? mergeServiceTypes(extra) : DEFAULT_TYPES,
    files: {
      readText: (path) => options.files?.[path],
      isDirectory: (path) => path === ROOT || (options.dirs ?? []).includes(path),
    },
  };
}

export function resolve(input: unknown, options?: ContextOptions): ResolveResult {
  return resolveConfig(input, FILE, context(options));
}

/** Resolves a valid config (fails the test with the problems otherwise). */
export function resolveOk(input: unknown, options?: ContextOptions): ResolvedConfig {
  const result = resolve(input, options);
  if (!result.ok)
    throw new Error(
      `expected a valid config, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`,
    );
  return result.config;
}

/** The one service of `{ services: { svc: service } }`, resolved. */
export function resolveService(service: unknown, options?: ContextOptions): ResolvedService {
  return resolveOk({ services: { svc: service } }, options).services[0]!;
}

/** The problems of an invalid config, as `path: message` lines. */
export function problemsOf(input: unknown, options?: ContextOptions): string[] {
  const result = resolve(input, options);
  if (result.ok) return [];
  return result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}
