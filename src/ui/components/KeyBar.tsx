import { Text } from 'ink';
import type { StackPhase } from '../../protocol/stack.js';
import { usePaint } from '../hooks/use-paint.js';
import { barKeys } from '../model/keymap.js';
import { type Flash, isStopping, type UiMode, type UiState } from '../model/ui-state.js';
import { sanitizeLine } from '../text/sanitize.js';

function FlashText({ flash }: { flash: Flash | null }) {
  const paint = usePaint();
  if (!flash) return null;
  return <Text color={paint(flash.tone === 'error' ? 'red' : 'cyan')}>{`${flash.text}   `}</Text>;
}

/** The end of a long line being typed, where the cursor is. */
function lineTail(line: string): string {
  const chars = [...sanitizeLine(line)];
  return chars.length <= LINE_SHOWN ? chars.join('') : `…${chars.slice(-(LINE_SHOWN - 1)).join('')}`;
}
const LINE_SHOWN = 48;

/**
 * The bottom row: the main keys, or what is going on (the search prompt, a confirmation, the
 * stack stopping, the outcome of an action).
 */
export function KeyBar(props: { state: UiState; mode: UiMode; phase: StackPhase; title: string }) {
  const paint = usePaint();
  const { state, mode, phase } = props;
  if (state.input) {
    const { service, kind, line } = state.input;
    return (
      <Text wrap="truncate-end">
        <FlashText flash={state.flash} />
        <Text inverse bold color={paint('yellow')}>
          {' INPUT '}
        </Text>
        {kind === 'tty' ? (
          <>
            <Text color={paint('yellow')}>{` keys go to ${service} (terminal)`}</Text>
            <Text dimColor>{'   esc: back to the keys'}</Text>
          </>
        ) : (
          <>
            <Text color={paint('yellow')}>{` ${service} < ${lineTail(line)}`}</Text>
            <Text inverse> </Text>
            <Text dimColor>{'   enter: send the line · esc: back to the keys'}</Text>
          </>
        )}
      </Text>
    );
  }
  if (state.search?.editing) {
    return (
      <Text wrap="truncate-end">
        <Text color={paint('yellow')}>/{state.search.query}</Text>
        <Text inverse> </Text>
        <Text dimColor>{'   enter: find newest match · esc: cancel'}</Text>
      </Text>
    );
  }
  if (state.overlay === 'confirm-shared' && state.confirm) {
    return (
      <Text wrap="truncate-end" color={paint('yellow')} bold>
        {state.confirm.question}
      </Text>
    );
  }
  if (state.overlay === 'confirm-stop') {
    return (
      <Text wrap="truncate-end" color={paint('yellow')} bold>
        {`Stop ${props.title} and every service in it? y: stop · any other key: cancel`}
      </Text>
    );
  }
  // Stopping on the user's request, or by someone else's (a signal, `styxy down`, a failure).
  if (state.quitting !== 'no' || isStopping(phase)) {
    const why = state.quitting === 'no' && phase === 'failed' ? 'a service failed: ' : '';
    const again = state.quitting === 'no' ? 'ctrl-c: force' : 'ctrl-c again: force';
    return (
      <Text wrap="truncate-end">
        <FlashText flash={state.flash} />
        <Text color={paint(state.quitting === 'forced' ? 'red' : 'yellow')}>
          {state.quitting === 'forced'
            ? 'forcing the stack to stop…'
            : `${why}stopping the stack…  ${mode === 'foreground' ? again : 'q: detach'}`}
        </Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <FlashText flash={state.flash} />
      {barKeys(mode).map(([key, does], i) => (
        <Text key={key}>
          {i > 0 ? '  ' : ''}
          <Text bold color={paint(key === 'X' ? 'red' : undefined)}>
            {key}
          </Text>{' '}
          <Text dimColor>{does}</Text>
        </Text>
      ))}
    </Text>
  );
}
