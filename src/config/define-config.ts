import type { StyxyConfig } from './types.js';

/** Types a `styxy.config.ts`: returns the config unchanged, so editors can check and explain it. */
export function defineConfig<const T extends StyxyConfig>(config: T): T {
  return config;
}
