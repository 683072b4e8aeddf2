import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorState } from '../../../src/coordinator/state.js';
import { loadState, serializeState, writeStateFile, writeStateFileSync } from '../../../src/coordinator/state-file.js';
import { fakeCoordinator, portRequest } from '../../helpers/fake-coordinator.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'styxy-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('state file', () => {
  it('round-trips owners, stacks, leases, processes and sticky ports', async () => {
    const fake = fakeCoordinator();
    const a = await fake.connect();
    await a.call('registerStack', {
      registration: {
        id: 'shop-default-1',
        name: 'default',
        project: 'shop',
        root: '/work/shop',
        configFile: '/work/shop/styxy.config.ts',
        pid: a.pid,
        detached: true,
        controlSocket: '/x.sock',
        runToken: 'tokentoken1234',
      },
    });
    await a.call('reserve', { stackId: 'shop-default-1', requests: [portRequest('web', 'PORT', 'dev')] });
    const child = fake.spawnPid();
    await a.call('reportProcess', { stackId: 'shop-default-1', service: 'web', pid: child, pgid: child });
    const file = join(tempDir(), 'state.json');
    await writeStateFile(file, serializeState(fake.state.toPersisted(5)));
    const loaded = loadState(file);
    expect(loaded.kind).toBe('loaded');
    if (loaded.kind !== 'loaded') return;
    const state = CoordinatorState.fromPersisted(loaded.state);
    expect([...state.owners.values()].map((o) => ({ pid: o.pid, peer: o.peer }))).toEqual([{ pid: a.pid, peer: null }]);
    expect(state.registry.leases.get(3000)?.stackId).toBe('shop-default-1');
    expect(state.stacks.get('shop-default-1')?.registration.controlSocket).toBe('/x.sock');
    expect([...state.processes.values()][0]?.pid).toBe(child);
    expect(state.sticky.size).toBe(1);
    // The owner token itself is never written, only its hash.
    expect(readFileSync(file, 'utf8')).not.toContain(a.token);
  });

  it('sets a corrupt file aside and says why', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    for (const [text, reason] of [
      ['{"format":1,"owners":', /not JSON/],
      ['{"format":2}', /not a state file: format/],
      ['[]', /not a state file/],
    ] as const) {
      writeFileSync(file, text);
      const result = loadState(file, new Date('2030-01-02T03:04:05.678Z'));
      expect(result.kind).toBe('corrupt');
      if (result.kind !== 'corrupt') return;
      expect(result.reason).toMatch(reason);
      expect(result.movedTo).toBe(`${file}.corrupt-2030-01-02T03-04-05-678Z`);
      expect(existsSync(file)).toBe(false);
      expect(readFileSync(result.movedTo!, 'utf8')).toBe(text);
    }
    expect(loadState(join(dir, 'missing.json'))).toEqual({ kind: 'missing' });
  });

  it('writes atomically: no temp file is left, the old content is replaced whole', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeStateFileSync(file, 'old');
    writeStateFileSync(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
