/**
 * The remote StackView `attach` renders: the backlog and the live stream in its own rings, a
 * "lines dropped" note where the stream left lines out, actions sent to the supervisor, and the
 * end of the connection told apart (the stack said it stopped, or its supervisor vanished). The
 * control client is a recording fake here; the real one is tested over a real socket in
 * test/integration/supervisor/control.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ControlClient, StackStreamEvent, Subscription } from '../../../src/client/control-client.js';
import type { LogLine, StackEvent, StackSnapshot } from '../../../src/protocol/stack.js';
import { openRemoteView } from '../../../src/supervisor/control/remote-view.js';
import { serviceSnapshot } from '../../helpers/memory-view.js';

const snapshot = (phase: StackSnapshot['phase']): StackSnapshot => ({
  stack: { id: 'x', name: 'default', project: 'shop', root: '/shop', pid: 42, detached: true },
  coordinator: { pid: 7, leases: 1 },
  phase,
  services: ['api', 'web'].map((name) => serviceSnapshot({ name, status: 'ready', pid: 1 })),
});

const remote = (seq: number, service: string, text: string): LogLine => ({
  seq: seq * 10, // the supervisor's own numbering: the view renumbers
  service,
  stream: 'stdout',
  text,
  time: seq,
});

function fakeClient(backlog: LogLine[]) {
  let handler: ((event: StackStreamEvent) => void) | null = null;
  let onClose: (() => void) | null = null;
  const calls: string[] = [];
  const client = {
    stack: snapshot('running').stack,
    closed: false,
    async subscribe(params: unknown): Promise<Subscription> {
      calls.push(`subscribe ${JSON.stringify(params)}`);
      return { snapshot: snapshot('running'), lines: backlog, listen: (next) => (handler = next) };
    },
    restartService: async (service: string) => void calls.push(`restart ${service}`),
    stopService: async (service: string) => void calls.push(`stop ${service}`),
    startService: async (service: string) => void calls.push(`start ${service}`),
    stopStack: async ({ force }: { force?: boolean } = {}) => {
      calls.push(`stopStack force=${force}`);
      return { outcome: 'clean' as const };
    },
    onClose(listener: () => void) {
      onClose = listener;
      return () => {};
    },
    close: () => void calls.push('close'),
  } as unknown as ControlClient;
  return {
    client,
    calls,
    push: (event: StackStreamEvent) => handler!(event),
    end: () => onClose!(),
  };
}

describe('remote view', () => {
  it('serves the backlog, then the stream, in order with seqs of its own, per service or all', async () => {
    const fake = fakeClient([remote(1, 'api', 'a1'), remote(2, 'web', 'w1')]);
    const view = await openRemoteView(fake.client, { backlog: 300 });
    expect(fake.calls).toEqual(['subscribe {"backlog":300}']);
    const events: StackEvent[] = [];
    view.subscribe((event) => events.push(event));
    fake.push({ type: 'logs', lines: [remote(3, 'api', 'a2')], dropped: 0 });
    fake.push({ type: 'snapshot', snapshot: snapshot('stopping') });
    expect(view.getLogs().map((line) => [line.seq, line.text])).toEqual([
      [1, 'a1'],
      [2, 'w1'],
      [3, 'a2'],
    ]);
    expect(view.getLogs('api', 1).map((line) => line.text)).toEqual(['a2']);
    expect(view.getLogs('api')[0]!.time).toBe(1); // the time the service printed it
    expect(events.map((event) => event.type)).toEqual(['log', 'snapshot']);
    expect(view.getSnapshot().phase).toBe('stopping');
  });

  it('notes where lines were dropped, in the service of the next line', async () => {
    const fake = fakeClient([]);
    const view = await openRemoteView(fake.client);
    fake.push({ type: 'logs', lines: [remote(9, 'web', 'after')], dropped: 120 });
    expect(view.getLogs().map((line) => [line.service, line.stream, line.text])).toEqual([
      ['web', 'styxy', '[… 120 lines dropped: this view fell behind]'],
      ['web', 'stdout', 'after'],
    ]);
  });

  it('sends actions to the supervisor', async () => {
    const fake = fakeClient([]);
    const view = await openRemoteView(fake.client);
    await view.actions.restart('api');
    await view.actions.stop('web');
    await view.actions.start('web');
    await view.actions.stopStack({ force: true });
    expect(fake.calls.slice(1)).toEqual(['restart api', 'stop web', 'start web', 'stopStack force=true']);
  });

  it('a connection that ends after "stopped" is a stop; one that ends without it is a lost supervisor', async () => {
    const said = fakeClient([]);
    const stopped = await openRemoteView(said.client);
    said.push({ type: 'snapshot', snapshot: snapshot('stopped') });
    said.end();
    expect(stopped.lost).toBe(false);

    const vanished = fakeClient([]);
    const lost = await openRemoteView(vanished.client);
    const phases: string[] = [];
    lost.subscribe((event) => event.type === 'snapshot' && phases.push(event.snapshot.phase));
    vanished.end();
    expect(lost.lost).toBe(true);
    expect(phases).toEqual(['stopped']); // so the UI ends
  });
});
