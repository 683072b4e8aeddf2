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
 *
 * This file has no zod on purpose: clients (every CLI command) load it, and zod alone costs a
 * CLI start about 100 ms. The server validates requests with envelope-schemas.ts; clients read
 * replies with the small guards below.
 */
import { StyxyError, type WireError } from '../protocol/errors.js';

export const REQUEST = 'request';
export const REPLY = 'reply';
export const EVENT = 'event';
export const HELLO = 'hello';

export type RequestId = number | string;

export type Reply =
  | { readonly id: RequestId | null; readonly ok: true; readonly result: unknown }
  | { readonly id: RequestId | null; readonly ok: false; readonly error: WireError };

export function okReply(id: RequestId | null, result: unknown): Reply {
  return { id, ok: true, result: result ?? null };
}

export function errorReply(id: RequestId | null, error: StyxyError): Reply {
  return { id, ok: false, error: error.toWire() };
}

export function badRequest(message: string, details?: Record<string, unknown>): StyxyError {
  return new StyxyError('STYXY_BAD_REQUEST', message, details === undefined ? {} : { details });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isId(value: unknown): value is RequestId | null {
  return value === null || (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'string';
}

/** A reply frame's data, or null when it is not one. */
export function readReply(data: unknown): Reply | null {
  if (!isObject(data) || !isId(data.id)) return null;
  if (data.ok === true) return { id: data.id, ok: true, result: data.result };
  const error = data.error;
  if (data.ok !== false || !isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return null;
  }
  return {
    id: data.id,
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      ...(typeof error.hint === 'string' ? { hint: error.hint } : {}),
      ...(isObject(error.details) ? { details: error.details } : {}),
    },
  };
}

/** An event frame's data, or null when it is not one. */
export function readEvent(data: unknown): { event: string; data: unknown } | null {
  if (!isObject(data) || typeof data.event !== 'string' || data.event.length === 0) return null;
  return { event: data.event, data: data.data };
}
