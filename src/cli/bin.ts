#!/usr/bin/env node
/**
 * The `styxy` executable, kept tiny: it checks the Node version before anything else loads
 * (an older Node would fail inside a dependency), makes a closed pipe end the command quietly,
 * then loads the CLI.
 */
import { exitIfNodeTooOld } from '../os/node-version.js';
import { exitQuietlyOnEpipe } from './quiet-epipe.js';

exitIfNodeTooOld();
exitQuietlyOnEpipe(process.stdout);
exitQuietlyOnEpipe(process.stderr);
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
