/** `--timeout S`: a positive number of seconds (decimals allowed), as milliseconds. */
import { StyxyError } from '../protocol/errors.js';

export function secondsOption(value: string | undefined, defaultSeconds: number, flag = '--timeout'): number {
  if (value === undefined) return defaultSeconds * 1000;
  const seconds = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !(seconds > 0) || seconds > 86_400) {
    throw new StyxyError('STYXY_USAGE', `${flag} "${value}" is not a number of seconds between 0 and 86400`, {
      hint: `for example \`${flag} ${defaultSeconds}\``,
    });
  }
  return Math.round(seconds * 1000);
}
