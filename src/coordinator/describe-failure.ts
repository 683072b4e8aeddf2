/**
 * Turns a batch the chooser could not serve into the error the user reads: what was asked for,
 * what blocked it (a lease with its stack and pid, another program with its pid and command),
 * and what to run next.
 */
import type { PortRequest } from '../protocol/coordinator-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import type { ChooseFailure } from './choose-ports.js';
import type { Context } from './context.js';
import type { LeaseRecord } from './registry.js';
import { describeLeaseHolder, leaseInfo } from './views.js';

/** Leases an error lists in its details. */
const MAX_LISTED = 50;

function subject(request: PortRequest): string {
  return `"${request.service}" (${request.portName})`;
}

function checkHint(port: number): string {
  return `run \`styxy check ${port}\` to see the holder`;
}

export async function failureError(core: Context, failure: ChooseFailure): Promise<StyxyError> {
  const request = failure.request;
  switch (failure.kind) {
    case 'unknown-type': {
      const known = [...core.types.get().keys()];
      return new StyxyError('STYXY_UNKNOWN_TYPE', `unknown service type "${failure.type}" for ${subject(request)}`, {
        hint: `known types: ${known.join(', ')} (add one in ${core.info.configFile}; \`styxy types\` lists them)`,
        details: { type: failure.type, known },
      });
    }
    case 'duplicate':
      return new StyxyError(
        'STYXY_PORT_TAKEN',
        `port ${failure.port} for ${subject(request)} is asked for twice in one reservation`,
        { hint: 'give each fixed port to one service only', details: { port: failure.port } },
      );
    case 'fixed-leased':
      return new StyxyError(
        'STYXY_PORT_TAKEN',
        `port ${failure.port} for ${subject(request)} is held by ${describeLeaseHolder(core, failure.lease)}`,
        { hint: checkHint(failure.port), details: { port: failure.port, holder: holderOf(core, failure.lease) } },
      );
    case 'fixed-busy': {
      const holder = await core.effects.holderOf(failure.port);
      const who = holder?.pid
        ? `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`
        : 'an unknown process';
      return new StyxyError(
        'STYXY_PORT_TAKEN',
        `port ${failure.port} for ${subject(request)} is in use by another program: ${who}`,
        {
          hint: `stop that program, or let Styxy choose the port (drop \`fixed\`); ${checkHint(failure.port)}`,
          details: {
            port: failure.port,
            holder: { kind: 'process', pid: holder?.pid ?? null, command: holder?.command ?? null },
          },
        },
      );
    }
    case 'exhausted': {
      const [from, to] = failure.type.range;
      const parts: string[] = [];
      if (failure.leased.length > 0) parts.push(`${failure.leased.length} leased (${summarize(core, failure.leased)})`);
      if (failure.busy.length > 0)
        parts.push(`${failure.busy.length} in use by other programs (${listed(failure.busy)})`);
      if (failure.batch > 0) parts.push(`${failure.batch} taken by earlier ports of this reservation`);
      if (failure.skipped > 0)
        parts.push(`${failure.skipped} never handed out (browser-blocked or in the OS ephemeral range)`);
      return new StyxyError(
        'STYXY_RANGE_EXHAUSTED',
        `no free port for ${subject(request)} in type ${failure.type.name}'s range ${from}–${to}: ${parts.join(', ') || 'none left'}`,
        {
          hint: `run \`styxy ls\` to see the leases, or widen the range of "${failure.type.name}" in ${core.info.configFile}`,
          details: {
            type: failure.type.name,
            range: [from, to],
            // The first ones only: a wide range full of leases must not make a reply too large to send.
            leased: failure.leased.slice(0, MAX_LISTED).map((lease) => holderOf(core, lease)),
            leasedCount: failure.leased.length,
            busy: failure.busy.slice(0, MAX_LISTED),
            skipped: failure.skipped,
          },
        },
      );
    }
  }
}

function holderOf(core: Context, lease: LeaseRecord): Record<string, unknown> {
  return { kind: 'lease', ...leaseInfo(core, lease) };
}

/** `3000, 3001 and 7 more`. */
function listed(ports: readonly number[]): string {
  const shown = ports.slice(0, 20).join(', ');
  return ports.length > 20 ? `${shown} and ${ports.length - 20} more` : shown;
}

/** `stack shop/default ×3, styxy run ×2`: who holds the leases of a full range. */
function summarize(core: Context, leases: readonly LeaseRecord[]): string {
  const counts = new Map<string, number>();
  for (const lease of leases) {
    const info = leaseInfo(core, lease);
    const who = lease.stackId === null ? `\`styxy run\` pid ${info.pid}` : `stack ${info.project}/${info.stack}`;
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  const list = [...counts].map(([who, count]) => (count > 1 ? `${who} ×${count}` : who));
  return list.length > 4 ? `${list.slice(0, 4).join(', ')} and ${list.length - 4} more` : list.join(', ');
}
