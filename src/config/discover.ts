/**
 * Finding the config: from the current folder upward. We walk the folders ourselves, because
 * none of cosmiconfig 9's search strategies fits: `none` looks in one folder only; `project` stops
 * at the first package.json, so in a monorepo `packages/web` (with its own package.json) would
 * never find the root's config; `global` walks up to `stopDir` (default: home) but then also
 * reads the global config folder (`~/.config/styxy/config.*`), which must not turn into a
 * project. Our walk also sees every config of a folder, so two of them are an error rather than
 * a silent pick.
 *
 * The walk stops after the user's home folder when it starts inside it (a stray config above
 * home should not capture every project), else at the file-system root.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Every supported name, in the order they are listed when several are found. */
export const CONFIG_FILE_NAMES = [
  'styxy.config.ts',
  'styxy.config.mts',
  'styxy.config.cts',
  'styxy.config.js',
  'styxy.config.mjs',
  'styxy.config.cjs',
  '.styxyrc',
  '.styxyrc.json',
  '.styxyrc.yaml',
  '.styxyrc.yml',
  'package.json',
] as const;

/**
 * The git-ignored local override beside a config (local-override.ts). Not a config of its own:
 * discovery never finds it, so it never makes a folder's configs "several".
 */
export const LOCAL_CONFIG_FILE_NAMES = [
  'styxy.config.local.ts',
  'styxy.config.local.mts',
  'styxy.config.local.js',
  'styxy.config.local.mjs',
  'styxy.config.local.json',
  'styxy.config.local.yaml',
  'styxy.config.local.yml',
] as const;

/** The local override files in `dir` (absolute paths). */
export function localConfigsIn(dir: string): string[] {
  return LOCAL_CONFIG_FILE_NAMES.map((name) => join(dir, name)).filter(isFile);
}

/** The key of a config written in package.json. */
export const PACKAGE_PROPERTY = 'styxy';

/** The config files in `dir` (absolute paths): files by name, and package.json if it has a "styxy" key. */
export function configsIn(dir: string): string[] {
  return CONFIG_FILE_NAMES.map((name) => join(dir, name)).filter((file) =>
    file.endsWith(`${sep}package.json`) ? hasPackageProperty(file) : isFile(file),
  );
}

export type Discovery =
  | { readonly found: 'one'; readonly file: string }
  | { readonly found: 'several'; readonly dir: string; readonly files: string[] }
  | { readonly found: 'none'; readonly searched: string[] };

/** The nearest folder, from `cwd` upward, with a config in it. */
export function discoverConfig(cwd: string, stopDir: string = defaultStopDir(cwd)): Discovery {
  const searched: string[] = [];
  for (const dir of ancestors(resolve(cwd), stopDir)) {
    searched.push(dir);
    const files = configsIn(dir);
    if (files.length === 1) return { found: 'one', file: files[0]! };
    if (files.length > 1) return { found: 'several', dir, files };
  }
  return { found: 'none', searched };
}

/** Home when `cwd` is inside it, else the file-system root. */
export function defaultStopDir(cwd: string): string {
  const home = homedir();
  const inside = relative(home, resolve(cwd));
  return home && !inside.startsWith('..') && !inside.startsWith(sep) ? home : resolve('/');
}

function* ancestors(start: string, stopDir: string): Generator<string> {
  let dir = start;
  for (;;) {
    yield dir;
    const parent = dirname(dir);
    if (dir === resolve(stopDir) || parent === dir) return;
    dir = parent;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function hasPackageProperty(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && Object.hasOwn(json, PACKAGE_PROPERTY);
  } catch {
    // A broken package.json that mentions the key is ours to report; any other is not our business.
    return text.includes(`"${PACKAGE_PROPERTY}"`);
  }
}
