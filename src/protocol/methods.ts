/**
 * What a protocol is, as types: each method's params and result (its method map). Each protocol
 * (coordinator-protocol.ts, control-protocol.ts) gives its map; the transport derives the client's
 * typed `call` and the server's typed handlers from it.
 */
import type { z } from 'zod';
import type { Infer, Shape } from './shape.js';

export interface MethodSpec {
  readonly params: unknown;
  readonly result: unknown;
}

export type MethodMap = { readonly [method: string]: MethodSpec };

/**
 * A protocol's method map from its two halves: each method's params schema (the server's, zod;
 * the client sends its input) and its result shape (the client's check).
 */
export type MethodMapOf<
  Params extends { readonly [M in keyof Results]: z.ZodType },
  Results extends { readonly [method: string]: Shape<unknown> },
> = {
  readonly [M in keyof Results]: {
    readonly params: Sent<z.input<Params[M]>>;
    readonly result: Infer<Results[M]>;
  };
};

/** The shapes a client checks each method's reply against. */
export type ResultShapes<P extends MethodMap> = { readonly [M in keyof P]: Shape<P[M]['result']> };

/** The shapes a client checks each event's data against. */
export type EventShapes<E> = { readonly [K in keyof E]: Shape<E[K]> };

/**
 * What a client sends for a params schema's input `T`: read-only (a caller may pass read-only
 * lists) and without the catch-all key of loose objects (so a misspelt field is a type error).
 */
export type Sent<T> = T extends readonly (infer E)[]
  ? readonly Sent<E>[]
  : T extends object
    ? HasNamedKeys<T> extends true
      ? { readonly [K in keyof T as string extends K ? never : K]: Sent<T[K]> }
      : { readonly [K in keyof T]: Sent<T[K]> }
    : T;

type HasNamedKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: true } extends never ? false : true;
