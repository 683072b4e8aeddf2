/**
 * The live UI's view of a stack that uses shared services (`up` on a terminal, `attach`, a stack
 * opened from `top`): the stack's own view with a row per shared service it uses, fed live by
 * the instance's control socket (its status, ports, pid, restarts and output, as `attach` of the
 * instance would show them), and marked `shared` with the stacks using it. Actions on a shared row
 * go to the instance's supervisor (the UI asks first: ui-state.ts). For an instance stack itself,
 * its one service is marked the same way. Why a subscription and a poll: docs/architecture.md,
 * "Shared services".
 */
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import type { LogLine, ServiceSnapshot, StackEvent, StackSnapshot } from '../../protocol/stack.js';
import { openRemoteView, type RemoteView } from '../../supervisor/control/remote-view.js';
import { LogStore } from '../../supervisor/log-store.js';
import type { StackActions, StackView } from '../../supervisor/view.js';
import { usersOf } from './shared-view.js';
import { connectStack } from './stack-control.js';

/** How often the coordinator is asked who uses each instance and where it runs. */
export const SHARED_POLL_MS = 1000;

type User = NonNullable<ServiceSnapshot['users']>[number];

export interface SharedRowsOptions {
  readonly stackId: string;
  /** The shared services the stack uses, by their names in its config (rows before the first poll). */
  readonly shared: readonly string[];
  /** Every running stack, as the coordinator knows them. */
  readonly listStacks: () => Promise<readonly StackInfo[]>;
  /** The live view of an instance stack. @default over its control socket (openInstanceView) */
  readonly open?: (instance: StackInfo) => Promise<RemoteView>;
  /** @default SHARED_POLL_MS */
  readonly pollMs?: number;
}

export interface SharedRowsView extends StackView {
  /** Stops polling and closes the instances' connections (the instances keep running). */
  close(): void;
}

interface Row {
  /** The instance stack this row shows now, its service there and its live view. */
  instance: { readonly id: string; readonly pid: number; readonly service: string } | null;
  remote: RemoteView | null;
  opening: boolean;
  users: User[];
  /** Epoch ms of the newest line taken, so a view opened again skips what was shown. */
  lastTime: number;
  /** An instance not to open (again) before `until`: it went away (never), or could not be reached. */
  skip: { readonly pid: number; readonly until: number } | null;
}

/** How long an instance that could not be reached is left alone before trying it again. */
const RETRY_MS = 5000;

export function withSharedRows(base: StackView, options: SharedRowsOptions): SharedRowsView {
  const rows = new Map<string, Row>();
  for (const name of options.shared) rows.set(name, emptyRow());
  /** When this stack is an instance itself: the stacks using it. */
  let instanceUsers: { readonly service: string; readonly users: User[] } | null = null;
  const listeners = new Set<(event: StackEvent) => void>();
  let store = new LogStore(allNames(base.getSnapshot(), rows));
  for (const line of base.getLogs()) append(line);
  let snapshot: StackSnapshot | null = null;
  let closed = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;

  function emit(event: StackEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {}
    }
  }
  function changed(): void {
    snapshot = null;
    if (started) emit({ type: 'snapshot', snapshot: getSnapshot() });
  }
  function append(line: Pick<LogLine, 'service' | 'stream' | 'text' | 'time'>): LogLine {
    store.addService(line.service);
    return store.append(line.service, line.stream, line.text, line.time);
  }
  function note(service: string, text: string): void {
    const line = append({ service, stream: 'styxy', text, time: Date.now() });
    if (started) emit({ type: 'log', line });
  }

  function getSnapshot(): StackSnapshot {
    if (snapshot) return snapshot;
    const own = base.getSnapshot();
    const shared = [...rows].map(([name, row]) => sharedRow(name, row));
    const services = own.services.map((service) =>
      instanceUsers?.service === service.name ? { ...service, shared: true, users: instanceUsers.users } : service,
    );
    snapshot = { ...own, services: [...shared, ...services] };
    return snapshot;
  }

  function closeRemote(name: string, row: Row, why: string | null): void {
    if (row.instance && why) row.skip = { pid: row.instance.pid, until: Number.POSITIVE_INFINITY };
    row.remote?.close();
    row.remote = null;
    row.instance = null;
    if (why) note(name, why);
  }

  async function open(name: string, row: Row, instance: StackInfo): Promise<void> {
    row.opening = true;
    try {
      const remote = await (options.open ?? openInstanceView)(instance);
      if (closed || !rows.has(name)) return remote.close();
      const service = instance.shared!.service;
      closeRemote(name, row, null);
      row.remote = remote;
      row.instance = { id: instance.id, pid: instance.pid, service };
      const from = row.lastTime;
      const backlog = remote.getLogs(service).filter((line) => line.time > from);
      if (from === 0 && backlog.length > 0) merge(name, row, backlog);
      else for (const line of backlog) take(name, row, line, false);
      note(name, `shared: the output of its instance (stack ${instance.name}, pid ${instance.pid})`);
      remote.subscribe((event) => {
        if (row.remote !== remote) return;
        if (event.type === 'log') {
          if (event.line.service === service) take(name, row, event.line, true);
          return;
        }
        if (event.snapshot.phase === 'stopped') {
          closeRemote(name, row, `shared: its instance (pid ${instance.pid}) ${remote.lost ? 'went away' : 'stopped'}`);
        }
        changed();
      });
      changed();
    } catch (error) {
      if (row.skip?.pid !== instance.pid) note(name, `shared: cannot reach its instance (${(error as Error).message})`);
      row.skip = { pid: instance.pid, until: Date.now() + RETRY_MS };
    } finally {
      row.opening = false;
    }
  }
  /**
   * The first lines of an instance (its backlog) go among the stack's by time, not after them:
   * the store is made again, once per instance row (the seqs change, so a scrolled pane may jump
   * once, in the UI's first second).
   */
  function merge(name: string, row: Row, backlog: readonly LogLine[]): void {
    row.lastTime = Math.max(row.lastTime, ...backlog.map((line) => line.time));
    const lines = [...store.lines(), ...backlog.map((line) => ({ ...line, service: name }))];
    lines.sort((a, b) => a.time - b.time); // stable: lines of one time keep their order
    store = new LogStore(allNames(base.getSnapshot(), rows));
    for (const line of lines) append(line);
  }
  function take(name: string, row: Row, line: LogLine, live: boolean): void {
    row.lastTime = Math.max(row.lastTime, line.time);
    const taken = append({ ...line, service: name });
    if (live && started) emit({ type: 'log', line: taken });
  }

  let polling = false;
  async function poll(): Promise<void> {
    if (polling || closed) return;
    polling = true;
    try {
      const all = await options.listStacks();
      if (closed) return;
      const self = all.find((stack) => stack.id === options.stackId);
      let dirty = false;
      for (const use of self?.uses ?? []) {
        const row = rows.get(use.service);
        if (!row) continue;
        const users = usersOf(use.key, all);
        if (!sameUsers(users, row.users)) {
          row.users = users;
          dirty = true;
        }
        const instance = all.find((stack) => stack.shared?.key === use.key);
        const current = row.instance;
        const skipped = row.skip?.pid === instance?.pid && Date.now() < row.skip!.until;
        if (instance?.controlSocket && current?.pid !== instance.pid && !row.opening && !skipped) {
          void open(use.service, row, instance);
        }
      }
      if (self?.shared) {
        const users = usersOf(self.shared.key, all);
        if (!instanceUsers || !sameUsers(users, instanceUsers.users)) {
          instanceUsers = { service: self.shared.service, users };
          dirty = true;
        }
      }
      if (dirty) changed();
    } catch {
      // The coordinator is away for now (it restarts): the rows keep what they showed.
    } finally {
      polling = false;
    }
  }

  function start(): void {
    if (started || closed) return;
    started = true;
    void poll();
    timer = setInterval(() => void poll(), options.pollMs ?? SHARED_POLL_MS);
    timer.unref();
  }

  const unsubscribe = base.subscribe((event) => {
    // Like the stack's own view: no event before the stack's first (tui-renderer.ts).
    start();
    if (event.type === 'log') emit({ type: 'log', line: append(event.line) });
    else changed();
  });

  const route =
    (action: 'restart' | 'stop' | 'start') =>
    async (service: string): Promise<void> => {
      const row = rows.get(service);
      if (!row) return base.actions[action](service);
      return remoteOf(service, row).actions[action](row.instance!.service);
    };
  const actions: StackActions = {
    restart: route('restart'),
    stop: route('stop'),
    start: route('start'),
    input: async (service, data) => {
      const row = rows.get(service);
      if (!row) return base.actions.input(service, data);
      return remoteOf(service, row).actions.input(row.instance!.service, data);
    },
    stopStack: (stopOptions) => base.actions.stopStack(stopOptions),
  };

  // An attached view has had its first event already: start at once.
  if (base.getSnapshot().phase !== 'starting' || base.getLogs(undefined, 1).length > 0) start();

  return {
    getSnapshot,
    getLogs: (service, limit) => store.lines(service, limit),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
    close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
      for (const [name, row] of rows) closeRemote(name, row, null);
    },
  };
}

/** An instance's live view over its control socket, with a small backlog (the row's recent lines). */
export async function openInstanceView(instance: StackInfo): Promise<RemoteView> {
  const client = await connectStack(instance);
  try {
    return await openRemoteView(client, { backlog: 500 });
  } catch (error) {
    client.close();
    throw error;
  }
}

function remoteOf(service: string, row: Row): RemoteView {
  if (row.remote && row.instance) return row.remote;
  throw new Error(`the instance of shared service "${service}" is not reachable now (see \`styxy ps --all\`)`);
}

function emptyRow(): Row {
  return { instance: null, remote: null, opening: false, users: [], lastTime: 0, skip: null };
}

function allNames(own: StackSnapshot, rows: ReadonlyMap<string, Row>): string[] {
  return [...rows.keys(), ...own.services.map((service) => service.name)];
}

function sameUsers(a: readonly User[], b: readonly User[]): boolean {
  return a.length === b.length && a.every((user, i) => user.id === b[i]!.id);
}

/** The row of a shared service: its instance's live snapshot, or what is known while there is none. */
function sharedRow(name: string, row: Row): ServiceSnapshot {
  const live = row.instance && row.remote?.getSnapshot().services.find((s) => s.name === row.instance!.service);
  if (live) return { ...live, name, shared: true, users: row.users };
  return {
    name,
    status: 'pending',
    ports: {},
    pid: null,
    restarts: 0,
    startedAt: null,
    readyAt: null,
    lastExit: null,
    detail: row.users.length > 0 ? 'shared: its instance is not running' : 'shared: looking for its instance',
    dependsOn: [],
    health: null,
    shared: true,
    users: row.users,
  };
}
