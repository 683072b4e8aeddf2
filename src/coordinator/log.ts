/**
 * The coordinator's log, `$STYXY_HOME/coordinator.log`: one timestamped line per event worth
 * knowing (start, stop, reaps, refused peers), never per request. Size-capped: past `maxBytes`
 * the file moves to `coordinator.log.1` (replacing the previous one) and a new one starts.
 * Writes are synchronous and never throw: a full disk must not take the coordinator down. The
 * file is opened without following a symbolic link and only when it is a regular file of ours
 * (protocol/private-fs.ts): a link planted there never gets a line appended to its target.
 */
import { closeSync, fstatSync, renameSync, writeSync } from 'node:fs';
import { openOwnFile } from '../protocol/private-fs.js';

export type Log = (line: string) => void;

export const MAX_LOG_BYTES = 1024 * 1024;

export function createLog(file: string, maxBytes: number = MAX_LOG_BYTES): Log {
  let fd: number | null = null;
  let size = 0;
  const open = () => {
    fd = openOwnFile(file, 'append');
    size = fstatSync(fd).size;
  };
  return (line) => {
    const text = `${new Date().toISOString()} [${process.pid}] ${line}\n`;
    try {
      if (fd === null) open();
      const bytes = Buffer.byteLength(text);
      if (size + bytes > maxBytes && size > 0) {
        closeSync(fd!);
        fd = null;
        renameSync(file, `${file}.1`);
        open();
      }
      writeSync(fd!, text);
      size += bytes;
    } catch {
      // Nowhere left to say it (or not ours to say it in): try again with the next line.
      if (fd !== null) {
        try {
          closeSync(fd);
        } catch {}
      }
      fd = null;
    }
  };
}
