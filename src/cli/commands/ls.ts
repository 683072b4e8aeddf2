/**
 * `styxy ls [--json]`: every lease on this machine. Starts no coordinator: with none running,
 * nothing is leased.
 */
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { age, formatTable, printJson } from '../output.js';

export async function run(options: { readonly json?: boolean }): Promise<number> {
  const leases = await withRunningCoordinator(
    (client) => client.listLeases(),
    () => [],
  );
  if (options.json) {
    printJson({ leases });
    return 0;
  }
  if (leases.length === 0) {
    process.stdout.write('no leases\n');
    return 0;
  }
  const rows = leases.map((lease) => [
    String(lease.port),
    lease.type ?? '-',
    lease.stack,
    lease.project,
    lease.service,
    lease.portName,
    String(lease.pid),
    age(lease.since),
  ]);
  process.stdout.write(formatTable(['PORT', 'TYPE', 'STACK', 'PROJECT', 'SERVICE', 'NAME', 'PID', 'AGE'], rows));
  return 0;
}
