/**
 * Where the project's config is, without loading it (no cosmiconfig, no jiti, no zod): the file
 * `styxy up` would load (found upward from the current folder, or `-c FILE`) and the project
 * root. `ps` and `port` need no more, so they stay fast.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StyxyError } from '../protocol/errors.js';
import { discoverConfig } from './discover.js';

export interface LocateConfigOptions {
  /** Where to search from (and what `file` is relative to). */
  readonly cwd: string;
  /**
   * `-c FILE`: this file instead of searching; several (`-c a -c b`): the first is the config,
   * the others are merged over it in order (see `loadProjectConfig`).
   */
  readonly file?: string | readonly string[] | undefined;
  /** Where the upward search stops. @default the user's home folder when inside it, else the root */
  readonly stopDir?: string | undefined;
}

/**
 * Where the project's config is, without loading it: its file and the project root, which with
 * a stack name identifies a stack (`ps` and `port` find a running stack even while its config
 * is being edited into something invalid). Throws as `loadProjectConfig` does when none is found.
 */
export function locateConfig(options: LocateConfigOptions): {
  readonly root: string;
  readonly file: string;
  /** The further `-c` files (absolute), in the order given. */
  readonly more: readonly string[];
} {
  const cwd = resolve(options.cwd);
  const given = configFiles(options.file);
  const found = given.length === 0 ? findFile(cwd, options.stopDir) : checkGivenFile(resolve(cwd, given[0]!));
  // The project root is the real path of the config's folder (a symlinked config file belongs
  // to the folder it is linked from).
  const root = realpathSync(dirname(found));
  const more = given.slice(1).map((file) => checkGivenFile(resolve(cwd, file)));
  return { root, file: join(root, basename(found)), more };
}

/** `-c` as commander gives it: nothing, one file, or the list of every `-c`. */
export function configFiles(file: string | readonly string[] | undefined): readonly string[] {
  if (file === undefined) return [];
  return typeof file === 'string' ? [file] : file;
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
