/**
 * `$STYXY_HOME/state.json`: owners, stacks, leases, reported processes, stop registrations and
 * sticky ports, so that a restarted coordinator knows what live supervisors hold and what dead
 * ones left behind (and how to stop it).
 * Written atomically (temp file, fsync, rename, fsync of the folder): a crash leaves the old
 * file or the new one, never half of one. A file that cannot be read as state is moved aside
 * (`state.json.corrupt-<time>`) and the coordinator starts empty.
 */
import { closeSync, constants, fsyncSync, openSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { port, serviceSnapshot, stackRegistration, stopRecord } from '../protocol/coordinator-params.js';
import { isStyxyError } from '../protocol/errors.js';
import { openOwnFile, othersMayWrite, readOwnFile, writeFully } from '../protocol/private-fs.js';

const FORMAT = 1;

export const ownerSchema = z.looseObject({
  id: z.string().min(1),
  pid: z.number().int().positive(),
  startTime: z.string().nullable(),
  kind: z.string(),
  cwd: z.string(),
  runTokens: z.array(z.string()).default([]),
});

export const stackSchema = z.looseObject({
  owner: z.string(),
  registration: stackRegistration,
  since: z.number(),
  phase: z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']),
  services: z.array(serviceSnapshot),
});

export const leaseSchema = z.looseObject({
  port,
  type: z.string().nullable(),
  service: z.string(),
  portName: z.string(),
  stackId: z.string().nullable(),
  owner: z.string(),
  since: z.number(),
  stickyKey: z.string(),
});

const stateSchema = z.looseObject({
  format: z.literal(FORMAT),
  savedAt: z.number(),
  /**
   * The first journal generation this snapshot does not cover (journal.ts): a coordinator
   * loading it replays the journal files of this generation and later. 0 in files written
   * before the journal existed.
   */
  journal: z.number().int().nonnegative().default(0),
  owners: z.array(ownerSchema),
  stacks: z.array(stackSchema),
  leases: z.array(leaseSchema),
  processes: z.array(
    z.looseObject({
      owner: z.string(),
      stackId: z.string().nullable(),
      service: z.string(),
      pid: z.number().int().positive(),
      pgid: z.number().int().nonnegative(),
      startTime: z.string().nullable(),
      runToken: z.string().nullable(),
    }),
  ),
  sticky: z.array(z.looseObject({ key: z.string(), port, type: z.string().nullable(), at: z.number() })),
  /** Stop registrations (coordinator/stops.ts); absent from files written before they were kept. */
  stops: z.array(stopRecord).default([]),
});

export type PersistedState = z.infer<typeof stateSchema>;

export type LoadResult =
  | { readonly kind: 'missing' }
  | {
      readonly kind: 'loaded';
      readonly state: PersistedState;
      /** Why its stop registrations may not be ours (see othersMayWrite), or null. */
      readonly stopsUntrusted: string | null;
    }
  | { readonly kind: 'corrupt'; readonly reason: string; readonly movedTo: string | null };

/** Why `text` is not a state file, or null when it is one (read-only: for `styxy doctor`). */
export function stateProblem(text: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  const parsed = stateSchema.safeParse(json);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `not a state file: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
}

/** Reads the state file; a corrupt one is renamed aside (never deleted: it may help a bug report). */
export function loadState(file: string, now: Date = new Date()): LoadResult {
  let text: string;
  let stopsUntrusted: string | null;
  try {
    const read = readOwnFile(file);
    text = read.text;
    stopsUntrusted = othersMayWrite(read.stat);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    // A link or a file of someone else's is never read as state (it names pids to kill).
    if (isStyxyError(error)) return setAside(file, error.message, now);
    return setAside(file, `unreadable: ${(error as Error).message}`, now);
  }
  const problem = stateProblem(text);
  if (problem !== null) return setAside(file, problem, now);
  return { kind: 'loaded', state: stateSchema.parse(JSON.parse(text)), stopsUntrusted };
}

function setAside(file: string, reason: string, now: Date): LoadResult {
  const movedTo = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, movedTo);
    return { kind: 'corrupt', reason, movedTo };
  } catch {
    return { kind: 'corrupt', reason, movedTo: null };
  }
}

export function serializeState(
  state: Omit<PersistedState, 'format' | 'journal' | 'stops'> & {
    readonly journal?: number;
    /** coordinator/state.ts `StopEntry`s (read back through `stopRecord`). */
    readonly stops?: readonly unknown[];
  },
): string {
  return `${JSON.stringify({ format: FORMAT, ...state })}\n`;
}

let sequence = 0;
const TEMP = '.tmp-';
function tempName(file: string): string {
  return `${file}${TEMP}${process.pid}-${++sequence}`;
}

/** A new temp file only: never through a link, never one that exists (O_EXCL). */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Atomic write, off the event loop's critical path (async fs). A write that fails (a full disk)
 * removes its temp file: nothing is left behind but the previous state file.
 */
export async function writeStateFile(file: string, text: string): Promise<void> {
  const temp = tempName(file);
  const handle = await open(temp, NEW_FILE, 0o600);
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncFolder(dirname(file));
}

/** The same, synchronously: for the last write on the way out. */
export function writeStateFileSync(file: string, text: string): void {
  const temp = tempName(file);
  const fd = openOwnFile(temp, 'create');
  try {
    try {
      writeFully(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {}
    throw error;
  }
  try {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {}
}

/**
 * Removes the temp files a coordinator left when it died mid-write (call while holding the
 * daemon lock: no other coordinator writes here then). Returns how many.
 */
export function removeStaleTemps(file: string): number {
  const prefix = `${basename(file)}${TEMP}`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    try {
      unlinkSync(join(dirname(file), name));
      removed++;
    } catch {}
  }
  return removed;
}

/** Makes the rename durable. Not every system lets a folder be fsynced; that is not an error. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {}
}
