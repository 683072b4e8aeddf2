/**
 * `loadProjectConfig`: find the config (or take `-c FILE`), load it, validate and resolve it. The
 * one entry point the CLI and the supervisor call.
 */
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import { ensureHome, type HomePaths, homePaths, styxyHome } from '../protocol/home.js';
import { ensurePrivateDir } from '../protocol/private-fs.js';
import { loadServiceTypes } from '../protocol/service-types.js';
import { MAX_ENV_FILE_BYTES, readBoundedText } from './bounded-file.js';
import { loadConfigFile } from './load-file.js';
import { locateConfig } from './locate.js';
import { type ConfigProblem, displayPath, formatProblemBlock } from './problems.js';
import { resolveConfig } from './resolve.js';
import type { ConfigFiles } from './resolve-context.js';
import type { ResolvedConfig } from './types.js';

export interface LoadProjectConfigOptions {
  /** Where to search from (and what `file` is relative to). */
  readonly cwd: string;
  /** `-c FILE`: this file instead of searching. */
  readonly file?: string | undefined;
  /** `$STYXY_HOME` (service types, jiti cache). @default styxyHome() */
  readonly home?: string | undefined;
  /** Where the upward search stops. @default the user's home folder when inside it, else the root */
  readonly stopDir?: string | undefined;
}

/**
 * Throws StyxyError `STYXY_CONFIG_NOT_FOUND` (hint: `styxy init`) or `STYXY_CONFIG_INVALID`
 * (the message is the readable block listing every problem; `details.problems` the list).
 */
export async function loadProjectConfig(options: LoadProjectConfigOptions): Promise<ResolvedConfig> {
  const cwd = resolve(options.cwd);
  const home = options.home ?? styxyHome();
  const { root, file } = locateConfig(options);
  const paths = homePaths(home);
  const raw = await loadConfigFile(file, { cwd, cacheDir: jitiCache(paths) });
  const result = resolveConfig(raw, file, { root, types: loadServiceTypes(paths.config), files: nodeFiles });
  if (result.ok) return result.config;
  throw invalidConfig(file, cwd, result.problems);
}

/**
 * jiti's transform cache, owner-only under $STYXY_HOME; none when it cannot be created (a
 * read-only home). A home or cache folder that is not the user's own is refused: what jiti reads
 * from its cache runs as code (docs/security.md).
 */
function jitiCache(paths: HomePaths): string | false {
  try {
    ensureHome(paths.home);
    return ensurePrivateDir(join(paths.cache, 'jiti'), { parents: true });
  } catch (error) {
    if (isStyxyError(error) && error.code === 'STYXY_HOME_UNSAFE') throw error;
    return false;
  }
}

function invalidConfig(file: string, cwd: string, problems: readonly ConfigProblem[]): StyxyError {
  const displayFile = displayPath(file, cwd);
  // A config in package.json lives under its "styxy" key: show paths as the user finds them.
  const inPackage = basename(file) === 'package.json';
  const listed = inPackage ? problems.map((p) => ({ ...p, path: p.path ? `styxy.${p.path}` : 'styxy' })) : problems;
  return new StyxyError('STYXY_CONFIG_INVALID', formatProblemBlock(file, displayFile, listed), {
    hint: 'fix the problems above, then check with `styxy config`',
    details: { file, problems: listed },
  });
}

/** Config file reads from the real file system (env files: a regular file of at most 1 MiB). */
export const nodeFiles: ConfigFiles = {
  readText: (path) => readBoundedText(path, MAX_ENV_FILE_BYTES),
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};
