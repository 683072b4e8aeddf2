/**
 * What each of the coordinator's methods accepts: validated at the socket edge by the coordinator,
 * and what state.json holds (state-file.ts). Unknown fields are dropped (`z.object` strips them),
 * so nothing a client adds is kept, stored or shown to others; every string and list has a
 * maximum, and the limits below cap what the coordinator keeps for one client. No client loads
 * it: they take its types alone (coordinator-protocol.ts, the method map), so no short command
 * loads zod.
 * Wire format: fields may be added, never renamed; a change an older peer would misread bumps
 * PROTOCOL_VERSION (version.ts).
 */
import { z } from 'zod';
import {
  type CoordinatorMethod,
  MAX_BATCH_PORTS,
  MAX_NAME_LENGTH,
  MAX_STACK_SERVICES,
} from './coordinator-protocol.js';
import { ENV_NAME } from './names.js';
import { HEALTH_STATUSES, SERVICE_STATUSES } from './stack.js';
import { STACK_NAME_PATTERN } from './stack-id.js';

// Limits (docs/security.md, "No client breaks it for others"); those the config checks too are in
// coordinator-protocol.ts, which loads no zod.
/** What the coordinator keeps for one client: stacks, reported processes, `styxy run` tokens. */
export const MAX_STACKS_PER_OWNER = 64;
export const MAX_PROCESSES_PER_OWNER = 4096;
export const MAX_RUN_TOKENS = 256;
/** Stop registrations (stop command, daemon pid) one client may hold: one per service of its stacks. */
export const MAX_STOPS_PER_OWNER = 1024;
/** A registered stop command, as JSON (its argv, folder and environment): it is kept in memory. */
export const MAX_STOP_COMMAND_BYTES = 256 * 1024;
/** The longest a registered stop command may run when the coordinator runs it (ms). */
export const MAX_STOP_COMMAND_TIMEOUT_MS = 10 * 60 * 1000;
/** A stack's pushed status (its services), as JSON: it is stored and shown to every client. */
export const MAX_STACK_STATUS_BYTES = 512 * 1024;
/** `listStacks` and `listLeases` answer in pages of about this many bytes (under the 1 MiB frame). */
export const MAX_PAGE_BYTES = 768 * 1024;

export const port = z.number().int().min(1).max(65535);
const pid = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
const text = (max = 4096) => z.string().max(max);
const name = z.string().min(1).max(MAX_NAME_LENGTH);
const portName = z.string().regex(ENV_NAME, 'must be an environment variable name');
const stackId = z.string().min(1).max(256);
/** Run tokens (os/tag.ts) and owner tokens: long random strings. */
const token = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be a token of 8–128 letters, digits, - or _');
const typeName = z.string().min(1).max(64);

/**
 * The hello's proof that `pid` is the peer's own (coordinator/verify-pid.ts): a file the client
 * created in `$STYXY_HOME/hello/` and holds open on descriptor `fd` while it says hello.
 */
export const pidProof = z.object({
  name: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
  fd: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});
export type PidProof = z.infer<typeof pidProof>;

export const helloParams = z.object({
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
  /** Required where the coordinator can check it (Linux). */
  proof: pidProof.optional(),
});
export type HelloParams = z.infer<typeof helloParams>;

export const portRequest = z
  .object({
    service: name,
    portName,
    type: typeName.nullable(),
    preferred: port.nullable(),
    fixed: port.nullable(),
  })
  .refine((request) => request.type !== null || request.fixed !== null, {
    message: 'a port request needs a type unless it is fixed',
  });

export const reserveParams = z.object({
  stackId: stackId.nullable().optional(),
  requests: z.array(portRequest).min(1).max(MAX_BATCH_PORTS),
  /** For leases without a stack (`styxy run`): the tag of the processes to sweep if the owner dies. */
  runToken: token.optional(),
});

/** A shared service's key (shared-key.ts in the supervisor): `repo:<git common dir>:<key>` or `user:<key>`. */
const sharedKey = z.string().min(1).max(4096);

/**
 * `up --dry-run`: the ports a stack of this folder and name would get now, chosen as `reserve`
 * would (sticky, preferred, range; bind-probed) and granted to no one.
 */
export const planPortsParams = z.object({
  root: text().min(1),
  name,
  requests: z.array(portRequest).min(1).max(MAX_BATCH_PORTS),
  /**
   * The shared services among the requests, by service name, with their shared key: their ports
   * would be an instance's, sticky by that key (as `reserve` of the instance keys them), not by
   * this folder and name.
   */
  sharedKeys: z
    .record(text(128), sharedKey)
    .refine((keys) => Object.keys(keys).length <= MAX_BATCH_PORTS, 'too many shared services')
    .optional(),
});

export const releaseParams = z.object({ ports: z.array(port).max(65535).optional() });

/**
 * What a shared service would run, as compared between the stacks that share its key (a
 * mismatch is STYXY_SHARED_MISMATCH): the command (as JSON), the folder relative to the project
 * root, the environment and the port requests (each as JSON), and the config file it comes from.
 */
export const sharedDefinition = z.object({
  file: text(),
  command: text(),
  cwd: text(),
  env: z.record(text(256), text()).refine((env) => Object.keys(env).length <= 256, 'too many variables'),
  ports: z
    .record(text(128), text(256))
    .refine((ports) => Object.keys(ports).length <= MAX_BATCH_PORTS, 'too many ports'),
});

/** A shared service a stack uses: its reference, held while the stack is registered. */
export const sharedUse = z.object({
  service: name,
  key: sharedKey,
  scope: z.enum(['repo', 'user']),
  /** How long the instance outlives its last user. */
  keepAliveMs: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  definition: sharedDefinition,
});

export const stackRegistration = z.object({
  id: stackId,
  name: z.string().regex(STACK_NAME_PATTERN, 'must be a stack name (letters, digits, . _ -)'),
  project: name,
  root: text(),
  configFile: text(),
  pid,
  detached: z.boolean(),
  controlSocket: text().nullable(),
  runToken: token,
  /** The shared services this stack uses (docs/architecture.md, "Shared services"). */
  uses: z.array(sharedUse).max(64).optional(),
  /** Set when this stack is the instance of a shared service: the one it runs. */
  shared: sharedUse.optional(),
  /** The Styxy build its supervisor runs (version.ts `STYXY_BUILD`; absent: an older one). */
  build: z.object({ version: text(64), id: text(64).nullable() }).optional(),
});

const serviceStatus = z.enum(SERVICE_STATUSES);
const stackPhase = z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']);

export const serviceSnapshot = z.object({
  name,
  status: serviceStatus,
  ports: z
    .record(z.string().max(128), port)
    .refine((ports) => Object.keys(ports).length <= MAX_BATCH_PORTS, 'too many ports'),
  pid: pid.nullable(),
  restarts: z.number().int().min(0),
  startedAt: z.number().nullable().default(null),
  readyAt: z.number().nullable().default(null),
  lastExit: z
    .object({ code: z.number().int().nullable(), signal: z.string().max(32).nullable(), at: z.number() })
    .nullable()
    .default(null),
  detail: text().nullable().default(null),
  dependsOn: z.array(name).max(MAX_STACK_SERVICES).default([]),
  health: z
    .object({
      status: z.enum(HEALTH_STATUSES),
      misses: z.number().int().min(0),
      failures: z.number().int().min(1),
      lastFailure: text().nullable(),
      checkedAt: z.number().nullable(),
    })
    .nullable()
    .default(null),
});

export const registerStackParams = z.object({ registration: stackRegistration });

export const updateStackRegistrationParams = z.object({
  stackId,
  changes: z.object({ controlSocket: text().nullable().optional() }),
});

export const updateStackParams = z.object({
  stackId,
  phase: stackPhase,
  services: z.array(serviceSnapshot).max(MAX_STACK_SERVICES),
});

export const stackIdParams = z.object({ stackId });

/** Start or join the instance of a shared service the stack uses (its `uses` entry `service`). */
export const acquireSharedParams = z.object({ stackId, service: name });

export const reportProcessParams = z.object({
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

export const reportExitParams = z.object({ stackId: stackId.nullable(), service: name, pid });

/**
 * What the coordinator does for a service if its supervisor dies (coordinator/stops.ts): run its
 * stop command (as the coordinator's user, with this folder and environment), and stop its daemon
 * (verified: coordinator/verify-pid.ts). Both null: nothing (the service stopped).
 */
/**
 * A stop command as the coordinator will run it: from a client (registerStop) and, read back,
 * from state.json and the journal (coordinator/state-file.ts), with the same caps either way.
 */
export const stopCommand = z
  .object({
    file: text().min(1),
    args: z.array(text(32 * 1024)).max(256),
    cwd: text().min(1),
    env: z.record(z.string().min(1).max(MAX_NAME_LENGTH), text(32 * 1024)),
    timeoutMs: z.number().int().min(0).max(MAX_STOP_COMMAND_TIMEOUT_MS),
  })
  .refine((stop) => Object.keys(stop.env).length <= 1024, 'must have at most 1024 environment variables')
  .refine(
    (stop) => JSON.stringify(stop).length <= MAX_STOP_COMMAND_BYTES,
    `must be at most ${MAX_STOP_COMMAND_BYTES} bytes as JSON`,
  );

export const registerStopParams = z.object({
  stackId,
  service: name,
  stop: stopCommand.nullable(),
  daemon: z.object({ pid, pidFile: text().min(1) }).nullable(),
});

/**
 * A stop registration as the coordinator keeps it (coordinator/state.ts `StopEntry`), read back
 * from state.json and the journal. Its daemon is what coordinator/verify-pid.ts recorded, which
 * is always a group of its own pid (`pgid` = `pid`): a record saying otherwise was not written
 * by a coordinator and is refused.
 */
export const stopRecord = z.object({
  owner: z.string().min(1),
  stackId,
  service: name,
  stop: stopCommand.nullable(),
  daemon: z
    .object({ pid: pid.min(2), pgid: pid, startTime: z.string().nullable() })
    .refine((daemon) => daemon.pgid === daemon.pid, 'must be a group of its own pid (pgid = pid)')
    .nullable(),
});

export const checkParams = z.object({ port });

export const emptyParams = z.object({});

/** A page of `listStacks` (one stack when `stackId` is given), after the stack id `after`. */
export const listStacksParams = z.object({ stackId: stackId.optional(), after: stackId.optional() });
/** A page of `listLeases`, after the port `after`. */
export const listLeasesParams = z.object({ after: port.optional() });

/** Everything an owner holds, sent after every (re)connection: the coordinator makes it so. */
export const reclaimParams = z.object({
  stacks: z
    .array(
      z.object({
        registration: stackRegistration,
        phase: stackPhase.optional(),
        services: z.array(serviceSnapshot).max(MAX_STACK_SERVICES).optional(),
      }),
    )
    .max(MAX_STACKS_PER_OWNER),
  leases: z
    .array(
      z.object({
        port,
        type: typeName.nullable(),
        service: name,
        portName,
        stackId: stackId.nullable(),
        since: z.number(),
      }),
    )
    .max(65535),
  processes: z.array(reportProcessParams).max(MAX_PROCESSES_PER_OWNER),
  runTokens: z.array(token).max(MAX_RUN_TOKENS),
  /** Absent from older clients. */
  stops: z.array(registerStopParams).max(MAX_STOPS_PER_OWNER).default([]),
});
export type ReclaimParams = z.infer<typeof reclaimParams>;

/** Each method's params (`hello` included): the coordinator validates every request with these. */
export const COORDINATOR_PARAMS = {
  hello: helloParams,
  reserve: reserveParams,
  planPorts: planPortsParams,
  release: releaseParams,
  registerStack: registerStackParams,
  updateStackRegistration: updateStackRegistrationParams,
  updateStack: updateStackParams,
  unregisterStack: stackIdParams,
  reportProcess: reportProcessParams,
  reportExit: reportExitParams,
  registerStop: registerStopParams,
  listLeases: listLeasesParams,
  listStacks: listStacksParams,
  check: checkParams,
  types: emptyParams,
  status: emptyParams,
  shutdown: emptyParams,
  reclaim: reclaimParams,
  acquireShared: acquireSharedParams,
} as const satisfies Record<CoordinatorMethod, z.ZodType>;
