/**
 * Loads @lydell/node-pty (an optional dependency: node-pty with prebuilt binaries) the first time a
 * `tty: true` service starts, never before, so stacks without one never load a native module.
 */
import type * as NodePty from '@lydell/node-pty';

export type PtyModule = typeof NodePty;

/** The package and version Styxy is tested with (package.json's optionalDependencies). */
export const PTY_PACKAGE = '@lydell/node-pty@1.1.0';

let loaded: Promise<PtyModule> | null = null;

/** The module (loaded once); a failed load is tried again at the next start (after an install). */
export function loadPty(): Promise<PtyModule> {
  loaded ??= importPty(() => import('@lydell/node-pty')).catch((error: unknown) => {
    loaded = null;
    throw error;
  });
  return loaded;
}

/** `load`'s module, or an Error whose message says what to install (the cause kept). */
export async function importPty(load: () => Promise<unknown>): Promise<PtyModule> {
  try {
    const module = (await load()) as { default?: PtyModule } & Partial<PtyModule>;
    const pty = (module.default ?? module) as PtyModule;
    if (typeof pty.spawn !== 'function') throw new Error('it has no spawn function');
    return pty;
  } catch (error) {
    const reason = ((error as Error)?.message ?? String(error)).split('\n')[0];
    throw new Error(
      `tty: true needs the optional package ${PTY_PACKAGE}, which could not be loaded (${reason}); install it beside styxy: npm install ${PTY_PACKAGE}`,
      { cause: error },
    );
  }
}
