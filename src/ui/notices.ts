/**
 * Styxy's own notices for a mounted UI (a signal received, the coordinator lost and found): the
 * caller sends them through the UI's handle, the UI shows them in its bottom bar instead of
 * anything being written over the screen. Notices sent before the UI listens (Ink still loading)
 * wait for it.
 */
export type NoticeTone = 'info' | 'error';

export interface Notice {
  readonly text: string;
  readonly tone: NoticeTone;
}

export interface NoticeSource {
  /** Delivers waiting notices at once, then each new one. Returns an unsubscribe function. */
  subscribe(listener: (notice: Notice) => void): () => void;
}

/** Notices kept while nobody listens; older ones are dropped past this. */
const MAX_WAITING = 20;

export class NoticeChannel implements NoticeSource {
  readonly #listeners = new Set<(notice: Notice) => void>();
  #waiting: Notice[] = [];

  send(notice: Notice): void {
    if (this.#listeners.size === 0) {
      this.#waiting = [...this.#waiting, notice].slice(-MAX_WAITING);
      return;
    }
    for (const listener of this.#listeners) listener(notice);
  }

  subscribe(listener: (notice: Notice) => void): () => void {
    this.#listeners.add(listener);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const notice of waiting) listener(notice);
    return () => this.#listeners.delete(listener);
  }
}
