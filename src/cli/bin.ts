#!/usr/bin/env node
/**
 * The `styxy` executable, kept tiny: it checks the Node version before anything else loads
 * (an older Node would fail inside a dependency), makes a closed pipe end the command quietly,
 * keeps a long-lived command's chunks (docs/architecture.md, "Upgrades"), then loads the CLI.
 */
import { exitIfNodeTooOld } from '../os/node-version.js';
import { isLongLived } from './long-lived.js';
import { exitQuietlyOnEpipe } from './quiet-epipe.js';

exitIfNodeTooOld();
exitQuietlyOnEpipe(process.stdout);
exitQuietlyOnEpipe(process.stderr);
// Only a long-lived command reads its chunks (kept-chunks is imported for it alone), so a short
// one (`styxy port`) reads nothing more. For a foreground `up`: 117 chunks, 1.86 MB read
// in 11-14 ms (measured on this build; bytes go as the chunks load).
if (isLongLived(process.argv.slice(2))) (await import('../os/kept-chunks.js')).keepChunks('cli/bin.js');
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
