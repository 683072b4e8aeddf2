/**
 * Reading a file the user edits with bounds (a project config, its `envFile`s, the home's
 * config.json): a regular file only (a FIFO would block forever, /dev/zero never ends), and at
 * most `maxBytes`. Opened non-blocking, so that even opening a FIFO returns at once.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** What an `envFile` may weigh: far more than any .env file, far less than memory. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;
/** What a config file may weigh. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;
/** What the home's config.json (service types) may weigh. */
export const MAX_HOME_CONFIG_BYTES = 1024 * 1024;

/** The text, undefined when there is no such file, or why it is not read. */
export type BoundedRead = string | undefined | { readonly problem: string };

export function readBoundedText(path: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { problem: (error as Error).message };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `it is ${kindOf(stat)}, not a regular file` };
    if (stat.size > maxBytes) return { problem: `it is ${stat.size} bytes; at most ${maxBytes} are read` };
    // Read one byte past the cap: a file that grew meanwhile is refused too, never read on and on.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes) return { problem: `it grew past ${maxBytes} bytes while it was read` };
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    return { problem: (error as Error).message };
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
