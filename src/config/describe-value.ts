/** How a found value reads in a problem: `found number 3`, `found an empty string`, `found a list […]`. */

const MAX_PREVIEW = 40;

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      if (value === '') return 'an empty string';
      return value.trim() === '' ? 'a blank string' : `"${clip(value)}"`;
    case 'number':
      return `number ${value}`;
    case 'boolean':
      return String(value);
    case 'function':
      return 'a function';
    case 'bigint':
      return `bigint ${value}`;
    case 'symbol':
      return 'a symbol';
  }
  if (value instanceof RegExp) return `regular expression ${clip(String(value))}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list ${preview(value)}`;
  return Object.keys(value as object).length === 0 ? 'an empty object' : `an object ${preview(value)}`;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text);
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_PREVIEW ? `${oneLine.slice(0, MAX_PREVIEW - 1)}…` : oneLine;
}

/** True for `{ … }` written in a config (not a list, RegExp, function or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  // The constructor name check accepts objects made in another realm (a vm context).
  return proto === null || proto === Object.prototype || proto.constructor?.name === 'Object';
}
