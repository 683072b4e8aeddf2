/**
 * The client of a stack's control socket (protocol/control.ts): what `attach`, `logs -f`,
 * `restart` and `down` use to reach a running supervisor. Queries have a deadline; actions wait
 * as long as the caller says (a restart lasts as long as the service takes to be ready).
 */
import {
  CONTROL_PROTOCOL_VERSION,
  type ControlHello,
  type StopStackResult,
  type SubscribeResult,
} from '../protocol/control.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import type { LogLine, StackSnapshot } from '../protocol/stack.js';
import { connectRpc, type RpcClient } from '../transport/rpc-client.js';
import { isSnapshot, readHello, readLines, readSnapshot, readStopResult, readSubscribe } from './control-wire.js';

/** What a subscription delivers. `dropped`: lines left out before these (the reader was slow). */
export type StackStreamEvent =
  | { readonly type: 'snapshot'; readonly snapshot: StackSnapshot }
  | { readonly type: 'logs'; readonly lines: readonly LogLine[]; readonly dropped: number };

export interface Subscription extends SubscribeResult {
  /** Starts delivering events; those that arrived since the subscription come first. */
  listen(handler: (event: StackStreamEvent) => void): void;
}

export interface ControlConnectOptions {
  /** Limit for connecting, the hello and each query, in ms. @default 5000 */
  readonly timeoutMs?: number;
  /** Who connects (the supervisor's log only). */
  readonly kind?: string;
}

/** A limit for an action; none by default (the supervisor always answers, or the connection ends). */
export interface ActionOptions {
  readonly timeoutMs?: number;
}

export interface ControlClient {
  /** The stack that answered. */
  readonly stack: ControlHello['stack'];
  readonly closed: boolean;
  snapshot(): Promise<StackSnapshot>;
  logs(options?: { readonly service?: string; readonly limit?: number }): Promise<LogLine[]>;
  subscribe(options?: {
    readonly service?: string;
    readonly logs?: boolean;
    readonly backlog?: number;
  }): Promise<Subscription>;
  restartService(service: string, options?: ActionOptions): Promise<void>;
  stopService(service: string, options?: ActionOptions): Promise<void>;
  startService(service: string, options?: ActionOptions): Promise<void>;
  /** Resolves once every process of the stack is gone and its ports are released. */
  stopStack(options?: { readonly force?: boolean } & ActionOptions): Promise<StopStackResult>;
  /** Called once when the connection ends other than by `close()` (the stack stopped, or its supervisor died). */
  onClose(listener: () => void): () => void;
  close(): void;
}

export function controlUnreachable(socketPath: string, reason: string): StyxyError {
  return new StyxyError(
    'STYXY_STACK_UNREACHABLE',
    `the stack's control socket ${socketPath} does not answer (${reason})`,
    {
      hint: 'its supervisor may be stuck or gone: `styxy down` stops it anyway',
      details: { socket: socketPath, reason },
    },
  );
}

function connectionClosed(): StyxyError {
  return new StyxyError('STYXY_STACK_UNREACHABLE', 'the connection to the stack closed (its supervisor has stopped)', {
    details: { reason: 'closed' },
  });
}

function timedOut(what: string, ms: number): StyxyError {
  return new StyxyError('STYXY_TIMEOUT', `the stack's supervisor did not answer ${what} within ${ms / 1000} s`, {
    hint: 'it may be stuck: `styxy down` stops it anyway',
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number | undefined, what: string): Promise<T> {
  if (ms === undefined || ms <= 0) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut(what, ms)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export async function connectControl(socketPath: string, options: ControlConnectOptions = {}): Promise<ControlClient> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const closeListeners = new Set<() => void>();
  let onEvent: (event: string, data: unknown) => void = () => {};
  const connecting = connectRpc({
    socketPath,
    protocolVersion: CONTROL_PROTOCOL_VERSION,
    hello: { kind: options.kind ?? 'cli' },
    requestTimeoutMs: 0, // deadlines are per call, below
    closedError: connectionClosed,
    onEvent: (event, data) => onEvent(event, data),
    onClose: () => {
      for (const listener of closeListeners) {
        try {
          listener();
        } catch {}
      }
      closeListeners.clear();
    },
  });
  let rpc: RpcClient;
  let hello: ControlHello;
  try {
    const connected = await withTimeout(connecting, timeoutMs, 'the hello');
    rpc = connected.client;
    hello = readHello(connected.hello);
  } catch (error) {
    // Given up on (too slow, or a malformed hello): a connection made after all is closed.
    void connecting.then(({ client }) => client.close()).catch(() => {});
    if (isStyxyError(error)) throw error;
    throw controlUnreachable(socketPath, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }

  const query = (method: string, params: unknown) => withTimeout(rpc.request(method, params), timeoutMs, `"${method}"`);
  const act = async (method: string, params: unknown, limit: number | undefined) =>
    withTimeout(rpc.request(method, params), limit, `"${method}"`);

  return {
    stack: hello.stack,
    get closed() {
      return rpc.closed;
    },
    snapshot: async () => readSnapshot(await query('snapshot', {})),
    logs: async (params = {}) => readLines(((await query('logs', params)) as { lines?: unknown } | null)?.lines),
    async subscribe(params = {}) {
      // Events can arrive in the same read as the reply, before this function resumes: they
      // wait here until the caller listens.
      const waiting: StackStreamEvent[] = [];
      let handler: ((event: StackStreamEvent) => void) | null = null;
      onEvent = (event, data) => {
        const parsed = readEvent(event, data);
        if (!parsed) return;
        if (handler) handler(parsed);
        else waiting.push(parsed);
      };
      const result = readSubscribe(await query('subscribe', params));
      return {
        ...result,
        listen(next) {
          handler = next;
          for (const event of waiting.splice(0)) next(event);
        },
      };
    },
    restartService: async (service, limits = {}) => {
      await act('restartService', { service }, limits.timeoutMs);
    },
    stopService: async (service, limits = {}) => {
      await act('stopService', { service }, limits.timeoutMs);
    },
    startService: async (service, limits = {}) => {
      await act('startService', { service }, limits.timeoutMs);
    },
    stopStack: async ({ force = false, timeoutMs: limit } = {}) =>
      readStopResult(await act('stopStack', { force }, limit)),
    onClose(listener) {
      if (rpc.closed) {
        queueMicrotask(listener);
        return () => {};
      }
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close: () => rpc.close(),
  };
}

function readEvent(event: string, data: unknown): StackStreamEvent | null {
  if (typeof data !== 'object' || data === null) return null;
  const fields = data as Record<string, unknown>;
  if (event === 'snapshot') return isSnapshot(fields.snapshot) ? { type: 'snapshot', snapshot: fields.snapshot } : null;
  if (event === 'logs') {
    const dropped = typeof fields.dropped === 'number' && fields.dropped > 0 ? fields.dropped : 0;
    return { type: 'logs', lines: readLines(fields.lines), dropped };
  }
  return null;
}
