/**
 * A rival lease taker of scenario 2: boots, waits for "go" on stdin (sent the moment the
 * coordinator has been killed), then connects — starting a coordinator if none runs yet — and
 * leases an `api` and a `dev` port at once, racing the live stacks' re-claims for the new
 * coordinator's first grants. Prints `{"ports":[…]}`, holds them until stdin closes, releases.
 *
 * Usage: node --experimental-strip-types rival.ts   (STYXY_HOME from the environment; runs dist/)
 */
import { connectCoordinator } from '../../dist/client/coordinator-client.js';

const lines = process.stdin.setEncoding('utf8');
let input = '';
await new Promise<void>((resolve) => {
  lines.on('data', (text: string) => {
    input += text;
    if (input.includes('go\n')) resolve();
  });
  lines.once('end', () => process.exit(0));
});

const client = await connectCoordinator({ kind: 'cli', timeoutMs: 30_000 });
const leases = await client.reserve({
  requests: [
    { service: `rival-${process.pid}`, portName: 'API', type: 'api', preferred: null, fixed: null },
    { service: `rival-${process.pid}`, portName: 'WEB', type: 'dev', preferred: null, fixed: null },
  ],
});
process.stdout.write(`${JSON.stringify({ ports: leases.map((lease) => lease.port) })}\n`);
await new Promise((resolve) => lines.once('end', resolve));
await client.release();
await client.close();
process.exit(0);
