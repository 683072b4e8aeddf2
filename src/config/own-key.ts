/**
 * Sets `record[key]` as an own data property. A JSON or YAML config can hold a `"__proto__"` key;
 * a plain assignment would set the record's prototype instead of adding an entry.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
