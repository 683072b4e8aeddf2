/**
 * The coordinator as a value: its core (state + injected effects) and the method table the
 * socket server dispatches to. main.ts runs it as a daemon; tests run it in-process with fake
 * effects (no sockets, no processes) or behind a real socket.
 */
import { COORDINATOR_PARAMS } from '../protocol/coordinator-params.js';
import type { CoordinatorProtocol } from '../protocol/coordinator-protocol.js';
import { methodTable, type Peer, type RpcMethod } from '../transport/rpc-server.js';
import { type Context, type CoordinatorEffects, type CoordinatorInfo, createSerializer } from './context.js';
import type { JournalEntry } from './journal.js';
import { planPorts, release, reserve } from './leases.js';
import type { Log } from './log.js';
import { createReaper, disconnected, dropImpossible, hello, sweep } from './owners.js';
import { reclaim } from './reclaim.js';
import { acquireShared, checkSharedRegistration, sharedRegistered, sweepShared } from './shared.js';
import {
  registerStack,
  reportExit,
  reportProcess,
  unregisterStack,
  updateStack,
  updateStackRegistration,
} from './stacks.js';
import { CoordinatorState, type Owner } from './state.js';
import { registerStop } from './stops.js';
import type { TypesSource } from './types-source.js';
import { unrecorded } from './unrecorded.js';
import { checkPort, listLeases, listStacks, status } from './views.js';

export interface CoordinatorOptions {
  readonly state?: CoordinatorState;
  readonly effects: CoordinatorEffects;
  readonly types: TypesSource;
  readonly ephemeral: readonly [number, number] | null;
  readonly info: CoordinatorInfo;
  readonly log: Log;
  readonly persist?: () => void;
  /** Appends to the write-ahead journal (main.ts: journal.ts); none in tests that do not restart. */
  readonly journal?: (entry: JournalEntry) => void;
  /** Number of open connections (for `status`). */
  readonly connections?: () => number;
  /** Asked to exit (`styxy daemon stop`): called after the reply is sent. */
  readonly onShutdown?: () => void;
}

export interface Coordinator {
  readonly core: Context;
  readonly methods: Readonly<Record<string, RpcMethod<Owner>>>;
  hello(params: unknown, peer: Peer): Promise<{ session: Owner; result: object }>;
  disconnected(owner: Owner | null, peer: Peer): void;
  /** The liveness sweep: call every ~250 ms. */
  sweep(): void;
  /** Reaps the owners a loaded state holds whose processes are gone. Resolves when done. */
  reapDead(): Promise<void>;
  /**
   * Before the coordinator exits: finishes every reap under way and reaps every owner whose
   * process is gone, connected or not (a `kill -9` whose connection has not closed yet).
   * Resolves when done.
   */
  reapGone(): Promise<void>;
}

export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const state = options.state ?? new CoordinatorState();
  const { effects } = options;
  let core: Context;
  const reap = createReaper(() => core);
  /** Logged once per run of failures, not per append. */
  let journalFailing = false;
  core = {
    state,
    effects,
    types: options.types,
    ephemeral: options.ephemeral,
    info: options.info,
    log: options.log,
    persist: options.persist ?? (() => {}),
    journal: (entry, what) => {
      if (!options.journal) return;
      try {
        options.journal(entry);
        journalFailing = false;
      } catch (error) {
        if (!journalFailing) options.log(`could not append to the journal: ${(error as Error).message}`);
        journalFailing = true;
        if (what !== undefined) throw unrecorded(what, error, options.info.home);
      }
    },
    serialize: createSerializer(),
    isAlive: (owner) => {
      const startTime = effects.startTimeOf(owner.pid);
      return startTime !== null && (owner.startTime === null || owner.startTime === startTime);
    },
    reap,
  };

  const methods = methodTable<Owner, CoordinatorProtocol, typeof COORDINATOR_PARAMS>(COORDINATOR_PARAMS, {
    reserve: (params, owner) => reserve(core, owner, params),
    planPorts: (params) => planPorts(core, params),
    release: (params, owner) => release(core, owner, params),
    registerStack: async (params, owner) => {
      checkSharedRegistration(core, params.registration);
      await registerStack(core, owner, params);
      sharedRegistered(core, params.registration);
    },
    updateStackRegistration: (params, owner) => updateStackRegistration(core, owner, params),
    updateStack: (params, owner) => updateStack(core, owner, params),
    unregisterStack: (params, owner) => unregisterStack(core, owner, params),
    reportProcess: (params, owner) => reportProcess(core, owner, params),
    reportExit: (params, owner) => reportExit(core, owner, params),
    registerStop: (params, owner) => registerStop(core, owner, params),
    listLeases: (params) => listLeases(core, params.after),
    listStacks: (params) => listStacks(core, params),
    check: (params) => checkPort(core, params.port),
    types: () =>
      [...core.types.get().values()].map((type) => ({
        name: type.name,
        range: type.range,
        description: type.description,
      })),
    status: () => status(core, options.connections?.() ?? 0),
    shutdown: (_params, owner) => {
      core.log(`shutdown asked by ${owner.kind} pid ${owner.pid}`);
      setTimeout(() => options.onShutdown?.(), 20).unref();
      return { stopping: true };
    },
    reclaim: (params, owner) => reclaim(core, owner, params),
    acquireShared: (params, owner) => acquireShared(core, owner, params),
  });

  return {
    core,
    methods,
    hello: async (params, peer) => hello(core, params, peer),
    disconnected: (owner, peer) => disconnected(core, owner, peer),
    sweep: () => {
      sweep(core);
      sweepShared(core);
    },
    async reapDead() {
      dropImpossible(core);
      const dead = [...state.owners.values()].filter((owner) => owner.peer === null && !core.isAlive(owner));
      await Promise.all(dead.map((owner) => reap(owner, 'it died while no coordinator ran')));
    },
    async reapGone() {
      // A `kill -9` just before the stop may not have ended its process yet (the kernel has not
      // run it since): it counts as gone. Reaps that start meanwhile (a connection closing as its
      // process dies) are waited for too: rounds until no new reap is under way. Dying is asked
      // first: its pending SIGKILL shows until the process is gone for good.
      const gone = (owner: Owner) => (effects.dying?.(owner.pid) ?? false) || !core.isAlive(owner);
      const awaited = new Set<Promise<void>>();
      for (;;) {
        const reaps = [...state.owners.values()].flatMap((owner) => {
          if (owner.reaping) return [owner.reaping];
          return gone(owner) ? [reap(owner, 'its process is gone (reaped before the coordinator stops)')] : [];
        });
        const fresh = reaps.filter((reaping) => !awaited.has(reaping));
        if (fresh.length === 0) return;
        for (const reaping of fresh) awaited.add(reaping);
        await Promise.all(fresh);
      }
    },
  };
}
