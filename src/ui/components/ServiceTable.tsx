import { Box, Text, useAnimation } from 'ink';
import { memo } from 'react';
import type { ServiceSnapshot } from '../../protocol/stack.js';
import { useClock } from '../hooks/use-clock.js';
import { usePaint } from '../hooks/use-paint.js';
import { GAP } from '../model/columns.js';
import { tableStart } from '../model/layout.js';
import { cellText, tableColumns } from '../model/table.js';
import { isBusy, STATUS_STYLE } from '../model/theme.js';
import { fitCell } from '../text/fit.js';

const RIGHT_ALIGNED = new Set(['pid', 'uptime', 'restarts']);
const gap = ' '.repeat(GAP);

export interface ServiceTableProps {
  readonly services: readonly ServiceSnapshot[];
  readonly selected: number;
  readonly width: number;
  readonly rows: number;
}

export const ServiceTable = memo(function ServiceTable({ services, selected, width, rows }: ServiceTableProps) {
  const paint = usePaint();
  // The spinner ticks only while a service is starting: an idle stack causes no redraws.
  const { frame } = useAnimation({ interval: 100, isActive: services.some((s) => isBusy(s.status)) });
  const columns = tableColumns(services, width);
  // Uptimes tick once a second, only while shown and something runs.
  const now = useClock(columns.some((c) => c.id === 'uptime') && services.some((s) => s.startedAt !== null));
  const start = tableStart(selected, services.length, rows);
  const shown = services.slice(start, start + rows);
  const align = (id: string) => (RIGHT_ALIGNED.has(id) ? 'right' : 'left');
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Text wrap="truncate-end" dimColor bold>
        {`  ${columns.map((c) => fitCell(c.title, c.width, align(c.id))).join(gap)}`}
      </Text>
      {shown.map((service, i) => {
        const isSelected = start + i === selected;
        return (
          <Text key={service.name} wrap="truncate-end">
            <Text color={paint('cyan')}>{isSelected ? '▸ ' : '  '}</Text>
            {columns.map((column, c) => {
              const text = fitCell(cellText(column, service, now, frame), column.width, align(column.id));
              const separator = c === 0 ? '' : gap;
              if (column.id === 'status') {
                return (
                  <Text key={column.id}>
                    {separator}
                    <Text color={paint(STATUS_STYLE[service.status].colour)}>{text}</Text>
                  </Text>
                );
              }
              if (column.id === 'name') {
                return (
                  <Text key={column.id} bold={isSelected} inverse={isSelected}>
                    {text}
                  </Text>
                );
              }
              return <Text key={column.id}>{separator + text}</Text>;
            })}
          </Text>
        );
      })}
    </Box>
  );
});
