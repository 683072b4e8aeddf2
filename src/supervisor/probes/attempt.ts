/** One try of a readiness probe: it passed, or why not (the last reason is shown on timeout). */
export type Attempt = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const PASSED: Attempt = { ok: true };

export function failed(reason: string): Attempt {
  return { ok: false, reason };
}

/** A short reason from a socket or spawn error: its code (`ECONNREFUSED`) or message. */
export function errorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return code === 'ECONNREFUSED' ? 'connection refused' : code;
  return error instanceof Error ? error.message : String(error);
}
