/**
 * A supervisor's control socket over a real Unix socket, with a real coordinator and real
 * services: status, logs, a subscription that misses no line, actions on one service, the stop
 * of the stack, its path told to the coordinator — and clients that send garbage or stop reading
 * never hurting the stack or the other clients.
 */
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ControlClient, connectControl, type StackStreamEvent } from '../../../src/client/control-client.js';
import { CONTROL_PROTOCOL_VERSION } from '../../../src/protocol/control-protocol.js';
import { stackDir } from '../../../src/protocol/home.js';
import type { LogLine } from '../../../src/protocol/stack.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { isAlive, waitFor } from '../../helpers/wait.js';

let harness: StackHarness | undefined;
const clients: ControlClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await harness?.cleanup();
  harness = undefined;
});

async function startStack(): Promise<{ supervisor: Supervisor; socket: string; client: ControlClient }> {
  harness = await createHarness();
  const dir = stackDir(harness.home.home, 'control-test');
  const supervisor = harness.supervisor(
    {
      services: {
        api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
        ticker: { command: [NODE, fixture('ticker.mjs'), '10'], ready: false },
      },
    },
    { controlDir: dir, logDir: dir },
  );
  await supervisor.start();
  const socket = supervisor.controlSocket!;
  const client = await connectControl(socket);
  clients.push(client);
  return { supervisor, socket, client };
}

const ticks = (lines: readonly LogLine[]) =>
  lines
    .filter((line) => line.service === 'ticker' && line.stream === 'stdout')
    .map((line) => Number(line.text.slice(5)));

describe('control socket', () => {
  it('listens in the stack folder, tells the coordinator, answers status and logs', async () => {
    const { supervisor, socket, client } = await startStack();
    expect(socket).toBe(join(stackDir(harness!.home.home, 'control-test'), 'control.sock'));
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const [registered] = await harness!.client.listStacks();
    expect(registered!.controlSocket).toBe(socket);
    expect(client.stack).toMatchObject({ id: supervisor.id, pid: process.pid, project: 'test' });

    const snapshot = await client.snapshot();
    expect(snapshot.phase).toBe('running');
    expect(snapshot.services.map((s) => [s.name, s.status])).toEqual([
      ['api', 'ready'],
      ['ticker', 'running'],
    ]);
    await waitFor(async () => ticks(await client.logs({ service: 'ticker', limit: 5 })).length === 5);
    const five = await client.logs({ service: 'ticker', limit: 5 });
    expect(five.every((line) => line.service === 'ticker')).toBe(true);
    const all = await client.logs({ limit: 1000 });
    expect(all.map((line) => line.seq)).toEqual([...all.map((line) => line.seq)].sort((a, b) => a - b));
    await expect(client.logs({ service: 'nope' })).rejects.toMatchObject({
      code: 'STYXY_UNKNOWN_SERVICE',
      message: 'no service "nope" in this stack',
    });
  });

  it('a subscription: the backlog, then every new line, none missed or twice; snapshots on changes', async () => {
    const { client } = await startStack();
    await waitFor(async () => ticks(await client.logs({ service: 'ticker' })).length >= 3);
    const subscription = await client.subscribe({ service: 'ticker', backlog: 3 });
    expect(subscription.lines).toHaveLength(3);
    expect(subscription.snapshot.phase).toBe('running');
    const events: StackStreamEvent[] = [];
    subscription.listen((event) => events.push(event));
    const seen = () => [
      ...ticks(subscription.lines),
      ...events.flatMap((event) => (event.type === 'logs' ? ticks(event.lines) : [])),
    ];
    await waitFor(() => seen().length >= 30, { message: '30 ticks' });
    const numbers = seen();
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i)); // consecutive: no gap, no repeat
    expect(events.every((event) => event.type === 'snapshot' || event.lines.every((l) => l.service === 'ticker'))).toBe(
      true,
    );
    expect(events.some((event) => event.type === 'logs' && event.dropped > 0)).toBe(false);
  });

  it('restarts, stops and starts one service; refuses unknown ones', async () => {
    const { client } = await startStack();
    const before = (await client.snapshot()).services[0]!;
    await client.restartService('api');
    const after = (await client.snapshot()).services[0]!;
    expect(after).toMatchObject({ name: 'api', status: 'ready', ports: before.ports, restarts: 1 });
    expect(after.pid).not.toBe(before.pid);
    expect(isAlive(before.pid!)).toBe(false);
    expect(await (await fetch(`http://localhost:${after.ports.PORT}/`)).text()).toBe('ok api');

    await client.stopService('ticker');
    expect((await client.snapshot()).services[1]).toMatchObject({ status: 'stopped', pid: null });
    await client.startService('ticker');
    expect((await client.snapshot()).services[1]).toMatchObject({ status: 'running' });
    await expect(client.restartService('nope')).rejects.toMatchObject({ code: 'STYXY_UNKNOWN_SERVICE' });
  });

  it('stopStack answers once everything is stopped and released; subscribers see "stopped", then the end', async () => {
    const { supervisor, socket, client } = await startStack();
    const watcher = await connectControl(socket);
    clients.push(watcher);
    const phases: string[] = [];
    (await watcher.subscribe({ logs: false })).listen((event) => {
      if (event.type === 'snapshot') phases.push(event.snapshot.phase);
    });
    let watcherClosed = false;
    watcher.onClose(() => {
      watcherClosed = true;
    });
    const pids = (await client.snapshot()).services.map((s) => s.pid!);
    expect(await client.stopStack()).toEqual({ outcome: 'clean' });
    // By the time of the answer: every process gone, the stack and its ports released.
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await harness!.client.listStacks()).toEqual([]);
    expect(await harness!.client.listLeases()).toEqual([]);
    await supervisor.done;
    await waitFor(() => watcherClosed, { message: 'the watcher to be disconnected' });
    expect(phases.at(-1)).toBe('stopped');
    expect(existsSync(socket)).toBe(false);
  });

  it('garbage and bad requests hurt neither the stack nor good clients', async () => {
    const { socket, client } = await startStack();
    const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}\f`;
    const hello = frame('request', { id: 1, method: 'hello', params: { protocol: CONTROL_PROTOCOL_VERSION } });
    const writes = [
      Buffer.from([0xff, 0x00, 0x13, 0x37]),
      '{"not json\f',
      frame('reply', { id: 1, ok: true }),
      frame('request', { id: 1, method: 'snapshot' }), // before hello
      hello + frame('request', { id: 2, method: 'restartService', params: { service: 42 } }),
      hello + frame('request', { id: 2, method: 'logs', params: { limit: -5 } }),
      hello + frame('request', { id: 2, method: 'logs', params: { limit: 10 ** 9 } }),
      hello + frame('request', { id: 2, method: 'constructor', params: {} }),
      hello + frame('request', { id: 2, method: 'subscribe', params: { backlog: 'all' } }),
      frame('request', { id: 1, method: 'hello', params: { protocol: 999 } }),
      `${'x'.repeat(2 * 1024 * 1024)}\f`, // over the frame cap
      hello + frame('request', { id: 2, method: 'input', params: { service: 'api', data: 'x'.repeat(64 * 1024 + 1) } }),
      hello + frame('request', { id: 2, method: 'input', params: { service: 'api', data: '' } }),
      hello + frame('request', { id: 2, method: 'input', params: { service: 'nope', data: 'x' } }),
    ];
    // What each bad request must be told (the others get nothing, or their connection closed).
    const expected: Record<number, string> = {
      3: 'the first request must be \\"hello\\"',
      4: 'invalid params for \\"restartService\\": service:',
      5: 'invalid params for \\"logs\\": limit:',
      7: 'unknown method \\"constructor\\"',
      9: 'STYXY_PROTOCOL_MISMATCH',
      11: 'invalid params for \\"input\\": data:',
      12: 'invalid params for \\"input\\": data:',
      13: 'STYXY_UNKNOWN_SERVICE',
    };
    // Each waits for its own answer: a fixed window missed them on a busy machine.
    const answers = await Promise.all(writes.map((data, index) => rawExchange(socket, data, expected[index])));
    for (const [index, text] of Object.entries(expected)) expect(answers[Number(index)]).toContain(text);

    // The stack and the good client never noticed.
    await client.restartService('api');
    expect((await client.snapshot()).phase).toBe('running');
    expect(await harness!.client.listStacks()).toHaveLength(1);
  });

  it('a subscriber that stops reading is left behind (told how much it missed), never waited for', async () => {
    harness = await createHarness();
    const dir = stackDir(harness.home.home, 'flood-test');
    const supervisor = harness.supervisor(
      { services: { flood: { command: [NODE, fixture('chatty.mjs'), '60000'], ready: false } } },
      { controlDir: dir },
    );
    const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}\f`;
    const started = supervisor.start();
    // Subscribed as soon as the socket listens (before the service has started, most often).
    await waitFor(() => supervisor.controlSocket, { interval: 2 });
    const stalled = connect(supervisor.controlSocket!);
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write(frame('request', { id: 1, method: 'hello', params: { protocol: CONTROL_PROTOCOL_VERSION } }));
    stalled.write(frame('request', { id: 2, method: 'subscribe', params: {} }));
    stalled.pause(); // reads nothing from now on
    await started;
    const client = await connectControl(supervisor.controlSocket!);
    clients.push(client);
    // The service's 60,000 lines (3.5 MB) all reach the stack's rings at full speed.
    await waitFor(async () => (await client.logs({ service: 'flood', limit: 1 }))[0]?.text === 'done', {
      timeout: 20_000,
      message: 'the flood to be drained',
    });
    // Once it reads again, the stalled subscriber learns how many lines it missed.
    let received = '';
    stalled.setEncoding('utf8');
    stalled.on('data', (chunk: string) => {
      received += chunk;
    });
    stalled.resume();
    const dropped = await waitFor(() => {
      const counts = [...received.matchAll(/"dropped":(\d+)/g)].map((match) => Number(match[1]));
      return counts.some((count) => count > 0) ? counts.reduce((a, b) => a + b, 0) : null;
    });
    expect(dropped).toBeGreaterThan(1000);
    expect(dropped).toBeLessThan(60_000);
    stalled.destroy();
  });

  it('a backlog of non-ASCII lines fits its reply: sized in bytes, not in UTF-16 units', async () => {
    harness = await createHarness();
    const dir = stackDir(harness.home.home, 'wide-test');
    const print = "for (let i = 0; i < 5000; i++) console.log(i + ' ' + '語'.repeat(60)); setInterval(() => {}, 1000)";
    const supervisor = harness.supervisor(
      { services: { wide: { command: [NODE, '-e', print], ready: { log: '^4999 ' } } } },
      { controlDir: dir, logDir: dir },
    );
    await supervisor.start();
    const client = await connectControl(supervisor.controlSocket!);
    clients.push(client);
    const subscription = await client.subscribe({ backlog: 20_000 });
    expect(subscription.lines.length).toBeGreaterThan(1000);
    const printed = (list: readonly LogLine[]) => list.filter((line) => line.stream === 'stdout');
    expect(printed(subscription.lines).at(-1)!.text).toMatch(/^4999 語/); // the newest, the oldest left out
    expect(Buffer.byteLength(JSON.stringify(subscription))).toBeLessThan(1024 * 1024);
    const lines = await client.logs({ limit: 20_000 });
    expect(printed(lines).at(-1)!.text).toMatch(/^4999 語/);
  });
});

/** Writes `data` on a fresh connection and collects what comes back until the server closes or 300 ms pass. */
/**
 * Writes `data` on a new connection and collects what comes back until the connection closes:
 * at once when the answer holds `until`, after 10 s at the latest; with no `until` (nothing is
 * expected back), after 300 ms.
 */
function rawExchange(socket: string, data: string | Buffer, until?: string): Promise<string> {
  return new Promise((resolve) => {
    const connection = connect(socket);
    let received = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      received += chunk;
      if (until !== undefined && received.includes(until)) connection.destroy();
    });
    connection.on('error', () => {});
    const timer = setTimeout(() => connection.destroy(), until === undefined ? 300 : 10_000);
    connection.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    connection.on('connect', () => connection.write(data));
  });
}
