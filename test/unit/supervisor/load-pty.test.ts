import { describe, expect, it } from 'vitest';
import { importPty, loadPty, PTY_PACKAGE } from '../../../src/supervisor/load-pty.js';

describe('loading the pty module', () => {
  it('loads the installed @lydell/node-pty', async () => {
    expect(typeof (await loadPty()).spawn).toBe('function');
    expect(PTY_PACKAGE).toBe('@lydell/node-pty@1.1.0');
  });

  it('a module that cannot load is a clear error naming the package and what to install', async () => {
    const cause = new Error("Cannot find package '@lydell/node-pty'\nRequire stack: …");
    const error = await importPty(() => Promise.reject(cause)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "tty: true needs the optional package @lydell/node-pty@1.1.0, which could not be loaded (Cannot find package '@lydell/node-pty'); install it beside styxy: npm install @lydell/node-pty@1.1.0",
    );
    expect((error as Error).cause).toBe(cause);
  });

  it('a module without spawn (a wrong package) is refused the same way', async () => {
    await expect(importPty(async () => ({ default: {} }))).rejects.toThrow(
      /could not be loaded \(it has no spawn function\)/,
    );
  });
});
