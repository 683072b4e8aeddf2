import type { StyxyConfig } from './types.js';

/**
 * Types a `styxy.config.ts`: returns the config unchanged, so editors can check and explain it.
 * Not generic on purpose: a plain `StyxyConfig` parameter gets TypeScript's excess-property check
 * at every level, so a misspelt option (`dependOn`) is flagged in the editor.
 */
export function defineConfig(config: StyxyConfig): StyxyConfig {
  return config;
}
