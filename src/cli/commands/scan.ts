/**
 * `styxy scan [FROM-TO] [--json]`: every listening TCP port in the range (default: every service
 * type's range) with its holder, a lease or another program (scan/scan-ports.ts).
 */
import { formatTable, printJson } from '../output.js';
import { parseRange, type ScanDocument, type ScannedPort, scanPorts } from '../scan/scan-ports.js';
import { shortFolder } from '../stack/short-folder.js';

export async function run(range: string | undefined, options: { readonly json?: boolean }): Promise<number> {
  const document = await scanPorts(range === undefined ? null : [parseRange(range)]);
  if (options.json) {
    printJson(document);
    return 0;
  }
  process.stdout.write(formatScan(document));
  return 0;
}

/** The scan for people: a table, or that nothing listens (also the MCP `scan` tool's text). */
export function formatScan(document: ScanDocument): string {
  const scanned = document.ranges.map(([from, to]) => (from === to ? `${from}` : `${from}–${to}`)).join(', ');
  if (document.ports.length === 0) return `nothing listens on ${scanned}\n`;
  return formatTable(['PORT', 'ADDRESS', 'PID', 'HELD BY', 'FOLDER'], document.ports.map(row));
}

function row(entry: ScannedPort): string[] {
  const { holder } = entry;
  const pid = holder.kind === 'lease' ? (holder.process.pid ?? holder.pid) : holder.pid;
  const heldBy =
    holder.kind === 'lease'
      ? holder.stack === 'run'
        ? `styxy run: ${holder.service} (${holder.portName})`
        : `${holder.project}/${holder.stack} ${holder.service} (${holder.portName})`
      : (holder.command ?? (holder.pid === null ? 'another program (the OS does not say which)' : '?'));
  const folder = holder.kind === 'lease' ? holder.folder : holder.cwd === null ? null : shortFolder(holder.cwd);
  return [String(entry.port), entry.addresses.join(' '), pid === null ? '-' : String(pid), heldBy, folder ?? '-'];
}
