/**
 * Real Vite (a devDependency), started with no flags at all: Styxy adds `--port <leased>
 * --strictPort` (config/port-flags.ts), so it serves on its leased port instead of 5173 or the
 * next free one, and says so once in its log.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type StackHarness } from '../../helpers/stack.js';

const VITE = new URL('../../../node_modules/.bin/vite', import.meta.url).pathname;

let harness: StackHarness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe('real vite with no port flag', () => {
  it('gets its leased port (the flag added, said once in its log)', async () => {
    harness = await createHarness();
    const web = join(harness.root, 'web');
    mkdirSync(web);
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>styxy vite test</title><p>hello</p>\n');
    const supervisor = harness.supervisor({
      services: { web: { command: VITE, cwd: 'web', ports: { PORT: 'dev' }, ready: { http: '/', timeout: 60_000 } } },
    });
    const snapshot = await supervisor.start();
    const port = snapshot.services[0]!.ports.PORT!;
    expect(port).toBeGreaterThanOrEqual(harness.home.ranges.dev![0]);
    const page = await fetch(`http://127.0.0.1:${port}/`).then((response) => response.text());
    expect(page).toContain('styxy vite test');
    const notes = supervisor
      .getLogs('web')
      .map((line) => line.text)
      .filter((text) => text.includes('takes no PORT'));
    expect(notes).toEqual([
      `vite takes no PORT from the environment: added --port ${port} --strictPort to its command (portFlag: false turns this off)`,
    ]);
    await supervisor.stop();
  });
});
