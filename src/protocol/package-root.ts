/**
 * Files of the package itself (package.json, the programs Node is asked to start), from any copy of
 * the code: src/ (tests run the sources), tsc's dist/, or a bundled chunk. Each of these modules
 * sits two folders below the package root — src/protocol/, dist/protocol/, and every bundled file
 * (dist/cli/, dist/coordinator/, dist/supervisor/, dist/chunks/: scripts/build.mjs checks it) —
 * so the root is `../../` from here wherever this code was copied to.
 */
import { fileURLToPath } from 'node:url';

/** The absolute path of `path` (relative to the package root, `/`-separated). */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(`../../${path}`, import.meta.url));
}

/** True when running the TypeScript sources (tests), not a build. */
export const RUNNING_SOURCES = import.meta.url.endsWith('.ts');
