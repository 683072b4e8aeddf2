/**
 * The control socket's params, validated at the socket edge by the supervisor (unknown fields
 * ignored). The methods and results are described in protocol/control.ts.
 */
import { z } from 'zod';
import { MAX_LOG_REQUEST } from '../../protocol/control.js';

const service = z.string().min(1).max(256);
const lineCount = z.number().int().min(0).max(MAX_LOG_REQUEST);

export const controlHelloParams = z.looseObject({
  protocol: z.number().int(),
  /** Who asks (for the supervisor's log only). */
  kind: z.string().max(32).optional(),
});

export const snapshotParams = z.looseObject({});

export const logsParams = z.looseObject({ service: service.optional(), limit: lineCount.default(100) });

export const subscribeParams = z.looseObject({
  /** Only this service's lines (snapshots are always of the whole stack). */
  service: service.optional(),
  /** Whether to stream log lines at all (`ps`-like watchers only want snapshots). @default true */
  logs: z.boolean().default(true),
  /** Recent lines to return with the subscription. @default 0 */
  backlog: lineCount.default(0),
});

export const serviceParams = z.looseObject({ service });

export const stopStackParams = z.looseObject({ force: z.boolean().default(false) });
