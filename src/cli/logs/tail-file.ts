/** The last lines of a file, read from its end in chunks (log files reach megabytes). */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;

/** The last `count` complete lines of `file` (without newlines), oldest first; [] when it is missing. */
export function tailLines(file: string, count: number): string[] {
  if (count <= 0) return [];
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    let position = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // count + 1 newlines: the text after the (count+1)-th newline from the end holds `count` lines.
    while (position > 0 && newlines <= count) {
      const size = Math.min(CHUNK, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, position);
      chunks.unshift(chunk);
      for (const byte of chunk) if (byte === 10) newlines++;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop(); // the file ends with a newline
    // Without reaching the start, the first piece may be a partial line.
    if (position > 0) lines.shift();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}
