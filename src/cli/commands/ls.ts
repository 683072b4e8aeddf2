/**
 * `styxy ls [--json]`: every lease on this machine. Starts no coordinator: with none running,
 * nothing is leased. The folder tells two worktrees of one repository apart (their stacks have
 * the same project and stack name). The leases of a shared service's instance are marked, with
 * the stacks using it (`shared`, `users`); those of a stack whose supervisor runs another build
 * than this command (left running by an upgrade) are marked `*` (`outdated`).
 */
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import type { LeaseInfo, StackInfo } from '../../protocol/coordinator-protocol.js';
import { age, formatTable, printJson } from '../output.js';
import { buildNote, outdated, REBUILD_FIX } from '../stack/build-note.js';
import { usersOf } from '../stack/shared-view.js';
import { shortFolder } from '../stack/short-folder.js';

type User = ReturnType<typeof usersOf>[number];

export async function run(options: { readonly json?: boolean }): Promise<number> {
  const { leases, users } = await withRunningCoordinator(
    async (client) => {
      const leases = await client.listLeases();
      // An instance's stack is always `shared-<service>` (spawn-shared.ts): without one, `ls`
      // asks for nothing more.
      const instance = leases.some((lease) => lease.stack.startsWith('shared-'));
      return { leases, users: instance ? sharedUsers(await client.listStacks()) : new Map<string, User[]>() };
    },
    () => ({ leases: [] as readonly LeaseInfo[], users: new Map<string, User[]>() }),
  );
  const usersOfLease = (lease: LeaseInfo) => (lease.stackId === null ? undefined : users.get(lease.stackId));
  if (options.json) {
    printJson({
      leases: leases.map((lease) => {
        const shared = usersOfLease(lease);
        return {
          ...lease,
          folder: lease.root === null ? null : shortFolder(lease.root),
          ...(shared ? { shared: true, users: shared } : {}),
          ...(outdated(lease.build) ? { outdated: true } : {}),
        };
      }),
    });
    return 0;
  }
  if (leases.length === 0) {
    process.stdout.write('no leases\n');
    return 0;
  }
  const anyShared = leases.some((lease) => usersOfLease(lease) !== undefined);
  const rows = leases.map((lease) => {
    const shared = usersOfLease(lease);
    return [
      String(lease.port),
      lease.type ?? '-',
      outdated(lease.build) ? `${lease.stack}*` : lease.stack,
      lease.project,
      lease.root === null ? '-' : shortFolder(lease.root),
      lease.service,
      lease.portName,
      String(lease.pid),
      age(lease.since),
      ...(anyShared ? [shared ? `${shared.length} ${shared.length === 1 ? 'stack' : 'stacks'}` : ''] : []),
    ];
  });
  const header = ['PORT', 'TYPE', 'STACK', 'PROJECT', 'FOLDER', 'SERVICE', 'NAME', 'PID', 'AGE'];
  process.stdout.write(formatTable(anyShared ? [...header, 'SHARED BY'] : header, rows));
  // A stack whose supervisor an upgrade left on the build before (cli/stack/build-note.ts).
  const old = new Map(leases.filter((lease) => outdated(lease.build)).map((lease) => [lease.stackId, lease]));
  for (const lease of old.values()) {
    const where = lease.root === null ? '' : ` (${shortFolder(lease.root)})`;
    process.stdout.write(`* ${lease.project}/${lease.stack}${where} runs ${buildNote(lease.build)}: ${REBUILD_FIX}\n`);
  }
  // Who the `SHARED BY` counts are: by folder too, as worktrees' stacks share project and name.
  const described = new Set<string>();
  for (const lease of leases) {
    const shared = usersOfLease(lease);
    if (!shared || described.has(lease.stackId!)) continue;
    described.add(lease.stackId!);
    const who = shared.map((user) => `${user.project}/${user.name} (${shortFolder(user.root)})`);
    process.stdout.write(`${lease.stack} is shared by ${who.length > 0 ? who.join(', ') : 'no stack now'}\n`);
  }
  return 0;
}

/** The stacks using each shared instance, by the instance's stack id. */
function sharedUsers(stacks: readonly StackInfo[]): Map<string, User[]> {
  const found = new Map<string, User[]>();
  for (const stack of stacks) if (stack.shared) found.set(stack.id, usersOf(stack.shared.key, stacks));
  return found;
}
