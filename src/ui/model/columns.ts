/**
 * The services table's columns for a terminal width. Name and status always show; the others
 * join in order of importance while they fit (ports, restarts, uptime, pid, note), so a narrow
 * terminal drops columns instead of wrapping rows. Ports and the note then share what is left.
 */

export type ColumnId = 'name' | 'status' | 'ports' | 'pid' | 'uptime' | 'restarts' | 'note';

export interface Column {
  readonly id: ColumnId;
  readonly title: string;
  readonly width: number;
}

/** Widths the content would like (longest cell of each flexible column). */
export interface NaturalWidths {
  readonly name: number;
  /** The longest shared-service marker after a name (` (shared · 2 stacks)`), beyond the names' cap. */
  readonly marker?: number;
  readonly ports: number;
  readonly note: number;
}

/** The selection marker in front of each row ("▸ "). */
export const MARKER_WIDTH = 2;
export const GAP = 2;
const STATUS_WIDTH = 11; // icon, space, "completed"
const ORDER: readonly ColumnId[] = ['name', 'status', 'ports', 'pid', 'uptime', 'restarts', 'note'];
const TITLES: Record<ColumnId, string> = {
  name: 'SERVICE',
  status: 'STATUS',
  ports: 'PORTS',
  pid: 'PID',
  uptime: 'UPTIME',
  restarts: 'RESTARTS',
  note: 'NOTE',
};
/** Optional columns, most important first, with the least width worth showing. */
const OPTIONAL: readonly { readonly id: ColumnId; readonly min: number }[] = [
  { id: 'ports', min: 10 },
  { id: 'restarts', min: 8 },
  { id: 'uptime', min: 7 },
  { id: 'pid', min: 7 },
  { id: 'note', min: 10 },
];

export function columnsFor(width: number, natural: NaturalWidths): Column[] {
  const budget = Math.max(0, width - MARKER_WIDTH);
  const widths = new Map<ColumnId, number>();
  const name = Math.max(TITLES.name.length, Math.min(24 + (natural.marker ?? 0), natural.name));
  widths.set('name', Math.max(4, Math.min(name, budget - GAP - STATUS_WIDTH)));
  widths.set('status', STATUS_WIDTH);
  let used = widths.get('name')! + GAP + STATUS_WIDTH;
  for (const { id, min } of OPTIONAL) {
    if (used + GAP + min > budget) break; // strictly by importance: no less important column jumps in
    widths.set(id, min);
    used += GAP + min;
  }
  // Share the rest: ports up to their natural width first, then the note.
  let spare = budget - used;
  for (const id of ['ports', 'note'] as const) {
    const current = widths.get(id);
    if (current === undefined) continue;
    const wanted = Math.max(current, id === 'ports' ? natural.ports : natural.note);
    const grow = Math.min(spare, wanted - current);
    widths.set(id, current + grow);
    spare -= grow;
  }
  return ORDER.filter((id) => widths.has(id)).map((id) => ({ id, title: TITLES[id], width: widths.get(id)! }));
}
