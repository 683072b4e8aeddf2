/**
 * `styxy top`'s table, pure: one row per stack of the user (folder, stack, status, pid, ports,
 * shared services), and the width of each column for a terminal of a given width.
 */
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import type { StackPhase } from '../../protocol/stack.js';

/** What the feed of `styxy top` holds: the stacks as the coordinator lists them, or none running. */
export interface TopSnapshot {
  readonly stacks: readonly StackInfo[];
  /** False while no coordinator runs (then no stack does). */
  readonly coordinator: boolean;
}

export interface TopRow {
  readonly id: string;
  readonly phase: StackPhase;
  /** Some service failed or is unhealthy: the status is shown in red. */
  readonly trouble: boolean;
  readonly cells: Readonly<Record<TopColumn, string>>;
}

export const TOP_COLUMNS = ['folder', 'stack', 'status', 'pid', 'ports', 'shared'] as const;
export type TopColumn = (typeof TOP_COLUMNS)[number];
export const TOP_TITLES: Readonly<Record<TopColumn, string>> = {
  folder: 'FOLDER',
  stack: 'STACK',
  status: 'STATUS',
  pid: 'PID',
  ports: 'PORTS',
  shared: 'SHARED',
};

const UP = new Set(['ready', 'running', 'completed']);
const TROUBLE = new Set(['failed', 'unhealthy', 'exited']);

/** The rows, sorted by folder then stack name; `folder` shortens a project root for the screen. */
export function topRows(stacks: readonly StackInfo[], folder: (root: string) => string): TopRow[] {
  return [...stacks]
    .sort((a, b) => a.root.localeCompare(b.root) || a.name.localeCompare(b.name))
    .map((stack) => {
      const up = stack.services.filter((service) => UP.has(service.status)).length;
      const count = stack.services.length;
      const ports = stack.services
        .filter((service) => Object.keys(service.ports).length > 0)
        .map((service) => `${service.name}:${Object.values(service.ports).join(',')}`);
      const shared = stack.services.filter((service) => service.shared).map((service) => service.name);
      return {
        id: stack.id,
        phase: stack.phase,
        trouble: stack.services.some((service) => TROUBLE.has(service.status)),
        cells: {
          folder: folder(stack.root),
          stack: `${stack.project}/${stack.name}`,
          status: count === 0 ? stack.phase : `${stack.phase} ${up}/${count} up`,
          pid: String(stack.pid),
          ports: ports.join(' ') || '-',
          shared: shared.join(' ') || '-',
        },
      };
    });
}

/** Column widths for `width` columns of terminal (after the two of the selection mark). */
export function topWidths(rows: readonly TopRow[], width: number): Record<TopColumn, number> {
  const widths = {} as Record<TopColumn, number>;
  for (const column of TOP_COLUMNS) {
    widths[column] = Math.max(TOP_TITLES[column].length, ...rows.map((row) => row.cells[column].length));
  }
  widths.folder = Math.min(widths.folder, 40);
  widths.stack = Math.min(widths.stack, 30);
  // Ports take what is left between the others (at least their title), shared comes last.
  const others = TOP_COLUMNS.filter((c) => c !== 'ports').reduce((sum, c) => sum + widths[c] + 2, 0);
  widths.ports = Math.max(TOP_TITLES.ports.length, Math.min(widths.ports, width - 2 - others - 2));
  return widths;
}
