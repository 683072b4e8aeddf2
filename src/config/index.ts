/** The config module's API: what the CLI and the supervisor call. */

export { envName } from './check-stack.js';
export { defineConfig } from './define-config.js';
export { CONFIG_FILE_NAMES, configsIn } from './discover.js';
export { findReferences, interpolate, type PortReference, type StackPorts } from './interpolate.js';
export { type LoadProjectConfigOptions, loadProjectConfig } from './load.js';
export { type LocateConfigOptions, locateConfig } from './locate.js';
export type { ConfigProblem } from './problems.js';
export { selectServices } from './select-services.js';
export type * from './types.js';
