/**
 * `styxy types [--json]`: the service types and their ranges, as the coordinator uses them
 * (the defaults merged with `$STYXY_HOME/config.json`). Read locally: no coordinator needed.
 */
import { ephemeralRange } from '../../coordinator/ephemeral-range.js';
import { homePaths } from '../../protocol/home.js';
import { loadServiceTypes } from '../../protocol/service-types.js';
import { formatTable, printJson } from '../output.js';

export async function run(options: { readonly json?: boolean }): Promise<number> {
  const types = loadServiceTypes(homePaths().config);
  if (options.json) {
    printJson({ types: types.map(({ name, range, description }) => ({ name, range, description })) });
    return 0;
  }
  const [low, high] = ephemeralRange();
  const rows = types.map(({ name, range: [from, to], description }) => {
    const overlap = from <= high && to >= low ? ' (overlaps the OS ephemeral range: those ports are skipped)' : '';
    return [name, `${from}–${to}`, `${description}${overlap}`];
  });
  process.stdout.write(formatTable(['TYPE', 'RANGE', 'FOR'], rows));
  return 0;
}
