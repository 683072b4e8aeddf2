/**
 * A StackView of a stack that runs in another process, over its control socket: what `styxy
 * attach` renders with the same UI as a foreground `up`. It keeps the latest snapshot and its own
 * bounded rings of the lines it was sent (a backlog, then the live stream), so the UI reads it
 * exactly as it reads a local supervisor; actions go to the supervisor.
 *
 * When the connection ends, the view turns `stopped` (the UI then ends); `lost` tells that the
 * stack did not say it stopped first: its supervisor went away without a word (killed).
 */
import type { ControlClient } from '../../client/control-client.js';
import type { LogLine, StackEvent, StackSnapshot } from '../../protocol/stack.js';
import { DEFAULT_RING_SIZE, LogStore } from '../log-store.js';
import type { StackActions, StackView } from '../view.js';

export interface RemoteViewOptions {
  /** Recent lines to fetch first (of all services). @default 5000 */
  readonly backlog?: number;
  /** Lines kept per service. @default 5000 */
  readonly ringSize?: number;
}

export interface RemoteView extends StackView {
  /** True once the connection ended without the stack saying it stopped (its supervisor went away). */
  readonly lost: boolean;
  /** Ends the subscription and the connection (the stack keeps running). */
  close(): void;
}

export async function openRemoteView(client: ControlClient, options: RemoteViewOptions = {}): Promise<RemoteView> {
  const subscription = await client.subscribe({ backlog: options.backlog ?? DEFAULT_RING_SIZE });
  let snapshot: StackSnapshot = subscription.snapshot;
  const store = new LogStore(
    snapshot.services.map((service) => service.name),
    { ringSize: options.ringSize ?? DEFAULT_RING_SIZE },
  );
  const listeners = new Set<(event: StackEvent) => void>();
  const emit = (event: StackEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {}
    }
  };
  const add = (line: Pick<LogLine, 'service' | 'stream' | 'text' | 'time'>) => {
    emit({ type: 'log', line: store.append(line.service, line.stream, line.text, line.time) });
  };
  for (const line of subscription.lines) store.append(line.service, line.stream, line.text, line.time);
  let lastService = subscription.lines.at(-1)?.service ?? snapshot.services[0]?.name ?? '';

  subscription.listen((event) => {
    if (event.type === 'snapshot') {
      snapshot = event.snapshot;
      emit({ type: 'snapshot', snapshot });
      return;
    }
    if (event.dropped > 0) {
      const service = event.lines[0]?.service ?? lastService;
      const text = `[… ${event.dropped} ${event.dropped === 1 ? 'line' : 'lines'} dropped: this view fell behind]`;
      add({ service, stream: 'styxy', text, time: Date.now() });
    }
    for (const line of event.lines) add(line);
    lastService = event.lines.at(-1)?.service ?? lastService;
  });

  let lost = false;
  client.onClose(() => {
    if (snapshot.phase === 'stopped') return;
    lost = true;
    snapshot = { ...snapshot, phase: 'stopped' };
    emit({ type: 'snapshot', snapshot });
  });

  const actions: StackActions = {
    restart: (service) => client.restartService(service),
    stop: (service) => client.stopService(service),
    start: (service) => client.startService(service),
    input: (service, data) => client.input(service, data),
    stopStack: async (stopOptions) => {
      await client.stopStack({ force: !!stopOptions?.force });
    },
  };

  return {
    getSnapshot: () => snapshot,
    getLogs: (service, limit) => store.lines(service, limit),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
    get lost() {
      return lost;
    },
    close: () => client.close(),
  };
}
