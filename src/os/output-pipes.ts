/**
 * Real pipes for a service's stdout and stderr. Node's `stdio: 'pipe'` gives a child one end of a
 * Unix socketpair (libuv's choice), and a Unix stream socket is a slow place for a logger to write
 * to: every write() becomes a socket buffer of its own, charged at its full size (about 1 KB for a
 * 70-byte line) against the socket's send limit, so a flooding service fills it within a few
 * hundred lines and waits for the reader again and again. A pipe packs the same lines into its
 * pages. Measured on the bench's flood (a Node service, one write per line, 2-core machine): read
 * and dropped by a Node parent, 0.52 M lines/s over a socketpair, 0.83–1.02 M over a pipe; into
 * `cat`, 0.99 M; alone on /dev/null, 1.20 M (docs/performance.md, "Log throughput under `styxy up`").
 *
 * Node has no pipe() nor mkfifo(), so the pipes are FIFOs made by `mkfifo` in a fresh owner-only
 * folder (mkdtemp: nobody else can put a file there), opened at both ends and unlinked at once, so
 * they are anonymous pipes from then on and nothing is left on disk. The read ends are
 * non-blocking and ours alone; the write ends are blocking (the child inherits the open file
 * description, and a service must see the pipe a shell would give it) and are closed here once
 * the child holds them. Where `mkfifo` is missing or fails, callers fall back to Node's pipes.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, existsSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OutputPipe {
  /** Non-blocking read end, for `new net.Socket({ fd })`. */
  readonly readFd: number;
  /** Blocking write end, for the child's stdio; close it once the child is spawned. */
  readonly writeFd: number;
}

/** Set once `mkfifo` has failed: later spawns go straight to Node's pipes. */
let unavailable = process.platform === 'win32';
/** Pipes made ahead (`prefetchOutputPipes`), and the making of them while it runs. */
const pool: OutputPipe[] = [];
let filling: Promise<void> | null = null;

/**
 * Starts making `count` pipes now, for services about to start: `mkfifo` takes 3–8 ms, which
 * then passes while the stack registers and leases its ports instead of before each spawn.
 */
export function prefetchOutputPipes(count: number): void {
  if (unavailable || count <= 0 || filling) return;
  filling = makePipes(count).then((made) => {
    pool.push(...(made ?? []));
    filling = null;
  });
}

/** `count` pipes, or null when they cannot be made here (then use `stdio: 'pipe'`). */
export async function createOutputPipes(count: number): Promise<OutputPipe[] | null> {
  if (filling) await filling;
  if (pool.length >= count) return pool.splice(0, count);
  return makePipes(count);
}

/** `mkfifo` where the system keeps it (not a project's `node_modules/.bin`), else from PATH. */
const MKFIFO = ['/usr/bin/mkfifo', '/bin/mkfifo'].find((path) => existsSync(path)) ?? 'mkfifo';

async function makePipes(count: number): Promise<OutputPipe[] | null> {
  if (unavailable) return null;
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'styxy-out-'));
  } catch {
    return null;
  }
  const paths = Array.from({ length: count }, (_, index) => join(dir, String(index)));
  try {
    const made = await new Promise<boolean>((resolve) => {
      execFile(MKFIFO, ['-m', '600', ...paths], { timeout: 5000 }, (error) => resolve(!error));
    });
    if (!made) {
      unavailable = true;
      return null;
    }
    const pipes: OutputPipe[] = [];
    try {
      for (const path of paths) {
        const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
        let writeFd: number;
        try {
          // Does not block: the read end is open.
          writeFd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
        } catch (error) {
          closeSync(readFd);
          throw error;
        }
        pipes.push({ readFd, writeFd });
        if (!fstatSync(readFd).isFIFO()) throw new Error(`${path} is not a FIFO`);
      }
      return pipes;
    } catch {
      closeOutputPipes(pipes);
      return null;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Closes both ends of pipes that were not handed over (a failed spawn). */
export function closeOutputPipes(pipes: readonly OutputPipe[]): void {
  for (const { readFd, writeFd } of pipes) {
    for (const fd of [readFd, writeFd]) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
  }
}
