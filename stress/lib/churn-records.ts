/**
 * What a churn client (stress/workers/churn-client.ts) writes, one line per event, with
 * `writeSync` so that a line written is a line kept even when the client is SIGKILLed the next
 * instant. Times are the shared monotonic clock (clock.ts), in ms.
 *
 *   S <t> <pid> <coordinatorPid>   started and connected
 *   A <t> <port>...                a reserve's reply arrived: these ports are held from t
 *   R <t> <port>...                about to release these ports: held until t
 *   C <t> <port> <code>            binding a held port failed (EADDRINUSE: someone else has it)
 *   F <t>                          a fixed port was refused because a lease holds it (expected)
 *   B <t> <message>                a fixed port was refused as in use by a program (never expected here)
 *   E <t> <code> <message>         a call failed
 *   D <t>                          the connection to the coordinator dropped
 *   Q <t> <batches>                stopped cleanly after that many leases
 *
 * Parsing is pure (unit-tested).
 */
import type { Holding } from './lease-check.ts';

export interface ClientRun {
  readonly label: string;
  readonly pid: number | null;
  readonly coordinatorPid: number | null;
  readonly holdings: Holding[];
  /** Ports held when the record ends (the client died holding them, or never released). */
  readonly open: number[];
  readonly conflicts: string[];
  readonly errors: string[];
  readonly anomalies: string[];
  readonly disconnects: number;
  readonly refusedFixed: number;
  readonly batches: number;
  readonly quit: boolean;
  /** The last time it wrote (a moment it was surely alive). */
  readonly lastSeen: number;
}

/** `killedAt`: just before the driver SIGKILLed it (null: it was asked to stop, or it crashed). */
export function parseClientRecords(text: string, label: string, killedAt: number | null): ClientRun {
  let pid: number | null = null;
  let coordinatorPid: number | null = null;
  const holdings: Holding[] = [];
  const held = new Map<number, number>();
  const conflicts: string[] = [];
  const errors: string[] = [];
  const anomalies: string[] = [];
  let disconnects = 0;
  let refusedFixed = 0;
  let batches = 0;
  let quit = false;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const line of text.split('\n')) {
    const [kind, timeText, ...rest] = line.split(' ');
    const time = Number(timeText);
    if (!kind || !Number.isFinite(time)) continue; // a torn last line
    lastSeen = Math.max(lastSeen, time);
    switch (kind) {
      case 'S':
        pid = Number(rest[0]);
        coordinatorPid = Number(rest[1]);
        break;
      case 'A':
        if (rest.length === 0) break; // torn
        batches++;
        for (const port of rest.map(Number)) {
          if (held.has(port)) anomalies.push(`${label} was handed port ${port} again while holding it`);
          held.set(port, time);
        }
        break;
      case 'R':
        for (const port of rest.map(Number)) {
          const start = held.get(port);
          if (start === undefined) continue;
          held.delete(port);
          holdings.push({ port, pid: pid ?? -1, label, start, end: time, aliveUntil: time });
        }
        break;
      case 'C':
        conflicts.push(`${label} (pid ${pid}) could not bind its port ${rest[0]}: ${rest[1]}`);
        break;
      case 'F':
        refusedFixed++;
        break;
      case 'B':
        anomalies.push(`${label}: ${rest.join(' ')}`);
        break;
      case 'E':
        errors.push(`${label} (pid ${pid}): ${rest.join(' ')}`);
        break;
      case 'D':
        disconnects++;
        break;
      case 'Q':
        quit = true;
        break;
    }
  }
  const aliveUntil = killedAt ?? lastSeen;
  const open = [...held.keys()];
  for (const [port, start] of held) holdings.push({ port, pid: pid ?? -1, label, start, end: null, aliveUntil });
  return {
    label,
    pid,
    coordinatorPid,
    holdings,
    open,
    conflicts,
    errors,
    anomalies,
    disconnects,
    refusedFixed,
    batches,
    quit,
    lastSeen,
  };
}
