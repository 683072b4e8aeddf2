/**
 * The write-ahead journal: what a reply grants is on disk before the reply goes out. The state
 * file is written off the request path (up to 100 ms later: persister.ts), so a coordinator
 * killed in between used to forget leases and stacks it had just granted, and its successor
 * could hand those ports (or that stack) to someone else before their owner re-claimed them.
 * Now every change to an owner's holdings appends one line — what that owner holds after the
 * change, or that it was reaped — and a coordinator loading the state replays the lines the
 * snapshot does not cover (apply-journal.ts).
 *
 * No fsync, on purpose: the journal guards against the coordinator process dying, and the page
 * cache outlives a process. When the machine itself goes down, every owner goes with it and
 * nothing needs their leases any more. An append is one small write(2), a few microseconds.
 *
 * Files: `state.json.journal.<generation>`, one line of JSON per entry. The persister starts a
 * new generation as it takes each snapshot and records it in the snapshot (`journal`: the first
 * generation it does not cover); once that snapshot is on disk, older generations are deleted.
 * A torn or unreadable line (a crash mid-write) ends that file's replay.
 */
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { LeaseRecord } from './registry.js';
import type { persistedOwner, persistedStack } from './state.js';
import { leaseSchema, ownerSchema, stackSchema } from './state-file.js';

const entrySchema = z.discriminatedUnion('kind', [
  /** Everything the owner holds after a change (it replaces what the owner held before). */
  z.looseObject({
    kind: z.literal('holdings'),
    owner: ownerSchema,
    stacks: z.array(stackSchema),
    leases: z.array(leaseSchema),
  }),
  /** The owner was reaped (or left holding nothing): forget it and all it held. */
  z.looseObject({ kind: z.literal('forget'), owner: z.string().min(1) }),
]);

/** What one line holds (written from the coordinator's records; read back through entrySchema). */
export type JournalEntry =
  | {
      readonly kind: 'holdings';
      readonly owner: ReturnType<typeof persistedOwner>;
      readonly stacks: readonly ReturnType<typeof persistedStack>[];
      readonly leases: readonly LeaseRecord[];
    }
  | { readonly kind: 'forget'; readonly owner: string };

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
  /** The generation after the newest file found (where a new journal starts). */
  readonly next: number;
}

/** Every entry of generations `from` and later, oldest first. */
export function readJournal(base: string, from: number): JournalRead {
  const entries: JournalEntry[] = [];
  const torn: string[] = [];
  const generations = journalGenerations(base);
  for (const generation of generations.filter((g) => g >= from)) {
    const file = fileOf(base, generation);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let parsed: ReturnType<typeof entrySchema.safeParse>;
      try {
        parsed = entrySchema.safeParse(JSON.parse(line));
      } catch {
        parsed = { success: false } as ReturnType<typeof entrySchema.safeParse>;
      }
      if (!parsed.success) {
        torn.push(join(dirname(file), basename(file)));
        break;
      }
      entries.push(parsed.data as JournalEntry);
    }
  }
  return { entries, torn, next: Math.max(from, (generations.at(-1) ?? -1) + 1) };
}

/** The coordinator's open journal: appends to the current generation's file. */
export class Journal {
  readonly #base: string;
  #generation: number;
  #fd: number | null = null;
  readonly #onError: (error: Error) => void;

  constructor(base: string, generation: number, onError: (error: Error) => void) {
    this.#base = base;
    this.#generation = generation;
    this.#onError = onError;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Appends one entry (synchronously: it is on disk, in the page cache, when this returns). */
  append(entry: JournalEntry): void {
    try {
      this.#fd ??= openSync(fileOf(this.#base, this.#generation), 'a', 0o600);
      writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    } catch (error) {
      // The reply still goes out: a full disk must not stop the coordinator. The state file
      // (written next) will most likely fail too, and both are logged.
      this.#onError(error as Error);
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
