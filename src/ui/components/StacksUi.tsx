import { Box, Text, useInput, useWindowSize } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { ColourContext, usePaint } from '../hooks/use-paint.js';
import type { Colour } from '../model/theme.js';
import { TOP_COLUMNS, TOP_TITLES, type TopRow, type TopSnapshot, topRows, topWidths } from '../model/top-table.js';
import { fitCell } from '../text/fit.js';

/** Where `styxy top`'s list ends: the user quit, or chose a stack to open. */
export type TopResult = { readonly kind: 'quit' } | { readonly kind: 'open'; readonly stackId: string };

/** The stacks as they change: the CLI polls the coordinator; the UI never touches a socket. */
export interface StacksFeed {
  current(): TopSnapshot;
  subscribe(listener: () => void): () => void;
}

export interface StacksUiProps {
  readonly feed: StacksFeed;
  /** Shortens a project root for the FOLDER column (`~/src/shop`). */
  readonly folder: (root: string) => string;
  /** The stack to select first (the one the user came back from). */
  readonly selectedId?: string;
  /** A line for the bottom bar until the next key (e.g. why the last stack could not be opened). */
  readonly notice?: string;
  readonly colour?: boolean;
  readonly onExit: (result: TopResult) => void;
}

const PHASE_COLOUR: Record<TopRow['phase'], Colour> = {
  starting: 'yellow',
  running: 'green',
  stopping: 'yellow',
  stopped: 'gray',
  failed: 'red',
};

/** `styxy top`: every stack of the user, live; enter opens one's own view (the CLI attaches). */
export function StacksUi({ colour = true, ...props }: StacksUiProps) {
  return (
    <ColourContext.Provider value={colour}>
      <StacksScreen {...props} />
    </ColourContext.Provider>
  );
}

function StacksScreen({ feed, folder, selectedId, notice, onExit }: Omit<StacksUiProps, 'colour'>) {
  const paint = usePaint();
  const { columns, rows: height } = useWindowSize();
  const [snapshot, setSnapshot] = useState(() => feed.current());
  useEffect(() => {
    setSnapshot(feed.current());
    return feed.subscribe(() => setSnapshot(feed.current()));
  }, [feed]);
  const rows = topRows(snapshot.stacks, folder);
  // The selection follows its stack (by id) as others come and go.
  const [selected, setSelected] = useState<string | undefined>(selectedId);
  const current = useRef(selected);
  const [shownNotice, setShownNotice] = useState(notice);
  const index = Math.max(
    0,
    rows.findIndex((row) => row.id === selected),
  );
  const done = useRef(false);
  const finish = (result: TopResult) => {
    if (done.current) return;
    done.current = true;
    onExit(result);
  };
  useInput((input, key) => {
    setShownNotice(undefined);
    if (input === 'q' || (key.ctrl && input === 'c') || key.escape) return finish({ kind: 'quit' });
    if (rows.length === 0) return;
    // Keys can come faster than renders: each starts from the latest selection, kept in a ref.
    const at = (id: string | undefined) =>
      Math.max(
        0,
        rows.findIndex((row) => row.id === id),
      );
    const move = key.downArrow || input === 'j' ? 1 : key.upArrow || input === 'k' ? -1 : 0;
    const to =
      move !== 0
        ? rows[Math.min(rows.length - 1, Math.max(0, at(current.current) + move))]
        : input === 'g'
          ? rows[0]
          : input === 'G'
            ? rows.at(-1)
            : undefined;
    if (to) {
      current.current = to.id;
      setSelected(to.id);
    }
    if (key.return || input === 'l') finish({ kind: 'open', stackId: rows[at(current.current)]!.id });
  });
  const widths = topWidths(rows, columns);
  const line = (cells: Readonly<Record<string, string>>) =>
    TOP_COLUMNS.map((column) => fitCell(cells[column] ?? '', widths[column])).join('  ');
  const listRows = Math.max(1, height - 4);
  const start = Math.min(Math.max(0, index - listRows + 1), Math.max(0, rows.length - listRows));
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Text wrap="truncate-end">
        <Text bold color={paint('cyan')}>
          styxy
        </Text>{' '}
        <Text bold>top</Text>
        <Text dimColor>
          {`  ${rows.length} ${rows.length === 1 ? 'stack' : 'stacks'}${snapshot.coordinator ? '' : ' · no coordinator running'}`}
        </Text>
      </Text>
      <Text wrap="truncate-end" dimColor bold>{`  ${line(TOP_TITLES)}`}</Text>
      <Box flexDirection="column" flexGrow={1}>
        {rows.length === 0 ? (
          <Text dimColor>{'  no running stacks: `styxy up -d` in a project starts one'}</Text>
        ) : (
          rows.slice(start, start + listRows).map((row, i) => {
            const isSelected = start + i === index;
            const status = fitCell(row.cells.status, widths.status);
            return (
              <Text key={row.id} wrap="truncate-end">
                <Text color={paint('cyan')}>{isSelected ? '▸ ' : '  '}</Text>
                <Text bold={isSelected} inverse={isSelected}>
                  {fitCell(row.cells.folder, widths.folder)}
                </Text>
                {`  ${fitCell(row.cells.stack, widths.stack)}  `}
                <Text color={paint(row.trouble ? 'red' : PHASE_COLOUR[row.phase])}>{status}</Text>
                {`  ${(['pid', 'ports', 'shared'] as const).map((c) => fitCell(row.cells[c], widths[c])).join('  ')}`}
              </Text>
            );
          })
        )}
      </Box>
      <Text wrap="truncate-end">
        {shownNotice ? <Text color={paint('red')}>{`${shownNotice}   `}</Text> : null}
        {[
          ['↑↓', 'select'],
          ['enter', 'open'],
          ['q', 'quit'],
        ].map(([key, does], i) => (
          <Text key={key}>
            {i > 0 ? '  ' : ''}
            <Text bold>{key}</Text> <Text dimColor>{does}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
