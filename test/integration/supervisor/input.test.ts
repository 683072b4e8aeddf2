/**
 * Typing into running services (the UI's input mode, `attach`'s over the control socket): text
 * reaches a piped service's stdin and a tty service's terminal; a service that reads nothing, or
 * does not run, is an error that says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ControlClient, connectControl } from '../../../src/client/control-client.js';
import { stackDir } from '../../../src/protocol/home.js';
import type { Supervisor } from '../../../src/supervisor/supervisor.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
let client: ControlClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await harness?.cleanup();
});

const watcher = [NODE, fixture('stdin-watcher.mjs')];
const texts = (supervisor: Supervisor, name: string) => supervisor.getLogs(name).map((line) => line.text);
const saw = (supervisor: Supervisor, name: string, text: string) =>
  waitFor(() => texts(supervisor, name).includes(text), { message: `${name} to print "${text}"` });

async function startStack(): Promise<Supervisor> {
  harness = await createHarness();
  const dir = stackDir(harness.home.home, 'input-test');
  const supervisor = harness.supervisor(
    {
      services: {
        piped: { command: watcher, ready: { log: '^watching' } },
        terminal: { command: watcher, tty: true, ready: { log: '^watching' } },
        deaf: { command: watcher, stdin: 'null', ready: false },
      },
    },
    { controlDir: dir },
  );
  await supervisor.start();
  return supervisor;
}

describe('typing into services (real processes)', () => {
  it('reaches a pipe and a terminal, from the supervisor and over the control socket', async () => {
    const supervisor = await startStack();
    await supervisor.actions.input('piped', 'hello pipe\n');
    await saw(supervisor, 'piped', 'got hello pipe');
    // A terminal gets keys: the line discipline echoes them and ends the line at \r.
    await supervisor.actions.input('terminal', 'hello tty\r');
    await saw(supervisor, 'terminal', 'got hello tty');
    expect(texts(supervisor, 'terminal')).toContain('watching (tty)');

    client = await connectControl(supervisor.controlSocket!);
    await client.input('piped', 'over the socket\n');
    await saw(supervisor, 'piped', 'got over the socket');
    // Longer than one request carries (64 Ki characters): sent in parts, in order.
    const lines = Array.from({ length: 4000 }, (_, i) => `line ${i + 1} ${'é'.repeat(20)}`);
    await client.input('piped', `${lines.join('\n')}\n`);
    await saw(supervisor, 'piped', `got ${lines.at(-1)}`);
    const got = texts(supervisor, 'piped').filter((text) => text.startsWith('got line '));
    expect(got).toEqual(lines.map((line) => `got ${line}`));
    await client.input('terminal', '\u0003'); // ctrl-c, as a terminal sends it: SIGINT to its group
    await waitFor(() => supervisor.getSnapshot().services[1]!.lastExit !== null, { message: 'terminal interrupted' });
    expect(supervisor.getSnapshot().services[1]!.lastExit).toMatchObject({ signal: 'SIGINT' });
  });

  it('a service that reads no input, or does not run, or does not exist, is an error naming it', async () => {
    const supervisor = await startStack();
    await waitFor(() => supervisor.getSnapshot().services[2]!.status === 'completed', { message: 'deaf completed' });
    await expect(supervisor.actions.input('deaf', 'x')).rejects.toMatchObject({
      code: 'STYXY_BAD_REQUEST',
      message: `service "deaf" reads no input (its config has stdin: 'null')`,
    });
    await supervisor.actions.stop('piped');
    await expect(supervisor.actions.input('piped', 'x\n')).rejects.toMatchObject({
      code: 'STYXY_BAD_REQUEST',
      message: 'service "piped" is not running (stopped): nothing reads the input',
    });
    client = await connectControl(supervisor.controlSocket!);
    await expect(client.input('ghost', 'x')).rejects.toMatchObject({ code: 'STYXY_UNKNOWN_SERVICE' });
    await expect(client.input('piped', 'x')).rejects.toMatchObject({ code: 'STYXY_BAD_REQUEST' });
    // Nothing of it hurt the stack.
    await supervisor.actions.input('terminal', 'still here\r');
    await saw(supervisor, 'terminal', 'got still here');
  });
});
