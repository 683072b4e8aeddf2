/**
 * Imported first by an entry point whose other imports all load on an older Node (the
 * coordinator's): evaluated before them, it refuses an old Node there (os/node-version.ts).
 * Entry points with imports that fail to load on an older Node check, then `await import()`.
 */
import { exitIfNodeTooOld } from './node-version.js';

exitIfNodeTooOld();
