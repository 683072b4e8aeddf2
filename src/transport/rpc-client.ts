/**
 * The client side of rpc-server.ts: connects, says hello with the protocol version, and turns
 * calls into promises matched to replies by id. It speaks one protocol's method map (protocol/
 * methods.ts): `call` is typed by it, and every reply is checked against the method's result
 * shape and every event against its event's shape before anyone sees them, like everything else
 * that arrives on a socket.
 *
 * The hello is pipelined (`openRpc`): calls made before its answer are written right behind it,
 * so a short command's first request costs no round trip of its own. The server runs a
 * connection's requests in order and none before a hello it accepted; a hello it refuses (or
 * whose answer does not fit its shape) fails every call made behind it with the same error.
 */
import { StyxyError } from '../protocol/errors.js';
import type { EventShapes, MethodMap, ResultShapes } from '../protocol/methods.js';
import { check } from '../protocol/shape.js';
import { EVENT, HELLO, REPLY, REQUEST, readEvent, readReply } from './envelope.js';
import { connectIpc, type IpcConnection, type IpcLimits } from './ipc.js';

/** A protocol with a hello: the client's side of its method map. */
export type HelloMap = MethodMap & { readonly hello: { readonly params: object; readonly result: unknown } };

/** One event of `E` (event name → data), as a tagged value. */
export type EventOf<E> = { readonly [K in keyof E]: { readonly event: K; readonly data: E[K] } }[keyof E];

export interface RpcClientOptions<P extends HelloMap, E> {
  readonly socketPath: string;
  readonly protocolVersion: number;
  /** The hello's params, without `protocol` (added here). */
  readonly hello: Omit<P['hello']['params'], 'protocol'>;
  /** The shape of each method's result: a reply that does not fit fails with `malformed`. */
  readonly results: ResultShapes<P>;
  /** The shape of each event's data: an event that does not fit, or of no known name, is dropped. */
  readonly events?: EventShapes<E>;
  /** The error for a reply that does not fit its shape (`what`: e.g. `"status" reply`). */
  readonly malformed: (what: string, problem: string) => StyxyError;
  /** Limit for each request (and the hello), in ms. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** The error pending and later requests fail with once the connection is gone. */
  readonly closedError: () => StyxyError;
  readonly onEvent?: (event: EventOf<E>) => void;
  /** The connection ended without `close()` being called. */
  readonly onClose?: (error: Error | undefined) => void;
  readonly limits?: IpcLimits;
}

export interface RpcClient<P extends MethodMap> {
  readonly closed: boolean;
  /**
   * True once the hello was accepted. A call that failed with `closedError` while this is false
   * was never run: the server runs nothing before the hello, and answers the hello first.
   */
  readonly greeted: boolean;
  /**
   * Resolves with the result (checked against its shape), or rejects with the StyxyError the
   * server answered (or `malformed`'s, for a reply of the wrong shape).
   */
  call<M extends keyof P & string>(method: M, params: P[M]['params']): Promise<P[M]['result']>;
  close(): void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
  readonly method: string;
}

/** A connection whose hello is on its way: `hello` settles with its answer. */
export interface OpenedRpc<P extends HelloMap> {
  readonly client: RpcClient<P>;
  /** The hello's result; rejects with the server's error (a version mismatch) or `closedError`'s. */
  readonly hello: Promise<P['hello']['result']>;
}

/**
 * Connects and says hello. Rejects with the socket error when nothing listens (its `code` is
 * ENOENT or ECONNREFUSED), or with the server's StyxyError (a version mismatch).
 */
export async function connectRpc<P extends HelloMap, E = Record<never, never>>(
  options: RpcClientOptions<P, E>,
): Promise<{ client: RpcClient<P>; hello: P['hello']['result'] }> {
  const { client, hello } = await openRpc(options);
  try {
    return { client, hello: await hello };
  } catch (error) {
    client.close();
    throw error;
  }
}

/**
 * Connects and sends the hello without waiting for its answer. Rejects with the socket error
 * when nothing listens (its `code` is ENOENT or ECONNREFUSED); the hello's own failure comes
 * with `hello` and with every call made behind it.
 */
export async function openRpc<P extends HelloMap, E = Record<never, never>>(
  options: RpcClientOptions<P, E>,
): Promise<OpenedRpc<P>> {
  const pending = new Map<number, Pending>();
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const results = options.results as Readonly<Record<string, ResultShapes<P>[keyof P]>>;
  const helloId = 1;
  let nextId = helloId;
  let closed = false;
  let closedByUs = false;
  let greeted = false;
  /** Why the hello failed, when the server refused it: what every later call fails with. */
  let refusal: StyxyError | null = null;

  const failAll = (error: Error) => {
    for (const entry of pending.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(error);
    }
    pending.clear();
  };

  const connection: IpcConnection = await connectIpc(
    options.socketPath,
    {
      onMessage(type, data) {
        if (type === REPLY) settle(data);
        else if (type === EVENT) deliver(data);
      },
      onClose(error) {
        closed = true;
        failAll(options.closedError());
        if (!closedByUs) options.onClose?.(error);
      },
      onBug() {
        // Our handlers do not throw; if one does, the request it served times out.
      },
    },
    options.limits,
  );

  function settle(data: unknown): void {
    const reply = readReply(data);
    if (!reply) return;
    const { id } = reply;
    if (id === null) {
      // The server could not read one of our frames and is closing: every request fails.
      if (!reply.ok) failAll(StyxyError.fromWire(reply.error));
      return;
    }
    const entry = typeof id === 'number' ? pending.get(id) : undefined;
    if (!entry) return;
    pending.delete(id as number);
    if (entry.timer) clearTimeout(entry.timer);
    // Checked here, not in `call`: a hello that fails must fail the calls behind it before their
    // replies (in the same read) are settled.
    const checked = reply.ok ? check(results[entry.method]!, reply.result) : null;
    const error = !reply.ok
      ? StyxyError.fromWire(reply.error)
      : !checked!.ok
        ? options.malformed(`"${entry.method}" reply`, checked!.problem)
        : null;
    if (id === helloId) {
      if (error) refuse(error);
      else greeted = true;
    }
    if (error) entry.reject(error);
    else entry.resolve(checked!.ok ? checked!.value : undefined);
  }

  /** The hello failed: so does everything sent behind it, and the connection closes. */
  function refuse(error: StyxyError): void {
    refusal = error;
    failAll(error);
    if (closed) return;
    closed = true;
    closedByUs = true;
    connection.close();
  }

  function deliver(data: unknown): void {
    const frame = readEvent(data);
    const shapes = options.events as Readonly<Record<string, EventShapes<E>[keyof E]>> | undefined;
    if (!frame || !options.onEvent || !shapes || !Object.hasOwn(shapes, frame.event)) return;
    if (!check(shapes[frame.event]!, frame.data).ok) return;
    options.onEvent({ event: frame.event, data: frame.data } as EventOf<E>);
  }

  /** Sends one request; resolves with its result once it fits its shape, or rejects with the server's error. */
  function call(method: string, params: unknown): Promise<unknown> {
    if (closed) return Promise.reject(refusal ?? options.closedError());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              pending.delete(id);
              reject(
                new StyxyError('STYXY_TIMEOUT', `no answer to "${method}" within ${timeoutMs} ms`, {
                  hint: 'the coordinator may be overloaded or stuck; see `styxy doctor`',
                }),
              );
            }, timeoutMs)
          : undefined;
      timer?.unref();
      pending.set(id, { resolve, reject, timer, method });
      if (!connection.send(REQUEST, { id, method, params: params ?? {} })) {
        pending.delete(id);
        if (timer) clearTimeout(timer);
        reject(
          closed
            ? (refusal ?? options.closedError())
            : new StyxyError('STYXY_BAD_REQUEST', `the "${method}" request is larger than the largest message allowed`),
        );
      }
    });
  }

  const client: RpcClient<P> = {
    get closed() {
      return closed;
    },
    get greeted() {
      return greeted;
    },
    call: call as RpcClient<P>['call'],
    close() {
      if (closed) return;
      closedByUs = true;
      connection.close();
    },
  };

  const hello = call(HELLO, { ...options.hello, protocol: options.protocolVersion });
  // Whoever needs the answer awaits it; the calls behind it fail with the same error anyway.
  hello.catch(() => {});
  return { client, hello: hello as Promise<P['hello']['result']> };
}
