/** The services table as cells: what each column shows for a service. */
import type { ServiceSnapshot } from '../../protocol/stack.js';
import { textWidth } from '../text/width.js';
import { type Column, columnsFor } from './columns.js';
import { formatNote, formatPorts, formatUptime, serviceLabel, sharedMarker } from './format.js';
import { SPINNER, STATUS_STYLE } from './theme.js';

export function tableColumns(services: readonly ServiceSnapshot[], width: number): Column[] {
  const longest = (texts: string[]) => texts.reduce((max, text) => Math.max(max, textWidth(text)), 0);
  return columnsFor(width, {
    name: longest(services.map(serviceLabel)),
    marker: longest(services.map(sharedMarker)),
    ports: longest(services.map((s) => formatPorts(s.ports))),
    note: longest(services.map(formatNote)),
  });
}

/** The status cell: icon (or spinner frame) and the status word. */
export function statusText(service: ServiceSnapshot, frame: number): string {
  const icon = service.status === 'starting' ? SPINNER[frame % SPINNER.length]! : STATUS_STYLE[service.status].icon;
  return `${icon} ${service.status}`;
}

export function cellText(column: Column, service: ServiceSnapshot, now: number, frame: number): string {
  switch (column.id) {
    case 'name':
      return serviceLabel(service);
    case 'status':
      return statusText(service, frame);
    case 'ports':
      return formatPorts(service.ports) || '-';
    case 'pid':
      return service.pid === null ? '-' : String(service.pid);
    case 'uptime':
      return formatUptime(service, now);
    case 'restarts':
      return String(service.restarts);
    case 'note':
      return formatNote(service);
  }
}
