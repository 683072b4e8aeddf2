/**
 * The line a supervisor writes into a service's log at each start of it (`styxy logs` shows the
 * runs in order; `--current` only what follows the last one). Wire-stable text: `logs --current`
 * of one Styxy reads the files another wrote.
 */
const PREFIX = '──── run ';

/** `──── run 2 · 2026-12-02T04:44:00.000Z · pid 4121 · :3001 ────` */
export function runSeparator(run: number, time: number, pid: number, ports: readonly number[]): string {
  const where = ports.length > 0 ? ` · ${ports.map((port) => `:${port}`).join(', ')}` : '';
  return `${PREFIX}${run} · ${new Date(time).toISOString()} · pid ${pid}${where} ────`;
}

export function isRunSeparator(stream: string, text: string): boolean {
  return stream === 'styxy' && text.startsWith(PREFIX);
}
