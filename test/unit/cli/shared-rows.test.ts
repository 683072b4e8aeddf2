/**
 * The UI's view of a stack using a shared service (cli/stack/shared-rows.ts), over in-memory
 * views: the instance's row comes first, live from its view and with its users from the
 * coordinator's list; its lines join the log pane's under the service's name; actions on it go
 * to the instance's view (by the instance's service name), the others to the stack's own; a new
 * instance (its supervisor started again) is opened in place of the one that went away.
 */
import { afterEach, expect, test } from 'vitest';
import { type SharedRowsView, withSharedRows } from '../../../src/cli/stack/shared-rows.ts';
import type { SharedUse, StackInfo } from '../../../src/protocol/coordinator-protocol.ts';
import type { RemoteView } from '../../../src/supervisor/control/remote-view.ts';
import { MemoryView } from '../../helpers/memory-view.ts';
import { waitFor } from '../../helpers/wait.ts';

const USE: SharedUse = {
  service: 'db',
  key: 'repo:/src/shop/.git:db',
  scope: 'repo',
  keepAliveMs: 0,
  definition: { file: '/src/shop/styxy.config.ts', command: '"redis"', cwd: '.', env: {}, ports: {} },
};

function info(id: string, name: string, patch: Partial<StackInfo> = {}): StackInfo {
  return {
    id,
    name,
    project: 'shop',
    root: `/src/${id}`,
    configFile: `/src/${id}/styxy.config.ts`,
    pid: 1000,
    detached: true,
    controlSocket: `/tmp/${id}.sock`,
    since: 0,
    phase: 'running',
    services: [],
    leases: [],
    ...patch,
  };
}

/** An instance's view as a RemoteView (what its control socket would give). */
function instanceView(pid: number): MemoryView & RemoteView & { closed: boolean } {
  const view = new MemoryView({
    project: 'shop',
    name: 'shared-db',
    services: [{ name: 'db', status: 'ready', ports: { PORT: 6380 }, pid, restarts: 0 }],
  }) as MemoryView & RemoteView & { closed: boolean };
  Object.assign(view, { lost: false, closed: false });
  view.close = () => {
    view.closed = true;
  };
  return view;
}

let shown: SharedRowsView | undefined;
afterEach(() => shown?.close());

function setup() {
  const base = new MemoryView({ project: 'shop', services: [{ name: 'api', status: 'ready', pid: 10 }] });
  const self = info('memory', 'default', { uses: [USE] });
  const other = info('other', 'feature-x', { uses: [USE] });
  const state = {
    instance: info('shared-db', 'shared-db', { pid: 2000, shared: USE }),
    opened: [] as (MemoryView & RemoteView & { closed: boolean })[],
  };
  shown = withSharedRows(base, {
    stackId: 'memory',
    shared: ['db'],
    pollMs: 20,
    listStacks: async () => [self, other, state.instance],
    open: async (instance) => {
      const view = instanceView(instance.pid + 1);
      state.opened.push(view);
      return view;
    },
  });
  return { base, shown, state };
}

test('the shared row is first, live from the instance, with its users; its lines show under its name', async () => {
  const { base, shown, state } = setup();
  base.log('api', 'api up'); // the stack's first event starts the rows
  const row = await waitFor(() => {
    const db = shown.getSnapshot().services[0]!;
    return db.pid === 2001 && db.users?.length === 2 ? db : null;
  });
  expect(row).toMatchObject({ name: 'db', status: 'ready', ports: { PORT: 6380 }, shared: true });
  expect(row.users!.map((user) => user.id)).toEqual(['memory', 'other']);
  expect(shown.getSnapshot().services.map((s) => s.name)).toEqual(['db', 'api']);

  state.opened[0]!.log('db', 'Ready to accept connections');
  const lines = shown.getLogs();
  expect(lines.map((line) => `${line.service}: ${line.text}`)).toEqual([
    'api: api up',
    'db: shared: the output of its instance (stack shared-db, pid 2000)',
    'db: Ready to accept connections',
  ]);
  expect(shown.getLogs('db').at(-1)!.text).toBe('Ready to accept connections');
  // one seq order over both stacks' lines
  expect(lines.map((line) => line.seq)).toEqual([...lines.map((line) => line.seq)].sort((a, b) => a - b));
});

test("actions on the shared row go to the instance's supervisor, the others to the stack's", async () => {
  const { base, shown, state } = setup();
  base.log('api', 'api up');
  await waitFor(() => shown.getSnapshot().services[0]!.pid === 2001);
  await shown.actions.restart('db');
  await shown.actions.stop('db');
  await shown.actions.restart('api');
  expect(state.opened[0]!.calls).toEqual([
    { action: 'restart', service: 'db' },
    { action: 'stop', service: 'db' },
  ]);
  expect(base.calls).toEqual([{ action: 'restart', service: 'api' }]);
});

test('an instance that went away is replaced by the one started again', async () => {
  const { base, shown, state } = setup();
  base.log('api', 'api up');
  await waitFor(() => shown.getSnapshot().services[0]!.pid === 2001);
  const first = state.opened[0]!;
  Object.assign(first, { lost: true });
  first.setPhase('stopped'); // its connection ended
  await waitFor(() => shown.getSnapshot().services[0]!.status === 'pending');
  await expect(shown.actions.restart('db')).rejects.toThrow(/shared service "db" is not reachable/);
  state.instance = { ...state.instance, pid: 3000 };
  await waitFor(() => shown.getSnapshot().services[0]!.pid === 3001);
  expect(first.closed).toBe(true);
  expect(shown.getLogs('db').map((line) => line.text)).toContain('shared: its instance (pid 2000) went away');
});

test("an instance's backlog goes among the stack's lines by time (attach: both have a backlog)", async () => {
  const base = new MemoryView({ project: 'shop', services: [{ name: 'api', status: 'ready', pid: 10 }] });
  const at = (line: { time: number }, time: number) => {
    line.time = time;
  };
  at(base.log('api', 'api first'), 1000);
  at(base.log('api', 'api third'), 3000);
  const instance = instanceView(2001);
  at(instance.log('db', 'db second'), 2000);
  at(instance.log('db', 'db fourth'), 4000);
  shown = withSharedRows(base, {
    stackId: 'memory',
    shared: ['db'],
    pollMs: 20,
    listStacks: async () => [
      info('memory', 'default', { uses: [USE] }),
      info('shared-db', 'shared-db', { pid: 2000, shared: USE }),
    ],
    open: async () => instance,
  });
  await waitFor(() => shown!.getSnapshot().services[0]!.pid === 2001);
  expect(shown.getLogs().map((line) => line.text)).toEqual([
    'api first',
    'db second',
    'api third',
    'db fourth',
    'shared: the output of its instance (stack shared-db, pid 2000)',
  ]);
  instance.log('db', 'db live');
  expect(shown.getLogs('db').map((line) => line.text)).toEqual([
    'db second',
    'db fourth',
    'shared: the output of its instance (stack shared-db, pid 2000)',
    'db live',
  ]);
});
