/**
 * The coordinator's protocol, as one method map: every method with what it takes (its params
 * schema in coordinator-params.ts, which the coordinator validates every request with) and what it
 * answers (its result shape here, which the client checks every reply against). The client's
 * typed `call`, the coordinator's handler types and the types below all come from this map.
 *
 * This file loads no zod (it takes the params' types only): every CLI command loads it.
 * Wire format: fields may be added, never renamed; a change an older peer would misread bumps
 * PROTOCOL_VERSION (version.ts).
 */
import type { COORDINATOR_PARAMS } from './coordinator-params.js';
import type { MethodMapOf } from './methods.js';
import {
  array,
  boolean,
  type Infer,
  literal,
  none,
  nullable,
  number,
  type ObjectOf,
  object,
  optional,
  record,
  string,
  tuple,
  unknown,
  variants,
} from './shape.js';
import { serviceSnapshot, stackPhase } from './stack.js';

/** Ports in one reservation batch: a stack asks for all of its ports at once (`styxy config` checks it). */
export const MAX_BATCH_PORTS = 256;
/** Services of one stack, and the length of a service's name (`styxy config` checks both). */
export const MAX_STACK_SERVICES = 1024;
export const MAX_NAME_LENGTH = 256;

/** A port leased to the caller. */
const lease = object({
  port: number,
  type: nullable(string),
  service: string,
  portName: string,
  /** Stack id, or null for a lease of `styxy run`. */
  stackId: nullable(string),
  /** Epoch ms. */
  since: number,
});
export type Lease = Infer<typeof lease>;

/**
 * A process's Styxy build (version.ts `BuildInfo`). A coordinator that records builds answers
 * `null` for a stack whose supervisor recorded none (an older one); an older coordinator leaves
 * the field out.
 */
const buildShape = object({ version: string, id: nullable(string) });

/** A row of `styxy ls` (the `ls --json` contract: fields may be added, never renamed). */
const leaseInfoFields = {
  port: number,
  type: nullable(string),
  /** Stack name (`default`), or `run` for `styxy run`. */
  stack: string,
  /** Project name. */
  project: string,
  service: string,
  portName: string,
  /** The owner's pid (the supervisor, or `styxy run`). */
  pid: number,
  /** ISO 8601. */
  since: string,
  /** Extras beyond the contract: stack id and project root. */
  stackId: nullable(string),
  root: nullable(string),
  /** The build of the stack's supervisor (stacks' leases only). */
  build: optional(nullable(buildShape)),
} as const;
const leaseInfo = object(leaseInfoFields);
export type LeaseInfo = Infer<typeof leaseInfo>;

const sharedUseShape = object({
  service: string,
  key: string,
  scope: literal('repo', 'user'),
  keepAliveMs: number,
  definition: object({ file: string, command: string, cwd: string, env: record(string), ports: record(string) }),
});
export type SharedUse = Infer<typeof sharedUseShape>;

const registrationFields = {
  /** `stackId(root, name)` from stack-id.ts. */
  id: string,
  name: string,
  /** Project name (config `name`). */
  project: string,
  /** Project root, real path. */
  root: string,
  configFile: string,
  /** The supervisor's pid (the stack's owner). */
  pid: number,
  detached: boolean,
  /** The stack's control socket, once it listens (null before). */
  controlSocket: nullable(string),
  /** The shared services the stack uses (absent: none). */
  uses: optional(array(sharedUseShape)),
  /** Present when the stack is a shared service's instance. */
  shared: optional(sharedUseShape),
  /** The Styxy build its supervisor runs (absent: one from before build records). */
  build: optional(buildShape),
} as const;
export type StackRegistration = ObjectOf<typeof registrationFields> & {
  /**
   * The run token of the stack's STYXY_TAG (os/tag.ts): when the supervisor dies, the coordinator
   * kills the reported process groups and every process still carrying this tag. It never leaves
   * the coordinator: no reply carries it.
   */
  readonly runToken: string;
};

/**
 * What the coordinator knows of a running stack (`ps --all`, `down --all`, `attach`): its
 * registration without the run token.
 */
const stackInfo = object({
  ...registrationFields,
  /** null: its supervisor recorded no build (an older one). */
  build: optional(nullable(buildShape)),
  /** Epoch ms of registration. */
  since: number,
  phase: stackPhase,
  /** As last pushed by the supervisor with `updateStack`. */
  services: array(serviceSnapshot),
  leases: array(lease),
});
export type StackInfo = Infer<typeof stackInfo>;

/** Who holds a port: a lease (its `ls` row), or another program (what the OS tells, or nulls). */
const portHolder = variants('kind', {
  lease: object({ kind: literal('lease'), ...leaseInfoFields }),
  process: object({
    kind: literal('process'),
    pid: nullable(number),
    command: nullable(string),
    address: nullable(string),
  }),
});

/** `styxy check --json`. */
const portCheck = object({ port: number, free: boolean, holder: nullable(portHolder) });
export type PortCheck = Infer<typeof portCheck>;

/** `styxy daemon status --json`. */
const daemonStatus = object({
  running: boolean,
  pid: nullable(number),
  socket: string,
  version: nullable(string),
  uptimeMs: nullable(number),
  leases: number,
  stacks: number,
  /** Extras beyond the contract: the coordinator's protocol version, owners, connections, home, build. */
  protocol: optional(nullable(number)),
  owners: optional(number),
  connections: optional(number),
  home: optional(string),
  /** The coordinator's build (absent: one from before build records). */
  build: optional(buildShape),
});
export type DaemonStatus = Infer<typeof daemonStatus>;

const serviceTypeInfo = object({ name: string, range: tuple(number, number), description: string });

const helloResult = object({
  protocol: number,
  pid: number,
  version: string,
  startedAt: number,
  /** Presented to resume this owner on a later connection. A secret: never logged or shown. */
  token: string,
  /** True when `resume` named an owner the coordinator still knew. */
  resumed: boolean,
});
export type HelloResult = Infer<typeof helloResult>;

/** What a `reclaim` found taken by others meanwhile. */
const reclaimResult = object({
  /** Ports another owner holds now, with that holder. */
  lostPorts: array(object({ port: number, holder: record(unknown) })),
  /** Stacks another live owner registered meanwhile. */
  lostStacks: array(object({ stackId: string, pid: number })),
});
export type ReclaimResult = Infer<typeof reclaimResult>;

/** Each method's result shape. The params of each are in coordinator-params.ts. */
export const COORDINATOR_RESULTS = {
  hello: helloResult,
  /** Every port of the batch, or an error naming what blocked. */
  reserve: array(lease),
  /** The port each request would get now (`up --dry-run`); nothing is leased. */
  planPorts: array(object({ port: number, type: nullable(string), service: string, portName: string })),
  release: object({ released: array(number) }),
  registerStack: none,
  updateStackRegistration: none,
  updateStack: none,
  unregisterStack: none,
  reportProcess: object({ recorded: boolean }),
  reportExit: none,
  /**
   * What was kept: the stop command, and the daemon (only when the OS confirmed it as the
   * stack's; `problem` says why not).
   */
  registerStop: object({ stop: boolean, daemon: boolean, problem: nullable(string) }),
  /** A page of leases by port: `next` is the `after` of the next page, null on the last. */
  listLeases: object({ leases: array(leaseInfo), next: nullable(number) }),
  /** A page of stacks by id (the one asked for, or none, with `stackId`): `next` as for leases. */
  listStacks: object({ stacks: array(stackInfo), next: nullable(string) }),
  check: portCheck,
  types: array(serviceTypeInfo),
  status: daemonStatus,
  shutdown: object({ stopping: boolean }),
  reclaim: reclaimResult,
  /**
   * Start or join a shared service's instance: `start` (this stack starts it: no instance runs
   * and nobody else is starting one), `wait` (one is starting or stopping: ask again shortly), or
   * `join` (it is up: its stack and ports).
   */
  acquireShared: variants('action', {
    start: object({ action: literal('start') }),
    wait: object({ action: literal('wait'), reason: string }),
    join: object({ action: literal('join'), instance: string, pid: number, ports: record(number) }),
  }),
} as const;

export type CoordinatorMethod = keyof typeof COORDINATOR_RESULTS;

/** The method map: what a client sends and what it gets back, per method. */
export type CoordinatorProtocol = MethodMapOf<typeof COORDINATOR_PARAMS, typeof COORDINATOR_RESULTS>;

export type CoordinatorParams<M extends CoordinatorMethod> = CoordinatorProtocol[M]['params'];
export type CoordinatorResult<M extends CoordinatorMethod> = CoordinatorProtocol[M]['result'];

/** One port of a reservation batch (see ResolvedPortRequest in config/types.ts). */
export type PortRequest = CoordinatorParams<'reserve'>['requests'][number];

/** The hello's proof that its pid is the client's own (client/pid-proof.ts, coordinator/verify-pid.ts). */
export type PidProof = NonNullable<CoordinatorParams<'hello'>['proof']>;
