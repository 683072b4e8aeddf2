/**
 * `styxy ls [--json]`: every lease on this machine. Starts no coordinator: with none running,
 * nothing is leased. The folder tells two worktrees of one repository apart (their stacks have
 * the same project and stack name).
 */
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { age, formatTable, printJson } from '../output.js';
import { shortFolder } from '../stack/short-folder.js';

export async function run(options: { readonly json?: boolean }): Promise<number> {
  const leases = await withRunningCoordinator(
    (client) => client.listLeases(),
    () => [],
  );
  if (options.json) {
    printJson({
      leases: leases.map((lease) => ({ ...lease, folder: lease.root === null ? null : shortFolder(lease.root) })),
    });
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
    lease.root === null ? '-' : shortFolder(lease.root),
    lease.service,
    lease.portName,
    String(lease.pid),
    age(lease.since),
  ]);
  process.stdout.write(
    formatTable(['PORT', 'TYPE', 'STACK', 'PROJECT', 'FOLDER', 'SERVICE', 'NAME', 'PID', 'AGE'], rows),
  );
  return 0;
}
