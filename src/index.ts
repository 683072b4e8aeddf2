/**
 * The package's public API: `import { defineConfig } from 'styxy'` in a `styxy.config.ts`.
 * Keep this file free of runtime imports beyond `defineConfig` so configs load fast.
 */
export { defineConfig } from './config/define-config.js';
export type {
  DependencyCondition,
  PortOptions,
  PortSpec,
  ProbeTiming,
  ReadyCheckInput,
  RestartOptions,
  RestartPolicy,
  ServiceConfig,
  StyxyConfig,
} from './config/types.js';
