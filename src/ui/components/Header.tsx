import { Box, Text } from 'ink';
import type { StackPhase, StackSnapshot } from '../../protocol/stack.js';
import { usePaint } from '../hooks/use-paint.js';
import { headerParts } from '../model/header.js';
import type { Colour } from '../model/theme.js';

const PHASE_COLOUR: Record<StackPhase, Colour> = {
  starting: 'yellow',
  running: 'green',
  stopping: 'yellow',
  stopped: 'gray',
  failed: 'red',
};

export function Header(props: { snapshot: StackSnapshot; coordinatorPid: number | null; width: number }) {
  const paint = usePaint();
  const { title, facts, phase } = headerParts(props.snapshot, props.coordinatorPid, props.width);
  return (
    <Box width={props.width} height={1} justifyContent="space-between">
      <Box flexShrink={1}>
        <Text wrap="truncate-end">
          <Text bold color={paint('cyan')}>
            styxy
          </Text>{' '}
          <Text bold>{title}</Text>
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={2}>
        <Text wrap="truncate-end">
          {facts.map((fact) => `${fact} · `).join('')}
          <Text color={paint(PHASE_COLOUR[phase])}>{phase}</Text>
        </Text>
      </Box>
    </Box>
  );
}
