/**
 * The coordinator's log, `$STYXY_HOME/coordinator.log`: one timestamped line per event worth
 * knowing (start, stop, reaps, refused peers), never per request. Size-capped: past `maxBytes`
 * the file moves to `coordinator.log.1` (replacing the previous one) and a new one starts.
 * Writes are synchronous and never throw: a full disk must not take the coordinator down.
 */
import { appendFileSync, renameSync, statSync } from 'node:fs';

export type Log = (line: string) => void;

export const MAX_LOG_BYTES = 1024 * 1024;

export function createLog(file: string, maxBytes: number = MAX_LOG_BYTES): Log {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // Not there yet.
  }
  return (line) => {
    const text = `${new Date().toISOString()} [${process.pid}] ${line}\n`;
    try {
      if (size + text.length > maxBytes && size > 0) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, text, { mode: 0o600 });
      size += Buffer.byteLength(text);
    } catch {
      // Nowhere left to say it.
    }
  };
}
