/** The server side's validation of what arrives (see envelope.ts for the wire format). */
import { z } from 'zod';

const requestId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);

/** Only the id, so that a request with a bad method or params can still be answered by id. */
export const requestIdSchema = z.looseObject({ id: requestId });

export const requestSchema = z.looseObject({
  id: requestId,
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});

/** The part of a hello every version understands: the version itself. */
export const helloVersionSchema = z.looseObject({ protocol: z.number().int() });

/** A one-line summary of zod issues: `requests.0.port: expected number`. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  if (error.issues.length > limit) lines.push(`and ${error.issues.length - limit} more`);
  return lines.join('; ');
}
