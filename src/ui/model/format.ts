/** Cell texts of the services table and the header. */
import type { ServiceSnapshot } from '../../protocol/stack.js';

/** `42s`, `3m12s`, `2h05m`, `3d04h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

/** `PORT=3001 DEBUG=9201`, in config order. */
export function formatPorts(ports: Readonly<Record<string, number>>): string {
  return Object.entries(ports)
    .map(([name, port]) => `${name}=${port}`)
    .join(' ');
}

/** How long the current process has run, while it runs. */
export function formatUptime(service: ServiceSnapshot, now: number): string {
  return service.startedAt !== null && service.pid !== null ? formatDuration(now - service.startedAt) : '-';
}

/** What the note column says: the supervisor's detail, else how the last process ended. */
export function formatNote(service: ServiceSnapshot): string {
  if (service.detail) return service.detail;
  const exit = service.lastExit;
  if (!exit || service.pid !== null || service.status === 'completed') return '';
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code ?? '?'}`;
}

/**
 * What follows a shared service's name in the table: a text marker (readable without colour),
 * with how many stacks use it (this one included).
 */
export function sharedMarker(service: ServiceSnapshot): string {
  if (!service.shared) return '';
  const users = service.users?.length ?? 0;
  return users === 0 ? ' (shared)' : ` (shared · ${users} ${users === 1 ? 'stack' : 'stacks'})`;
}

/** The name cell: the name, and the shared marker. */
export function serviceLabel(service: ServiceSnapshot): string {
  return service.name + sharedMarker(service);
}

type StackName = Pick<NonNullable<ServiceSnapshot['users']>[number], 'project' | 'name' | 'root'>;

/**
 * `shop/feature-x, shop/main`: the stacks using a shared service, as its question and the CLI
 * name them. Worktrees of one repository often run stacks of the same project and name, so two
 * that would read the same get their folder's last part: `shop/default (wt-a), shop/default (wt-b)`.
 */
export function stackNames(stacks: readonly StackName[]): string {
  const title = (stack: StackName) => `${stack.project}/${stack.name}`;
  const titles = stacks.map(title);
  return stacks
    .map((stack, index) => {
      const same = titles.filter((other) => other === titles[index]).length > 1;
      return same ? `${titles[index]} (${stack.root.split('/').filter(Boolean).at(-1) ?? stack.root})` : titles[index];
    })
    .join(', ');
}
