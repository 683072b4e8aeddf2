/**
 * `styxy check PORT [--json]`: is the port free, and if not, who holds it: a lease (stack,
 * service, pid) or another program (pid and command, where the OS tells). Exits 0 when the port
 * is free and 1 when it is held, so scripts can write `styxy check 3000 && …`.
 */
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { isFreeOnEveryAddress } from '../../coordinator/bind-probe.js';
import { findPortHolder, processHolder } from '../../os/port-holder.js';
import type { PortCheck } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { printJson } from '../output.js';

export async function run(portText: string, options: { readonly json?: boolean }): Promise<number> {
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StyxyError('STYXY_USAGE', `"${portText}" is not a port number (1–65535)`);
  }
  const result = await checkPort(port);
  if (options.json) printJson(result);
  else process.stdout.write(`${describePortCheck(result)}\n`);
  return result.free ? 0 : 1;
}

/** Free, or who holds it (a lease, or another program); starts no coordinator. */
export function checkPort(port: number): Promise<PortCheck> {
  return withRunningCoordinator(
    (client) => client.check(port),
    // No coordinator, no leases: only other programs can hold it.
    async () => {
      if (await isFreeOnEveryAddress(port)) return { port, free: true, holder: null };
      return { port, free: false, holder: processHolder(await findPortHolder(port)) };
    },
  );
}

/** One line for people: free, or the holder. */
export function describePortCheck(result: PortCheck): string {
  const holder = result.holder;
  if (result.free || holder === null) return `port ${result.port} is free`;
  if (holder.kind === 'lease') {
    const where =
      holder.stack === 'run' ? `\`styxy run\` in ${holder.root}` : `stack ${holder.project}/${holder.stack}`;
    return `port ${result.port} is leased to ${where}: service ${holder.service} (${holder.portName}), pid ${holder.pid}, since ${holder.since}`;
  }
  if (holder.pid === null) return `port ${result.port} is in use by another program (the OS does not say which)`;
  const at = holder.address ? ` on ${holder.address}` : '';
  return `port ${result.port} is in use by another program${at}: pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
}
