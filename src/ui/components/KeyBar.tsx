import { Text } from 'ink';
import { barKeys } from '../model/keymap.js';
import type { UiMode, UiState } from '../model/ui-state.js';

/**
 * The bottom row: the main keys, or what is going on (the search prompt, a confirmation, the
 * stack stopping, the outcome of an action).
 */
export function KeyBar(props: { state: UiState; mode: UiMode; title: string }) {
  const { state, mode } = props;
  if (state.search?.editing) {
    return (
      <Text wrap="truncate-end">
        <Text color="yellow">/{state.search.query}</Text>
        <Text inverse> </Text>
        <Text dimColor>{'   enter: find newest match · esc: cancel'}</Text>
      </Text>
    );
  }
  if (state.overlay === 'confirm-stop') {
    return (
      <Text wrap="truncate-end" color="yellow" bold>
        {`Stop ${props.title} and every service in it? y: stop · any other key: cancel`}
      </Text>
    );
  }
  if (state.quitting !== 'no') {
    return (
      <Text wrap="truncate-end" color={state.quitting === 'forced' ? 'red' : 'yellow'}>
        {state.quitting === 'forced'
          ? 'forcing the stack to stop…'
          : `stopping the stack…${mode === 'foreground' ? '  ctrl-c again: force' : '  q: detach'}`}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      {state.flash && <Text color={state.flash.tone === 'error' ? 'red' : 'cyan'}>{`${state.flash.text}   `}</Text>}
      {barKeys(mode).map(([key, does], i) => (
        <Text key={key}>
          {i > 0 ? '  ' : ''}
          <Text bold color={key === 'X' ? 'red' : undefined}>
            {key}
          </Text>{' '}
          <Text dimColor>{does}</Text>
        </Text>
      ))}
    </Text>
  );
}
