/**
 * Shared services in the live UI (component level): the row is marked in text (no colour
 * needed) with how many stacks use it, and r / s on it ask first, naming the other stacks; y
 * dispatches the action, any other key cancels it. A stack's own service is not asked about.
 */
import { afterEach, expect, test } from 'vitest';
import { StackUi, type UiResult } from '../../../src/ui/components/StackUi.tsx';
import { type InkTerminal, renderInTerminal } from '../../helpers/ink-terminal.ts';
import { MemoryView } from '../../helpers/memory-view.ts';
import { waitFor } from '../../helpers/wait.ts';

const user = (id: string, name: string) => ({ id, name, project: 'shop', root: `/src/shop-${name}` });
// The memory view's stack is `memory`: the other two are the stacks the question names.
const USERS = [user('memory', 'default'), user('b', 'feature-x'), user('c', 'main')];

let terminal: InkTerminal | undefined;
afterEach(() => {
  terminal?.unmount();
  terminal = undefined;
});

function mount(mode: 'foreground' | 'attach' = 'foreground') {
  const view = new MemoryView({
    project: 'shop',
    services: [
      { name: 'db', status: 'ready', ports: { PORT: 5432 }, pid: 101, shared: true, users: USERS },
      { name: 'api', status: 'ready', ports: { PORT: 3001 }, pid: 102 },
    ],
  });
  const exits: UiResult[] = [];
  terminal = renderInTerminal(
    <StackUi view={view} mode={mode} colour={false} onExit={(result) => exits.push(result)} />,
    { columns: 120, rows: 20 },
  );
  return { view, terminal, exits };
}

const bottomRow = (screen: string) => screen.trimEnd().split('\n').at(-1) ?? '';

test('a shared row is marked in text, with the number of stacks using it', async () => {
  const { terminal } = mount();
  const row = /▸ db \(shared · 3 stacks\)\s+● ready\s+PORT=5432\s+101/;
  const screen = await terminal.waitForScreen((s) => row.test(s));
  expect(screen).toMatch(/^ {2}api\s+● ready\s+PORT=3001\s+102/m);
  expect(screen).not.toMatch(/api \(shared/);
});

test('r on a shared row asks, naming the other stacks; n cancels, y restarts it', async () => {
  const { view, terminal } = mount();
  await terminal.waitForScreen('▸ db (shared · 3 stacks)');
  terminal.press('r');
  const asked = await terminal.waitForScreen(
    (s) => bottomRow(s) === 'restart db? it is shared with 2 other stacks: shop/feature-x, shop/main [y/N]',
  );
  expect(asked).toContain('▸ db (shared');
  terminal.press('n');
  await terminal.waitForScreen((s) => bottomRow(s).startsWith('cancelled'));
  expect(view.calls).toEqual([]);

  terminal.press('r');
  await terminal.waitForScreen((s) => bottomRow(s).startsWith('restart db?'));
  terminal.press('y');
  await waitFor(() => view.calls.length === 1);
  expect(view.calls).toEqual([{ action: 'restart', service: 'db' }]);
  await terminal.waitForScreen((s) => /▸ db \(shared · 3 stacks\)\s+● running\s+PORT=5432\s+\d+\s+\S+\s+1\b/.test(s));
});

test('s on a running shared row asks before stopping it; starting a stopped one does not ask', async () => {
  const { view, terminal } = mount('attach');
  await terminal.waitForScreen('▸ db (shared · 3 stacks)');
  terminal.press('s');
  await terminal.waitForScreen(
    (s) => bottomRow(s) === 'stop db? it is shared with 2 other stacks: shop/feature-x, shop/main [y/N]',
  );
  terminal.press('x'); // any other key cancels
  await terminal.waitForScreen((s) => bottomRow(s).startsWith('cancelled'));
  expect(view.calls).toEqual([]);
  terminal.press('s', 'Y');
  await waitFor(() => view.calls.length === 1);
  expect(view.calls).toEqual([{ action: 'stop', service: 'db' }]);
  await terminal.waitForScreen((s) => /▸ db \(shared · 3 stacks\)\s+■ stopped/.test(s));
  terminal.press('s');
  await waitFor(() => view.calls.length === 2);
  expect(view.calls[1]).toEqual({ action: 'start', service: 'db' });
});

test("the stack's own service is restarted at once, without a question", async () => {
  const { view, terminal } = mount();
  await terminal.waitForScreen('▸ db (shared');
  terminal.press('j', 'r');
  await waitFor(() => view.calls.length === 1);
  expect(view.calls).toEqual([{ action: 'restart', service: 'api' }]);
  expect(bottomRow(terminal.screen())).not.toContain('[y/N]');
});
