/**
 * Starts the instance of a shared service: a background supervisor of its own (as `up -d`
 * starts one: a new session, stdin closed, output appended to its stack's `supervisor.out`,
 * no STYXY_TAG, so that stopping or reaping the stack that started it never touches it), told by
 * `shared` to run that one service as the shared instance. Resolves once it reports the service
 * up; rejects with its error when it reports a failure or dies without a word.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { TAG_VARIABLE } from '../../os/tag.js';
import { StyxyError } from '../../protocol/errors.js';
import { stackDir, styxyHome } from '../../protocol/home.js';
import { ensurePrivateDir } from '../../protocol/private-fs.js';
import { stackId } from '../../protocol/stack-id.js';
import { backgroundEntry, encodeArgs, readReport, SUPERVISOR_OUTPUT } from '../background/launch.js';
import { BACKGROUND_NODE_FLAGS } from '../heap-tuning.js';

/** The instance's stack name: `shared-<service>`, in the folder of the stack that starts it. */
export function sharedStackName(service: string): string {
  return `shared-${service}`.slice(0, 64);
}

export interface SpawnSharedRequest {
  readonly root: string;
  /** The config's files, as the stack that starts it loaded them (ResolvedConfig.layers). */
  readonly configFiles: readonly string[];
  readonly service: string;
  readonly timeoutMs: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function spawnShared(request: SpawnSharedRequest): Promise<{ readonly pid: number }> {
  const stackName = sharedStackName(request.service);
  const home = styxyHome(request.env);
  const dir = ensurePrivateDir(stackDir(home, stackId(request.root, stackName)), { parents: true });
  const outputFile = join(dir, SUPERVISOR_OUTPUT);
  const env: NodeJS.ProcessEnv = { ...(request.env ?? process.env) };
  delete env[TAG_VARIABLE];
  const fd = openSync(outputFile, 'a', 0o600);
  let child: ReturnType<typeof spawn>;
  try {
    const args = encodeArgs({
      cwd: request.root,
      config: request.configFiles,
      stackName,
      services: [request.service],
      profiles: [],
      timeoutMs: request.timeoutMs,
      shared: request.service,
    });
    child = spawn(process.execPath, [...BACKGROUND_NODE_FLAGS, backgroundEntry(), ...args], {
      detached: true,
      stdio: ['ignore', fd, fd, 'pipe'],
      env,
      cwd: request.root,
    });
  } finally {
    closeSync(fd);
  }
  const pipe = child.stdio[3] as Readable;
  return new Promise((resolve, reject) => {
    let buffer = '';
    const settle = (error: StyxyError | null) => {
      pipe.destroy();
      child.unref();
      if (error) reject(error);
      else resolve({ pid: child.pid ?? -1 });
    };
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const report = readReport(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (report?.type === 'up') settle(null);
        else if (report?.type === 'failed') {
          const cause = StyxyError.fromWire(report.error);
          settle(
            new StyxyError(cause.code, `shared service "${request.service}": ${cause.message}`, {
              hint: cause.hint,
              cause,
            }),
          );
        }
      }
    });
    const died = () =>
      settle(
        new StyxyError(
          'STYXY_SERVICE_FAILED',
          `the supervisor of shared service "${request.service}" ended before it was up`,
          {
            hint: `its output is in ${outputFile}`,
          },
        ),
      );
    pipe.once('close', died);
    child.once('error', died);
  });
}
