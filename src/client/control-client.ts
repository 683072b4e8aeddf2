/**
 * The client of a stack's control socket (protocol/control-protocol.ts, whose method map types
 * its calls and checks its replies and events): what `attach`, `logs -f`, `restart` and `down`
 * use to reach a running supervisor. Queries have a deadline; actions wait as long as the caller
 * says (a restart lasts as long as the service takes to be ready).
 */
import {
  type ApplyConfigResult,
  CONTROL_EVENTS,
  CONTROL_PROTOCOL_VERSION,
  CONTROL_RESULTS,
  type ControlEvents,
  type ControlHello,
  type ControlMethod,
  type ControlProtocol,
  MAX_INPUT_LENGTH,
  type StopStackResult,
  type SubscribeResult,
} from '../protocol/control-protocol.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import type { LogLine, StackSnapshot } from '../protocol/stack.js';
import { connectRpc, type EventOf, type RpcClient } from '../transport/rpc-client.js';

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
  logs(options?: ControlProtocol['logs']['params']): Promise<readonly LogLine[]>;
  subscribe(options?: ControlProtocol['subscribe']['params']): Promise<Subscription>;
  restartService(service: string, options?: ActionOptions): Promise<void>;
  stopService(service: string, options?: ActionOptions): Promise<void>;
  startService(service: string, options?: ActionOptions): Promise<void>;
  /** Types `data` into a running service (its stdin pipe or terminal); longer input goes in parts. */
  input(service: string, data: string): Promise<void>;
  /** Resolves once every process of the stack is gone and its ports are released. */
  stopStack(options?: { readonly force?: boolean } & ActionOptions): Promise<StopStackResult>;
  /** Makes the stack take its config as it is now on disk (see `applyConfig` in control-protocol.ts). */
  applyConfig(options?: ActionOptions): Promise<ApplyConfigResult>;
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

function malformed(what: string, problem: string): StyxyError {
  return new StyxyError('STYXY_PROTOCOL_ERROR', `the stack's supervisor sent a malformed ${what}: ${problem}`, {
    hint: 'it may be of another Styxy version: stop it with `styxy down` and start it again',
    details: { problem },
  });
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
  let onEvent: (event: EventOf<ControlEvents>) => void = () => {};
  const connecting = connectRpc<ControlProtocol, ControlEvents>({
    socketPath,
    protocolVersion: CONTROL_PROTOCOL_VERSION,
    hello: { kind: options.kind ?? 'cli' },
    results: CONTROL_RESULTS,
    events: CONTROL_EVENTS,
    malformed,
    requestTimeoutMs: 0, // deadlines are per call, below
    closedError: connectionClosed,
    onEvent: (event) => onEvent(event),
    onClose: () => {
      for (const listener of closeListeners) {
        try {
          listener();
        } catch {}
      }
      closeListeners.clear();
    },
  });
  let rpc: RpcClient<ControlProtocol>;
  let hello: ControlHello;
  try {
    ({ client: rpc, hello } = await withTimeout(connecting, timeoutMs, 'the hello'));
  } catch (error) {
    // Given up on (too slow, or a malformed hello): a connection made after all is closed.
    void connecting.then(({ client }) => client.close()).catch(() => {});
    if (isStyxyError(error)) throw error;
    throw controlUnreachable(socketPath, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }

  const query = <M extends ControlMethod>(method: M, params: ControlProtocol[M]['params']) =>
    withTimeout(rpc.call(method, params), timeoutMs, `"${method}"`);
  const act = <M extends ControlMethod>(method: M, params: ControlProtocol[M]['params'], limit: number | undefined) =>
    withTimeout(rpc.call(method, params), limit, `"${method}"`);

  return {
    stack: hello.stack,
    get closed() {
      return rpc.closed;
    },
    snapshot: () => query('snapshot', {}),
    logs: async (params = {}) => (await query('logs', params)).lines,
    async subscribe(params = {}) {
      // Events can arrive in the same read as the reply, before this function resumes: they
      // wait here until the caller listens.
      const waiting: StackStreamEvent[] = [];
      let handler: ((event: StackStreamEvent) => void) | null = null;
      onEvent = (event) => {
        const parsed = streamEvent(event);
        if (handler) handler(parsed);
        else waiting.push(parsed);
      };
      const result = await query('subscribe', params);
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
    input: async (service, data) => {
      // In parts that fit a request, in order (each waits for the one before), never cutting a
      // surrogate pair in two.
      for (let at = 0; at < data.length; ) {
        let end = Math.min(data.length, at + MAX_INPUT_LENGTH);
        if (end < data.length && /[\uD800-\uDBFF]/.test(data[end - 1]!)) end -= 1;
        await query('input', { service, data: data.slice(at, end) });
        at = end;
      }
    },
    stopStack: ({ force = false, timeoutMs: limit } = {}) => act('stopStack', { force }, limit),
    applyConfig: ({ timeoutMs: limit } = {}) => act('applyConfig', {}, limit),
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

function streamEvent(event: EventOf<ControlEvents>): StackStreamEvent {
  if (event.event === 'snapshot') return { type: 'snapshot', snapshot: event.data.snapshot };
  return { type: 'logs', lines: event.data.lines, dropped: Math.max(0, event.data.dropped) };
}
