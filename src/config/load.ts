/**
 * `loadProjectConfig`: find the config (or take `-c FILE`), load it with the files merged over it
 * (more `-c` files, then `styxy.config.local.*` beside it), validate and resolve it. The one
 * entry point the CLI and the supervisor call.
 */
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MAX_ENV_FILE_BYTES, readBoundedText } from '../protocol/bounded-file.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import { ensureHome, type HomePaths, homePaths, styxyHome } from '../protocol/home.js';
import { ensurePrivateDir } from '../protocol/private-fs.js';
import { loadServiceTypes } from '../protocol/service-types.js';
import { localConfigsIn } from './discover.js';
import { loadConfigFile } from './load-file.js';
import { locateConfig } from './locate.js';
import { type MergedLayers, mergeLayers, sourceOf } from './merge-layers.js';
import { type ConfigProblem, displayPath, formatProblemBlock } from './problems.js';
import { resolveConfig } from './resolve.js';
import type { ConfigFiles } from './resolve-context.js';
import type { ResolvedConfig } from './types.js';

export interface LoadProjectConfigOptions {
  /** Where to search from (and what `file` is relative to). */
  readonly cwd: string;
  /** `-c FILE`: this file instead of searching; several: the first, with the others merged over it. */
  readonly file?: string | readonly string[] | undefined;
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
  const { root, file, more } = locateConfig(options);
  const files = [...new Set([file, ...more, ...localOverride(root)])];
  const paths = homePaths(home);
  const cacheDir = jitiCache(paths);
  // Each file loads in a worker of its own (load-module.ts), so they load side by side; a
  // failure is reported for the first failing file in layer order, whichever failed first.
  const loaded = await Promise.allSettled(files.map((layer) => loadConfigFile(layer, { cwd, cacheDir })));
  const layers = loaded.map((result, index) => {
    if (result.status === 'rejected') throw result.reason;
    return { file: files[index]!, value: result.value };
  });
  const merged = mergeLayers(layers);
  const context = { root, types: loadServiceTypes(paths.config), files: nodeFiles };
  const result = resolveConfig(merged.value, file, context, merged);
  if (result.ok) return result.config;
  throw invalidConfig(file, cwd, attribute(result.problems, merged));
}

/** The local override beside the config: none, one, or an error when there are several. */
function localOverride(root: string): string[] {
  const found = localConfigsIn(root);
  if (found.length <= 1) return found;
  const names = found.map((file) => basename(file));
  throw new StyxyError('STYXY_CONFIG_INVALID', `several local overrides in ${root}: ${names.join(', ')}`, {
    hint: 'keep one of them',
    details: { files: found, problems: [{ path: '', message: `several local overrides: ${names.join(', ')}` }] },
  });
}

/** Each problem names the file that holds its value, when the config came from several. */
function attribute(problems: readonly ConfigProblem[], merged: MergedLayers): ConfigProblem[] {
  if (merged.files.length === 1) return [...problems];
  return problems.map((problem) => {
    const file = sourceOf(merged.sources, problem.path) ?? sourceOf(merged.removed, problem.path);
    return file === undefined ? problem : { ...problem, file };
  });
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
  const inPackage = (p: ConfigProblem) => basename(p.file ?? file) === 'package.json';
  const listed = problems.map((p) => (inPackage(p) ? { ...p, path: p.path ? `styxy.${p.path}` : 'styxy' } : p));
  const show = (layer: string) => displayPath(layer, cwd);
  return new StyxyError('STYXY_CONFIG_INVALID', formatProblemBlock(file, displayFile, listed, show), {
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
