/**
 * The write-ahead journal: what a reply grants is on disk before the reply goes out. The state
 * file is written off the request path (up to 100 ms later: persister.ts), so a coordinator
 * killed in between used to forget leases and stacks it had just granted, and its successor
 * could hand those ports (or that stack) to someone else before their owner re-claimed them.
 * Now every change to an owner's holdings appends one line saying what changed (the leases
 * granted or released, the stack registered or ended, the owner reaped; only a reclaim writes all
 * of an owner's holdings, which is what it changes), and a coordinator loading the state replays
 * the lines the snapshot does not cover (apply-journal.ts). A line is as large as its change, not
 * as what its owner holds.
 *
 * Write-ahead means write-ahead: an append that fails (a full disk, an I/O error) throws, a
 * torn line is cut off again, and the grant it was for is refused (context.ts `journal`).
 *
 * No fsync, on purpose: the journal guards against the coordinator process dying, and the page
 * cache outlives a process. When the machine itself goes down, every owner goes with it and
 * nothing needs their leases any more. An append is one small write(2), a few microseconds.
 *
 * Files: `state.json.journal.<generation>`, one line of JSON per entry. The persister starts a
 * new generation as it takes each snapshot and records it in the snapshot (`journal`: the first
 * generation it does not cover); once that snapshot is on disk, older generations are deleted.
 * A torn or unreadable line (a crash mid-write) ends that file's replay; so does a line of JSON
 * that is no entry (refused, with its reason: nothing of it or after it is applied).
 *
 * Stop registrations are journaled too, and a stop command read back is a command the
 * coordinator will run: it passes the very schema (and caps) a client's registerStop does, it
 * must belong to an owner holding its stack at that point of the replay (admit-stop.ts), and it
 * is only taken from a file nobody else can have written (ours, not a link, in the checked home,
 * and neither writable by others nor hard-linked: `othersMayWrite`). docs/security.md, "Daemons".
 */
import { closeSync, fstatSync, ftruncateSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { port, stopRecord } from '../protocol/coordinator-params.js';
import { openOwnFile, othersMayWrite, readOwnFile, writeFully } from '../protocol/private-fs.js';
import type { LeaseRecord } from './registry.js';
import type { persistedOwner, persistedStack, StopEntry } from './state.js';
import { leaseSchema, ownerSchema, stackSchema } from './state-file.js';

const ownerId = z.string().min(1);

const entrySchema = z.discriminatedUnion('kind', [
  /** Everything the owner holds (a reclaim): it replaces what the owner held before. */
  z.object({
    kind: z.literal('holdings'),
    owner: ownerSchema,
    stacks: z.array(stackSchema),
    leases: z.array(leaseSchema),
    /** Absent from lines written before stop registrations were journaled. */
    stops: z.array(stopRecord).default([]),
  }),
  /** Leases granted to the owner (with the `styxy run` token they came with). */
  z.object({
    kind: z.literal('grant'),
    owner: ownerSchema,
    leases: z.array(leaseSchema),
    runToken: z.string().optional(),
  }),
  /** Leases the owner gave back. */
  z.object({ kind: z.literal('release'), owner: ownerId, ports: z.array(port) }),
  /** A stack the owner registered (or whose registration changed). */
  z.object({ kind: z.literal('stack'), owner: ownerSchema, stack: stackSchema }),
  /** A stack the owner ended, with its leases. */
  z.object({ kind: z.literal('unstack'), owner: ownerId, stackId: z.string() }),
  /** The owner was reaped (or left holding nothing): forget it and all it held. */
  z.object({ kind: z.literal('forget'), owner: ownerId }),
  /** A stop registration (stops.ts), set or replaced. */
  z.object({ kind: z.literal('stop'), owner: ownerId, stop: stopRecord }),
  /** A stop registration cleared (its service stopped). */
  z.object({ kind: z.literal('unstop'), owner: ownerId, stackId: z.string(), service: z.string() }),
]);

/** An owner as a delta names it: enough to know it again on replay (its run tokens travel with grants and stacks). */
export type OwnerHead = Omit<ReturnType<typeof persistedOwner>, 'runTokens'>;

/** What one line holds (written from the coordinator's records; read back through entrySchema). */
export type JournalEntry =
  | {
      readonly kind: 'holdings';
      readonly owner: ReturnType<typeof persistedOwner>;
      readonly stacks: readonly ReturnType<typeof persistedStack>[];
      readonly leases: readonly LeaseRecord[];
      /** Absent: none (lines written before stop registrations were journaled). */
      readonly stops?: readonly StopEntry[];
    }
  | {
      readonly kind: 'grant';
      readonly owner: OwnerHead;
      readonly leases: readonly LeaseRecord[];
      readonly runToken?: string;
    }
  | { readonly kind: 'release'; readonly owner: string; readonly ports: readonly number[] }
  | { readonly kind: 'stack'; readonly owner: OwnerHead; readonly stack: ReturnType<typeof persistedStack> }
  | { readonly kind: 'unstack'; readonly owner: string; readonly stackId: string }
  | { readonly kind: 'forget'; readonly owner: string }
  | { readonly kind: 'stop'; readonly owner: string; readonly stop: StopEntry }
  | { readonly kind: 'unstop'; readonly owner: string; readonly stackId: string; readonly service: string };

const SUFFIX = '.journal.';

function fileOf(base: string, generation: number): string {
  return `${base}${SUFFIX}${generation}`;
}

/** The journal generations present next to `base` (the state file), ascending. */
export function journalGenerations(base: string): number[] {
  const prefix = `${basename(base)}${SUFFIX}`;
  let names: string[];
  try {
    names = readdirSync(dirname(base));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => a - b);
}

export interface JournalRead {
  readonly entries: JournalEntry[];
  /** Files whose replay stopped early at a line that could not be read. */
  readonly torn: string[];
  /** What was not replayed, and why (a line of JSON that is no entry; a file's stop registrations). */
  readonly refused: string[];
  /** The generation after the newest file found (where a new journal starts). */
  readonly next: number;
}

/** Every entry of generations `from` and later, oldest first. */
export function readJournal(base: string, from: number): JournalRead {
  const entries: JournalEntry[] = [];
  const torn: string[] = [];
  const refused: string[] = [];
  const generations = journalGenerations(base);
  for (const generation of generations.filter((g) => g >= from)) {
    const file = fileOf(base, generation);
    let read: ReturnType<typeof readOwnFile>;
    try {
      read = readOwnFile(file);
    } catch (error) {
      // Gone, or not a plain file of ours: never replayed.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') refused.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    const untrusted = othersMayWrite(read.stat);
    let strippedStops = 0;
    const lines = read.text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        torn.push(join(dirname(file), basename(file)));
        break;
      }
      const parsed = entrySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        refused.push(
          `${file} line ${index + 1} is no journal entry (${issue?.path.join('.') || '(root)'}: ${issue?.message}): ` +
            'refused, with every line after it in that file',
        );
        break;
      }
      let entry = parsed.data as JournalEntry;
      if (untrusted !== null && entry.kind === 'stop') {
        strippedStops++;
        continue;
      }
      if (untrusted !== null && entry.kind === 'holdings' && (entry.stops?.length ?? 0) > 0) {
        strippedStops += entry.stops?.length ?? 0;
        entry = { ...entry, stops: [] };
      }
      entries.push(entry);
    }
    if (strippedStops > 0) {
      refused.push(
        `${strippedStops} stop registration(s) in ${file}: ${untrusted}; none of its stop commands will run`,
      );
    }
  }
  return { entries, torn, refused, next: Math.max(from, (generations.at(-1) ?? -1) + 1) };
}

/** The coordinator's open journal: appends to the current generation's file. */
export class Journal {
  readonly #base: string;
  #generation: number;
  #fd: number | null = null;
  /** Bytes of whole lines in the open file: a torn append is cut back to this. */
  #size = 0;

  constructor(base: string, generation: number) {
    this.#base = base;
    this.#generation = generation;
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * Appends one entry (synchronously: it is on disk, in the page cache, when this returns), or
   * throws the error that stopped it (ENOSPC, EIO…) with nothing of the entry left in the file.
   */
  append(entry: JournalEntry): void {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    if (this.#fd === null) {
      const fd = openOwnFile(fileOf(this.#base, this.#generation), 'append');
      this.#fd = fd;
      this.#size = fstatSync(fd).size;
    }
    try {
      writeFully(this.#fd, line);
      this.#size += line.length;
    } catch (error) {
      // Cut the torn line off, so that later entries of this file still replay; if even that
      // fails, later entries go to a file of their own (a replay reads every generation).
      try {
        ftruncateSync(this.#fd, this.#size);
      } catch {
        this.close();
        this.#generation++;
      }
      throw error;
    }
  }

  /** Starts the next generation; returns it. A snapshot taken now covers everything before it. */
  rotate(): number {
    this.close();
    this.#generation++;
    return this.#generation;
  }

  /** Deletes the files of generations before `generation` (a snapshot covering them is on disk). */
  dropBefore(generation: number): void {
    for (const old of journalGenerations(this.#base)) {
      if (old >= generation) break;
      try {
        unlinkSync(fileOf(this.#base, old));
      } catch {}
    }
  }

  close(): void {
    if (this.#fd === null) return;
    try {
      closeSync(this.#fd);
    } catch {}
    this.#fd = null;
  }
}
