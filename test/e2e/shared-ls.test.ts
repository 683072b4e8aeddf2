/**
 * `styxy ls` of a shared service, with the built CLI: two stacks of one folder (one repository,
 * so one instance) in the background; the instance's lease is marked with the stacks using it,
 * in the table (a SHARED BY column and a line naming them) and in JSON (`shared`, `users`); the
 * stacks' own leases are not. Without a shared service, the table has no such column.
 */
import { afterEach, expect, test } from 'vitest';
import { SHARED_HTTP_CONFIG } from '../helpers/shared-http.js';
import { makeUpProject, type UpProject } from '../helpers/up.js';
import { waitFor } from '../helpers/wait.js';

const CONFIG = SHARED_HTTP_CONFIG;

let project: UpProject | undefined;
afterEach(async () => {
  await project?.cli(['down', '--all'], { timeoutMs: 60_000 }).catch(() => {});
  await project?.cleanup();
  project = undefined;
});

interface LsLease {
  port: number;
  stack: string;
  stackId: string;
  shared?: boolean;
  users?: { id: string; name: string; project: string; root: string }[];
}

test('the shared instance lease is marked with its users; the stacks own leases are not', async () => {
  const p = makeUpProject(CONFIG);
  project = p;
  for (const name of ['a', 'b']) {
    const up = await p.cli(['up', '-d', '--name', name], { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
  }
  const stacks = await p.stacks();
  const idOf = (name: string) => stacks.find((stack) => stack.name === name)!.id;

  const json = await p.cli(['ls', '--json']);
  expect(json.code, json.stderr).toBe(0);
  const leases = (JSON.parse(json.stdout) as { leases: LsLease[] }).leases;
  const byStack = (name: string) => leases.filter((lease) => lease.stack === name);
  expect(byStack('shared-db')).toHaveLength(1);
  expect(byStack('shared-db')[0]).toMatchObject({ shared: true });
  expect(
    byStack('shared-db')[0]!
      .users!.map((user) => user.id)
      .sort(),
  ).toEqual([idOf('a'), idOf('b')].sort());
  for (const lease of [...byStack('a'), ...byStack('b')]) {
    expect(lease.shared).toBeUndefined();
    expect(lease.users).toBeUndefined();
  }

  const table = await p.cli(['ls']);
  expect(table.code, table.stderr).toBe(0);
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/\bAGE\s+SHARED BY$/);
  const port = byStack('shared-db')[0]!.port;
  expect(lines.find((line) => line.startsWith(`${port} `))).toMatch(/\bshared-db\b.*\s2 stacks$/);
  expect(lines.find((line) => line.startsWith(`${byStack('a')[0]!.port} `))).not.toMatch(/stacks?$/);
  expect(lines.at(-1)).toMatch(/^shared-db is shared by test\/a \(.+\), test\/b \(.+\)$/);

  // The last user down: the instance stops with it, and the table is the plain one again.
  for (const name of ['a', 'b']) expect((await p.cli(['down', '--name', name], { timeoutMs: 60_000 })).code).toBe(0);
  // (the coordinator stops an unused instance in its next sweep: poll)
  await waitFor(async () => !(await p.cli(['ls'])).stdout.includes('SHARED BY'), {
    timeout: 30_000,
    message: 'ls without the shared instance',
  });
});
