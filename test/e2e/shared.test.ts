/**
 * Shared services as users run them: the built CLI's `up -d` in git worktrees of one repository,
 * a real redis-server shared by every stack, real services connecting to it. One instance, one
 * port; it outlives the stack that started it, stops with its last user (also after a `kill -9`
 * of every user), comes back when its own supervisor is killed while stacks use it, and two
 * configs that define it differently get an error naming both files. Skipped with a message where
 * redis-server or git is missing (fails in CI: test/helpers/programs.ts).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolder } from '../../src/os/port-holder.js';
import type { StackInfo } from '../../src/protocol/coordinator-protocol.js';
import { STACK_SLUG_PATTERN } from '../../src/protocol/stack-id.js';
import { CLI_BIN, coordinatorPid, onlyTypes, running, spawnCli } from '../helpers/coordinator.js';
import { requirePrograms } from '../helpers/programs.js';
import { NODE } from '../helpers/stack.js';
import { makeUpProject, type UpProject } from '../helpers/up.js';
import { isAlive, waitFor } from '../helpers/wait.js';

const programs = requirePrograms('shared.test', ['redis-server', 'git']);
const postgres = requirePrograms('shared.test (examples/shared-postgres)', ['initdb', 'postgres', 'psql', 'createdb']);
const EXAMPLE = fileURLToPath(new URL('../../examples/shared-postgres', import.meta.url));
const REDIS = programs.paths['redis-server'];
const GIT = programs.paths.git!;

/** Answers each HTTP request with what Redis says to `INCR <slug>:hits`: proof that it reached it. */
const API = `
import http from 'node:http';
import net from 'node:net';
const ask = (command) => new Promise((resolve, reject) => {
  const socket = net.connect(Number(process.env.CACHE_PORT), '127.0.0.1');
  let reply = '';
  socket.on('data', (chunk) => { reply += chunk; if (reply.endsWith('\\r\\n')) { socket.end(); resolve(reply.trim().replace(/^:/, '')); } });
  socket.on('error', reject);
  socket.write(command + '\\r\\n');
});
http.createServer(async (request, response) => {
  try { response.end(await ask('INCR ' + process.env.STYXY_STACK_SLUG + ':hits')); }
  catch (error) { response.statusCode = 500; response.end(String(error)); }
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

function config(extra = '') {
  return {
    name: 'shop',
    services: {
      cache: {
        command: `exec ${REDIS} --port $PORT --bind 127.0.0.1 --save '' --appendonly no${extra}`,
        ports: { PORT: 'infrastructure' },
        shared: true,
      },
      api: {
        command: `exec ${process.execPath} api.mjs`,
        ports: { PORT: 'api' },
        env: { CACHE_PORT: '${cache.PORT}' },
        dependsOn: ['cache'],
      },
    },
  };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(GIT, ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
}

/** The project folder as a git repository with `worktrees` more worktrees beside it. */
function repository(project: UpProject, worktrees: number): string[] {
  writeFileSync(join(project.root, '.styxyrc.json'), JSON.stringify(config(), null, 2));
  writeFileSync(join(project.root, 'api.mjs'), API);
  git(project.root, 'init', '-q');
  git(project.root, 'add', '-A');
  git(project.root, 'commit', '-qm', 'shop');
  const folders = [project.root];
  for (let i = 1; i <= worktrees; i++) {
    const folder = join(project.home.home, `wt-${i}`);
    git(project.root, 'worktree', 'add', '-q', folder);
    folders.push(folder);
  }
  return folders;
}

/**
 * Live redis-server processes on this home's ports. By their title (`redis-server 127.0.0.1:<port>`):
 * Redis rewrites its argv over its environment, so STYXY_HOME cannot be read from it.
 */
function redisProcesses(project: UpProject): number[] {
  const [from, to] = project.home.ranges.infrastructure!;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const title = /^\S*redis-server 127\.0\.0\.1:(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
        return title !== null && Number(title[1]) >= from && Number(title[1]) <= to;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const instances = (stacks: readonly StackInfo[]) => stacks.filter((stack) => stack.shared !== undefined);
const users = (stacks: readonly StackInfo[]) => stacks.filter((stack) => stack.shared === undefined);

async function upDetached(project: UpProject, cwd: string, args: readonly string[] = []) {
  const result = await project.cli(['up', '-d', '--json', ...args], { cwd, timeoutMs: 120_000 });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    services: { name: string; shared?: boolean; pid: number | null; ports: Record<string, number> }[];
  };
}

type ToolAnswer = { content: { type: string; text: string }[]; structuredContent?: unknown };

/** `styxy mcp` in `cwd`, as an agent's client (the MCP SDK's) sees it. */
async function withMcp(
  project: UpProject,
  cwd: string,
  use: (call: (name: string) => Promise<ToolAnswer>) => Promise<void>,
): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(project.home.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const client = new Client({ name: 'styxy-test', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: NODE, args: [CLI_BIN, 'mcp'], cwd, env, stderr: 'ignore' }));
  try {
    await use(
      async (name) =>
        (await client.callTool({ name, arguments: {} }, undefined, { timeout: 90_000 })) as unknown as ToolAnswer,
    );
  } finally {
    await client.close();
  }
}

async function hits(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

let project: UpProject | undefined;
afterEach(async () => {
  if (!project) return;
  const down = await project.cli(['down', '--all'], { timeoutMs: 60_000 }).catch((error: Error) => error);
  // A failed `down --all` leaves the cleanup to kill what is left: say so, it is worth knowing why.
  if (down instanceof Error || down.code !== 0) {
    console.warn(
      `shared.test: down --all failed: ${down instanceof Error ? down.message : `${down.code} ${down.stderr}`}`,
    );
  }
  // Redis writes its title over its environment, so the helpers' cleanup (by STYXY_HOME in the
  // environment) cannot see it: look for it by port. The cleanup kills what is left and stops the
  // coordinator, which used to exit before reaping a supervisor killed so (the case "then the
  // coordinator stopped at once" below); it reaps first now. One left anyway is named and ended.
  const current = project;
  if (current.home.ranges.infrastructure) {
    await waitFor(() => redisProcesses(current).length === 0, { timeout: 15_000 }).catch(() => {
      const left = redisProcesses(current);
      console.warn(`shared.test: redis-server ${left.join(', ')} still ran after \`down --all\`; killing it`);
      for (const pid of left) process.kill(pid, 'SIGKILL');
    });
  }
  await current.cleanup();
  project = undefined;
});

describe.skipIf(programs.missing.length > 0)('shared services (real redis-server, git worktrees)', () => {
  it('two worktrees share one Redis: one process, one port; stopping the first keeps it, the second stops it', async () => {
    project = makeUpProject(null, { sizes: onlyTypes({ infrastructure: 2, api: 4 }) });
    const [main, worktree] = repository(project, 1) as [string, string];

    // The range's first port is taken while the instance starts, so it gets the second one: a
    // later start picks the first unless it asks for the port it had.
    const blocker = createServer();
    const firstPort = project.home.ranges.infrastructure![0];
    await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(firstPort, '127.0.0.1', resolve));
    const first = await upDetached(project, main).finally(() => blocker.close());
    const second = await upDetached(project, worktree);
    const stacks = await project.stacks();
    expect(instances(stacks)).toHaveLength(1);
    expect(
      users(stacks)
        .map((stack) => stack.root)
        .sort(),
    ).toEqual([main, worktree].sort());
    expect(redisProcesses(project)).toHaveLength(1);
    const cachePort = instances(stacks)[0]!.leases[0]!.port;
    // up -d's document shows it as ps does.
    expect(second.services.find((service) => service.name === 'cache')).toMatchObject({
      shared: true,
      ports: { PORT: cachePort },
    });
    expect((await findPortHolder(cachePort))?.command).toContain('redis-server');
    // Both stacks' services reach it (each counts under its own STYXY_STACK_SLUG).
    const apiOf = (document: typeof first) => document.services.find((service) => service.name === 'api')!.ports.PORT!;
    expect(await hits(apiOf(first))).toBe('1');
    expect(await hits(apiOf(second))).toBe('1');
    expect(await hits(apiOf(second))).toBe('2');
    for (const folder of [main, worktree]) {
      const env = await project.cli(['env', 'api'], { cwd: folder });
      expect(env.stdout).toContain(`CACHE_PORT=${cachePort}\n`);
      expect(env.stdout).toContain(`STYXY_CACHE_PORT=${cachePort}\n`);
    }

    // ps marks it and lists the stacks using it; logs reads its instance's log.
    const ps = JSON.parse((await project.cli(['ps', '--json'], { cwd: worktree })).stdout) as {
      services: { name: string; shared?: boolean; users?: { root: string }[]; ports: Record<string, number> }[];
    };
    const shared = ps.services.find((service) => service.name === 'cache')!;
    expect(shared).toMatchObject({ shared: true, ports: { PORT: cachePort } });
    expect(shared.users!.map((user) => user.root).sort()).toEqual([main, worktree].sort());
    expect((await project.cli(['ps'], { cwd: worktree })).stdout).toMatch(/cache \(shared · 2 stacks\)\s+ready/);
    const logs = await project.cli(['logs', 'cache'], { cwd: worktree });
    expect(logs.stdout).toMatch(/Ready to accept connections/);
    // Without a SERVICE, logs, env and the MCP tools show it with the stack's own services.
    const allLogs = await project.cli(['logs', '-n', '500'], { cwd: worktree });
    expect(allLogs.stdout).toMatch(/^cache\s*\| .*Ready to accept connections/m);
    expect(allLogs.stdout).toMatch(/^api\s*\| \[styxy\] ready/m);
    const allEnv = (await project.cli(['env'], { cwd: worktree })).stdout;
    expect(allEnv).toContain(`# cache\nPORT=${cachePort}\nSTYXY_CACHE_PORT=${cachePort}\nSTYXY_STACK=shared-cache\n`);
    expect(allEnv).toMatch(/# api\n(.*\n)*STYXY_STACK=default\n/);
    expect((await project.cli(['port', 'cache'], { cwd: worktree })).stdout).toBe(`${cachePort}\n`);
    // restart from a user is refused, saying where it runs and how to restart it for everyone.
    const restart = await project.cli(['restart', 'cache'], { cwd: worktree });
    expect(restart.code).toBe(1);
    expect(restart.stderr).toContain('"cache" is a shared service used by 2 stacks');
    expect(restart.stderr).toContain(`(shop/default (${basename(main)}), shop/default (${basename(worktree)}))`);
    expect(restart.stderr).toContain(`cd ${main} && styxy restart cache --name shared-cache`);
    // -f follows the instance's lines too (its backlog, from the instance's control socket).
    const follow = spawnCli(['logs', '-f', '-n', '50'], { cwd: worktree, env: project.home.env });
    try {
      await waitFor(() => /^cache\s*\| .*Ready to accept connections/m.test(follow.stdout()), {
        timeout: 15_000,
        message: `logs -f showing cache; so far:\n${follow.stdout()}`,
      });
    } finally {
      follow.child.kill('SIGINT');
      await follow.exited;
    }
    await withMcp(project, worktree, async (call) => {
      const up = await call('up');
      expect(up.structuredContent).toMatchObject({ ports: { cache: { PORT: cachePort } } });
      const status = (await call('ps')).structuredContent as typeof ps;
      expect(status.services.find((service) => service.name === 'cache')).toMatchObject({ shared: true });
      expect((await call('logs')).content[0]!.text).toMatch(/^cache\s*\| .*Ready to accept connections/m);
    });

    // A coordinator restart keeps the references (state, journal, and the stacks' reclaims).
    const coordinator = coordinatorPid(project.home)!;
    process.kill(coordinator, 'SIGKILL');
    await waitFor(
      async () => {
        const pid = coordinatorPid(project!.home);
        return pid !== null && pid !== coordinator && (await project!.stacks()).length === 3;
      },
      { timeout: 30_000, message: 'a new coordinator with the three stacks' },
    );

    // The first down (the stack that started it) keeps it for the second.
    const down = await project.cli(['down'], { cwd: main, timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(down.stderr).toContain('cache (shared) kept for 1 other stack');
    expect(redisProcesses(project)).toHaveLength(1);
    expect(await hits(apiOf(second))).toBe('3');
    // The last user's down stops it.
    expect((await project.cli(['down'], { cwd: worktree, timeoutMs: 60_000 })).code).toBe(0);
    await waitFor(() => redisProcesses(project!).length === 0, { timeout: 15_000, message: 'redis-server gone' });
    await waitFor(async () => (await project!.stacks()).length === 0, { timeout: 15_000, message: 'no stack left' });
    expect(await findPortHolder(cachePort)).toBeNull();
    // Started again later from the other worktree: on the port it had (sticky by its shared key).
    const later = await upDetached(project, worktree);
    expect(cachePort).not.toBe(firstPort);
    expect(later.services.find((service) => service.name === 'cache')!.ports.PORT).toBe(cachePort);
  });

  it('a config that defines the shared service otherwise is refused, naming both files and the difference', async () => {
    project = makeUpProject(null, { sizes: onlyTypes({ infrastructure: 2, api: 4 }) });
    const [main, worktree] = repository(project, 1) as [string, string];
    writeFileSync(join(worktree, '.styxyrc.json'), JSON.stringify(config(' --maxclients 100'), null, 2));
    await upDetached(project, main);
    const refused = await project.cli(['up', '-d'], { cwd: worktree, timeoutMs: 120_000 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('shared service "cache" is defined differently in');
    expect(refused.stderr).toContain(join(worktree, '.styxyrc.json'));
    expect(refused.stderr).toContain(join(main, '.styxyrc.json'));
    expect(refused.stderr).toMatch(/command: .*--maxclients 100/);
    expect(redisProcesses(project)).toHaveLength(1);
    // Its one user's down stops it.
    expect((await project.cli(['down'], { cwd: main, timeoutMs: 60_000 })).code).toBe(0);
    await waitFor(() => redisProcesses(project!).length === 0, { timeout: 15_000, message: 'redis-server gone' });
  });

  it('kill -9 of the instance and its user, then the coordinator stopped at once: nothing keeps running', async () => {
    // What a cleanup that kills every Styxy process and then stops the coordinator does (the
    // test helpers did): the coordinator used to exit before reaping, and Redis ran on for ever
    // once the home was deleted. It now reaps the dead before it exits.
    project = makeUpProject(null, { sizes: onlyTypes({ infrastructure: 2, api: 4 }) });
    const [main] = repository(project, 0) as [string];
    const document = await upDetached(project, main);
    const stacks = await project.stacks();
    const apiPid = document.services.find((service) => service.name === 'api')!.pid!;
    expect(redisProcesses(project)).toHaveLength(1);
    const coordinator = coordinatorPid(project.home)!;
    for (const stack of stacks) process.kill(stack.pid, 'SIGKILL');
    process.kill(coordinator, 'SIGTERM');
    await waitFor(() => !running(coordinator), { timeout: 15_000, message: 'the coordinator to exit' });
    await waitFor(() => redisProcesses(project!).length === 0 && !running(apiPid), {
      timeout: 10_000,
      message: 'redis-server and api gone without another coordinator',
    });
    expect(coordinatorPid(project.home)).toBeNull();
  });

  it('an instance started again on another port (its own was taken meanwhile): the users restart onto it', async () => {
    project = makeUpProject(null, { sizes: onlyTypes({ infrastructure: 2, api: 4 }) });
    const [main] = repository(project, 0) as [string];
    const documents = [
      await upDetached(project, main, ['--name', 's1']),
      await upDetached(project, main, ['--name', 's2']),
    ];
    const stacks = await project.stacks();
    const instance = instances(stacks)[0]!;
    const oldPort = instance.leases[0]!.port;
    // The users cannot start it again while stopped: the instance is killed, reaped, and its port
    // taken by another program before they look.
    for (const stack of users(stacks)) process.kill(stack.pid, 'SIGSTOP');
    const holder = createServer();
    try {
      process.kill(instance.pid, 'SIGKILL');
      await waitFor(async () => instances(await project!.stacks()).length === 0, {
        timeout: 15_000,
        message: 'the killed instance reaped',
      });
      await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(oldPort, '127.0.0.1', resolve));
    } finally {
      for (const stack of users(stacks)) process.kill(stack.pid, 'SIGCONT');
    }
    try {
      const again = await waitFor(
        async () => {
          const now = instances(await project!.stacks());
          return now.length === 1 && now[0]!.phase === 'running' ? now[0]! : null;
        },
        { timeout: 30_000, message: 'the shared instance started again' },
      );
      const newPort = again.leases[0]!.port;
      expect(newPort).not.toBe(oldPort);
      // Each user's api restarted with CACHE_PORT on the new port: it counts in the new Redis.
      for (const document of documents) {
        const port = document.services.find((service) => service.name === 'api')!.ports.PORT!;
        await waitFor(async () => (await hits(port).catch(() => '')) === '1', {
          timeout: 30_000,
          message: `api on :${port} reaching the new Redis`,
        });
      }
      const env = await project.cli(['env', 'api', '--name', 's1'], { cwd: main });
      expect(env.stdout).toContain(`CACHE_PORT=${newPort}\n`);
      const logs = await project.cli(['logs', 'api', '--name', 's2'], { cwd: main });
      expect(logs.stdout).toContain(`shared service "cache" moved (PORT ${oldPort} -> ${newPort}): restarting`);
    } finally {
      holder.close();
    }
  });

  it('10 stacks at once run one instance; a killed instance comes back; kill -9 of every user stops it', async () => {
    project = makeUpProject(null, { sizes: onlyTypes({ infrastructure: 2, api: 12 }) });
    const [main] = repository(project, 0) as [string];
    const names = Array.from({ length: 10 }, (_, i) => `s${i + 1}`);
    const upStarted = Date.now();
    const documents = await Promise.all(names.map((name) => upDetached(project!, main, ['--name', name])));
    console.log(`shared.test: 10 stacks up -d at once in ${Date.now() - upStarted} ms`);
    expect(redisProcesses(project)).toHaveLength(1);
    let stacks = await project.stacks();
    expect(instances(stacks)).toHaveLength(1);
    expect(users(stacks)).toHaveLength(10);
    for (const document of documents) {
      const api = document.services.find((service) => service.name === 'api')!;
      expect(await hits(api.ports.PORT!)).toBe('1');
    }

    // kill -9 of the shared supervisor while stacks use it: reaped, then started again.
    const instance = instances(stacks)[0]!;
    process.kill(instance.pid, 'SIGKILL');
    const again = await waitFor(
      async () => {
        const now = instances(await project!.stacks());
        return now.length === 1 && now[0]!.pid !== instance.pid && now[0]!.phase === 'running' ? now[0]! : null;
      },
      { timeout: 30_000, message: 'the shared instance started again' },
    );
    await waitFor(() => redisProcesses(project!).length === 1, { timeout: 10_000, message: 'one redis-server' });
    expect(again.pid).not.toBe(instance.pid);
    // On the port it had (sticky by its shared key), so the users' running services still reach it.
    expect(again.leases[0]!.port).toBe(instance.leases[0]!.port);
    const api = documents[0]!.services.find((service) => service.name === 'api')!;
    expect(await hits(api.ports.PORT!)).toBe('1');

    // kill -9 of every user: reaped, then the unused instance stops.
    stacks = await project.stacks();
    const started = Date.now();
    for (const stack of users(stacks)) process.kill(stack.pid, 'SIGKILL');
    await waitFor(() => redisProcesses(project!).length === 0 && !isAlive(again.pid), {
      timeout: 20_000,
      message: 'redis-server and its supervisor gone',
    });
    const elapsed = Date.now() - started;
    console.log(`shared.test: every user killed -> shared instance gone in ${elapsed} ms`);
    await waitFor(async () => (await project!.stacks()).length === 0, { timeout: 10_000, message: 'no stack left' });
  });
});

describe.skipIf(programs.missing.length > 0 || postgres.missing.length > 0)('examples/shared-postgres', () => {
  it('two worktrees share one Postgres, each with a database of its own made by its createdb task', async () => {
    project = makeUpProject(null, { sizes: onlyTypes({ database: 2, api: 4 }) });
    // The example's config as written, its services run in the example's folder (as siblings, the
    // two worktrees see that folder at the same relative path, so their definitions agree).
    writeFileSync(
      join(project.root, 'styxy.config.ts'),
      `import example from ${JSON.stringify(join(EXAMPLE, 'styxy.config.ts'))};
const services = Object.fromEntries(
  Object.entries(example.services).map(([name, service]) => [name, { ...service, cwd: ${JSON.stringify(EXAMPLE)} }]),
);
export default { ...example, services };
`,
    );
    git(project.root, 'init', '-q');
    git(project.root, 'add', '-A');
    git(project.root, 'commit', '-qm', 'shop');
    const worktree = join(project.home.home, 'wt-1');
    git(project.root, 'worktree', 'add', '-q', worktree);
    // The data folder, reachable by the `postgres` user when the test runs as root.
    const data = mkdtempSync(join(tmpdir(), 'styxy-pg-'));
    chmodSync(data, 0o755);
    const env = { ...project.home.env, SHARED_PGDATA: join(data, 'pg') };
    try {
      const answers: string[] = [];
      for (const cwd of [project.root, worktree]) {
        const result = await project.cli(['up', '-d', '--json'], { cwd, env, timeoutMs: 120_000 });
        expect(result.code, result.stderr).toBe(0);
        const app = (
          JSON.parse(result.stdout) as { services: { name: string; ports: Record<string, number> }[] }
        ).services.find((service) => service.name === 'app')!;
        answers.push(await hits(app.ports.PORT!));
      }
      const stacks = await project.stacks();
      expect(instances(stacks)).toHaveLength(1);
      const dbPort = instances(stacks)[0]!.leases[0]!.port;
      const names = answers.map((answer) => answer.trim().split(' on :'));
      expect(names.map(([, port]) => Number(port))).toEqual([dbPort, dbPort]);
      // Each app is in the database its createdb task made: the stack's STYXY_STACK_SLUG.
      for (const [name] of names) expect(name).toMatch(STACK_SLUG_PATTERN);
      expect(names[0]![0]).not.toBe(names[1]![0]);
      for (const cwd of [project.root, worktree]) {
        expect((await project.cli(['down'], { cwd, env, timeoutMs: 60_000 })).code).toBe(0);
      }
      await waitFor(async () => (await findPortHolder(dbPort)) === null, { timeout: 30_000, message: 'Postgres gone' });
    } finally {
      const down = await project.cli(['down', '--all'], { timeoutMs: 60_000 }).catch((error: Error) => error);
      // A failed `down --all` leaves the cleanup to kill what is left: say so, it is worth knowing why.
      if (down instanceof Error || down.code !== 0) {
        console.warn(
          `shared.test: down --all failed: ${down instanceof Error ? down.message : `${down.code} ${down.stderr}`}`,
        );
      }
      rmSync(data, { recursive: true, force: true });
    }
  });
});
