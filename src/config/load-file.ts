/**
 * Loading one config file, any supported form, into a plain value. cosmiconfig dispatches on the
 * extension and reads the "styxy" key of package.json; JavaScript and TypeScript go through jiti
 * (load-module.ts). Every failure is a StyxyError naming the file.
 */
import { basename, extname } from 'node:path';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import { StyxyError } from '../protocol/errors.js';
import { CONFIG_FILE_NAMES, PACKAGE_PROPERTY } from './discover.js';
import { ConfigExportError, describeLoadError } from './load-error.js';
import { importConfigModule, MODULE_EXTENSIONS, type ModuleLoadOptions } from './load-module.js';

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
  let result: Awaited<ReturnType<ReturnType<typeof cosmiconfig>['load']>>;
  try {
    result = await explorer(options).load(file);
  } catch (error) {
    const failure = describeLoadError(error, file, options.cwd);
    throw new StyxyError(
      'STYXY_CONFIG_INVALID',
      `cannot load config ${file}:\n  ${failure.where}: ${failure.message}`,
      {
        hint: `fix ${basename(file)}, then check it with \`styxy config\``,
        cause: error,
        details: { file, problems: [{ path: '', message: `${failure.where}: ${failure.message}` }] },
      },
    );
  }
  if (result === null) {
    throw new StyxyError('STYXY_CONFIG_NOT_FOUND', `${file} has no "${PACKAGE_PROPERTY}" key`, {
      hint: 'add a "styxy" key with the config, or run `styxy init` to write styxy.config.ts',
      details: { file },
    });
  }
  if (result.isEmpty) {
    throw new StyxyError('STYXY_CONFIG_INVALID', `config ${file} is empty`, {
      hint: 'run `styxy init` in an empty folder to see a starter config',
      details: { file, problems: [{ path: '', message: 'the file is empty' }] },
    });
  }
  return result.config;
}

function explorer(options: ModuleLoadOptions) {
  const loadModule: Loader = async (file) => {
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
  };
  const loaders: Record<string, Loader> = {
    '.json': defaultLoaders['.json'],
    '.yaml': defaultLoaders['.yaml'],
    '.yml': defaultLoaders['.yml'],
    noExt: loadRc,
  };
  for (const extension of MODULE_EXTENSIONS) loaders[extension] = loadModule;
  return cosmiconfig(PACKAGE_PROPERTY, {
    searchStrategy: 'none',
    searchPlaces: [...CONFIG_FILE_NAMES],
    packageProp: PACKAGE_PROPERTY,
    cache: false,
    loaders,
  });
}

/** `.styxyrc` is JSON or YAML: JSON first when it looks like JSON, for JSON's clearer errors. */
const loadRc: Loader = (file, content) => {
  if (!/^\s*[{[]/.test(content)) return defaultLoaders.noExt(file, content);
  try {
    return defaultLoaders['.json'](file, content);
  } catch (jsonError) {
    try {
      return defaultLoaders.noExt(file, content);
    } catch {
      throw jsonError;
    }
  }
};
