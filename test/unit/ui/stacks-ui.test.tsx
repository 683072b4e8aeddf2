import { afterEach, describe, expect, test } from 'vitest';
import type { StackInfo } from '../../../src/protocol/coordinator-protocol.ts';
import type { ServiceSnapshot } from '../../../src/protocol/stack.ts';
import { type StacksFeed, StacksUi, type TopResult } from '../../../src/ui/components/StacksUi.tsx';
import type { TopSnapshot } from '../../../src/ui/model/top-table.ts';
import { type InkTerminal, KEYS, renderInTerminal } from '../../helpers/ink-terminal.ts';
import { waitFor } from '../../helpers/wait.ts';

function service(
  name: string,
  status: ServiceSnapshot['status'],
  ports: Record<string, number> = {},
  shared = false,
): ServiceSnapshot {
  return {
    name,
    status,
    ports,
    pid: 1,
    restarts: 0,
    startedAt: 0,
    readyAt: null,
    lastExit: null,
    detail: null,
    dependsOn: [],
    ...(shared ? { shared: true } : {}),
  };
}

function stack(root: string, name: string, phase: StackInfo['phase'], services: ServiceSnapshot[]): StackInfo {
  return {
    id: `${root}#${name}`,
    name,
    project: root.split('/').at(-1)!,
    root,
    pid: 4000 + root.length,
    controlSocket: null,
    detached: true,
    since: 0,
    phase,
    services,
    leases: [],
  } as unknown as StackInfo;
}

class MemoryFeed implements StacksFeed {
  snapshot: TopSnapshot;
  readonly listeners = new Set<() => void>();
  constructor(stacks: StackInfo[]) {
    this.snapshot = { stacks, coordinator: true };
  }
  current = () => this.snapshot;
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(stacks: StackInfo[], coordinator = true) {
    this.snapshot = { stacks, coordinator };
    for (const listener of this.listeners) listener();
  }
}

const SHOP = stack('/src/shop', 'default', 'running', [
  service('db', 'ready', { PORT: 5432 }, true),
  service('api', 'ready', { PORT: 8000, DEBUG_PORT: 9229 }),
]);
const REVIEW = stack('/src/shop-review', 'default', 'running', [service('api', 'failed', { PORT: 8001 })]);
const BLOG = stack('/src/blog', 'preview', 'starting', [service('web', 'starting', { PORT: 3000 })]);

let terminal: InkTerminal | undefined;
afterEach(() => {
  terminal?.unmount();
  terminal = undefined;
});

function mount(feed: MemoryFeed, selectedId?: string, notice?: string) {
  const exits: TopResult[] = [];
  terminal = renderInTerminal(
    <StacksUi
      feed={feed}
      folder={(root) => root.replace('/src', '~/src')}
      selectedId={selectedId}
      notice={notice}
      colour={false}
      onExit={(result) => exits.push(result)}
    />,
    { columns: 120, rows: 12 },
  );
  return { exits, terminal };
}

describe('StacksUi (styxy top)', () => {
  test('a row per stack, sorted by folder: folder, stack, status, pid, ports, shared services', async () => {
    const { terminal } = mount(new MemoryFeed([SHOP, REVIEW, BLOG]));
    const screen = await terminal.waitForScreen('3 stacks');
    const lines = screen.split('\n');
    expect(lines[1]).toMatch(/^ {2}FOLDER +STACK +STATUS +PID +PORTS +SHARED$/);
    expect(lines[2]).toMatch(/^▸ ~\/src\/blog +blog\/preview +starting 0\/1 up +4009 +web:3000 +-$/);
    expect(lines[3]).toMatch(/^ {2}~\/src\/shop +shop\/default +running 2\/2 up +4009 +db:5432 api:8000,9229 +db$/);
    expect(lines[4]).toMatch(/^ {2}~\/src\/shop-review +shop-review\/default +running 0\/1 up +4016 +api:8001 +-$/);
    expect(screen).toContain('↑↓ select  enter open  q quit');
  });

  test('keys move the selection; enter opens the selected stack; q quits', async () => {
    const { exits, terminal } = mount(new MemoryFeed([SHOP, REVIEW, BLOG]));
    await terminal.waitForScreen('3 stacks');
    terminal.press(KEYS.down, 'j', KEYS.up);
    await terminal.waitForScreen((s) => s.split('\n')[3]!.startsWith('▸ ~/src/shop '));
    terminal.press(KEYS.enter);
    await waitFor(() => exits.length === 1);
    expect(exits).toEqual([{ kind: 'open', stackId: SHOP.id }]);
    terminal.unmount();
    const again = mount(new MemoryFeed([SHOP, REVIEW]), REVIEW.id);
    await again.terminal.waitForScreen((s) => s.split('\n')[3]!.startsWith('▸ ~/src/shop-review'));
    again.terminal.press('q');
    await waitFor(() => again.exits.length === 1);
    expect(again.exits).toEqual([{ kind: 'quit' }]);
  });

  test('live: stacks come and go, the selection stays on its stack, and no coordinator is said', async () => {
    const feed = new MemoryFeed([SHOP, REVIEW]);
    const { terminal } = mount(feed, REVIEW.id);
    await terminal.waitForScreen('2 stacks');
    feed.set([BLOG, SHOP, REVIEW]);
    const screen = await terminal.waitForScreen('3 stacks');
    expect(screen.split('\n')[4]).toMatch(/^▸ ~\/src\/shop-review/);
    feed.set([], false);
    const empty = await terminal.waitForScreen('0 stacks');
    expect(empty).toContain('no coordinator running');
    expect(empty).toContain('no running stacks: `styxy up -d` in a project starts one');
    terminal.press(KEYS.enter); // nothing to open
    terminal.press(KEYS.down);
    feed.set([SHOP]);
    await terminal.waitForScreen((s) => s.split('\n')[2]!.startsWith('▸ ~/src/shop'));
  });

  test('a notice shows in the bottom bar until the next key', async () => {
    const { terminal } = mount(new MemoryFeed([SHOP]), undefined, 'stack shop/default does not answer');
    await terminal.waitForScreen('stack shop/default does not answer   ↑↓ select');
    terminal.press('j');
    await terminal.waitForScreen((s) => !s.includes('does not answer'));
  });
});
