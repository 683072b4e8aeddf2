/**
 * Starts the config loader's worker early (load-module.ts `prewarmConfigLoader`) when the project
 * config that `loadProjectConfig` will load runs as code (JavaScript or TypeScript): its boot then
 * overlaps the loading of the command's own modules. Nothing for JSON and YAML configs, which
 * load in-process; nothing when no config is found (the load reports that).
 */
import { extname } from 'node:path';
import { localConfigsIn } from './discover.js';
import { MODULE_EXTENSIONS, prewarmConfigLoader } from './load-module.js';
import { locateConfig } from './locate.js';

/** One loader per file that runs as code: the config, more `-c` files, its local override. */
export function prewarmFor(cwd: string, file: readonly string[] | undefined): void {
  try {
    const found = locateConfig({ cwd, file });
    const layers = [found.file, ...found.more, ...localConfigsIn(found.root)];
    const modules = layers.filter((layer) => (MODULE_EXTENSIONS as readonly string[]).includes(extname(layer)));
    if (modules.length > 0) prewarmConfigLoader(modules.length);
  } catch {
    // No config, or several: the load says so.
  }
}
