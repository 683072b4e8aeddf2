/**
 * A client can act only for itself, and the coordinator kills only what is provably an owner's
 * own (a real coordinator, real processes, a rogue client from test/fixtures/rogue-client.mjs):
 *
 * - a hello claiming another pid (a victim's, pid 1, another user's) is refused;
 * - reports of processes the client did not start (a victim, pid 1) are refused, and when the
 *   rogue dies only its own child is killed;
 * - another stack's run token is never shown and cannot be used, so the victim stack's tagged
 *   services survive the rogue's death;
 * - a stack registered "as" a victim pid cannot get it killed by `styxy down --all`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoordinator } from '../../../src/client/coordinator-client.js';
import { newRunToken, TAG_VARIABLE, tagValue } from '../../../src/os/tag.js';
import { COORDINATOR_RESULTS, type CoordinatorProtocol } from '../../../src/protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../../src/protocol/errors.js';
import { homePaths } from '../../../src/protocol/home.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import { connectRpc } from '../../../src/transport/rpc-client.js';
import { makeBackgroundHome } from '../../helpers/background.js';
import { runCli, running, startTestCoordinator, stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

const ROGUE = fileURLToPath(new URL('../../fixtures/rogue-client.mjs', import.meta.url));
const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? it : it.skip;
if (!isRoot) console.warn('trust.test: not root, so the hello as another user’s pid is skipped');

let home: TestHome | undefined;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (!home) return;
  await stopCoordinator(home);
  home.cleanup();
  home = undefined;
});

function killLater(pid: number | undefined): void {
  cleanups.push(() => {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {}
  });
}

/** A process nobody here started: `sleep` orphaned (its parent exits at once). */
function stranger(): number {
  const pid = Number(execFileSync('sh', ['-c', 'sleep 300 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).trim());
  killLater(pid);
  return pid;
}

/** Starts the rogue client (in `cwd`, with `env`) and resolves with what it reports. */
async function rogue(
  plan: Record<string, unknown>,
  env: NodeJS.ProcessEnv = home!.env,
  cwd: string = home!.home,
): Promise<{ child: ChildProcess; report: { results: Record<string, unknown>; child: number } }> {
  const child = spawn(process.execPath, [ROGUE, JSON.stringify(plan)], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  killLater(child.pid);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  const report = await waitFor(() => (out.includes('\n') ? JSON.parse(out) : null), { message: 'the rogue client' });
  killLater(report.child);
  return { child, report };
}

describe('trust between clients', () => {
  it('a client that reports others’ processes and uses another stack’s token, then dies: only its own child is killed', async () => {
    home = makeTestHome();
    await startTestCoordinator(home);
    // The victim: a stack of this process with a tagged service.
    const owner = await connectCoordinator({ home: home.home, kind: 'supervisor' });
    cleanups.push(() => owner.close());
    const token = newRunToken();
    const root = realpathSync(home.home);
    await owner.registerStack({
      id: 'victim-default-0000',
      name: 'default',
      project: 'victim',
      root,
      configFile: `${root}/styxy.config.ts`,
      pid: process.pid,
      detached: false,
      controlSocket: null,
      runToken: token,
    });
    const service = spawn('sleep', ['300'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [TAG_VARIABLE]: tagValue(token, 'svc') },
    });
    killLater(service.pid);
    const unrelated = stranger();

    const { child, report } = await rogue({
      victim: unrelated,
      token,
      attempts: ['reportVictim', 'theirToken', 'stackWithTheirToken'],
    });
    expect(report.results).toEqual({
      sawToken: false,
      reportVictim: 'STYXY_NOT_OWNER',
      theirToken: 'STYXY_NOT_OWNER',
      stackWithTheirToken: 'STYXY_NOT_OWNER',
    });
    child.kill('SIGKILL');
    await waitFor(() => !running(report.child), { timeout: 10_000, message: "the rogue's own child to be reaped" });
    expect(running(unrelated)).toBe(true);
    expect(running(service.pid!)).toBe(true);
    expect((await owner.listStacks()).map((stack) => stack.id)).toEqual(['victim-default-0000']);
  });

  it('a hello as another pid (a victim, pid 1) is refused, so no stack in its name can get it killed by `down --all`', async () => {
    home = makeTestHome();
    await startTestCoordinator(home);
    (await connectCoordinator({ home: home.home, kind: 'cli' })).close(); // makes hello/
    const victim = stranger();
    const { report } = await rogue({ victim, attempts: ['asVictim', 'asInit'] });
    expect(report.results).toMatchObject({ asVictim: 'STYXY_NOT_OWNER', asInit: 'STYXY_NOT_OWNER' });
    const down = await runCli(['down', '--all'], { env: home.env });
    expect(down.code).toBe(0);
    expect(running(victim)).toBe(true);
    expect(JSON.parse((await runCli(['ls', '--json'], { env: home.env })).stdout)).toEqual({ leases: [] });
  });

  it('`down` of a stack whose registration names another stack’s control socket does not stop that stack', async () => {
    const stacks = makeBackgroundHome();
    cleanups.push(() => stacks.cleanup());
    const other = stacks.project('other', {
      services: { web: { command: 'echo up; exec sleep 300', ready: { log: '^up$' } } },
    });
    const up = await stacks.upDetached(other);
    const lister = await connectCoordinator({ home: stacks.home.home, kind: 'cli' });
    const [info] = await lister.listStacks();
    await lister.close();
    const here = stacks.project('rogue', { services: { x: { command: 'true' } } });
    const { report } = await rogue({ socket: info!.controlSocket, attempts: ['theirSocket'] }, stacks.home.env, here);
    expect(report.results.theirSocket).toBe('ok'); // its own stack: the socket path is its own word
    const down = await runCli(['down', '--timeout', '5'], { env: stacks.home.env, cwd: here });
    expect(down.stderr).toContain('answers for another stack');
    expect(running(up.stack.pid)).toBe(true);
    expect(JSON.parse((await stacks.cli(other, ['ps', '--json'])).stdout).services[0].status).toBe('ready');
  });

  it('reports of pid 1 are refused (a dying client must not take every process of the user with it)', async () => {
    home = makeTestHome();
    await startTestCoordinator(home);
    const { child, report } = await rogue({ attempts: ['reportInit'] });
    expect(report.results.reportInit).toBe('STYXY_NOT_OWNER');
    child.kill('SIGKILL');
    await waitFor(() => !running(report.child), { timeout: 10_000, message: "the rogue's own child to be reaped" });
    expect(running(process.pid)).toBe(true);
  });

  asRoot('a hello as a process of another user is refused, naming that user', async () => {
    home = makeTestHome();
    await startTestCoordinator(home);
    const theirs = spawn('runuser', ['-u', 'nobody', '--', 'sleep', '300'], { stdio: 'ignore' });
    killLater(theirs.pid);
    const sleeper = await waitFor(
      () => {
        const out = execFileSync('pgrep', ['-P', String(theirs.pid), 'sleep'], { encoding: 'utf8' }).trim();
        return out ? Number(out.split('\n')[0]) : null;
      },
      { message: 'the other user’s process' },
    );
    const error = await connectRpc<CoordinatorProtocol>({
      socketPath: homePaths(home.home).socket,
      protocolVersion: PROTOCOL_VERSION,
      hello: { pid: sleeper, kind: 'cli', cwd: '/', version: 'x' },
      results: COORDINATOR_RESULTS,
      malformed: (what, problem) => new StyxyError('STYXY_PROTOCOL_ERROR', `malformed ${what}: ${problem}`),
      closedError: () => new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', 'closed'),
    }).catch((e: unknown) => e);
    expect(isStyxyError(error) && error.code).toBe('STYXY_NOT_OWNER');
    expect((error as Error).message).toContain(`pid ${sleeper} belongs to uid 65534 (nobody)`);
  });
});
