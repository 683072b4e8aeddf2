/**
 * A small, honest in-memory coordinator: the CoordinatorClient contract (src/client/api.ts)
 * without a daemon, for supervisor tests until the real one lands. Leases come from the test
 * home's service-type ranges (and must be bindable right now), a batch is all-or-nothing, a stack
 * id is registered once. Every client of one registry shares its leases and stacks, like clients
 * of one daemon. No persistence, no reaping, no sticky ports.
 */
import { createServer } from 'node:net';
import type {
  CoordinatorClient,
  DaemonStatus,
  Lease,
  LeaseInfo,
  PortRequest,
  StackInfo,
  StackRegistration,
} from '../../src/client/api.js';
import { StyxyError } from '../../src/protocol/errors.js';
import { homePaths } from '../../src/protocol/home.js';
import { loadServiceTypes, type ServiceType } from '../../src/protocol/service-types.js';

interface OwnedLease extends Lease {
  readonly owner: number;
}

export class MemoryRegistry {
  readonly types: readonly ServiceType[];
  readonly leases = new Map<number, OwnedLease>();
  readonly stacks = new Map<string, { info: StackInfo; owner: number }>();
  /** Every reported process, for assertions: `<stackId>/<service>` → pids. */
  readonly processes = new Map<string, Set<number>>();
  #owners = 0;

  constructor(home: string) {
    this.types = loadServiceTypes(homePaths(home).config);
  }

  client(): CoordinatorClient {
    return memoryClient(this, ++this.#owners);
  }
}

function memoryClient(registry: MemoryRegistry, owner: number): CoordinatorClient {
  const ownStack = (stackId: string) => {
    const entry = registry.stacks.get(stackId);
    if (!entry || entry.owner !== owner) throw new StyxyError('STYXY_STACK_NOT_FOUND', `no stack ${stackId} of yours`);
    return entry;
  };
  const leaseInfo = (lease: OwnedLease): LeaseInfo => {
    const stack = lease.stackId ? registry.stacks.get(lease.stackId)?.info : undefined;
    return {
      port: lease.port,
      type: lease.type,
      stack: stack?.name ?? 'run',
      project: stack?.project ?? '',
      service: lease.service,
      portName: lease.portName,
      pid: stack?.pid ?? process.pid,
      since: new Date(lease.since).toISOString(),
      stackId: lease.stackId,
      root: stack?.root ?? null,
    };
  };

  return {
    coordinatorPid: process.pid,
    async reserve({ stackId, requests }) {
      if (stackId) ownStack(stackId);
      const taken = new Set(registry.leases.keys());
      const chosen: OwnedLease[] = [];
      for (const request of requests) {
        const port = await choosePort(registry, request, taken);
        taken.add(port);
        chosen.push({ ...request, port, stackId: stackId ?? null, since: Date.now(), owner });
      }
      for (const lease of chosen) registry.leases.set(lease.port, lease);
      return chosen.map(({ owner: _, ...lease }) => lease);
    },
    async release(ports) {
      for (const [port, lease] of registry.leases) {
        if (lease.owner === owner && (!ports || ports.includes(port))) registry.leases.delete(port);
      }
    },
    async registerStack(registration: StackRegistration) {
      const existing = registry.stacks.get(registration.id);
      if (existing) {
        throw new StyxyError(
          'STYXY_STACK_RUNNING',
          `stack ${registration.project}/${registration.name} is already running (pid ${existing.info.pid})`,
          { hint: 'attach to it with `styxy attach`, or run a second copy with `--name`' },
        );
      }
      const info: StackInfo = { ...registration, since: Date.now(), phase: 'starting', services: [], leases: [] };
      registry.stacks.set(registration.id, { info, owner });
    },
    async updateStackRegistration(stackId, changes) {
      const entry = ownStack(stackId);
      entry.info = { ...entry.info, ...changes };
    },
    async updateStack(stackId, update) {
      const entry = ownStack(stackId);
      entry.info = { ...entry.info, phase: update.phase, services: update.services };
    },
    async unregisterStack(stackId) {
      ownStack(stackId);
      registry.stacks.delete(stackId);
      for (const [port, lease] of registry.leases) if (lease.stackId === stackId) registry.leases.delete(port);
    },
    async reportProcess({ stackId, service, pid }) {
      const key = `${stackId}/${service}`;
      const set = registry.processes.get(key) ?? new Set<number>();
      registry.processes.set(key, set.add(pid));
    },
    async reportExit({ stackId, service, pid }) {
      registry.processes.get(`${stackId}/${service}`)?.delete(pid);
    },
    async listLeases() {
      return [...registry.leases.values()].map(leaseInfo);
    },
    async listStacks() {
      return [...registry.stacks.values()].map(({ info }) => ({
        ...info,
        leases: [...registry.leases.values()].filter((lease) => lease.stackId === info.id),
      }));
    },
    async check(port) {
      const lease = registry.leases.get(port);
      if (lease) return { port, free: false, holder: { kind: 'lease', ...leaseInfo(lease) } };
      return { port, free: await canBind(port), holder: null };
    },
    async types() {
      return registry.types.map((type) => ({ ...type, range: [...type.range] as [number, number] }));
    },
    async status(): Promise<DaemonStatus> {
      return {
        running: true,
        pid: process.pid,
        socket: '(memory)',
        version: null,
        uptimeMs: 0,
        leases: registry.leases.size,
        stacks: registry.stacks.size,
      };
    },
    async shutdown() {},
    on: () => () => {},
    async close() {},
  };
}

async function choosePort(registry: MemoryRegistry, request: PortRequest, taken: ReadonlySet<number>): Promise<number> {
  const label = `port ${request.portName} of "${request.service}"`;
  if (request.fixed !== null) {
    const holder = registry.leases.get(request.fixed);
    if (taken.has(request.fixed) || !(await canBind(request.fixed))) {
      const by = holder ? `stack ${holder.stackId ?? 'run'} (service ${holder.service})` : 'another program';
      throw new StyxyError('STYXY_PORT_TAKEN', `port ${request.fixed} for ${label} is held by ${by}`, {
        hint: `run \`styxy check ${request.fixed}\` to see the holder`,
        details: { port: request.fixed },
      });
    }
    return request.fixed;
  }
  const type = registry.types.find((candidate) => candidate.name === request.type);
  if (!type) {
    throw new StyxyError('STYXY_UNKNOWN_TYPE', `unknown service type "${request.type}" for ${label}`, {
      hint: `known types: ${registry.types.map((t) => t.name).join(', ')}`,
    });
  }
  const candidates = request.preferred === null ? [] : [request.preferred];
  for (let port = type.range[0]; port <= type.range[1]; port++) candidates.push(port);
  for (const port of candidates) if (!taken.has(port) && (await canBind(port))) return port;
  throw new StyxyError(
    'STYXY_RANGE_EXHAUSTED',
    `no free port left for ${label} in type "${type.name}" (${type.range[0]}-${type.range[1]})`,
    { hint: 'run `styxy ls` to see who holds them' },
  );
}

/** Whether `port` can be bound on every local address right now. */
async function canBind(port: number): Promise<boolean> {
  for (const host of ['0.0.0.0', '::']) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EAFNOSUPPORT'));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
