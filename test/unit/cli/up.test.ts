/** The pure parts of `styxy up`: which renderer, the header, the coordinator's lifecycle told. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { rendererKind } from '../../../src/cli/up/choose-renderer.js';
import { tellCoordinatorEvents } from '../../../src/cli/up/coordinator-notices.js';
import { upHeader } from '../../../src/cli/up/up-header.js';
import type { CoordinatorClient } from '../../../src/client/coordinator-client.js';
import { StyxyError } from '../../../src/protocol/errors.js';
import { resolveOk } from '../config/fixtures.js';

describe('chooseRenderer', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  it.each([
    [{ tui: true, json: false, stdout: tty }, 'tui'],
    [{ tui: false, json: false, stdout: tty }, 'plain'],
    [{ tui: true, json: false, stdout: pipe }, 'plain'],
    [{ tui: true, json: true, stdout: tty }, 'json'],
    [{ tui: false, json: true, stdout: pipe }, 'json'],
  ])('%j → %s', (choice, kind) => {
    expect(rendererKind(choice)).toBe(kind);
  });
});

describe('up header', () => {
  const config = resolveOk({ name: 'shop', services: { api: { command: 'api' }, web: { command: 'web' } } });
  it('names the project, a non-default stack, the file (relative) and the services', () => {
    expect(upHeader(config, 'default', ['api', 'web'], [], '/projects/shop')).toBe(
      'starting shop from styxy.config.ts: api, web',
    );
    expect(upHeader(config, 'review', ['web'], [], '/projects/shop/web')).toBe(
      'starting shop (stack review) from ../styxy.config.ts: web',
    );
  });
});

describe('coordinator notices', () => {
  it('tells of a lost coordinator, the reconnection, and what could not be re-claimed; then stops', () => {
    const emitter = new EventEmitter();
    const client = {
      coordinatorPid: 777,
      on(event: string, listener: (...args: unknown[]) => void) {
        emitter.on(event, listener);
        return () => emitter.off(event, listener);
      },
    } as unknown as CoordinatorClient;
    const told: string[] = [];
    const stop = tellCoordinatorEvents(client, (text) => told.push(text));
    emitter.emit('disconnected');
    emitter.emit('reconnected');
    emitter.emit(
      'reclaimFailed',
      new StyxyError(
        'STYXY_RECLAIM_FAILED',
        'after reconnecting to the coordinator, ports 8001 had been taken by others',
        {
          hint: 'run `styxy ls`',
        },
      ),
    );
    expect(told).toEqual([
      'lost the coordinator; reconnecting (the services keep running)',
      'reconnected to the coordinator (pid 777)',
      'after reconnecting to the coordinator, ports 8001 had been taken by others\n  hint: run `styxy ls`',
    ]);
    stop();
    expect(emitter.eventNames()).toEqual([]);
  });
});
