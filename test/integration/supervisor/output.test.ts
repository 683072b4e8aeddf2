import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaunchSpec } from '../../../src/supervisor/launch-spec.js';
import { parseLogFileLine } from '../../../src/supervisor/log-file.js';
import { spawnService } from '../../../src/supervisor/service-process.js';
import { createPlainReporter } from '../../../src/ui/plain-reporter.js';
import { createHarness, fixture, NODE, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
afterEach(() => harness?.cleanup());

describe('service output (real processes)', () => {
  it('a chatty service (300,000 lines) is drained to the end, even with a stdout nobody reads', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor(
      {
        services: {
          chatty: { command: [NODE, fixture('chatty.mjs'), '300000'], ready: false },
          api: {
            command: [NODE, fixture('http-server.mjs')],
            ports: { PORT: 'api' },
            dependsOn: { chatty: 'started' },
          },
        },
      },
      { ringSize: 1000 },
    );
    // A stdout that never drains: the reporter must drop, not stall the services.
    const stuck = new PassThrough({ highWaterMark: 1024 });
    const reporter = createPlainReporter(supervisor, {
      stdout: stuck,
      stderr: new PassThrough(),
      maxBufferedBytes: 64 * 1024,
    });
    const snapshot = await supervisor.start();
    const api = snapshot.services[1]!;
    await waitFor(() => supervisor.getLogs('chatty', 1)[0]?.text === 'done', { timeout: 30_000, message: 'done' });
    // The other service answered all along, and still does.
    expect(await (await fetch(`http://127.0.0.1:${api.ports.PORT}/`)).text()).toBe('ok api');
    const ring = supervisor.getLogs('chatty');
    expect(ring).toHaveLength(1000);
    expect(ring.at(-2)!.text).toMatch(/^line 300000 x+$/);
    expect(reporter.dropped).toBeGreaterThan(250_000);
    reporter.close();
  });

  it('cuts a line longer than 64 KiB and keeps going', async () => {
    harness = await createHarness();
    writeFileSync(
      join(harness.root, 'long.mjs'),
      'console.log("a".repeat(200000)); console.log("after"); setInterval(() => {}, 1e6);',
    );
    const supervisor = harness.supervisor({
      services: { long: { command: [NODE, 'long.mjs'], ready: { log: '^after$' } } },
    });
    await supervisor.start();
    const texts = supervisor
      .getLogs('long')
      .filter((l) => l.stream === 'stdout')
      .map((l) => l.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(`${'a'.repeat(64 * 1024)} [… line cut]`);
    expect(texts[1]).toBe('after');
  });

  it('interleaves services by seq, keeps stderr apart, and writes log files when asked', async () => {
    harness = await createHarness();
    const logDir = join(harness.home.home, 'stacks', 'test');
    const supervisor = harness.supervisor(
      {
        services: {
          one: { command: 'echo out-one; echo err-one >&2; exec sleep 30', ready: { log: 'err-one' } },
          two: { command: 'echo out-two; exec sleep 30', dependsOn: ['one'], ready: { log: 'out-two' } },
        },
      },
      { logDir },
    );
    await supervisor.start();
    const all = supervisor.getLogs();
    expect(all.map((l) => l.seq)).toEqual([...all.map((l) => l.seq)].sort((a, b) => a - b));
    expect(all.find((l) => l.text === 'err-one')?.stream).toBe('stderr');
    expect(all.findIndex((l) => l.text === 'out-one')).toBeLessThan(all.findIndex((l) => l.text === 'out-two'));
    expect(supervisor.getLogs(undefined, 2)).toEqual(all.slice(-2));
    await supervisor.stop();
    expect(readdirSync(logDir).sort()).toEqual(['one.log', 'two.log']);
    const lines = readFileSync(join(logDir, 'one.log'), 'utf8').trim().split('\n').map(parseLogFileLine);
    expect(lines).toContainEqual({ time: expect.any(Number), stream: 'stderr', text: 'err-one' });
    expect(lines.at(-1)).toMatchObject({ stream: 'styxy', text: 'stopped' });
  });

  it('gives a service real pipes for stdout and stderr, as a shell would, and leaves none on disk', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        piped: {
          // `-p`: a FIFO. Node's own child stdio would be a Unix socket here (`-S`).
          command:
            '[ -p /dev/stdout ] && echo stdout-pipe; [ -S /dev/stdout ] && echo stdout-socket; ' +
            '[ -p /dev/stderr ] && echo stderr-pipe >&2; echo ready; exec sleep 30',
          ready: { log: '^ready$' },
        },
      },
    });
    const snapshot = await supervisor.start();
    const texts = supervisor.getLogs('piped').map((line) => `${line.stream} ${line.text}`);
    expect(texts).toContain('stdout stdout-pipe');
    expect(texts).toContain('stderr stderr-pipe');
    expect(texts).not.toContain('stdout stdout-socket');
    // The FIFO was unlinked as soon as both ends were open: an anonymous pipe from then on.
    const pid = snapshot.services[0]!.pid!;
    for (const fd of [1, 2]) expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toMatch(/styxy-out-.*\(deleted\)$/);
  });

  it("falls back to Node's pipes when no pipe can be made, and loses no output", async () => {
    harness = await createHarness();
    const tmp = process.env.TMPDIR;
    // No folder for the FIFOs: createOutputPipes gives up, spawnService uses stdio 'pipe'.
    process.env.TMPDIR = join(harness.root, 'no-such-folder');
    try {
      const lines: string[] = [];
      const spec = {
        service: 'fallback',
        file: '/bin/sh',
        args: ['-c', '[ -S /dev/stdout ] && echo socket; echo out; echo err >&2'],
        cwd: harness.root,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        stdin: 'null',
        daemon: null,
      } as unknown as LaunchSpec;
      const result = await spawnService(spec, { onLine: (stream, line) => lines.push(`${stream} ${line}`) });
      if (!result.ok) throw new Error(result.message);
      result.process.release();
      expect(await result.process.exit).toMatchObject({ code: 0 });
      expect(lines.sort()).toEqual(['stderr err', 'stdout out', 'stdout socket']);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
  });

  it('closes both ends of the pipes of a command that cannot start', async () => {
    harness = await createHarness();
    const spec = {
      service: 'missing',
      file: join(harness.root, 'no-such-command'),
      args: [],
      cwd: harness.root,
      env: {},
      stdin: 'null',
      daemon: null,
    } as unknown as LaunchSpec;
    const openFds = () => readdirSync('/proc/self/fd').length;
    const first = await spawnService(spec, { onLine: () => {} });
    expect(first).toMatchObject({ ok: false, message: expect.stringContaining('command not found') });
    const before = openFds();
    // A program that is not there is refused before any pipe is made; arguments the OS cannot
    // take (a NUL byte) fail the spawn itself, after the pipes were made.
    const unspawnable = { ...spec, file: '/bin/sh', args: ['-c', 'true', 'a\0b'] } as LaunchSpec;
    for (let i = 0; i < 20; i++) {
      expect((await spawnService(spec, { onLine: () => {} })).ok).toBe(false);
      expect((await spawnService(unspawnable, { onLine: () => {} })).ok).toBe(false);
    }
    // The sockets over the read ends close asynchronously.
    await waitFor(() => openFds() <= before, { timeout: 5000, message: `open fds back to ${before}` });
  });
});
