/**
 * `up -d` as many coding agents call it at once in one worktree: idempotent like `docker compose
 * up -d` (every call exits 0 with the same port map, one supervisor), and what it, `restart` and
 * `down` answered is what `ps` and `port` show right after (fresh state).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { StyxyConfig } from '../../src/config/types.js';
import { type BackgroundHome, backgroundHomes } from '../helpers/background.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import type { PsJson } from '../helpers/up.js';

const backgroundHome = backgroundHomes();

const stack: StyxyConfig = {
  services: {
    // Slow to listen, so that the racing calls find the stack starting.
    api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' }, env: { DELAY_MS: '400' } },
    web: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'dev' }, dependsOn: ['api'] },
  },
};

const portMap = (doc: PsJson) => Object.fromEntries(doc.services.map((s) => [s.name, s.ports]));
const statuses = (doc: PsJson) => Object.fromEntries(doc.services.map((s) => [s.name, s.status]));

/** Supervisors of this home now (the CLI's own processes are gone by then). */
function supervisors(bg: BackgroundHome): number[] {
  return bg.leftovers().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('styxy-supervisor');
    } catch {
      return false;
    }
  });
}

describe('up -d, idempotent', () => {
  it('8 concurrent up -d --json in one folder: all exit 0, identical ports, one supervisor', async () => {
    const bg = backgroundHome({ sizes: onlyTypes({ api: 2, dev: 2 }) });
    const root = bg.project('shop', stack);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => bg.cli(root, ['up', '-d', '--json'], { timeoutMs: 90_000 })),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const docs = results.map((result) => JSON.parse(result.stdout) as PsJson);
    const first = docs[0]!;
    for (const doc of docs) {
      expect(portMap(doc)).toEqual(portMap(first));
      expect(doc.stack.pid).toBe(first.stack.pid);
      expect(statuses(doc)).toEqual({ api: 'ready', web: 'ready' });
    }
    expect(docs.filter((doc) => doc.reused === false)).toHaveLength(1);
    expect(supervisors(bg)).toEqual([first.stack.pid]);
    const all = JSON.parse((await bg.cli(root, ['ps', '--all', '--json'])).stdout) as { stacks: PsJson[] };
    expect(all.stacks.map((s) => s.stack.pid)).toEqual([first.stack.pid]);
  });

  it('ps and port right after up -d, restart and down show what they did, every time', async () => {
    const bg = backgroundHome({ sizes: onlyTypes({ api: 2, dev: 2 }) });
    const root = bg.project('shop', {
      services: { api: { ...stack.services.api!, env: {} }, web: stack.services.web! },
    });
    for (let round = 0; round < 3; round++) {
      const up = await bg.upDetached(root);
      const ps = JSON.parse((await bg.cli(root, ['ps', '--json'])).stdout) as PsJson;
      expect(statuses(ps)).toEqual({ api: 'ready', web: 'ready' });
      expect(ps.services.map((s) => s.pid)).toEqual(up.services.map((s) => s.pid));
      for (let restart = 0; restart < 3; restart++) {
        const restarted = await bg.cli(root, ['restart', 'api', '--json']);
        expect(restarted.code, restarted.stderr).toBe(0);
        const pid = (JSON.parse(restarted.stdout) as PsJson).services.find((s) => s.name === 'api')!.pid;
        const after = JSON.parse((await bg.cli(root, ['ps', '--json'])).stdout) as PsJson;
        expect(after.services.find((s) => s.name === 'api')).toMatchObject({ status: 'ready', pid });
      }
      expect((await bg.cli(root, ['down'])).code).toBe(0);
      const port = await bg.cli(root, ['port', 'api']);
      expect(port.code).toBe(1);
      expect((JSON.parse((await bg.cli(root, ['ls', '--json'])).stdout) as { leases: unknown[] }).leases).toEqual([]);
    }
  });

  it('a changed config: the changed service alone restarts on its port; an added or removed one restarts the stack on its ports', async () => {
    const bg = backgroundHome({ sizes: onlyTypes({ api: 3, dev: 2 }) });
    const api = { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } };
    const web = { ...api, ports: { PORT: 'dev' }, dependsOn: ['api'] };
    const root = bg.project('shop', { services: { api, web } });
    const first = await bg.upDetached(root);
    const pid = (doc: PsJson, name: string) => doc.services.find((s) => s.name === name)!.pid;

    // The same config: nothing restarts.
    const same = await bg.upDetached(root);
    expect(same).toMatchObject({ reused: true, changed: [] });
    expect([pid(same, 'api'), pid(same, 'web')]).toEqual([pid(first, 'api'), pid(first, 'web')]);

    // One service's definition edited: that one alone restarts, on the same port, with it.
    bg.project('shop', { services: { api: { ...api, env: { VERSION: '2' } }, web } });
    const edited = await bg.upDetached(root);
    expect(edited).toMatchObject({ reused: true, changed: [{ service: 'api', action: 'restarted' }] });
    expect(edited.stack.pid).toBe(first.stack.pid);
    expect(portMap(edited)).toEqual(portMap(first));
    expect(pid(edited, 'api')).not.toBe(pid(first, 'api'));
    expect(pid(edited, 'web')).toBe(pid(first, 'web'));
    expect(statuses(edited)).toEqual({ api: 'ready', web: 'ready' });
    const env = (await (await fetch(`http://127.0.0.1:${edited.services[0]!.ports.PORT}/env`)).json()) as Record<
      string,
      string
    >;
    expect(env.VERSION).toBe('2');
    expect(edited.result.stderr).toContain('config changed: api restarted');
    // What it answered is what ps shows.
    const ps = JSON.parse((await bg.cli(root, ['ps', '--json'])).stdout) as PsJson;
    expect(pid(ps, 'api')).toBe(pid(edited, 'api'));

    // A service added: the stack restarts, every service keeps its port.
    bg.project('shop', { services: { api: { ...api, env: { VERSION: '2' } }, web, admin: api } });
    const added = await bg.upDetached(root);
    expect(added.changed).toEqual([
      { service: 'api', action: 'restarted' },
      { service: 'web', action: 'restarted' },
      { service: 'admin', action: 'started' },
    ]);
    expect(added.reused).toBe(false);
    expect(added.stack.pid).not.toBe(first.stack.pid);
    expect(portMap(added)).toMatchObject(portMap(first));
    expect(statuses(added)).toEqual({ api: 'ready', web: 'ready', admin: 'ready' });

    // …and removed again.
    bg.project('shop', { services: { api: { ...api, env: { VERSION: '2' } }, web } });
    const removed = await bg.upDetached(root);
    expect(removed.changed).toEqual([
      { service: 'admin', action: 'stopped' },
      { service: 'api', action: 'restarted' },
      { service: 'web', action: 'restarted' },
    ]);
    expect(portMap(removed)).toEqual(portMap(first));
    expect(supervisors(bg)).toEqual([removed.stack.pid]);
  });

  it('up --dry-run: the ports up -d would get, with nothing leased or started; on a running stack, its ports', async () => {
    const bg = backgroundHome({ sizes: onlyTypes({ api: 3, dev: 2 }) });
    const root = bg.project('shop', stack);
    // Another program holds the api range's first port: the plan skips it, as a start would.
    const foreign = createServer();
    await new Promise<void>((resolve) => foreign.listen(bg.home.ranges.api![0], '127.0.0.1', resolve));
    try {
      const dry = await bg.cli(root, ['up', '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      const plan = JSON.parse(dry.stdout) as PsJson & { stack: { pid: number | null } };
      expect(plan).toMatchObject({ dryRun: true, reused: false, changed: [], stack: { pid: null, root } });
      expect(statuses(plan)).toEqual({ api: 'pending', web: 'pending' });
      expect(portMap(plan)).toEqual({
        api: { PORT: bg.home.ranges.api![0] + 1 },
        web: { PORT: bg.home.ranges.dev![0] },
      });
      expect((JSON.parse((await bg.cli(root, ['ls', '--json'])).stdout) as { leases: unknown[] }).leases).toEqual([]);
      expect(supervisors(bg)).toEqual([]);
      const text = await bg.cli(root, ['up', '--dry-run']);
      expect(text.stdout).toMatch(/^test\/default {2}not running \(dry run\) {2}/);
      expect(text.stderr).toContain('nothing was leased or started');

      const up = await bg.upDetached(root);
      expect(portMap(up)).toEqual(portMap(plan));
      const again = JSON.parse((await bg.cli(root, ['up', '--dry-run', '--json'])).stdout) as PsJson;
      expect(again).toMatchObject({ dryRun: true, reused: true, stack: { pid: up.stack.pid } });
      expect(portMap(again)).toEqual(portMap(up));
    } finally {
      foreign.close();
    }
  });
});
