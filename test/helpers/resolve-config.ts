/**
 * Turns an inline `StyxyConfig` into the `ResolvedConfig` the supervisor runs from, through the
 * real validation and resolution of src/config (as if written to `<root>/styxy.config.ts`), so
 * supervisor tests read like the configs users write and never drift from the loader.
 */
import { join } from 'node:path';
import { nodeFiles } from '../../src/config/load.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { ResolvedConfig, StyxyConfig } from '../../src/config/types.js';
import { homePaths } from '../../src/protocol/home.js';
import { loadServiceTypes } from '../../src/protocol/service-types.js';

export function resolveTestConfig(root: string, config: StyxyConfig, home?: string): ResolvedConfig {
  const types = loadServiceTypes(homePaths(home ?? process.env.STYXY_HOME ?? root).config);
  const result = resolveConfig({ name: 'test', ...config }, join(root, 'styxy.config.ts'), {
    root,
    types,
    files: nodeFiles,
  });
  if (!result.ok) {
    throw new Error(`invalid test config:\n${result.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
  return result.config;
}
