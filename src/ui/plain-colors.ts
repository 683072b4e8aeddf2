/**
 * Colour for the plain reporter: per service, from a fixed palette in start order. Enabled on a
 * terminal; `NO_COLOR` (non-empty) turns it off, `FORCE_COLOR` (non-empty, not `0`/`false`) turns
 * it on even into a pipe and wins over `NO_COLOR`, as in Node and chalk.
 */

/** Bright cyan, magenta, yellow, blue, green, then the normal ones: red is kept for failures. */
const PALETTE = [96, 95, 93, 94, 92, 36, 35, 33, 34, 32] as const;

export function colorEnabled(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

export type Paint = (text: string) => string;

const plain: Paint = (text) => text;

/** The paint of the service at `index` in start order. */
export function servicePaint(index: number, enabled: boolean): Paint {
  if (!enabled) return plain;
  const code = PALETTE[index % PALETTE.length]!;
  return (text) => `\x1b[${code}m${text}\x1b[39m`;
}

export function red(enabled: boolean): Paint {
  return enabled ? (text) => `\x1b[31m${text}\x1b[39m` : plain;
}

export function dim(enabled: boolean): Paint {
  return enabled ? (text) => `\x1b[2m${text}\x1b[22m` : plain;
}
