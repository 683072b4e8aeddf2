/**
 * The baseline of bench/stack-start.ts: the web-api-worker example started the way a project
 * without Styxy would — `concurrently` (the pinned devDependency, on the bench's Node) running the
 * three commands at once on fixed ports, and a script polling every 25 ms until the API answers
 * GET /health and the web server accepts connections (Styxy's own checks for them). Stopped with
 * SIGTERM to concurrently's process group, as Ctrl-C in its terminal would; SIGKILL after 10 s.
 * Every process it starts carries a marker of its own in its environment, so none can be missed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { httpOk, tcpOpen } from './probes.ts';
import { alive, killAll, processesWithEnv, until } from './processes.ts';

const CONCURRENTLY = new URL('../../node_modules/concurrently/dist/bin/index.js', import.meta.url).pathname;
const MARKER = 'STYXY_BENCH_CONCURRENTLY';
const POLL_MS = 25;

export interface ConcurrentlyStack {
  /** concurrently's pid. */
  readonly pid: number;
  /** From the spawn until both checks pass, in ms. */
  readonly readyMs: number;
  /** SIGTERM to the group; resolves with the ms until none of its processes is left. */
  stop(): Promise<number>;
}

export async function startWithConcurrently(
  cwd: string,
  ports: { readonly api: number; readonly web: number },
): Promise<ConcurrentlyStack> {
  for (const port of [ports.api, ports.web]) {
    if (await tcpOpen(port)) throw new Error(`port ${port} is taken: the baseline cannot use it`);
  }
  const marker = `${MARKER}=${randomBytes(6).toString('hex')}`;
  const apiUrl = `http://localhost:${ports.api}`;
  const commands = [
    `PORT=${ports.api} node api.mjs`,
    `API_URL=${apiUrl} node worker.mjs`,
    `PORT=${ports.web} API_URL=${apiUrl} node web.mjs`,
  ];
  const start = performance.now();
  const child = spawn(process.execPath, [CONCURRENTLY, '--names', 'api,worker,web', ...commands], {
    cwd,
    env: { ...process.env, [MARKER]: marker.slice(MARKER.length + 1) },
    stdio: 'ignore',
    detached: true,
  });
  const pid = child.pid!;
  const left = () => processesWithEnv(marker);
  const stop = async () => {
    const stopping = performance.now();
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {}
    await until(() => left().length === 0, 10_000, 'concurrently and its services to stop', 10).catch(() =>
      killAll(left()),
    );
    return performance.now() - stopping;
  };
  try {
    let apiUp = false;
    let webUp = false;
    await until(
      async () => {
        if (!alive(pid)) throw new Error('concurrently exited before the services were up');
        [apiUp, webUp] = await Promise.all([apiUp || httpOk(ports.api, '/health'), webUp || tcpOpen(ports.web)]);
        return apiUp && webUp;
      },
      30_000,
      'the services under concurrently to be up',
      POLL_MS,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, readyMs: performance.now() - start, stop };
}
