/**
 * Starts the instance of a shared service: a background supervisor of its own (as `up -d`
 * starts one: a new session, stdin closed, output appended to its stack's `supervisor.out`,
 * no STYXY_TAG, so that stopping or reaping the stack that started it never touches it), told by
 * `shared` to run that one service as the shared instance. Resolves once it reports the service
 * up; rejects with its error when it reports a failure or dies without a word.
 */
import { StyxyError } from '../../protocol/errors.js';
import { stackDir, styxyHome } from '../../protocol/home.js';
import { ensurePrivateDir } from '../../protocol/private-fs.js';
import { stackId } from '../../protocol/stack-id.js';
import { spawnBackground } from '../background/spawn-background.js';

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

export async function spawnShared(request: SpawnSharedRequest): Promise<{ readonly pid: number }> {
  const stackName = sharedStackName(request.service);
  const home = styxyHome(request.env);
  const dir = ensurePrivateDir(stackDir(home, stackId(request.root, stackName)), { parents: true });
  const launched = spawnBackground(
    {
      cwd: request.root,
      config: request.configFiles,
      stackName,
      services: [request.service],
      profiles: [],
      timeoutMs: request.timeoutMs,
      shared: request.service,
    },
    { dir, root: request.root, onReport: () => {}, ...(request.env ? { env: request.env } : {}) },
  );
  const result = await launched.result;
  launched.detach();
  if (result.type === 'up') return { pid: launched.pid };
  if (result.type === 'failed') {
    const cause = StyxyError.fromWire(result.error);
    throw new StyxyError(cause.code, `shared service "${request.service}": ${cause.message}`, {
      hint: cause.hint,
      cause,
    });
  }
  throw new StyxyError(
    'STYXY_SERVICE_FAILED',
    `the supervisor of shared service "${request.service}" ended before it was up`,
    { hint: `its output is in ${launched.outputFile}` },
  );
}
