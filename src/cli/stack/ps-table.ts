/** `styxy ps` for people: a line about the stack, then one row per service. */

import { sharedMarker } from '../../ui/model/format.js';
import { age, formatTable } from '../output.js';
import { buildNote, REBUILD_FIX } from './build-note.js';
import type { PsDocument } from './ps-document.js';
import { shortFolder } from './short-folder.js';

/** `8001` for a lone PORT; `8001 ADMIN_PORT=4001` when there are more. */
export function formatPorts(ports: Readonly<Record<string, number>>): string {
  const entries = Object.entries(ports);
  if (entries.length === 0) return '-';
  return entries.map(([name, port]) => (name === 'PORT' ? String(port) : `${name}=${port}`)).join(' ');
}

export function formatPs(document: PsDocument, now: number = Date.now()): string {
  const { stack, services } = document;
  const title =
    `${stack.project}/${stack.name}  ${stack.phase}  pid ${stack.pid}${stack.detached ? ' (background)' : ''}  ${shortFolder(stack.root)}\n` +
    (stack.outdated ? `note: its supervisor runs ${buildNote(stack.build)}: ${REBUILD_FIX}\n` : '');
  if (services.length === 0) return `${title}(no services reported yet)\n`;
  const notes = services.some((service) => service.detail);
  const header = ['SERVICE', 'STATUS', 'PORTS', 'PID', 'UPTIME', 'RESTARTS', ...(notes ? ['NOTE'] : [])];
  const rows = services.map((service) => [
    // The TUI's marker, so both read `db (shared · 2 stacks)`.
    `${service.name}${sharedMarker(service)}`,
    service.status,
    formatPorts(service.ports),
    service.pid === null ? '-' : String(service.pid),
    service.uptimeMs === null ? '-' : age(now - service.uptimeMs, now),
    String(service.restarts),
    ...(notes ? [service.detail ?? ''] : []),
  ]);
  return title + formatTable(header, rows);
}
