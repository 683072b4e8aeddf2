import { Box, useInput, useStdin, useWindowSize } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StackView } from '../../supervisor/view.js';
import { useMouseWheel, WHEEL_LINES } from '../hooks/use-mouse-wheel.js';
import { ColourContext } from '../hooks/use-paint.js';
import { useStackView } from '../hooks/use-stack-view.js';
import type { UiCommand, UiEffect } from '../model/commands.js';
import { commandFor } from '../model/keymap.js';
import { layoutFor } from '../model/layout.js';
import { splitKeys } from '../model/split-keys.js';
import { FLASH_MS, INITIAL_STATE, type UiMode, type UiState, update } from '../model/ui-state.js';
import type { NoticeSource } from '../notices.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { KeyBar } from './KeyBar.js';
import { LogPane } from './LogPane.js';
import { ServiceTable } from './ServiceTable.js';

/**
 * How the UI ended. `quit`: the user quit a foreground stack, which has been stopped. `detach`:
 * the user left an attached stack running. `stopped`: the stack stopped while the UI showed it
 * (`X` in attach, `styxy down`, a signal handled by the caller, or the stack ending by itself).
 */
export type UiResult = 'quit' | 'detach' | 'stopped';

export interface StackUiProps {
  readonly view: StackView;
  readonly mode: UiMode;
  /** Shown in the header; defaults to the snapshot's. */
  readonly coordinatorPid?: number | null;
  /** Mouse wheel scrolling (turns on the terminal's mouse reporting). @default false */
  readonly mouse?: boolean;
  /** Styxy's own notices, shown in the bottom bar. */
  readonly notices?: NoticeSource;
  /** Draw in colour (NO_COLOR and FORCE_COLOR decide it in mount.tsx). @default true */
  readonly colour?: boolean;
  /** Called once, when the UI is done; `error` when stopping the stack failed. */
  readonly onExit: (result: UiResult, error?: unknown) => void;
}

export function StackUi({ colour = true, ...props }: StackUiProps) {
  return (
    <ColourContext.Provider value={colour}>
      <StackScreen {...props} />
    </ColourContext.Provider>
  );
}

function StackScreen({ view, mode, coordinatorPid, mouse = false, notices, onExit }: Omit<StackUiProps, 'colour'>) {
  const { columns, rows } = useWindowSize();
  const { snapshot, version } = useStackView(view);
  const [state, setState] = useState<UiState>(INITIAL_STATE);
  // Keys can arrive faster than React commits: commands apply to the latest state, kept here.
  const current = useRef(state);
  const exited = useRef(false);
  const { tableRows, logRows } = layoutFor(rows, snapshot.services.length);
  const selected = Math.min(state.selected, Math.max(0, snapshot.services.length - 1));

  const finish = useCallback(
    (result: UiResult, error?: unknown) => {
      if (exited.current) return;
      exited.current = true;
      onExit(result, error);
    },
    [onExit],
  );

  const setFlash = useCallback((text: string) => {
    current.current = { ...current.current, flash: { text, tone: 'error' } };
    setState(current.current);
  }, []);

  const perform = useCallback(
    (effect: UiEffect) => {
      const failed = (what: string) => (error: unknown) =>
        setFlash(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      switch (effect.type) {
        case 'restart':
        case 'stop':
        case 'start':
          view.actions[effect.type](effect.service).catch(failed(`${effect.type} ${effect.service}`));
          return;
        case 'stop-stack':
          view.actions.stopStack({ force: effect.force, ...(effect.signal ? { signal: effect.signal } : {}) }).then(
            () => finish(mode === 'foreground' ? 'quit' : 'stopped'),
            (error: unknown) => finish(mode === 'foreground' ? 'quit' : 'stopped', error),
          );
          return;
        case 'detach':
          finish('detach');
          return;
        case 'input':
          view.actions.input(effect.service, effect.data).catch(failed(`typing into ${effect.service}`));
          return;
      }
    },
    [view, mode, finish, setFlash],
  );

  const dispatch = useCallback(
    (command: UiCommand) => {
      const focus = current.current.focus ?? undefined;
      const { services, phase, stack } = view.getSnapshot();
      const result = update(current.current, command, {
        mode,
        services,
        phase,
        stackId: stack.id,
        lines: () => view.getLogs(focus),
        logHeight: logRows,
      });
      current.current = result.state;
      setState(result.state);
      for (const effect of result.effects) perform(effect);
    },
    [view, mode, logRows, perform],
  );

  // Without a terminal on stdin (`up < /dev/null`) there are no keys: the UI still shows the
  // stack, and Ctrl-C arrives as SIGINT for the caller to handle.
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      for (const [char, charKey] of splitKeys(input, key)) {
        const command = commandFor(char, charKey, current.current, mode);
        if (command) dispatch(command);
      }
    },
    { isActive: isRawModeSupported },
  );
  useMouseWheel((steps) => dispatch({ type: 'scroll-lines', delta: steps * WHEEL_LINES }), mouse && isRawModeSupported);

  // A stack that has stopped (by the user's request or not) has nothing left to show.
  useEffect(() => {
    if (snapshot.phase !== 'stopped') return;
    finish(current.current.quitting !== 'no' && mode === 'foreground' ? 'quit' : 'stopped');
  }, [snapshot.phase, mode, finish]);

  useEffect(
    () => notices?.subscribe(({ text, tone }) => dispatch({ type: 'notice', text, tone })),
    [notices, dispatch],
  );

  useEffect(() => {
    if (!state.flash) return;
    const flash = state.flash;
    const timer = setTimeout(() => {
      if (current.current.flash !== flash) return;
      current.current = { ...current.current, flash: null };
      setState(current.current);
    }, flash.durationMs ?? FLASH_MS);
    return () => clearTimeout(timer);
  }, [state.flash]);

  const title = `${snapshot.stack.project}/${snapshot.stack.name}`;
  // Stable while the services are, so the memoized log pane skips renders that are not its own.
  const nameList = snapshot.services.map((s) => s.name).join('\n');
  const names = useMemo(() => nameList.split('\n'), [nameList]);
  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <Header
        snapshot={snapshot}
        coordinatorPid={coordinatorPid === undefined ? snapshot.coordinator.pid : coordinatorPid}
        width={columns}
      />
      {state.overlay === 'help' ? (
        <HelpOverlay mode={mode} width={columns} height={Math.max(1, rows - 2)} />
      ) : (
        <>
          <ServiceTable services={snapshot.services} selected={selected} width={columns} rows={tableRows} />
          <LogPane
            view={view}
            version={version}
            services={names}
            focus={state.focus}
            scroll={state.scroll}
            pan={state.pan}
            search={state.search}
            width={columns}
            height={logRows}
          />
        </>
      )}
      <KeyBar state={state} mode={mode} phase={snapshot.phase} title={title} />
    </Box>
  );
}
