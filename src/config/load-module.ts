/**
 * JavaScript and TypeScript configs, loaded through jiti: enums, `satisfies` and imports of other
 * `.ts` files work, and nothing is written beside the user's files (jiti's cache lives under
 * `$STYXY_HOME/cache`, or is off). `.js`/`.mjs`/`.cjs` go through jiti too, so that
 * `import { defineConfig } from 'styxy'` resolves in every form, even where Styxy is not
 * installed in the project (a global install, this repo's examples/): `styxy` is aliased to this
 * package's own entry.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

/** This package's entry: src/index.ts when running from source (tests), dist/index.js when built. */
const OWN_ENTRY = fileURLToPath(new URL(`../index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export interface ModuleLoadOptions {
  /** jiti's transform cache folder, or false for none. */
  readonly cacheDir: string | false;
}

export type ModuleExport =
  | { readonly kind: 'default'; readonly value: unknown }
  /** An ES module without a default export: its named exports. */
  | { readonly kind: 'named-only'; readonly names: string[] };

/** Imports `file` fresh (no module cache: a changed config is read again) and returns its default export. */
export async function importConfigModule(file: string, options: ModuleLoadOptions): Promise<ModuleExport> {
  // Loaded on first use: JSON and YAML configs never need it.
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, {
    fsCache: options.cacheDir,
    moduleCache: false,
    interopDefault: true,
    alias: { styxy: OWN_ENTRY },
  });
  const module = (await jiti.import(file)) as Record<string, unknown>;
  if (Object.hasOwn(module, 'default')) return { kind: 'default', value: await module.default };
  // An ES module (jiti marks it `__esModule`) without a default export; otherwise CommonJS
  // `module.exports = { … }` (in a .cts, or a .js without "type": "module"), which is the config.
  if (Object.hasOwn(module, '__esModule')) return { kind: 'named-only', names: Object.keys(module) };
  return { kind: 'default', value: { ...module } };
}
