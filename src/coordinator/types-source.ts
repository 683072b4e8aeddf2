/**
 * The service types in effect: the defaults (docs/architecture.md, "Service types") merged with
 * `$STYXY_HOME/config.json`, re-read whenever that file changes (a stat per reservation), so
 * editing it needs no restart.
 * An invalid file fails the reservations that need it, with the file's own error.
 */
import { statSync } from 'node:fs';
import { loadServiceTypes, type ServiceType } from '../protocol/service-types.js';

export interface TypesSource {
  /** Throws STYXY_HOME_CONFIG_INVALID when config.json is invalid. */
  get(): ReadonlyMap<string, ServiceType>;
}

export function createTypesSource(configFile: string): TypesSource {
  let stamp: string | undefined;
  let types: ReadonlyMap<string, ServiceType> | undefined;
  return {
    get() {
      let current: string;
      try {
        const stat = statSync(configFile);
        current = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        current = 'missing';
      }
      if (types === undefined || current !== stamp) {
        types = undefined;
        stamp = current;
        types = new Map(loadServiceTypes(configFile).map((type) => [type.name, type]));
      }
      return types;
    },
  };
}
