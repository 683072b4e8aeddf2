/**
 * After `kill -9` of an owner, the coordinator's reaping leaves nothing listening on the ports it
 * frees: a process that left the command's group (setsid), its parent (a double fork) and its
 * tag (`env -i`), registered nowhere, but listens on the leased port, is found by that port,
 * stopped, and named in the coordinator's log — before the port is given back.
 */
import { afterEach, expect, it } from 'vitest';
import { findPortHolder } from '../../src/os/port-holder.js';
import { processInfo } from '../../src/os/process-table.js';
import {
  type CliProcess,
  coordinatorLog,
  onlyTypes,
  runCli,
  spawnCli,
  stopCoordinator,
} from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { NODE } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

let home: TestHome | undefined;
let holder: CliProcess | undefined;
afterEach(async () => {
  holder?.child.kill('SIGKILL');
  await holder?.exited;
  if (home) await stopCoordinator(home);
  home?.cleanup();
  home = undefined;
  holder = undefined;
});

it('kill -9 of a styxy run: its escaped listener is stopped by the reaping, and the port comes back free', async () => {
  home = makeTestHome({ sizes: onlyTypes({ dev: 1 }) });
  const server = `require("node:net").createServer().listen(Number(process.argv[1]), "127.0.0.1")`;
  holder = spawnCli(
    ['run', '--', 'sh', '-c', `(setsid env -i ${NODE} -e '${server}' $PORT > /dev/null 2>&1 &) ; exec sleep 1000`],
    {
      env: home.env,
      timeoutMs: 120_000,
    },
  );
  const [port] = home.ranges.dev!;
  const escaped = await waitFor(async () => (await findPortHolder(port!))?.pid, {
    timeout: 30_000,
    message: 'the escaped listener',
  });
  holder.child.kill('SIGKILL');
  await holder.exited;
  const line = new RegExp(`pid ${escaped} \\(.*\\) still listened on its port ${port}: stopped it`);
  await waitFor(() => line.test(coordinatorLog(home!)), {
    timeout: 20_000,
    message: 'the reaping to stop the listener',
  });
  expect(processInfo(escaped)).toBeNull();
  // The one port of the range is free again, for the next `styxy run`.
  const next = await runCli(['run', '--', 'true'], { env: home.env });
  expect(next.code, next.stderr).toBe(0);
});
