/**
 * A background supervisor's project config, loaded, validated and resolved in a child process
 * (`node dist/supervisor/config-main.js`) that sends the `ResolvedConfig` back and
 * exits, so the config loader — zod, cosmiconfig, jiti and the config's own modules — never loads
 * into the process that runs for as long as the stack does (its memory: docs/performance.md,
 * "Scale and supervisor memory"). Not a worker thread: a worker that loaded zod and cosmiconfig
 * and exited left its process as large as loading both on the main thread (58–60 MB against
 * 59–61 MB; an idle `node` 42.4 MB), as the freed pages are kept. The message travels with
 * `serialization: 'advanced'` (structured clone, as the config's worker answers; the resolved
 * config is plain data). Both the first
 * load and every reload (`applyConfig`, a watched config file) go through here.
 */
import { fork } from 'node:child_process';
import type { ResolvedConfig } from '../../config/types.js';
import { StyxyError, type WireError } from '../../protocol/errors.js';
import { packageFile } from '../../protocol/package-root.js';

export interface ConfigRequest {
  /** Where the search starts, and what `file` is relative to. */
  readonly cwd: string;
  /** Every `-c FILE` (none: search). */
  readonly file: readonly string[] | undefined;
  readonly home: string;
}

/** What the child sends: one message, then it exits. */
export type ConfigAnswer =
  | { readonly ok: true; readonly config: ResolvedConfig }
  | { readonly ok: false; readonly error: WireError };

/** The child's entry (the build's, from the sources too, as background-main.js). */
function configEntry(): string {
  return packageFile('dist/supervisor/config-main.js');
}

/** A load started ahead (background-main.ts), taken by the first `loadConfigInChild` of the same request. */
let ahead: { readonly key: string; readonly config: Promise<ResolvedConfig> } | null = null;

/** Starts the first load now, so the child runs while this process loads its own modules. */
export function loadConfigAhead(request: ConfigRequest): void {
  const config = spawnLoad(request);
  config.catch(() => {}); // a failure shows where it is taken
  ahead = { key: JSON.stringify(request), config };
}

/** Throws what loading in-process throws (`STYXY_CONFIG_NOT_FOUND`, `STYXY_CONFIG_INVALID`, …). */
export function loadConfigInChild(request: ConfigRequest): Promise<ResolvedConfig> {
  const started = ahead;
  ahead = null;
  if (started && started.key === JSON.stringify(request)) return started.config;
  return spawnLoad(request);
}

function spawnLoad(request: ConfigRequest): Promise<ResolvedConfig> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const child = fork(configEntry(), [JSON.stringify(request)], {
      cwd: request.cwd,
      // Not this process's flags (a small young generation slows a TypeScript transform).
      execArgv: [],
      serialization: 'advanced',
      // Its output (a config that prints, a crash) goes where this process's goes.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message: ConfigAnswer) => {
      answered = true;
      if (message.ok) resolve(message.config);
      else reject(StyxyError.fromWire(message.error));
    });
    child.once('error', (error) => {
      if (answered) return;
      answered = true;
      reject(new StyxyError('STYXY_INTERNAL', `could not start the config loader: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      if (answered) return;
      answered = true;
      reject(
        new StyxyError(
          'STYXY_INTERNAL',
          `the config loader exited (${signal ?? `code ${code}`}) without an answer; its output is in supervisor.out`,
        ),
      );
    });
  });
}
