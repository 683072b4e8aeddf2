/**
 * A whole coordinator in-process, with recording fakes for its effects (no sockets, no real
 * processes): pids are alive while the test says so, ports are "held by another program" while
 * the test says so, kills are recorded. For unit and property tests of the coordinator's logic.
 * A pid spawned with a parent is checked like the OS would (a report must come from an
 * ancestor); pids in `foreign` belong to another user; pid 1 is init.
 */
import type { KillTarget } from '../../src/coordinator/context.js';
import { createCoordinator } from '../../src/coordinator/coordinator.js';
import type { JournalEntry } from '../../src/coordinator/journal.js';
import type { Owner } from '../../src/coordinator/state.js';
import { CoordinatorState } from '../../src/coordinator/state.js';
import type { ServiceType } from '../../src/protocol/service-types.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import type { Peer } from '../../src/transport/rpc-server.js';

export interface FakePeer extends Peer {
  closed: boolean;
  readonly sent: { event: string; data: unknown }[];
}

export interface FakeClient {
  readonly pid: number;
  readonly owner: Owner;
  readonly peer: FakePeer;
  readonly token: string;
  readonly resumed: boolean;
  /** Calls a method as the socket server would: params validated, then handled. */
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
}

export interface FakeOptions {
  readonly types?: Readonly<Record<string, readonly [number, number]>>;
  readonly ephemeral?: readonly [number, number] | null;
  readonly state?: CoordinatorState;
  /** Receives every journal entry (coordinator/journal.ts). */
  readonly journal?: (entry: JournalEntry) => void;
  /** Runs inside each kill, before it resolves (something that happens while a reap is under way). */
  readonly onKill?: (targets: readonly KillTarget[]) => void;
}

export function fakeCoordinator(options: FakeOptions = {}) {
  const alive = new Map<number, string>();
  /** Pids with a SIGKILL pending: still alive, not for long. */
  const dying = new Set<number>();
  const groups = new Map<number, number>();
  const parents = new Map<number, number>();
  /** Pids of another user. */
  const foreign = new Set<number>();
  const impossible = (pid: number) => (pid <= 1 ? 'init' : foreign.has(pid) ? 'another user' : null);
  /** Ports another program listens on. */
  const busy = new Set<number>();
  const kills: KillTarget[][] = [];
  /** Signals sent to owners (an unused shared service's supervisor told to stop). */
  const signals: { pid: number; signal: NodeJS.Signals }[] = [];
  const logs: string[] = [];
  let clock = 1_000_000;
  let persisted = 0;
  const types = new Map<string, ServiceType>(
    Object.entries(options.types ?? { dev: [3000, 3009], api: [8000, 8004] }).map(([name, range]) => [
      name,
      { name, range: [range[0], range[1]], description: name },
    ]),
  );
  const coordinator = createCoordinator({
    ...(options.state ? { state: options.state } : {}),
    effects: {
      probe: async (port) => !busy.has(port),
      startTimeOf: (pid) => (pid === 1 ? 'init' : (alive.get(pid) ?? null)),
      groupOf: (pid) => (alive.has(pid) ? (groups.get(pid) ?? pid) : null),
      ownerProblem: impossible,
      helloProblem: (pid) => impossible(pid),
      processProblem: (ownerPid, pid) => {
        const problem = impossible(pid);
        if (problem !== null || !parents.has(pid)) return problem;
        for (let at = parents.get(pid); at !== undefined; at = parents.get(at)) if (at === ownerPid) return null;
        return 'not a child of the owner';
      },
      // No daemon is confirmed here: the OS checks are the real verify-pid.ts's (integration tests).
      verifyDaemon: async () => ({ ok: false, problem: 'the fake coordinator confirms no daemon' }),
      kill: async (targets) => {
        kills.push([...targets]);
        options.onKill?.(targets);
      },
      signal: (pid, _startTime, signal) => {
        signals.push({ pid, signal });
        return true;
      },
      holderOf: async (port) => (busy.has(port) ? { pid: 4242, command: 'foreign-server', address: '::' } : null),
      dying: (pid) => dying.has(pid),
      now: () => clock,
    },
    types: { get: () => types },
    ephemeral: options.ephemeral === undefined ? null : options.ephemeral,
    info: {
      pid: 10, // the fake coordinator's own pid
      version: 'test',
      startedAt: clock,
      socket: '/fake.sock',
      home: '/fake',
      configFile: '/fake/config.json',
    },
    log: (line) => logs.push(line),
    persist: () => {
      persisted++;
    },
    ...(options.journal ? { journal: options.journal } : {}),
  });
  let nextPeer = 1;
  let nextPid = 100;

  const newPeer = (): FakePeer => {
    const peer: FakePeer = {
      id: nextPeer++,
      closed: false,
      pendingBytes: 0,
      sent: [],
      send(event, data) {
        peer.sent.push({ event, data });
        return true;
      },
      close() {
        if (peer.closed) return;
        peer.closed = true;
        coordinator.disconnected(owners.get(peer) ?? null, peer);
      },
    };
    return peer;
  };
  const owners = new Map<Peer, Owner>();

  return {
    coordinator,
    core: coordinator.core,
    state: coordinator.core.state,
    busy,
    kills,
    signals,
    foreign,
    logs,
    get persisted() {
      return persisted;
    },
    advance(ms: number) {
      clock += ms;
    },
    /** A new live process (its pid); with `parent`, reports of it are checked against its ancestry. */
    spawnPid(group?: number, parent?: number): number {
      const pid = nextPid++;
      alive.set(pid, `start-${pid}`);
      if (group !== undefined) groups.set(pid, group);
      if (parent !== undefined) parents.set(pid, parent);
      return pid;
    },
    /** Makes `pid` (a real one, say this process's) count as alive. */
    markAlive(pid: number) {
      alive.set(pid, `start-${pid}`);
    },
    killPid(pid: number) {
      alive.delete(pid);
      dying.delete(pid);
    },
    /** `pid` got a SIGKILL it has not acted on yet: it still counts as alive, but is dying. */
    sigkillPending(pid: number) {
      dying.add(pid);
    },
    isAlive: (pid: number) => alive.has(pid),
    /** Says hello as process `pid` (a new live one by default). */
    async connect(pid?: number, resume?: string, kind = 'supervisor', cwd = '/work/project'): Promise<FakeClient> {
      const clientPid = pid ?? this.spawnPid();
      const peer = newPeer();
      const { session, result } = await coordinator.hello(
        { protocol: PROTOCOL_VERSION, pid: clientPid, kind, cwd, version: 'test', ...(resume ? { resume } : {}) },
        peer,
      );
      owners.set(peer, session);
      const { token, resumed } = result as { token: string; resumed: boolean };
      return {
        pid: clientPid,
        owner: session,
        peer,
        token,
        resumed,
        async call<T>(method: string, params: unknown = {}) {
          const entry = coordinator.methods[method];
          if (!entry) throw new Error(`no method ${method}`);
          return (await entry.handle(entry.params.parse(params), session, peer)) as T;
        },
      };
    },
    /** Waits until every reap in progress has finished. */
    async settle() {
      for (let i = 0; i < 5; i++) {
        await Promise.all([...coordinator.core.state.owners.values()].map((owner) => owner.reaping));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

export type Fake = ReturnType<typeof fakeCoordinator>;

export function portRequest(
  service: string,
  portName: string,
  type: string | null,
  extra: { preferred?: number; fixed?: number } = {},
) {
  return { service, portName, type, preferred: extra.preferred ?? null, fixed: extra.fixed ?? null };
}

export { CoordinatorState };
