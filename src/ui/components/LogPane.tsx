import { Box, Text } from 'ink';
import { memo } from 'react';
import type { StackView } from '../../supervisor/view.js';
import { useColour, usePaint } from '../hooks/use-paint.js';
import { logRow, prefixWidth } from '../model/log-rows.js';
import { type LogScroll, visibleLines } from '../model/log-window.js';
import { serviceColour } from '../model/theme.js';
import type { SearchState } from '../model/ui-state.js';
import { matcherFor } from '../text/highlight.js';
import { textWidth } from '../text/width.js';

export interface LogPaneProps {
  readonly view: StackView;
  /** Changes whenever the view has news: the pane reads the rings again. */
  readonly version: number;
  readonly services: readonly string[];
  readonly focus: string | null;
  readonly scroll: LogScroll;
  readonly pan: number;
  readonly search: SearchState | null;
  readonly width: number;
  /** Rows for lines (the title row comes on top). */
  readonly height: number;
}

export const LogPane = memo(function LogPane(props: LogPaneProps) {
  const paint = usePaint();
  const colour = useColour();
  const { view, focus, scroll, width, height, search } = props;
  // Following, only the tail is read from the rings; scrolled, the list up to the anchor.
  const lines = scroll.follow ? view.getLogs(focus ?? undefined, height) : view.getLogs(focus ?? undefined);
  const window = visibleLines(lines, scroll, height);
  const below = window.total - window.first - window.lines.length;
  const nameWidth = focus === null ? prefixWidth(props.services, width) : 0;
  const matcher = search ? matcherFor(search.query) : null;
  const rows = window.lines.map((line) =>
    logRow(line, { width, nameWidth, pan: props.pan, matcher, currentSeq: search?.current ?? null, colour }),
  );
  const colourOf = (service: string) => {
    const index = props.services.indexOf(service);
    return index === -1 ? 'white' : serviceColour(index);
  };

  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Title
        width={width}
        left={`logs: ${focus ?? 'all services'}${props.pan > 0 ? ` · → ${props.pan}` : ''}`}
        right={scroll.follow ? 'following' : `paused · ${below} lines below · G follows`}
        rightColour={scroll.follow ? 'green' : 'yellow'}
        search={search && !search.editing ? search : null}
      />
      {rows.length === 0 ? (
        <Text dimColor>{focus ? `no output from ${focus} yet` : 'no output yet'}</Text>
      ) : (
        rows.map((row) => (
          <Text key={row.key} wrap="truncate-end">
            {row.prefix !== '' && <Text color={paint(colourOf(row.service))}>{row.prefix}</Text>}
            <Text dimColor={row.dim}>{row.text}</Text>
          </Text>
        ))
      )}
    </Box>
  );
});

function Title(props: {
  width: number;
  left: string;
  right: string;
  rightColour: 'green' | 'yellow';
  search: SearchState | null;
}) {
  const paint = usePaint();
  const searchText = props.search
    ? ` /${props.search.query}${props.search.total > 0 ? ` ${props.search.ordinal}/${props.search.total}` : ''} `
    : '';
  const left = `── ${props.left} `;
  const right = ` ${props.right} `;
  const fill = props.width - textWidth(left) - textWidth(searchText) - textWidth(right) - 2;
  return (
    <Text wrap="truncate-end">
      <Text dimColor>{left}</Text>
      {searchText !== '' && <Text color={paint('yellow')}>{searchText}</Text>}
      <Text dimColor>{'─'.repeat(Math.max(0, fill))}</Text>
      {fill >= 0 && <Text color={paint(props.rightColour)}>{right}</Text>}
      {fill >= 0 && <Text dimColor>──</Text>}
    </Text>
  );
}
