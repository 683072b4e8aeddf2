/**
 * The write-ahead journal (coordinator/journal.ts, apply-journal.ts, durable-state.ts): a
 * snapshot taken at any moment plus the journal written since gives back the live table of
 * leases and stacks; files rotate with snapshots; a torn last line ends a replay.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyJournal } from '../../../src/coordinator/apply-journal.js';
import { openDurableState } from '../../../src/coordinator/durable-state.js';
import { Journal, type JournalEntry, journalGenerations, readJournal } from '../../../src/coordinator/journal.js';
import { Persister } from '../../../src/coordinator/persister.js';
import { CoordinatorState } from '../../../src/coordinator/state.js';
import { loadState, type PersistedState, serializeState } from '../../../src/coordinator/state-file.js';
import { fakeCoordinator, portRequest } from '../../helpers/fake-coordinator.js';
import { waitFor } from '../../helpers/wait.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'styxy-journal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const registration = (id: string, pid: number) => ({
  id,
  name: 'default',
  project: id,
  root: `/work/${id}`,
  configFile: `/work/${id}/styxy.config.ts`,
  pid,
  detached: true,
  controlSocket: null,
  runToken: `token-${id}-0000`,
});

/** A journal line: owner `id` holds `port` alone. */
const holdings = (id: string, port: number): JournalEntry => ({
  kind: 'holdings',
  owner: { id, pid: 1, startTime: 's', kind: 'cli', cwd: '/', runTokens: [] },
  stacks: [],
  leases: [
    {
      port,
      type: 'dev',
      service: 's',
      portName: 'PORT',
      stackId: null,
      owner: id,
      since: 1,
      stickyKey: `k${port}`,
    },
  ],
});

/** A fake coordinator whose journal appends fail (ENOSPC) while `full()` says so. */
function diskFullWhile(full: () => boolean) {
  return fakeCoordinator({
    journal: () => {
      if (full()) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  });
}

/** The parts of a state the journal must restore: who leases which port, who holds which stack. */
function table(state: CoordinatorState) {
  return {
    leases: [...state.registry.leases.values()].map((lease) => [lease.port, lease.owner, lease.stackId]).sort(),
    stacks: [...state.stacks.values()].map((stack) => [stack.registration.id, stack.owner]).sort(),
  };
}

describe('journal replay', () => {
  it('a snapshot from any moment plus the journal since then gives the live table', async () => {
    const entries: JournalEntry[] = [];
    const fake = fakeCoordinator({ journal: (entry) => entries.push(entry) });
    const a = await fake.connect();
    await a.call('registerStack', { registration: registration('shop', a.pid) });
    await a.call('reserve', {
      stackId: 'shop',
      requests: [portRequest('web', 'PORT', 'dev'), portRequest('api', 'PORT', 'api')],
    });
    const snapshot = fake.state.toPersisted(1);
    const mark = entries.length;

    const b = await fake.connect(undefined, undefined, 'run');
    const [first] = await b.call<{ port: number }[]>('reserve', { requests: [portRequest('x', 'PORT', 'dev')] });
    await a.call('release', { ports: [3000] }); // a port of the stack goes back…
    const [second] = await b.call<{ port: number }[]>('reserve', { requests: [portRequest('y', 'PORT', 'dev')] });
    expect(second!.port).toBe(3000); // …and is granted to someone else
    const c = await fake.connect();
    await c.call('registerStack', { registration: registration('blog', c.pid) });
    await c.call('reserve', { stackId: 'blog', requests: [portRequest('web', 'PORT', 'dev')] });
    fake.killPid(b.pid);
    b.peer.close(); // dead and disconnected: reaped
    await fake.settle();
    await a.call('unregisterStack', { stackId: 'shop' });
    expect(first!.port).not.toBe(3000);
    expect(entries.some((entry) => entry.kind === 'forget')).toBe(true);

    const fromSnapshot = CoordinatorState.fromPersisted({ ...snapshot, format: 1, journal: 0 } as PersistedState);
    applyJournal(fromSnapshot, entries.slice(mark));
    expect(table(fromSnapshot)).toEqual(table(fake.state));
    const fromNothing = new CoordinatorState();
    applyJournal(fromNothing, entries);
    expect(table(fromNothing)).toEqual(table(fake.state));
    expect(table(fake.state).leases).toHaveLength(1); // only blog's port is left
  });

  it('a later grant of a port or a stack id to another owner wins over an older one', () => {
    const owner = (id: string) => ({ id, pid: 1, startTime: 's', kind: 'cli', cwd: '/', runTokens: [] });
    const lease = (port: number, ownerId: string) => ({
      port,
      type: 'dev',
      service: 's',
      portName: 'PORT',
      stackId: null,
      owner: ownerId,
      since: 1,
      stickyKey: `k${port}`,
    });
    const state = new CoordinatorState();
    applyJournal(state, [
      { kind: 'holdings', owner: owner('a'), stacks: [], leases: [lease(3000, 'a'), lease(3001, 'a')] },
      { kind: 'holdings', owner: owner('b'), stacks: [], leases: [lease(3000, 'b')] },
      { kind: 'forget', owner: 'c' },
    ]);
    expect([...state.registry.leases.values()].map((l) => [l.port, l.owner])).toEqual([
      [3000, 'b'],
      [3001, 'a'],
    ]);
    expect(state.sticky.get('k3000')?.port).toBe(3000);
    expect([...state.owners.keys()].sort()).toEqual(['a', 'b']);
    expect([...state.owners.values()].every((o) => o.peer === null)).toBe(true);
  });
});

describe('journal files', () => {
  it('appends, rotates, reads from a generation on, stops at a torn line, drops old generations', () => {
    const base = join(tempDir(), 'state.json');
    const journal = new Journal(base, 3);
    journal.append({ kind: 'forget', owner: 'one' });
    expect(journal.rotate()).toBe(4);
    journal.append({ kind: 'forget', owner: 'two' });
    journal.append({ kind: 'forget', owner: 'three' });
    journal.close();
    writeFileSync(`${base}.journal.5`, '{"kind":"forget","owner":"four"}\n{"kind":"forg');
    expect(journalGenerations(base)).toEqual([3, 4, 5]);

    const all = readJournal(base, 0);
    expect(all.entries.map((entry) => entry.owner)).toEqual(['one', 'two', 'three', 'four']);
    expect(all.torn).toEqual([`${base}.journal.5`]);
    expect(all.next).toBe(6);
    expect(readJournal(base, 4).entries.map((entry) => entry.owner)).toEqual(['two', 'three', 'four']);

    journal.dropBefore(5);
    expect(journalGenerations(base)).toEqual([5]);
  });

  it('loading replays the generations the snapshot does not cover, then snapshots and deletes them', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(file, serializeState({ ...new CoordinatorState().toPersisted(1), journal: 2 }));
    writeFileSync(`${file}.journal.1`, `${JSON.stringify(holdings('covered', 3000))}\n`); // in the snapshot already
    writeFileSync(`${file}.journal.2`, `${JSON.stringify(holdings('a', 3001))}\n`);
    writeFileSync(`${file}.journal.3`, `${JSON.stringify(holdings('b', 3002))}\n`);
    const logs: string[] = [];

    const durable = openDurableState(file, (line) => logs.push(line));
    expect([...durable.state.registry.leases.keys()].sort()).toEqual([3001, 3002]);
    expect(logs.join('\n')).toMatch(/replayed 2 journal entries/);
    // Replayed entries went into a fresh snapshot; the files it covers are gone.
    const reloaded = loadState(file);
    expect(reloaded.kind === 'loaded' && reloaded.state.leases.map((lease) => lease.port).sort()).toEqual([3001, 3002]);
    expect(reloaded.kind === 'loaded' && reloaded.state.journal).toBe(5);
    expect(readdirSync(dir).filter((name) => name.includes('.journal.'))).toEqual([]);

    // A change journaled and then a crash before the next snapshot: the next load has it.
    durable.journal(holdings('c', 3003));
    const next = openDurableState(file, () => {});
    expect([...next.state.registry.leases.keys()].sort()).toEqual([3001, 3002, 3003]);
    next.flushSync();
    const last = loadState(file);
    expect(last.kind === 'loaded' && last.state.leases.map((lease) => lease.port).sort()).toEqual([3001, 3002, 3003]);
    expect(readdirSync(dir).filter((name) => name.includes('.journal.'))).toEqual([]);
  });

  it('a corrupt snapshot is set aside and every journal generation left is replayed', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"format":1,"owners":[{"id":');
    writeFileSync(`${file}.journal.4`, `${JSON.stringify(holdings('a', 3001))}\n`);
    writeFileSync(`${file}.journal.5`, `${JSON.stringify(holdings('b', 3002))}\n`);
    const logs: string[] = [];

    const durable = openDurableState(file, (line) => logs.push(line));
    // Nothing says which generations the lost snapshot covered: all of them count.
    expect([...durable.state.registry.leases.keys()].sort()).toEqual([3001, 3002]);
    expect(logs.join('\n')).toMatch(/state file .* is corrupt .*moved to .*state\.json\.corrupt-/);
    expect(logs.join('\n')).toMatch(/replayed 2 journal entries/);
    expect(readdirSync(dir).some((name) => name.startsWith('state.json.corrupt-'))).toBe(true);
  });
});

describe('the journal grows with what changed', () => {
  it('a grant or a release writes that change, not all its owner holds', async () => {
    const entries: JournalEntry[] = [];
    const fake = fakeCoordinator({ types: { dev: [3000, 3299] }, journal: (entry) => entries.push(entry) });
    const a = await fake.connect();
    const batch = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => portRequest(`${prefix}${i}`, 'PORT', 'dev'));
    await a.call('reserve', { requests: batch(1, 'first') });
    const one = Buffer.byteLength(JSON.stringify(entries.at(-1)));
    await a.call('reserve', { requests: batch(200, 'bulk') });
    await a.call('reserve', { requests: batch(1, 'last') });
    const last = entries.at(-1)!;
    expect(last.kind).toBe('grant');
    expect(Buffer.byteLength(JSON.stringify(last))).toBeLessThan(one * 1.5); // not 202 leases
    await a.call('release', { ports: [3000] });
    expect(entries.at(-1)).toEqual({ kind: 'release', owner: a.owner.id, ports: [3000] });
    // And the deltas still replay to the live table.
    const replayed = new CoordinatorState();
    applyJournal(replayed, entries);
    expect(table(replayed)).toEqual(table(fake.state));
  });
});

describe('stop registrations in the journal', () => {
  const stop = { file: 'sh', args: ['-c', 'pg_ctl stop'], cwd: '/work/shop', env: { PGDATA: 'x' }, timeoutMs: 5000 };

  it('replay to what the coordinator holds: set, replaced, cleared, ended with their stack or owner', async () => {
    const entries: JournalEntry[] = [];
    const fake = fakeCoordinator({ journal: (entry) => entries.push(entry) });
    const a = await fake.connect();
    await a.call('registerStack', { registration: registration('shop', a.pid) });
    await a.call('registerStack', { registration: registration('blog', a.pid) });
    for (const service of ['db', 'cache'])
      await a.call('registerStop', { stackId: 'shop', service, stop, daemon: null });
    await a.call('registerStop', {
      stackId: 'shop',
      service: 'db',
      stop: { ...stop, args: ['-c', 'x'] },
      daemon: null,
    });
    await a.call('registerStop', { stackId: 'shop', service: 'cache', stop: null, daemon: null });
    await a.call('registerStop', { stackId: 'blog', service: 'web', stop, daemon: null });
    const stops = (state: CoordinatorState) =>
      [...state.stops.values()].map((e) => [e.stackId, e.service, e.stop?.args]);
    const replayed = new CoordinatorState();
    expect(applyJournal(replayed, entries)).toEqual([]);
    expect(stops(replayed)).toEqual(stops(fake.state));
    expect(stops(replayed)).toEqual([
      ['shop', 'db', ['-c', 'x']],
      ['blog', 'web', stop.args],
    ]);
    // A reclaim's holdings carry them (and replace what the owner had).
    await a.call('reclaim', {
      stacks: [{ registration: registration('shop', a.pid) }],
      leases: [],
      processes: [],
      runTokens: [],
      stops: [{ stackId: 'shop', service: 'db', stop, daemon: null }],
    });
    expect(entries.at(-1)).toMatchObject({ kind: 'holdings', stops: [{ stackId: 'shop', service: 'db' }] });
    const afterReclaim = new CoordinatorState();
    applyJournal(afterReclaim, entries);
    expect(stops(afterReclaim)).toEqual([['shop', 'db', stop.args]]);
    await a.call('unregisterStack', { stackId: 'shop' });
    const ended = new CoordinatorState();
    applyJournal(ended, entries);
    expect(ended.stops.size).toBe(0);
  });

  it('one that cannot be journaled is refused and not kept; a clear is never refused', async () => {
    let full = false;
    const fake = diskFullWhile(() => full);
    const a = await fake.connect();
    await a.call('registerStack', { registration: registration('shop', a.pid) });
    await a.call('registerStop', { stackId: 'shop', service: 'db', stop, daemon: null });
    full = true;
    const error = await a
      .call('registerStop', { stackId: 'shop', service: 'cache', stop, daemon: null })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'STYXY_STATE_WRITE_FAILED',
      message: 'cannot record the stop registration: no space left on /fake (free some space)',
    });
    expect([...fake.state.stops.values()].map((entry) => entry.service)).toEqual(['db']);
    await a.call('registerStop', { stackId: 'shop', service: 'db', stop: null, daemon: null });
    expect(fake.state.stops.size).toBe(0);
  });

  it('read back, one for an owner that does not hold its stack is refused with its reason', () => {
    const state = new CoordinatorState();
    const owner = { id: 'a', pid: 1, startTime: 's', kind: 'supervisor', cwd: '/' };
    const refused = applyJournal(state, [
      { kind: 'stop', owner: 'a', stop: { owner: 'a', stackId: 'shop', service: 'db', stop, daemon: null } },
      { kind: 'holdings', owner: { ...owner, runTokens: [] }, stacks: [], leases: [] },
      { kind: 'stop', owner: 'a', stop: { owner: 'a', stackId: 'shop', service: 'db', stop, daemon: null } },
    ]);
    expect(refused).toEqual([
      'refused the stop registration of shop/db read back from disk: its owner is unknown; it will not run',
      'refused the stop registration of shop/db read back from disk: its owner does not hold that stack; it will not run',
    ]);
    expect(state.stops.size).toBe(0);
  });
});

describe('write-ahead means write-ahead', () => {
  it('a grant that cannot be journaled is refused, clearly, and nothing is granted', async () => {
    let full = true;
    const fake = diskFullWhile(() => full);
    const a = await fake.connect();
    const error = await a.call('reserve', { requests: [portRequest('web', 'PORT', 'dev')] }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'STYXY_STATE_WRITE_FAILED',
      message: 'cannot record the lease: no space left on /fake (free some space)',
    });
    expect(fake.state.registry.leases.size).toBe(0);
    const stack = await a.call('registerStack', { registration: registration('shop', a.pid) }).catch((e: unknown) => e);
    expect(stack).toMatchObject({
      code: 'STYXY_STATE_WRITE_FAILED',
      message: expect.stringMatching(/^cannot record the stack/),
    });
    expect(fake.state.stacks.size).toBe(0);
    expect(fake.logs.filter((line) => line.startsWith('could not append to the journal'))).toHaveLength(1);
    full = false;
    await a.call('reserve', { requests: [portRequest('web', 'PORT', 'dev')] });
    expect(fake.state.registry.leases.size).toBe(1);
  });

  it('a failed state write is logged once, leaves no temp file, and never stops later writes', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    mkdirSync(file); // rename onto a folder fails, every time, until it goes
    const logs: string[] = [];
    let written = 0;
    const persister = new Persister({
      file,
      serialize: () => '{"ok":true}\n',
      delayMs: 1,
      written: () => written++,
      log: (line) => logs.push(line),
    });
    for (let i = 0; i < 5; i++) {
      persister.schedule();
      await waitFor(() => logs.length > 0, { message: 'the failure to be logged' });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/could not write .*state\.json: .*not logged again until a write works/);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    rmSync(file, { recursive: true });
    persister.schedule();
    await waitFor(() => written > 0, { timeout: 15_000, message: 'a later write to work' });
    expect(readFileSync(file, 'utf8')).toBe('{"ok":true}\n');
    expect(logs.at(-1)).toMatch(/wrote .*state\.json again after \d+ failed attempt/);
  });

  it('a coordinator starting removes the temp files one that died mid-write left', () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.tmp-123-1`, 'half');
    writeFileSync(`${file}.tmp-456-9`, '');
    const logs: string[] = [];
    openDurableState(file, (line) => logs.push(line)).flushSync();
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(logs.join('\n')).toContain('removed 2 unfinished temp file(s)');
  });
});
