/**
 * Real PostgreSQL (the Debian package) the way docs/configuration.md, "PostgreSQL", says to run
 * it: `initdb` once, `pg_ctl start` as a daemon (its pid file is postmaster.pid) with `pg_ctl
 * stop` as its stop command; as the `postgres` user through `runuser` when the tests run as root
 * (PostgreSQL refuses to run as root). Skipped with a message where it is not installed (fails
 * in CI).
 */
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolder } from '../../../src/os/port-holder.js';
import { processInfo } from '../../../src/os/process-table.js';
import { requirePrograms } from '../../helpers/programs.js';
import { createHarness, type StackHarness } from '../../helpers/stack.js';

const root = process.getuid?.() === 0;
const programs = requirePrograms('postgres.test', ['initdb', 'pg_ctl', 'pg_isready', ...(root ? ['runuser'] : [])]);
const bin = (name: string) => programs.paths[name]!;

let harness: StackHarness | undefined;
let data: string | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
  if (data) rmSync(data, { recursive: true, force: true });
  data = undefined;
});

describe.skipIf(programs.missing.length > 0)('real PostgreSQL, as a daemon with a stop command', () => {
  it('initdb, pg_ctl start on the leased port, pg_ctl stop: nothing left', { timeout: 120_000 }, async () => {
    harness = await createHarness();
    // Outside the test home (owner-only), so that the postgres user can reach it.
    data = mkdtempSync(join(tmpdir(), 'styxy-pg-'));
    const pgdata = join(data, 'pg');
    if (root) chownSync(data, Number(processUidOf('postgres')), Number(processGidOf('postgres')));
    const as = root ? `${bin('runuser')} -u postgres -- ` : '';
    const supervisor = harness.supervisor({
      services: {
        initdb: {
          command: `test -f ${pgdata}/PG_VERSION || ${as}${bin('initdb')} -D ${pgdata} -A trust -U postgres > ${data}/initdb.log`,
          ready: false,
        },
        db: {
          command: `${as}${bin('pg_ctl')} -D ${pgdata} -l ${data}/server.log -w -o "-p $PORT -k ${data} -c listen_addresses=127.0.0.1" start`,
          ports: { PORT: 'database' },
          daemon: { pidFile: `${pgdata}/postmaster.pid`, timeout: 30_000 },
          stop: { command: `${as}${bin('pg_ctl')} -D ${pgdata} -m fast -w stop`, timeout: 30_000 },
          ready: { command: `${bin('pg_isready')} -h 127.0.0.1 -p $PORT`, timeout: 60_000 },
          dependsOn: { initdb: 'completed' },
        },
      },
    });
    const up = await supervisor.start();
    const db = up.services.find((service) => service.name === 'db')!;
    expect(db.status).toBe('ready');
    const port = db.ports.PORT!;
    const holder = await findPortHolder(port);
    expect(holder?.pid).toBe(db.pid);
    await supervisor.stop();
    expect(processInfo(db.pid!)).toBeNull();
    expect(await findPortHolder(port)).toBeNull();
    const notes = supervisor.getLogs('db').map((line) => line.text);
    expect(notes).toContain('stop command exited with code 0');
  });
});

function processUidOf(user: string): string {
  return passwd(user)[2]!;
}
function processGidOf(user: string): string {
  return passwd(user)[3]!;
}
function passwd(user: string): string[] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry: string) => entry.startsWith(`${user}:`));
  return (line ?? '').split(':');
}
