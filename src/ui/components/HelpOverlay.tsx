import { Box, Text } from 'ink';
import { usePaint } from '../hooks/use-paint.js';
import { KEY_HELP } from '../model/keymap.js';
import type { UiMode } from '../model/ui-state.js';
import { fitCell } from '../text/fit.js';

/** Every key, in place of the table and the logs; esc or ? closes it. */
export function HelpOverlay(props: { mode: UiMode; width: number; height: number }) {
  const paint = usePaint();
  const keys = KEY_HELP.filter((k) => k.mode === undefined || k.mode === props.mode);
  const keyWidth = Math.max(...keys.map((k) => k.keys.length));
  return (
    <Box flexDirection="column" width={props.width} height={props.height} paddingLeft={2} paddingTop={1}>
      <Text bold>Keys</Text>
      <Text> </Text>
      {keys.map((k) => (
        <Text key={k.keys + k.does} wrap="truncate-end">
          <Text bold color={paint('cyan')}>
            {fitCell(k.keys, keyWidth)}
          </Text>
          {'   '}
          {k.does}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>esc or ? closes this help. While mouse reporting is on, hold Shift to select text.</Text>
    </Box>
  );
}
