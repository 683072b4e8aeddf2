/**
 * `loadProjectConfig`: find the config (or take `-c FILE`), load it, validate and resolve it. The
 * one entry point the CLI and the supervisor call.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StyxyError } from '../protocol/errors.js';
import { ensureHome, ensurePrivateDir, type HomePaths, homePaths, styxyHome } from '../protocol/home.js';
import { loadServiceTypes } from '../protocol/service-types.js';
import { discoverConfig } from './discover.js';
import { loadConfigFile } from './load-file.js';
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
 * Where the project's config is, without loading it: its file and the project root, which with
 * a stack name identifies a stack (`ps` and `port` find a running stack even while its config
 * is being edited into something invalid). Throws as `loadProjectConfig` does when none is found.
 */
export function locateConfig(options: Pick<LoadProjectConfigOptions, 'cwd' | 'file' | 'stopDir'>): {
  readonly root: string;
  readonly file: string;
} {
  const cwd = resolve(options.cwd);
  const found =
    options.file === undefined ? findFile(cwd, options.stopDir) : checkGivenFile(resolve(cwd, options.file));
  // The project root is the real path of the config's folder (a symlinked config file belongs
  // to the folder it is linked from).
  const root = realpathSync(dirname(found));
  return { root, file: join(root, basename(found)) };
}

/** jiti's transform cache, owner-only under $STYXY_HOME; none when it cannot be created (a read-only home). */
function jitiCache(paths: HomePaths): string | false {
  try {
    ensureHome(paths.home);
    return ensurePrivateDir(join(paths.cache, 'jiti'));
  } catch {
    return false;
  }
}

function findFile(cwd: string, stopDir: string | undefined): string {
  const discovery = discoverConfig(cwd, stopDir);
  switch (discovery.found) {
    case 'one':
      return discovery.file;
    case 'several': {
      const names = discovery.files.map((file) => basename(file));
      throw new StyxyError('STYXY_CONFIG_INVALID', `several Styxy configs in ${discovery.dir}: ${names.join(', ')}`, {
        hint: 'keep one of them (or pick one with -c FILE)',
        details: { files: discovery.files, problems: [{ path: '', message: `several configs: ${names.join(', ')}` }] },
      });
    }
    case 'none': {
      const top = discovery.searched.at(-1) ?? cwd;
      throw new StyxyError(
        'STYXY_CONFIG_NOT_FOUND',
        `no Styxy config in ${cwd} or any folder above it (up to ${top})`,
        {
          hint: 'run `styxy init` to write a starter styxy.config.ts, or pass -c FILE',
          details: { cwd, searched: discovery.searched },
        },
      );
    }
  }
}

function checkGivenFile(file: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new StyxyError('STYXY_CONFIG_NOT_FOUND', `config file ${file} does not exist`, {
      hint: 'check the path given with -c (it is relative to the current folder)',
      details: { file },
    });
  }
  if (!isFile) {
    throw new StyxyError('STYXY_CONFIG_NOT_FOUND', `${file} is not a file`, {
      hint: 'give -c the config file itself, e.g. -c path/to/styxy.config.ts',
      details: { file },
    });
  }
  return file;
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

/** Config file reads from the real file system. */
export const nodeFiles: ConfigFiles = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StyxyError('STYXY_CONFIG_INVALID', `cannot read ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  },
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};
