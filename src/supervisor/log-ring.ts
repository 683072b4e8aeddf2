/** A fixed-size ring of the newest items: pushing past capacity drops the oldest. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be >= 1: ${capacity}`);
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** The item `index` places from the oldest (0) — undefined outside the ring. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#next - this.#size + index + this.capacity) % this.capacity];
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit: number = this.#size): T[] {
    const count = Math.max(0, Math.min(limit, this.#size));
    const result = new Array<T>(count);
    for (let i = 0; i < count; i++) result[i] = this.at(this.#size - count + i)!;
    return result;
  }
}
