/**
 * Whether a stop registration read back from disk (state.json, the journal) may be kept: what
 * the coordinator will run when it reaps the owner, so it is held to what registerStop itself
 * would have let in (stops.ts). Its shape and caps were checked by the schema (`stopRecord`);
 * here, against the state as loaded so far: its owner is known and holds its stack (a stop is
 * only ever registered for a stack of its owner's), and the owner stays within its budget.
 */
import { MAX_STOPS_PER_OWNER } from '../protocol/coordinator-params.js';
import { type CoordinatorState, type StopEntry, stopKey } from './state.js';

/** Keeps `entry` in `state`, or returns why not (for a log line; nothing of it is kept then). */
export function admitStop(state: CoordinatorState, entry: StopEntry): string | null {
  const refuse = (why: string) =>
    `refused the stop registration of ${entry.stackId}/${entry.service} read back from disk: ${why}; it will not run`;
  if (!state.owners.has(entry.owner)) return refuse('its owner is unknown');
  if (state.stacks.get(entry.stackId)?.owner !== entry.owner) return refuse('its owner does not hold that stack');
  const key = stopKey(entry.stackId, entry.service);
  if (!state.stops.has(key) && state.stopsOf(entry.owner).length >= MAX_STOPS_PER_OWNER) {
    return refuse(`its owner has ${MAX_STOPS_PER_OWNER} already`);
  }
  state.stops.set(key, entry);
  return null;
}
