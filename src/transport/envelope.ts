/**
 * The envelope every Styxy socket speaks (the coordinator's and each stack's control socket).
 * Wire format: fields may be added, never renamed. Three kinds of frames, named by node-ipc's
 * event type:
 *
 * - `request` `{ id, method, params }`: ids are chosen by the sender and unique among its
 *   requests in flight on that connection (nothing else: they grant nothing).
 * - `reply` `{ id, ok: true, result }` or `{ id, ok: false, error: { code, message, hint?, details? } }`;
 *   `id` is null when the request was too broken to have one.
 * - `event` `{ event, data }`: pushed by the server.
 *
 * The first request on a connection is `hello` with `{ protocol }` (the protocol version).
 */
import { z } from 'zod';
import { StyxyError, type WireError } from '../protocol/errors.js';

export const REQUEST = 'request';
export const REPLY = 'reply';
export const EVENT = 'event';
export const HELLO = 'hello';

export type RequestId = number | string;

const requestId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);

/** Only the id, so that a request with a bad method or params can still be answered by id. */
export const requestIdSchema = z.looseObject({ id: requestId });

export const requestSchema = z.looseObject({
  id: requestId,
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});

export const wireErrorSchema = z.looseObject({
  code: z.string().max(64),
  message: z.string().max(64 * 1024),
  hint: z
    .string()
    .max(64 * 1024)
    .optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const replySchema = z.union([
  z.looseObject({ id: requestId.nullable(), ok: z.literal(true), result: z.unknown().optional() }),
  z.looseObject({ id: requestId.nullable(), ok: z.literal(false), error: wireErrorSchema }),
]);

export const eventSchema = z.looseObject({ event: z.string().min(1).max(64), data: z.unknown().optional() });

/** The part of a hello every version understands: the version itself. */
export const helloVersionSchema = z.looseObject({ protocol: z.number().int() });

export type Reply =
  | { readonly id: RequestId | null; readonly ok: true; readonly result: unknown }
  | { readonly id: RequestId | null; readonly ok: false; readonly error: WireError };

export function okReply(id: RequestId | null, result: unknown): Reply {
  return { id, ok: true, result: result ?? null };
}

export function errorReply(id: RequestId | null, error: StyxyError): Reply {
  return { id, ok: false, error: error.toWire() };
}

/** A one-line summary of zod issues: `requests.0.port: expected number`. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  if (error.issues.length > limit) lines.push(`and ${error.issues.length - limit} more`);
  return lines.join('; ');
}

export function badRequest(message: string, details?: Record<string, unknown>): StyxyError {
  return new StyxyError('STYXY_BAD_REQUEST', message, details === undefined ? {} : { details });
}
