/**
 * Where a stack's output goes: the per-service rings (LogStore), the log files of a background
 * stack, the followers of one service (log probes), and the stack's subscribers (UIs), which
 * also get its snapshots. A subscriber that throws is ignored: it must not break the stack.
 */
import type { LogLine, StackEvent } from '../protocol/stack.js';
import type { LogFile } from './log-file.js';
import { openLogFiles } from './log-files.js';
import { LogStore } from './log-store.js';

export class StackOutput {
  readonly logs: LogStore;
  readonly #listeners = new Set<(event: StackEvent) => void>();
  readonly #followers = new Map<string, Set<(line: LogLine) => void>>();
  readonly #services: readonly string[];
  readonly #logDir: string | null;
  #files: Map<string, LogFile> | null = null;

  constructor(
    services: readonly string[],
    options: { readonly ringSize?: number; readonly now: () => number; readonly logDir: string | null },
  ) {
    this.#services = services;
    this.#logDir = options.logDir;
    this.logs = new LogStore(services, {
      ...(options.ringSize === undefined ? {} : { ringSize: options.ringSize }),
      now: options.now,
      onLine: (line) => {
        this.#files?.get(line.service)?.write(line);
        const followers = this.#followers.get(line.service);
        if (followers !== undefined) for (const follower of followers) follower(line);
        this.emit({ type: 'log', line });
      },
    });
  }

  emit(event: StackEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {}
    }
  }

  subscribe(listener: (event: StackEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** New lines of one service. */
  follow(service: string, listener: (line: LogLine) => void): () => void {
    const set = this.#followers.get(service) ?? new Set();
    this.#followers.set(service, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Opens the log files (when there is a log folder). Only once the stack is registered: a
   * refused second copy must not rotate the files of the copy that runs.
   */
  openFiles(): void {
    this.#files ??= openLogFiles(this.#logDir, this.#services);
  }

  /** Flushes and closes the log files. */
  close(): void {
    for (const file of this.#files?.values() ?? []) file.close();
  }
}
