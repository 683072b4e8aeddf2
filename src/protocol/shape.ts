/**
 * Shapes: what a reply or an event must look like, checked by the client before it trusts it.
 * A shape checks structure (types, required fields, literal values), lets unknown fields through
 * (wire format: fields may be added) and hands the value back as it came: a reply is never
 * copied. Each shape also gives the TypeScript type of what it accepts (`Infer`).
 *
 * Why not zod, which the servers use for what they receive: loading zod costs every short
 * command about 90 ms of start-up (docs/architecture.md, "Checking replies").
 */

export interface Shape<T> {
  /** What is wrong with `value` (`services.0.status: expected …, found …`), or null. */
  readonly problem: (value: unknown, path: string) => string | null;
  /** Type only: never set. */
  readonly infer?: T;
}

/** An object field that may be missing (`object({ hint: optional(string) })`). */
export interface OptionalShape<T> {
  readonly optional: Shape<T>;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

type Field = Shape<unknown> | OptionalShape<unknown>;
type Fields = Readonly<Record<string, Field>>;
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** The type an `object(fields)` accepts (key remapping keeps the fields' doc comments). */
export type ObjectOf<F extends Fields> = Flat<
  { readonly [K in keyof F as F[K] extends OptionalShape<unknown> ? never : K]: Infer<F[K]> } & {
    readonly [K in keyof F as F[K] extends OptionalShape<unknown> ? K : never]?: F[K] extends OptionalShape<infer T>
      ? T | undefined
      : never;
  }
>;

/** A short, bounded account of a value for a message: `"odd"`, `number 3`, `an object`. */
function found(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

const at = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
const where = (path: string) => (path === '' ? '(root)' : path);

function primitive<T>(name: string, test: (value: unknown) => boolean): Shape<T> {
  return { problem: (value, path) => (test(value) ? null : `${where(path)}: expected ${name}, found ${found(value)}`) };
}

export const string: Shape<string> = primitive('a string', (value) => typeof value === 'string');
export const number: Shape<number> = primitive('a number', (value) => typeof value === 'number');
export const boolean: Shape<boolean> = primitive('true or false', (value) => typeof value === 'boolean');
/** What a method answers when it has nothing to say. */
export const none: Shape<null> = primitive('null', (value) => value === null);
export const unknown: Shape<unknown> = { problem: () => null };

export function literal<const T extends readonly (string | number | boolean | null)[]>(...values: T): Shape<T[number]> {
  const names = values.map((value) => JSON.stringify(value)).join(', ');
  return primitive(values.length === 1 ? names : `one of ${names}`, (value) => values.includes(value as T[number]));
}

export function optional<T>(shape: Shape<T>): OptionalShape<T> {
  return { optional: shape };
}

export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return { problem: (value, path) => (value === null ? null : shape.problem(value, path)) };
}

export function array<T>(item: Shape<T>): Shape<readonly T[]> {
  return {
    problem(value, path) {
      if (!Array.isArray(value)) return `${where(path)}: expected a list, found ${found(value)}`;
      for (let index = 0; index < value.length; index++) {
        const problem = item.problem(value[index], at(path, index));
        if (problem !== null) return problem;
      }
      return null;
    },
  };
}

export function tuple<A, B>(first: Shape<A>, second: Shape<B>): Shape<readonly [A, B]> {
  return {
    problem(value, path) {
      if (!Array.isArray(value) || value.length !== 2) return `${where(path)}: expected a pair, found ${found(value)}`;
      return first.problem(value[0], at(path, 0)) ?? second.problem(value[1], at(path, 1));
    },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object of string keys to `value`s (`ports: { PORT: 3001 }`). */
export function record<T>(value: Shape<T>): Shape<Readonly<Record<string, T>>> {
  return {
    problem(input, path) {
      if (!isObject(input)) return `${where(path)}: expected an object, found ${found(input)}`;
      for (const [key, item] of Object.entries(input)) {
        const problem = value.problem(item, at(path, key));
        if (problem !== null) return problem;
      }
      return null;
    },
  };
}

/** An object with these fields (others are let through). */
export function object<const F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  const entries = Object.entries(fields);
  return {
    problem(value, path) {
      if (!isObject(value)) return `${where(path)}: expected an object, found ${found(value)}`;
      for (const [key, field] of entries) {
        const item = Object.hasOwn(value, key) ? value[key] : undefined;
        const problem =
          'optional' in field
            ? item === undefined
              ? null
              : field.optional.problem(item, at(path, key))
            : field.problem(item, at(path, key));
        if (problem !== null) return problem;
      }
      return null;
    },
  };
}

/** A tagged union: `key` names which shape the rest must fit (`variants('kind', { lease, process })`). */
export function variants<K extends string, const V extends Readonly<Record<string, Shape<unknown>>>>(
  key: K,
  shapes: V,
): Shape<Infer<V[keyof V]>> {
  const tag = literal(...Object.keys(shapes));
  return {
    problem(value, path) {
      if (!isObject(value)) return `${where(path)}: expected an object, found ${found(value)}`;
      const name = value[key];
      return tag.problem(name, at(path, key)) ?? shapes[name as keyof V]!.problem(value, path);
    },
  };
}

/** `value` as `shape` says, or what is wrong with it. */
export function check<T>(shape: Shape<T>, value: unknown): { ok: true; value: T } | { ok: false; problem: string } {
  const problem = shape.problem(value, '');
  return problem === null ? { ok: true, value: value as T } : { ok: false, problem };
}
