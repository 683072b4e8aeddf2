/**
 * The words of Styxy's lifecycle lines (`api ready on :8001 in 312 ms`, `api exited with code 1,
 * restarting in 1.0 s (2/5)`). Shared by the state machine, the plain reporter and the UI.
 */

/** `312 ms`, `1.0 s`, `12 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  if (value < 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value < 60_000) return `${Math.round(value / 1000)} s`;
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.round((value % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** `exited with code 1`, `was killed by SIGKILL`. */
export function describeExit(exit: { readonly code: number | null; readonly signal: string | null }): string {
  if (exit.code !== null) return `exited with code ${exit.code}`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return 'exited';
}

/** ` on :8001` or ` on :8001, :9201`; empty for a service without ports. */
export function portsSuffix(ports: Readonly<Record<string, number>>): string {
  const list = Object.values(ports);
  return list.length === 0 ? '' : ` on ${list.map((port) => `:${port}`).join(', ')}`;
}
