/**
 * What each method of a stack's control socket accepts: validated at the socket edge by the
 * supervisor (unknown fields dropped: `z.object` strips them, as for the coordinator's params).
 * No client loads it: they take its types alone (control-protocol.ts, the method map).
 */
import { z } from 'zod';
import { type ControlMethod, MAX_INPUT_LENGTH, MAX_LOG_REQUEST } from './control-protocol.js';

const service = z.string().min(1).max(256);
const lineCount = z.number().int().min(0).max(MAX_LOG_REQUEST);

export const controlHelloParams = z.object({
  protocol: z.number().int(),
  /** Who asks (for the supervisor's log only). */
  kind: z.string().max(32).optional(),
});

export const snapshotParams = z.object({});

export const logsParams = z.object({ service: service.optional(), limit: lineCount.default(100) });

export const subscribeParams = z.object({
  /** Only this service's lines (snapshots are always of the whole stack). */
  service: service.optional(),
  /** Whether to stream log lines at all (`ps`-like watchers only want snapshots). @default true */
  logs: z.boolean().default(true),
  /** Recent lines to return with the subscription. @default 0 */
  backlog: lineCount.default(0),
});

export const serviceParams = z.object({ service });

/**
 * Typed input for a service's stdin or terminal: at most MAX_INPUT_LENGTH characters a request
 * (a paste of a few pages; a longer one is sent in parts).
 */
export const inputParams = z.object({ service, data: z.string().min(1).max(MAX_INPUT_LENGTH) });

export const stopStackParams = z.object({ force: z.boolean().default(false) });

/** Nothing: the supervisor reloads its config from where it loaded it. */
export const applyConfigParams = z.object({});

/** Each method's params (`hello` included): the supervisor validates every request with these. */
export const CONTROL_PARAMS = {
  hello: controlHelloParams,
  snapshot: snapshotParams,
  logs: logsParams,
  subscribe: subscribeParams,
  unsubscribe: snapshotParams,
  restartService: serviceParams,
  stopService: serviceParams,
  startService: serviceParams,
  input: inputParams,
  stopStack: stopStackParams,
  applyConfig: applyConfigParams,
} as const satisfies Record<ControlMethod, z.ZodType>;
