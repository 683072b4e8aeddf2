/**
 * The client side of rpc-server.ts: connects, says hello with the protocol version, and turns
 * requests into promises matched to replies by id. Replies and events are validated like
 * everything else that arrives on a socket.
 */
import { StyxyError } from '../protocol/errors.js';
import { EVENT, HELLO, REPLY, REQUEST, readEvent, readReply } from './envelope.js';
import { connectIpc, type IpcConnection, type IpcLimits } from './ipc.js';

export interface RpcClientOptions {
  readonly socketPath: string;
  readonly protocolVersion: number;
  /** Sent with `protocol` in the hello. */
  readonly hello: Readonly<Record<string, unknown>>;
  /** Limit for each request (and the hello), in ms. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** The error pending and later requests fail with once the connection is gone. */
  readonly closedError: () => StyxyError;
  readonly onEvent?: (event: string, data: unknown) => void;
  /** The connection ended without `close()` being called. */
  readonly onClose?: (error: Error | undefined) => void;
  readonly limits?: IpcLimits;
}

export interface RpcClient {
  readonly closed: boolean;
  /** Resolves with the result, or rejects with the StyxyError the server answered. */
  request(method: string, params?: unknown): Promise<unknown>;
  close(): void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
  readonly method: string;
}

/**
 * Connects and says hello. Rejects with the socket error when nothing listens (its `code` is
 * ENOENT or ECONNREFUSED), or with the server's StyxyError (a version mismatch).
 */
export async function connectRpc(
  options: RpcClientOptions,
): Promise<{ client: RpcClient; hello: Record<string, unknown> }> {
  const pending = new Map<number, Pending>();
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  let nextId = 1;
  let closed = false;
  let closedByUs = false;

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
        else if (type === EVENT) {
          const event = readEvent(data);
          if (event) options.onEvent?.(event.event, event.data);
        }
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
    if (reply.ok) entry.resolve(reply.result);
    else entry.reject(StyxyError.fromWire(reply.error));
  }

  const client: RpcClient = {
    get closed() {
      return closed;
    },
    request(method, params) {
      if (closed) return Promise.reject(options.closedError());
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
              ? options.closedError()
              : new StyxyError(
                  'STYXY_BAD_REQUEST',
                  `the "${method}" request is larger than the largest message allowed`,
                ),
          );
        }
      });
    },
    close() {
      if (closed) return;
      closedByUs = true;
      connection.close();
    },
  };

  let hello: unknown;
  try {
    hello = await client.request(HELLO, { ...options.hello, protocol: options.protocolVersion });
  } catch (error) {
    client.close();
    throw error;
  }
  return { client, hello: (hello ?? {}) as Record<string, unknown> };
}
