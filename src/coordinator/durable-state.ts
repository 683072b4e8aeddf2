/**
 * The coordinator's state on disk: state.json (a snapshot, written off the request path by
 * persister.ts) plus the write-ahead journal (journal.ts) of what changed since. Loading reads
 * the snapshot and replays the journal; each snapshot starts a new journal generation and, once
 * on disk, deletes the generations it covers.
 */
import { admitStop } from './admit-stop.js';
import { applyJournal } from './apply-journal.js';
import { Journal, type JournalEntry, readJournal } from './journal.js';
import type { Log } from './log.js';
import { Persister } from './persister.js';
import { CoordinatorState } from './state.js';
import { loadState, removeStaleTemps, serializeState } from './state-file.js';

export interface DurableState {
  readonly state: CoordinatorState;
  /** Appends to the journal (before a reply). */
  readonly journal: (entry: JournalEntry) => void;
  /** Schedules a snapshot. */
  readonly persist: () => void;
  /** Writes a snapshot now (on the way out). */
  readonly flushSync: () => void;
}

export function openDurableState(file: string, log: Log): DurableState {
  // Called under the daemon lock: a temp file here is a write that a coordinator never finished.
  const temps = removeStaleTemps(file);
  if (temps > 0) log(`removed ${temps} unfinished temp file(s) of ${file}`);
  const loaded = loadState(file);
  if (loaded.kind === 'corrupt') {
    log(
      `state file ${file} is corrupt (${loaded.reason}); moved to ${loaded.movedTo ?? '(could not move)'}; starting empty`,
    );
  }
  const state = loaded.kind === 'loaded' ? CoordinatorState.fromPersisted(loaded.state) : new CoordinatorState();
  let stopsRefused = false;
  if (loaded.kind === 'loaded' && loaded.state.stops.length > 0) {
    if (loaded.stopsUntrusted !== null) {
      log(
        `refused the ${loaded.state.stops.length} stop registration(s) of ${file}: ${loaded.stopsUntrusted}; none of its stop commands will run`,
      );
      stopsRefused = true;
    } else {
      for (const stop of loaded.state.stops) {
        const problem = admitStop(state, stop);
        if (problem !== null) log(`${file}: ${problem}`);
        stopsRefused ||= problem !== null;
      }
    }
  }
  // A corrupt snapshot says nothing of what its journal covered: replay every generation left.
  const replay = readJournal(file, loaded.kind === 'loaded' ? loaded.state.journal : 0);
  const refused = [...replay.refused, ...applyJournal(state, replay.entries)];
  if (replay.entries.length > 0)
    log(
      `replayed ${replay.entries.length} journal entr${replay.entries.length === 1 ? 'y' : 'ies'} written after the last state file`,
    );
  for (const torn of replay.torn)
    log(`journal ${torn} ends with an unreadable line (a write cut short); replayed what came before`);
  for (const problem of refused) log(`journal: ${problem}`);

  const journal = new Journal(file, replay.next);
  let covered = journal.generation;
  const persister = new Persister({
    file,
    serialize: () => {
      // Serialized first: a snapshot that cannot be made (it throws) starts no new generation,
      // so the journal it would have covered is kept.
      const text = serializeState({ ...state.toPersisted(Date.now()), journal: journal.generation + 1 });
      covered = journal.rotate();
      return text;
    },
    written: () => journal.dropBefore(covered),
    log,
  });
  // What was replayed goes into a snapshot at once, and the files it came from go (so does
  // whatever was refused: it is in the log, and never read again).
  if (replay.entries.length > 0 || replay.torn.length > 0 || refused.length > 0 || stopsRefused) persister.flushSync();
  return {
    state,
    journal: (entry) => journal.append(entry),
    persist: () => persister.schedule(),
    flushSync: () => {
      persister.flushSync();
      journal.close();
    },
  };
}
