/**
 * How the terminal's rows are shared: header, table heading, service rows, the log pane's title,
 * the log lines, the key bar. The table gets at most half of what is left, so many services never
 * squeeze the logs away; the table then scrolls with the selection.
 */

/** Rows that are not service rows or log lines. */
export const CHROME_ROWS = 4;

export interface Layout {
  readonly tableRows: number;
  readonly logRows: number;
}

export function layoutFor(rows: number, services: number): Layout {
  const body = Math.max(0, rows - CHROME_ROWS);
  const tableRows = Math.min(services, Math.max(1, Math.floor(body / 2)));
  return { tableRows, logRows: Math.max(1, body - tableRows) };
}

/** First service row shown, so that `selected` is visible (centred once the table scrolls). */
export function tableStart(selected: number, services: number, rows: number): number {
  if (services <= rows) return 0;
  return Math.max(0, Math.min(services - rows, selected - Math.floor(rows / 2)));
}
