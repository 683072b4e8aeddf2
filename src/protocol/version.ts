import { readFileSync } from 'node:fs';
import { packageFile } from './package-root.js';

/**
 * The version of the coordinator's wire protocol (methods, params and results in
 * coordinator-protocol.ts). Bump it on any change an older peer would misread; a client and a
 * coordinator of different versions refuse each other at hello and tell the user to run
 * `styxy daemon stop` (the next command starts a coordinator of its own version).
 * 3: registerStop, acquireShared and planPorts; the `unhealthy` and `off` statuses in stack states
 * (a coordinator of 2 refuses them).
 */
export const PROTOCOL_VERSION = 3;

/** Styxy's package version (from its package.json). */
export const STYXY_VERSION: string = (
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }
).version;
