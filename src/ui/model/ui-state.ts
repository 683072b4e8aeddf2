/**
 * The UI's own state (selection, log focus and scroll, search, overlays, quitting) and how each
 * command changes it: `update(state, command, context) → { state, effects }`, pure. The
 * component performs the effects (the view's actions) and renders the state.
 */
import type { LogLine, ServiceSnapshot, StackPhase } from '../../protocol/stack.js';
import { matcherFor } from '../text/highlight.js';
import type { UiCommand, UiEffect } from './commands.js';
import { stackNames } from './format.js';
import type { InputKind } from './input-keys.js';
import { bottomIndex, FOLLOW, type LogScroll, reveal, scrollBy, scrollToTop } from './log-window.js';
import { findMatch } from './search.js';

export type UiMode = 'foreground' | 'attach';

export interface SearchState {
  readonly query: string;
  /** The prompt is open and takes the keys. */
  readonly editing: boolean;
  /** The seq of the line n/N moved to. */
  readonly current: number | null;
  /** "3/17": where `current` stood among the matches when it was found. */
  readonly ordinal: number;
  readonly total: number;
}

export interface Flash {
  readonly text: string;
  readonly tone: 'info' | 'error';
  /** How long it shows. @default FLASH_MS */
  readonly durationMs?: number;
}

/** How long the outcome of an action shows in the bottom bar. */
export const FLASH_MS = 4000;
/** Styxy's own notices show longer: they tell of something the user did not ask for. */
export const NOTICE_MS = { info: 8000, error: 15_000 } as const;

/** Input mode: keys go to this service (input-keys.ts). */
export interface InputState {
  readonly service: string;
  readonly kind: InputKind;
  /** A piped service's line being typed (sent on enter); always empty for a terminal. */
  readonly line: string;
}

/** An action on a shared service, asked about first: it affects every stack using the service. */
export interface SharedConfirm {
  readonly effect: { readonly type: 'restart' | 'stop'; readonly service: string };
  readonly question: string;
}

export interface UiState {
  /** Index into the snapshot's services (clamped when rendering). */
  readonly selected: number;
  /** The service whose logs are shown alone, or null for all. */
  readonly focus: string | null;
  readonly scroll: LogScroll;
  /** Columns the log lines are scrolled to the left by (←/→). */
  readonly pan: number;
  readonly search: SearchState | null;
  readonly overlay: 'none' | 'help' | 'confirm-stop' | 'confirm-shared';
  /** With `confirm-shared`: the action on a shared service that waits for a y, and the question. */
  readonly confirm: SharedConfirm | null;
  /** `graceful` after q / Ctrl-C (or X in attach), `forced` after a second Ctrl-C. */
  readonly quitting: 'no' | 'graceful' | 'forced';
  readonly flash: Flash | null;
  readonly input: InputState | null;
}

export const INITIAL_STATE: UiState = {
  selected: 0,
  focus: null,
  scroll: FOLLOW,
  pan: 0,
  search: null,
  overlay: 'none',
  confirm: null,
  quitting: 'no',
  flash: null,
  input: null,
};

export interface UiContext {
  readonly mode: UiMode;
  readonly services: readonly ServiceSnapshot[];
  /** The stack's phase: a stack already stopping (a signal, a failed service) is forced by Ctrl-C. */
  readonly phase: StackPhase;
  /** Every line the pane can show for the current focus (read only when a command needs it). */
  readonly lines: () => readonly LogLine[];
  /** Rows of the log pane. */
  readonly logHeight: number;
  /** The stack shown (a shared service's other users are the ones besides it). */
  readonly stackId?: string;
}

export interface Update {
  readonly state: UiState;
  readonly effects: readonly UiEffect[];
}

const PAN_STEP = 8;
const STACK_STOPPING: Flash = { text: 'the stack is stopping', tone: 'info' };
/** Statuses from which `s` starts the service again (otherwise it stops it). */
const STOPPED = new Set(['stopped', 'exited', 'failed', 'completed', 'off']);

export function update(state: UiState, command: UiCommand, context: UiContext): Update {
  const next = (patch: Partial<UiState>, effects: readonly UiEffect[] = []): Update => ({
    state: { ...state, ...patch },
    effects,
  });
  const selected = context.services[Math.min(state.selected, context.services.length - 1)];
  const page = Math.max(1, context.logHeight - 1);

  switch (command.type) {
    case 'select': {
      const last = Math.max(0, context.services.length - 1);
      return next({ selected: Math.max(0, Math.min(last, Math.min(state.selected, last) + command.delta)) });
    }
    case 'focus':
      return selected ? next({ focus: selected.name, scroll: FOLLOW, pan: 0 }) : next({});
    case 'all':
      return next({ focus: null, scroll: FOLLOW, pan: 0 });
    case 'scroll-lines':
      return next({ scroll: scrollBy(context.lines(), state.scroll, context.logHeight, command.delta) });
    case 'scroll-pages':
      return next({ scroll: scrollBy(context.lines(), state.scroll, context.logHeight, command.delta * page) });
    case 'top':
      return next({ scroll: scrollToTop(context.lines(), context.logHeight) });
    case 'bottom':
      return next({ scroll: FOLLOW });
    case 'pan':
      return next({ pan: Math.max(0, state.pan + command.delta * PAN_STEP) });
    case 'search-open':
      return next({ search: { query: '', editing: true, current: null, ordinal: 0, total: 0 }, flash: null });
    case 'search-type':
      return state.search ? next({ search: { ...state.search, query: state.search.query + command.text } }) : next({});
    case 'search-erase':
      return state.search
        ? next({ search: { ...state.search, query: [...state.search.query].slice(0, -1).join('') } })
        : next({});
    case 'search-submit': {
      if (!state.search || state.search.query === '') return next({ search: null });
      return jump({ ...state, search: { ...state.search, editing: false } }, context, 'older', true);
    }
    case 'search-next':
      if (!state.search || state.search.query === '')
        return next({ flash: { text: 'no search: press /', tone: 'info' } });
      return jump(state, context, command.direction, false);
    case 'search-cancel':
      return next({ search: null });
    case 'restart':
      if (!selected || state.quitting !== 'no') return next({});
      if (isStopping(context.phase)) return next({ flash: STACK_STOPPING });
      if (selected.shared) return askShared('restart', selected, context, next);
      return next({ flash: { text: `restarting ${selected.name}…`, tone: 'info' } }, [
        { type: 'restart', service: selected.name },
      ]);
    case 'toggle': {
      if (!selected || state.quitting !== 'no') return next({});
      if (isStopping(context.phase)) return next({ flash: STACK_STOPPING });
      const start = STOPPED.has(selected.status);
      if (!start && selected.shared) return askShared('stop', selected, context, next);
      return next({ flash: { text: `${start ? 'starting' : 'stopping'} ${selected.name}…`, tone: 'info' } }, [
        { type: start ? 'start' : 'stop', service: selected.name },
      ]);
    }
    case 'quit':
      if (context.mode === 'attach') return next({}, [{ type: 'detach' }]);
      if (state.quitting !== 'no') return next({ flash: { text: 'already stopping: Ctrl-C forces', tone: 'info' } });
      return next({ quitting: 'graceful', overlay: 'none' }, [{ type: 'stop-stack', force: false }]);
    case 'interrupt': {
      // Raw mode turns the terminal's Ctrl-C into a key: in the foreground it stands for SIGINT.
      const signal = context.mode === 'foreground' ? ({ signal: 'SIGINT' } as const) : {};
      if (state.quitting === 'forced') return next({});
      if (state.quitting === 'graceful' || (context.mode === 'foreground' && isStopping(context.phase))) {
        return next({ quitting: 'forced', overlay: 'none' }, [{ type: 'stop-stack', force: true, ...signal }]);
      }
      if (context.mode === 'attach') return next({}, [{ type: 'detach' }]);
      return next({ quitting: 'graceful', overlay: 'none' }, [{ type: 'stop-stack', force: false, ...signal }]);
    }
    case 'stop-stack':
      if (context.mode !== 'attach' || state.quitting !== 'no') return next({});
      return next({ overlay: 'confirm-stop' });
    case 'confirm':
      if (state.overlay === 'confirm-shared') {
        const effect = state.confirm?.effect;
        if (!command.yes || !effect) {
          return next({ overlay: 'none', confirm: null, flash: { text: 'cancelled', tone: 'info' } });
        }
        if (state.quitting !== 'no' || isStopping(context.phase)) {
          return next({ overlay: 'none', confirm: null, flash: STACK_STOPPING });
        }
        const doing = effect.type === 'restart' ? 'restarting' : 'stopping';
        return next({ overlay: 'none', confirm: null, flash: { text: `${doing} ${effect.service}…`, tone: 'info' } }, [
          effect,
        ]);
      }
      if (state.overlay !== 'confirm-stop') return next({});
      if (!command.yes) return next({ overlay: 'none' });
      return next({ overlay: 'none', quitting: 'graceful' }, [{ type: 'stop-stack', force: false }]);
    case 'help':
      return next({ overlay: state.overlay === 'help' ? 'none' : 'help' });
    case 'close':
      if (state.overlay !== 'none') return next({ overlay: 'none' });
      if (state.search) return next({ search: null });
      if (state.flash) return next({ flash: null });
      return next({});
    case 'input-enter': {
      if (!selected || state.quitting !== 'no') return next({});
      if (isStopping(context.phase)) return next({ flash: STACK_STOPPING });
      // An older supervisor says nothing of input: a pipe is what it had, if any.
      const kind = selected.input ?? 'pipe';
      if (kind === 'none') {
        return next({ flash: { text: `${selected.name} reads no input (stdin: 'null')`, tone: 'error' } });
      }
      if (selected.pid === null) {
        return next({ flash: { text: `${selected.name} is not running (${selected.status})`, tone: 'error' } });
      }
      return next({
        input: { service: selected.name, kind, line: '' },
        focus: selected.name,
        scroll: FOLLOW,
        pan: 0,
        search: null,
        flash: null,
      });
    }
    case 'input-leave':
      return next({ input: null });
    case 'input-keys':
      return state.input ? next({}, [{ type: 'input', service: state.input.service, data: command.data }]) : next({});
    case 'input-type':
      return state.input ? next({ input: { ...state.input, line: state.input.line + command.text } }) : next({});
    case 'input-erase':
      return state.input
        ? next({ input: { ...state.input, line: [...state.input.line].slice(0, -1).join('') } })
        : next({});
    case 'input-send': {
      if (!state.input) return next({});
      const { service, line } = state.input;
      return next({ input: { ...state.input, line: '' }, scroll: FOLLOW }, [
        { type: 'input', service, data: `${line}\n` },
      ]);
    }
    case 'notice': {
      const text = command.text.trim().replace(/\s*\n\s*/g, ' · '); // the bar is one row
      return next({ flash: { text, tone: command.tone, durationMs: NOTICE_MS[command.tone] } });
    }
  }
}

/** Opens the question before restarting or stopping a shared service: it runs for other stacks too. */
function askShared(
  action: 'restart' | 'stop',
  service: ServiceSnapshot,
  context: UiContext,
  next: (patch: Partial<UiState>) => Update,
): Update {
  return next({
    overlay: 'confirm-shared',
    confirm: {
      effect: { type: action, service: service.name },
      question: sharedQuestion(action, service, context.stackId),
    },
    flash: null,
  });
}

/** `restart db? it is shared with 2 other stacks: shop/feature-x, shop/main [y/N]` */
export function sharedQuestion(action: 'restart' | 'stop', service: ServiceSnapshot, stackId?: string): string {
  const others = (service.users ?? []).filter((user) => user.id !== stackId);
  const why =
    others.length === 0
      ? 'it is a shared service (no other stack uses it now)'
      : `it is shared with ${others.length} other ${others.length === 1 ? 'stack' : 'stacks'}: ${stackNames(others)}`;
  return `${action} ${service.name}? ${why} [y/N]`;
}

/** The stack stops already, asked to by someone else (a signal, `styxy down`) or after a failure. */
export function isStopping(phase: StackPhase): boolean {
  return phase === 'stopping' || phase === 'failed';
}

/** Moves the search to the next matching line and scrolls it into view. */
function jump(state: UiState, context: UiContext, direction: 'older' | 'newer', fromView: boolean): Update {
  const search = state.search!;
  const matcher = matcherFor(search.query)!;
  const lines = context.lines();
  const bottom = bottomIndex(lines, state.scroll, context.logHeight);
  const currentIndex = search.current === null ? -1 : lines.findIndex((line) => line.seq === search.current);
  const from = fromView || currentIndex === -1 ? bottom : currentIndex;
  const found = findMatch(lines, matcher, from, direction, fromView || currentIndex === -1);
  if (!found) {
    return {
      state: { ...state, search: { ...search, current: null, ordinal: 0, total: 0 }, flash: notFound(search.query) },
      effects: [],
    };
  }
  return {
    state: {
      ...state,
      scroll: reveal(lines, state.scroll, context.logHeight, found.index),
      search: { ...search, current: lines[found.index]!.seq, ordinal: found.ordinal, total: found.total },
      flash: found.wrapped
        ? { text: `search wrapped to the ${direction === 'older' ? 'end' : 'start'}`, tone: 'info' }
        : null,
    },
    effects: [],
  };
}

function notFound(query: string): Flash {
  return { text: `no match for "${query}"`, tone: 'error' };
}
