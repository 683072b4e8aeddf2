/**
 * node:child_process, loaded when first used. Imported at the top of a module it loads (with
 * node:dgram, which it requires) in every command that reads the process table or may start the
 * coordinator, though only `run` and a first start spawn anything: about 2 ms of each short
 * command (docs/performance.md, "Only the command that runs"). `process.getBuiltinModule` loads a
 * built-in synchronously, and without the ES module facade an `import` builds.
 */
import type * as ChildProcess from 'node:child_process';

export const childProcess = (): typeof ChildProcess => process.getBuiltinModule('node:child_process');
