/**
 * `styxy scan` as a function (the command, and `styxy mcp`'s `scan` tool): every TCP port
 * listening in the ranges asked for, with its holder — a lease (its stack, service and folder)
 * or another program (pid, command and working folder, when the OS shows them to this user).
 * Reads the OS's socket tables once and walks /proc once for the whole range
 * (os/port-holder.ts, what `check` uses for one port); elsewhere, `lsof` per port.
 * Starts no coordinator: with none, nothing is leased.
 *
 * Wire format (`scan --json`): fields may be added, never renamed.
 */
import { readlink } from 'node:fs/promises';
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { findPortHolder, type ListeningSocket, listeningSockets, socketOwners } from '../../os/port-holder.js';
import type { LeaseInfo } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { homePaths } from '../../protocol/home.js';
import { loadServiceTypes } from '../../protocol/service-types.js';
import { shortFolder } from '../stack/short-folder.js';

/** A range of ports, both ends included. */
export type PortRange = readonly [from: number, to: number];

/** The program listening, as far as the OS tells this user (nulls where it does not). */
export interface ScanProcess {
  readonly pid: number | null;
  readonly command: string | null;
  /** Its working folder, when readable. */
  readonly cwd: string | null;
}

export type ScanHolder =
  | ({ readonly kind: 'lease' } & LeaseInfo & { readonly folder: string | null; readonly process: ScanProcess })
  | ({ readonly kind: 'process' } & ScanProcess);

export interface ScannedPort {
  readonly port: number;
  /** The local addresses it listens on (`0.0.0.0`, `::`, `127.0.0.1`…). */
  readonly addresses: readonly string[];
  readonly holder: ScanHolder;
}

export interface ScanDocument {
  /** The ranges scanned. */
  readonly ranges: readonly PortRange[];
  readonly ports: readonly ScannedPort[];
}

/** `3000-3099` (or one port, `3000`) as a range; a usage error otherwise. */
export function parseRange(text: string): PortRange {
  const match = /^(\d{1,5})(?:\s*[-–:]\s*(\d{1,5}))?$/.exec(text.trim());
  const from = Number(match?.[1]);
  const to = match?.[2] === undefined ? from : Number(match[2]);
  if (!match || from < 1 || to > 65535 || from > to) {
    throw new StyxyError('STYXY_USAGE', `"${text}" is not a port range (FROM-TO, 1–65535, FROM ≤ TO)`, {
      hint: 'for example `styxy scan 3000-3099`',
    });
  }
  return [from, to];
}

/** The ranges of every service type (the defaults with `$STYXY_HOME/config.json`), merged. */
export function managedRanges(home?: string): PortRange[] {
  const ranges = loadServiceTypes(homePaths(home).config)
    .map(({ range }) => [range[0], range[1]] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

export async function scanPorts(
  ranges: readonly PortRange[] | null,
  options: { readonly home?: string } = {},
): Promise<ScanDocument> {
  const scanned = ranges ?? managedRanges(options.home);
  const inRange = (port: number) => scanned.some(([from, to]) => port >= from && port <= to);
  const leases = await withRunningCoordinator(
    (client) => client.listLeases(),
    () => [] as LeaseInfo[],
    options.home === undefined ? {} : { home: options.home },
  );
  const leased = new Map(leases.map((lease) => [lease.port, lease]));
  const listening = await listeningPorts(inRange);
  const ports: ScannedPort[] = [];
  for (const [port, found] of [...listening].sort((a, b) => a[0] - b[0])) {
    const lease = leased.get(port);
    ports.push({
      port,
      addresses: found.addresses,
      holder: lease
        ? {
            kind: 'lease',
            ...lease,
            folder: lease.root === null ? null : shortFolder(lease.root),
            process: found.process,
          }
        : { kind: 'process', ...found.process },
    });
  }
  return { ranges: scanned, ports };
}

interface Listening {
  readonly addresses: string[];
  process: ScanProcess;
}

/** Listening ports for which `wanted` holds, each with its addresses and program. */
async function listeningPorts(wanted: (port: number) => boolean): Promise<Map<number, Listening>> {
  const found = new Map<number, Listening>();
  if (process.platform !== 'linux') return lsofPorts(wanted);
  const sockets = (await listeningSockets()).filter((socket) => wanted(socket.port));
  const owners = await socketOwners(sockets);
  const byPort = new Map<number, ListeningSocket[]>();
  for (const socket of sockets) byPort.set(socket.port, [...(byPort.get(socket.port) ?? []), socket]);
  for (const [port, list] of byPort) {
    const owner = list.map((socket) => owners.get(socket.inode)).find((o) => o !== undefined);
    found.set(port, {
      addresses: [...new Set(list.map((socket) => socket.address))],
      process: {
        pid: owner?.pid ?? null,
        command: owner?.command ?? null,
        cwd: owner ? await readlink(`/proc/${owner.pid}/cwd`).catch(() => null) : null,
      },
    });
  }
  return found;
}

/** Elsewhere: ask `lsof` about each leased or listening port it lists (no working folder). */
async function lsofPorts(wanted: (port: number) => boolean): Promise<Map<number, Listening>> {
  const found = new Map<number, Listening>();
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((resolve) =>
    execFile('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN', '-Fn'], { timeout: 5000, encoding: 'utf8' }, (_error, out) =>
      resolve(out ?? ''),
    ),
  );
  const ports = new Set<number>();
  for (const match of stdout.matchAll(/^n.*:(\d+)$/gm)) if (wanted(Number(match[1]))) ports.add(Number(match[1]));
  for (const port of ports) {
    const holder = await findPortHolder(port);
    found.set(port, {
      addresses: holder?.address ? [holder.address] : [],
      process: { pid: holder?.pid ?? null, command: holder?.command ?? null, cwd: null },
    });
  }
  return found;
}
