/**
 * Subscribes to a stack view and re-renders at most every `intervalMs` (default 50 ms: 20 times a
 * second; slower under a flood of lines, see model/pacing.ts), whatever the rate of events.
 * `version` changes on every refresh, so components that read the view's log rings know when to
 * read again; nothing is copied per event.
 */
import { useEffect, useState } from 'react';
import type { StackSnapshot } from '../../protocol/stack.js';
import type { StackView } from '../../supervisor/view.js';
import { coalesce } from '../coalesce.js';
import { REDRAW_INTERVAL_MS, redrawInterval } from '../model/pacing.js';

export { REDRAW_INTERVAL_MS } from '../model/pacing.js';

export interface ViewState {
  readonly snapshot: StackSnapshot;
  readonly version: number;
}

export function useStackView(view: StackView, intervalMs = REDRAW_INTERVAL_MS): ViewState {
  const [state, setState] = useState<ViewState>(() => ({ snapshot: view.getSnapshot(), version: 0 }));
  useEffect(() => {
    let lines = 0;
    let lastFrame = performance.now();
    let flooding = false;
    const refresh = coalesce(
      () => setState((previous) => ({ snapshot: view.getSnapshot(), version: previous.version + 1 })),
      () => {
        const now = performance.now();
        const interval = redrawInterval(lines, now - lastFrame, intervalMs, flooding);
        flooding = interval > intervalMs;
        lines = 0;
        lastFrame = now;
        return interval;
      },
    );
    const unsubscribe = view.subscribe((event) => {
      if (event.type === 'log') lines++;
      refresh.request();
    });
    refresh.request(); // what happened between the first render and the subscription
    return () => {
      unsubscribe();
      refresh.cancel();
    };
  }, [view, intervalMs]);
  return state;
}
