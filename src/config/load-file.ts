/**
 * Loading one config file, any supported form, into a plain value. JavaScript and TypeScript go
 * through jiti (load-module.ts); JSON and YAML through cosmiconfig's loaders (parse-json and
 * js-yaml, with their positioned errors). Every failure is a StyxyError naming the file.
 *
 * We call cosmiconfig's loaders, not its `cosmiconfig()` factory: the factory first searches the
 * process's current folder for a "meta config" (`package.json`, `.config/config.{js,ts,…}`) and
 * loads it with its own loaders, which runs foreign `.config/config.js` files and crashes the
 * process on a `.config/config.ts` (an async loader called synchronously).
 */
import { basename, extname } from 'node:path';
import { MAX_CONFIG_FILE_BYTES, readBoundedText } from '../protocol/bounded-file.js';
import { StyxyError } from '../protocol/errors.js';
import { PACKAGE_PROPERTY } from './discover.js';
import { ConfigExportError, describeLoadError } from './load-error.js';
import { ConfigTimeoutError, importConfigModule, MODULE_EXTENSIONS, type ModuleLoadOptions } from './load-module.js';

export interface LoadFileOptions extends ModuleLoadOptions {
  /** Where paths in messages are shown from. */
  readonly cwd: string;
}

/** Extensions `-c FILE` accepts (plus no extension, read as JSON or YAML). */
export const SUPPORTED_EXTENSIONS = [...MODULE_EXTENSIONS, '.json', '.yaml', '.yml'] as const;

export async function loadConfigFile(file: string, options: LoadFileOptions): Promise<unknown> {
  const extension = extname(file);
  if (extension !== '' && !(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new StyxyError(
      'STYXY_CONFIG_INVALID',
      `cannot read ${file}: "${extension}" is not a config file type Styxy reads`,
      {
        hint: `use one of ${SUPPORTED_EXTENSIONS.join(', ')} (or .styxyrc)`,
      },
    );
  }
  const text = readBoundedText(file, MAX_CONFIG_FILE_BYTES);
  if (typeof text !== 'string') {
    const problem = text === undefined ? 'it does not exist' : text.problem;
    throw new StyxyError('STYXY_CONFIG_INVALID', `cannot read config ${file}: ${problem}`, {
      hint: 'give -c a regular config file',
      details: { file, problems: [{ path: '', message: problem }] },
    });
  }
  if (text.trim() === '') {
    throw new StyxyError('STYXY_CONFIG_INVALID', `config ${file} is empty`, {
      hint: 'run `styxy init` in an empty folder to see a starter config',
      details: { file, problems: [{ path: '', message: 'the file is empty' }] },
    });
  }
  let config: unknown;
  try {
    config = await parse(file, extension, text, options);
  } catch (error) {
    const failure = describeLoadError(error, file, options.cwd);
    const timedOut = error instanceof ConfigTimeoutError;
    throw new StyxyError(
      'STYXY_CONFIG_INVALID',
      `cannot load config ${file}:\n  ${failure.where}: ${failure.message}`,
      {
        hint: timedOut
          ? 'a config only builds its object: top-level side effects (servers, waits, loops) are not supported; STYXY_CONFIG_TIMEOUT=<seconds> gives a slow one longer'
          : `fix ${basename(file)}, then check it with \`styxy config\``,
        cause: error,
        details: {
          file,
          problems: [{ path: '', message: `${failure.where}: ${failure.message}` }],
          ...(timedOut ? { reason: 'timeout' } : {}),
        },
      },
    );
  }
  if (basename(file) === 'package.json') return packageProperty(file, config);
  return config;
}

async function parse(file: string, extension: string, text: string, options: ModuleLoadOptions): Promise<unknown> {
  if ((MODULE_EXTENSIONS as readonly string[]).includes(extension)) return loadModule(file, options);
  // Loaded on first use, as jiti is: a JavaScript or TypeScript config never needs it, and
  // importing it costs every `up` ~20 ms (bench/stack-start.ts).
  const { defaultLoaders } = await import('cosmiconfig');
  switch (extension) {
    case '.json':
      return defaultLoaders['.json'](file, text);
    case '.yaml':
    case '.yml':
      return defaultLoaders['.yaml'](file, text);
    default:
      return loadRc(file, text, defaultLoaders);
  }
}

type Loaders = typeof import('cosmiconfig').defaultLoaders;

async function loadModule(file: string, options: ModuleLoadOptions): Promise<unknown> {
  const loaded = await importConfigModule(file, options);
  if (loaded.kind === 'named-only') {
    throw new ConfigExportError(
      `no default export (found ${loaded.names.length === 0 ? 'no exports' : `only ${loaded.names.join(', ')}`}); write \`export default defineConfig({ … })\``,
    );
  }
  if (loaded.value === undefined)
    throw new ConfigExportError('the default export is undefined; export the config object');
  if (typeof loaded.value === 'function') {
    throw new ConfigExportError(
      'the default export is a function; export the config object itself: `export default defineConfig({ … })`',
    );
  }
  return loaded.value;
}

/** `.styxyrc` is JSON or YAML: JSON first when it looks like JSON, for JSON's clearer errors. */
function loadRc(file: string, text: string, defaultLoaders: Loaders): unknown {
  if (!/^\s*[{[]/.test(text)) return defaultLoaders.noExt(file, text);
  try {
    return defaultLoaders['.json'](file, text);
  } catch (jsonError) {
    try {
      return defaultLoaders.noExt(file, text);
    } catch {
      throw jsonError;
    }
  }
}

function packageProperty(file: string, json: unknown): unknown {
  const config =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[PACKAGE_PROPERTY] : undefined;
  if (config === undefined || config === null) {
    throw new StyxyError('STYXY_CONFIG_NOT_FOUND', `${file} has no "${PACKAGE_PROPERTY}" key`, {
      hint: 'add a "styxy" key with the config, or run `styxy init` to write styxy.config.ts',
      details: { file },
    });
  }
  return config;
}
