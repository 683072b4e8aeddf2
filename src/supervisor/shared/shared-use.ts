/**
 * A shared service as this stack registers it (`uses`, or `shared` for its instance): its key
 * and what it would run, compared by the coordinator with every other stack sharing the key.
 *
 * The key of scope `repo` is git's common dir (the same for every worktree of a repository),
 * real path, or the project root outside git; of scope `user`, the key alone. The definition
 * holds the command, the folder relative to the project root (worktrees are different folders
 * holding the same tree, so absolute folders would never agree), the environment (env files
 * included) and the port requests.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { ResolvedConfig, ResolvedService, ResolvedShared } from '../../config/types.js';
import type { SharedUse } from '../../protocol/coordinator-protocol.js';

/** git's common dir of `root` (real path), or `root` itself outside git (or without git). */
export function repositoryOf(root: string): string {
  try {
    const out = execFileSync('git', ['-C', root, 'rev-parse', '--git-common-dir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    if (out === '') return root;
    return realpathSync(resolve(root, out));
  } catch {
    return root;
  }
}

export function sharedKey(shared: ResolvedShared, root: string, repository = repositoryOf): string {
  return shared.scope === 'user' ? `user:${shared.key}` : `repo:${repository(root)}:${shared.key}`;
}

export function sharedUse(
  service: ResolvedService & { readonly shared: ResolvedShared },
  config: ResolvedConfig,
  repository = repositoryOf,
): SharedUse {
  const ports: Record<string, string> = {};
  for (const [name, request] of Object.entries(service.ports)) ports[name] = JSON.stringify(request);
  return {
    service: service.name,
    key: sharedKey(service.shared, config.root, repository),
    scope: service.shared.scope,
    keepAliveMs: service.shared.keepAliveMs,
    definition: {
      file: config.file,
      command: JSON.stringify(service.command.kind === 'shell' ? service.command.shell : service.command.argv),
      cwd: relative(config.root, service.cwd) || '.',
      env: { ...service.env },
      ports,
    },
  };
}

export function isShared(service: ResolvedService): service is ResolvedService & { readonly shared: ResolvedShared } {
  return service.shared !== undefined;
}
