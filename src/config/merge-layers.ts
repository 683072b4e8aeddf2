/**
 * Config layers (the config, more `-c` files, `styxy.config.local.*`) merged into one value before
 * it is validated, remembering which file set each value so that `styxy config` can say where a
 * value came from and a problem can name the file that holds the bad value. Rules, as in compose
 * overrides: objects merge key by key, anything else (lists included) replaces, and `null` in a
 * later layer removes the key.
 */
import { isPlainObject } from './describe-value.js';
import { setOwn } from './own-key.js';
import { type FieldPath, formatPath } from './problems.js';
import type { ServiceSources } from './types.js';

export interface ConfigLayer {
  /** Absolute path of the file this value was loaded from. */
  readonly file: string;
  readonly value: unknown;
}

export interface MergedLayers {
  /** The files merged, in order. */
  readonly files: readonly string[];
  readonly value: unknown;
  /** Dotted field path (as in problems: `services.api.env.X`) → the file that set it, for every node. */
  readonly sources: ReadonlyMap<string, string>;
  /** Dotted field paths a later layer removed with `null` → that layer's file. */
  readonly removed: ReadonlyMap<string, string>;
}

export function mergeLayers(layers: readonly ConfigLayer[]): MergedLayers {
  const sources = new Map<string, string>();
  const removed = new Map<string, string>();
  let value: unknown;
  layers.forEach((layer, index) => {
    if (index === 0) {
      value = layer.value;
      record(layer.value, [], layer.file, sources, new Set());
    } else {
      value = mergeValue(value, layer.value, [], layer.file, { sources, removed, seen: new Set() });
    }
  });
  return { files: layers.map((layer) => layer.file), value, sources, removed };
}

/** The file that holds the value at `path`: the deepest recorded node at or above it. */
export function sourceOf(sources: ReadonlyMap<string, string>, path: string): string | undefined {
  let best: string | undefined;
  let bestLength = -1;
  for (const [at, file] of sources) {
    if (at.length > bestLength && isAtOrUnder(path, at)) {
      best = file;
      bestLength = at.length;
    }
  }
  return best;
}

/** `services.api.env.X` is under `services.api` and `services.api.env`, not under `services.ap`. */
export function isAtOrUnder(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  if (!path.startsWith(ancestor)) return false;
  const next = path[ancestor.length];
  return next === undefined || next === '.' || next === '[';
}

interface MergeState {
  readonly sources: Map<string, string>;
  readonly removed: Map<string, string>;
  /** Objects of the layer being merged on the current path (a cyclic value replaces, never loops). */
  readonly seen: Set<object>;
}

function mergeValue(base: unknown, over: unknown, path: FieldPath, file: string, state: MergeState): unknown {
  if (!isPlainObject(base) || !isPlainObject(over) || state.seen.has(over)) {
    forget(state.sources, formatPath(path));
    record(over, path, file, state.sources, new Set());
    return over;
  }
  state.seen.add(over);
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(base)) setOwn(merged, key, base[key]);
  for (const key of Object.keys(over)) {
    const at = [...path, key];
    const value = over[key];
    if (value === null) {
      if (Object.hasOwn(merged, key)) {
        delete merged[key];
        forget(state.sources, formatPath(at));
      }
      state.removed.set(formatPath(at), file);
    } else {
      setOwn(merged, key, Object.hasOwn(merged, key) ? mergeValue(merged[key], value, at, file, state) : value);
      if (!Object.hasOwn(base, key)) record(value, at, file, state.sources, new Set());
      state.removed.delete(formatPath(at));
    }
  }
  state.seen.delete(over);
  return merged;
}

/** Records `file` as the source of `value` and of everything in it (plain objects only: a list is one value). */
function record(value: unknown, path: FieldPath, file: string, sources: Map<string, string>, seen: Set<object>): void {
  sources.set(formatPath(path), file);
  if (!isPlainObject(value) || seen.has(value)) return;
  seen.add(value);
  for (const key of Object.keys(value)) record(value[key], [...path, key], file, sources, seen);
}

/** Drops what was recorded at `path` and under it (it is about to be replaced or removed). */
function forget(sources: Map<string, string>, path: string): void {
  for (const at of [...sources.keys()]) if (isAtOrUnder(at, path)) sources.delete(at);
}

/**
 * Where one service's values came from: each leaf of `services.<name>` in the merged value (a
 * list is one leaf) → its file, and what later files removed from it. Paths are relative to the
 * service (`env.DEBUG`).
 */
export function serviceSources(merged: MergedLayers, name: string): ServiceSources {
  const base = formatPath(['services', name]);
  const values: Record<string, string> = {};
  const service =
    isPlainObject(merged.value) && isPlainObject(merged.value.services) ? merged.value.services[name] : undefined;
  const walk = (value: unknown, path: FieldPath, seen: Set<object>): void => {
    if (isPlainObject(value) && !seen.has(value) && Object.keys(value).length > 0) {
      seen.add(value);
      for (const key of Object.keys(value)) walk(value[key], [...path, key], seen);
      return;
    }
    const file = sourceOf(merged.sources, formatPath(path));
    if (file !== undefined && path.length > 2) setOwn(values, formatPath(path.slice(2)), file);
  };
  walk(service, ['services', name], new Set());
  const removed: Record<string, string> = {};
  for (const [path, file] of merged.removed) {
    if (path !== base && isAtOrUnder(path, base)) setOwn(removed, path.slice(base.length + 1), file);
  }
  return { values, removed };
}
