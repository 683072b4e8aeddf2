/**
 * What each of the coordinator's methods accepts: validated at the socket edge by the coordinator
 * (unknown fields ignored), and what state.json holds (state-file.ts). No client loads it: they
 * take its types alone (coordinator-protocol.ts, the method map), so no short command loads zod.
 * Wire format: fields may be added, never renamed; a change an older peer would misread bumps
 * PROTOCOL_VERSION (version.ts).
 */
import { z } from 'zod';
import type { CoordinatorMethod } from './coordinator-protocol.js';
import { ENV_NAME } from './names.js';
import { STACK_NAME_PATTERN } from './stack-id.js';

export const port = z.number().int().min(1).max(65535);
const pid = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
const text = (max = 4096) => z.string().max(max);
const name = z.string().min(1).max(256);
const portName = z.string().regex(ENV_NAME, 'must be an environment variable name');
const stackId = z.string().min(1).max(256);
/** Run tokens (os/tag.ts) and owner tokens: long random strings. */
const token = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be a token of 8–128 letters, digits, - or _');
const typeName = z.string().min(1).max(64);

export const helloParams = z.looseObject({
  protocol: z.number().int(),
  /** The client's own pid: its leases live as long as this process (checked with its start time). */
  pid,
  kind: z.string().min(1).max(32),
  /** The client's working folder: the project of `styxy run` leases. */
  cwd: text(),
  /** The client's Styxy version (for the log). */
  version: text(64),
  /** The owner token of an earlier connection of this process, to resume that owner. */
  resume: token.optional(),
});
export type HelloParams = z.infer<typeof helloParams>;

export const portRequest = z
  .looseObject({
    service: name,
    portName,
    type: typeName.nullable(),
    preferred: port.nullable(),
    fixed: port.nullable(),
  })
  .refine((request) => request.type !== null || request.fixed !== null, {
    message: 'a port request needs a type unless it is fixed',
  });

export const reserveParams = z.looseObject({
  stackId: stackId.nullable().optional(),
  requests: z.array(portRequest).min(1).max(256),
  /** For leases without a stack (`styxy run`): the tag of the processes to sweep if the owner dies. */
  runToken: token.optional(),
});

export const releaseParams = z.looseObject({ ports: z.array(port).max(65535).optional() });

export const stackRegistration = z.looseObject({
  id: stackId,
  name: z.string().regex(STACK_NAME_PATTERN, 'must be a stack name (letters, digits, . _ -)'),
  project: name,
  root: text(),
  configFile: text(),
  pid,
  detached: z.boolean(),
  controlSocket: text().nullable(),
  runToken: token,
});

const serviceStatus = z.enum(['pending', 'starting', 'ready', 'running', 'completed', 'exited', 'failed', 'stopped']);
const stackPhase = z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']);

export const serviceSnapshot = z.looseObject({
  name,
  status: serviceStatus,
  ports: z.record(z.string().max(128), port),
  pid: pid.nullable(),
  restarts: z.number().int().min(0),
  startedAt: z.number().nullable().default(null),
  readyAt: z.number().nullable().default(null),
  lastExit: z
    .looseObject({ code: z.number().int().nullable(), signal: z.string().max(32).nullable(), at: z.number() })
    .nullable()
    .default(null),
  detail: text().nullable().default(null),
  dependsOn: z.array(name).max(1024).default([]),
});

export const registerStackParams = z.looseObject({ registration: stackRegistration });

export const updateStackRegistrationParams = z.looseObject({
  stackId,
  changes: z.looseObject({ controlSocket: text().nullable().optional() }),
});

export const updateStackParams = z.looseObject({
  stackId,
  phase: stackPhase,
  services: z.array(serviceSnapshot).max(1024),
});

export const stackIdParams = z.looseObject({ stackId });

export const reportProcessParams = z.looseObject({
  stackId: stackId.nullable(),
  service: name,
  pid,
  /** The process group to kill if the owner dies; 0 when the process has no group of its own. */
  pgid: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  runToken: token.optional(),
});

export const reportExitParams = z.looseObject({ stackId: stackId.nullable(), service: name, pid });

export const checkParams = z.looseObject({ port });

export const emptyParams = z.looseObject({});

/** Everything an owner holds, sent after every (re)connection: the coordinator makes it so. */
export const reclaimParams = z.looseObject({
  stacks: z
    .array(
      z.looseObject({
        registration: stackRegistration,
        phase: stackPhase.optional(),
        services: z.array(serviceSnapshot).max(1024).optional(),
      }),
    )
    .max(64),
  leases: z
    .array(
      z.looseObject({
        port,
        type: typeName.nullable(),
        service: name,
        portName,
        stackId: stackId.nullable(),
        since: z.number(),
      }),
    )
    .max(65535),
  processes: z.array(reportProcessParams).max(4096),
  runTokens: z.array(token).max(256),
});
export type ReclaimParams = z.infer<typeof reclaimParams>;

/** Each method's params (`hello` included): the coordinator validates every request with these. */
export const COORDINATOR_PARAMS = {
  hello: helloParams,
  reserve: reserveParams,
  release: releaseParams,
  registerStack: registerStackParams,
  updateStackRegistration: updateStackRegistrationParams,
  updateStack: updateStackParams,
  unregisterStack: stackIdParams,
  reportProcess: reportProcessParams,
  reportExit: reportExitParams,
  listLeases: emptyParams,
  listStacks: emptyParams,
  check: checkParams,
  types: emptyParams,
  status: emptyParams,
  shutdown: emptyParams,
  reclaim: reclaimParams,
} as const satisfies Record<CoordinatorMethod, z.ZodType>;
