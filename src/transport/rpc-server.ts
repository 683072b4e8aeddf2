/**
 * A request/reply server over ipc.ts: validates every frame at the edge, requires a hello with
 * the protocol version first, runs each connection's requests in order, and answers every
 * request, whatever it holds (but those a peer pipelined behind a hello it refused: that
 * hello's error answers them all, and the connection closes). Nothing a peer sends can throw out of here: a broken frame gets an
 * error reply and its connection closed; a bad request gets an error reply.
 */
import type { Socket } from 'node:net';
import type { z } from 'zod';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import type { MethodMap } from '../protocol/methods.js';
import {
  badRequest,
  EVENT,
  errorReply,
  HELLO,
  okReply,
  REPLY,
  REQUEST,
  type Reply,
  type RequestId,
} from './envelope.js';
import { type IpcLimits, listenIpc } from './ipc.js';
import { rateLimited } from './rate-limited.js';

/** Requests queued on one connection before new ones are refused. */
const MAX_QUEUED = 256;
/** Lines a second that reach the server's log: peers cause them. */
const LOG_LINES_PER_SECOND = 20;
/** A connection that has not said hello by then is closed. */
export const HELLO_TIMEOUT_MS = 5000;
/**
 * Connections waiting for their hello at once; past it, the oldest is closed. Every peer of an
 * owner-only socket is the same user (or root), so this is that user's budget: a client that
 * opens thousands of connections and says nothing cannot lock the others out (a new client
 * says hello within milliseconds, long before 64 newer ones push it out).
 */
export const MAX_AWAITING_HELLO = 64;

/** One connected peer, as handlers see it. */
export interface Peer {
  /** Unique within this server's life. */
  readonly id: number;
  readonly closed: boolean;
  /**
   * Bytes sent to this peer that it has not taken yet (the socket's write backlog): a server that
   * streams events checks it to leave out what a slow peer cannot keep up with.
   */
  readonly pendingBytes: number;
  /** Pushes an event to this peer. False when it could not be sent. */
  send(event: string, data: unknown): boolean;
  /** Closes the connection once what was sent is flushed. */
  close(): void;
}

export interface RpcMethod<Session, Params = unknown> {
  readonly params: z.ZodType<Params>;
  readonly handle: (params: Params, session: Session, peer: Peer) => unknown;
}

/** A server's methods: the table, or how to load it (with the first request: see `serveRpc`). */
export type RpcMethods<Session> =
  | Readonly<Record<string, RpcMethod<Session>>>
  | (() => Promise<Readonly<Record<string, RpcMethod<Session>>>>);

/** Builds a method entry with its params type inferred from the schema. */
export function method<Session, Params>(
  params: z.ZodType<Params>,
  handle: (params: Params, session: Session, peer: Peer) => unknown,
): RpcMethod<Session> {
  return { params, handle } as RpcMethod<Session>;
}

/** Each method's params schema (a protocol's params map). */
export type ParamSchemas<P extends MethodMap> = { readonly [M in keyof P]: z.ZodType };

/** What a handler may answer: a method whose result is null may return nothing (sent as null). */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers of such methods are `(…) => void` functions
type Answer<R> = R extends null ? R | void : R;

/** A handler for every method of `P` but `hello` (which `RpcServerOptions.hello` answers). */
export type Handlers<Session, P extends MethodMap, S extends ParamSchemas<P>> = {
  readonly [M in Exclude<keyof P & keyof S, 'hello'>]: (
    params: z.output<S[M]>,
    session: Session,
    peer: Peer,
  ) => Answer<P[M]['result']> | Promise<Answer<P[M]['result']>>;
};

/**
 * A protocol's method table from its method map: each handler takes what its params schema
 * outputs and must answer the method's result type (the shape its clients check).
 */
export function methodTable<Session, P extends MethodMap, S extends ParamSchemas<P>>(
  schemas: S,
  handlers: Handlers<Session, P, S>,
): Readonly<Record<string, RpcMethod<Session>>> {
  const table: Record<string, RpcMethod<Session>> = {};
  for (const [name, handle] of Object.entries(handlers)) {
    table[name] = method(schemas[name as keyof S]!, handle as RpcMethod<Session>['handle']);
  }
  return table;
}

export interface RpcServerOptions<Session> {
  readonly socketPath: string;
  readonly protocolVersion: number;
  /** The error answered to a hello of another protocol version (the connection then closes). */
  readonly mismatch: (peerVersion: number | null) => StyxyError;
  /** Accepts a hello (its full params) and returns the session and the hello's result. */
  readonly hello: (params: unknown, peer: Peer) => Promise<{ session: Session; result: object }>;
  readonly methods: RpcMethods<Session>;
  /** A peer's connection closed; `session` is null when it never finished its hello. */
  readonly onDisconnect?: (session: Session | null, peer: Peer) => void;
  /** Protocol violations and handler bugs, for the log (at most 20 lines a second reach it). */
  readonly log: (line: string) => void;
  readonly limits?: IpcLimits;
  /** @default HELLO_TIMEOUT_MS */
  readonly helloTimeoutMs?: number;
  /** @default MAX_AWAITING_HELLO */
  readonly maxAwaitingHello?: number;
}

export interface RpcServer {
  readonly connections: number;
  /** Every peer that finished its hello. */
  peers(): Peer[];
  close(): void;
}

interface Connection<Session> {
  readonly peer: Peer;
  readonly socket: Socket;
  session: Session | null;
  /** Resolves when the previous request of this connection is done (requests run in order). */
  tail: Promise<void>;
  readonly queued: Set<RequestId>;
  closed: boolean;
  /** Set by a reply that ends the conversation (a version mismatch, no hello). */
  closeAfterReply: boolean;
  /** Closes it if no hello comes in time (cleared by the hello). */
  helloTimer: NodeJS.Timeout | null;
}

type EnvelopeSchemas = typeof import('./envelope-schemas.js');
let envelope: EnvelopeSchemas | null = null;
let envelopeLoad: Promise<EnvelopeSchemas> | null = null;

/**
 * The envelope's schemas (zod), loaded with the first frame a server of this process receives,
 * as a lazy `methods` loads the params schemas with the first request: a server that is never
 * spoken to (a background stack's control socket, mostly) never loads zod
 * (docs/performance.md, "Scale and supervisor memory").
 */
function loadEnvelope(): Promise<EnvelopeSchemas> {
  envelopeLoad ??= import('./envelope-schemas.js').then((schemas) => {
    envelope = schemas;
    return schemas;
  });
  return envelopeLoad;
}

export async function serveRpc<Session>(options: RpcServerOptions<Session>): Promise<RpcServer> {
  const connections = new Map<Socket, Connection<Session>>();
  /** Connections without a hello yet, oldest first. */
  const awaitingHello = new Set<Connection<Session>>();
  const helloTimeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
  const maxAwaitingHello = options.maxAwaitingHello ?? MAX_AWAITING_HELLO;
  let nextPeerId = 1;
  let methodsLoad: Promise<Readonly<Record<string, RpcMethod<Session>>>> | null = null;
  const methods = () => {
    const given = options.methods;
    if (typeof given !== 'function') return given;
    methodsLoad ??= given();
    return methodsLoad;
  };
  const log = rateLimited((line: string) => {
    try {
      options.log(line);
    } catch {
      // A log that cannot be written must not take the server down.
    }
  }, LOG_LINES_PER_SECOND);

  const server = await listenIpc(
    options.socketPath,
    {
      onConnect(socket) {
        const connection: Connection<Session> = {
          peer: {
            id: nextPeerId++,
            get closed() {
              return connection.closed;
            },
            get pendingBytes() {
              return socket.writableLength;
            },
            send: (event, data) => server.send(socket, EVENT, { event, data }),
            close: () => endSocket(socket),
          },
          socket,
          session: null,
          tail: Promise.resolve(),
          queued: new Set(),
          closed: false,
          closeAfterReply: false,
          helloTimer: null,
        };
        connections.set(socket, connection);
        connection.helloTimer = setTimeout(() => {
          if (connection.session !== null || connection.closed) return;
          log(`peer ${connection.peer.id}: no hello within ${helloTimeoutMs} ms; closing its connection`);
          socket.destroy();
        }, helloTimeoutMs);
        connection.helloTimer.unref();
        awaitingHello.add(connection);
        if (awaitingHello.size > maxAwaitingHello) {
          const oldest = awaitingHello.values().next().value!;
          awaitingHello.delete(oldest);
          log(`peer ${oldest.peer.id}: closed, ${maxAwaitingHello} newer connections wait for their hello`);
          oldest.socket.destroy();
        }
      },
      onMessage(type, data, socket) {
        const connection = connections.get(socket);
        // Once refused, the rest of what the peer sent is not read.
        if (!connection || connection.closed || socket.writableEnded) return;
        if (type !== REQUEST) {
          refuse(connection, null, `unknown message type "${type.slice(0, 64)}": expected "${REQUEST}"`);
          return;
        }
        if (envelope) receive(connection, data, envelope);
        else {
          // Frames that arrive meanwhile wait here too, in order (the continuations run in turn).
          loadEnvelope().then(
            (schemas) => receive(connection, data, schemas),
            (error: unknown) => {
              log(`cannot validate requests: ${error instanceof Error ? error.message : String(error)}`);
              socket.destroy();
            },
          );
        }
      },
      onClose(socket) {
        const connection = connections.get(socket);
        if (!connection) return;
        connections.delete(socket);
        connection.closed = true;
        helloDone(connection);
        options.onDisconnect?.(connection.session, connection.peer);
      },
      onPeerError(error) {
        log(`peer dropped: ${(error as { code?: string }).code ?? 'error'}: ${error.message}`);
      },
      onBug(error) {
        log(`bug in a socket handler: ${error instanceof Error ? error.stack : String(error)}`);
      },
    },
    options.limits,
  );

  function send(connection: Connection<Session>, reply: Reply): void {
    const socket = connection.socket;
    if (connection.closed || socket.destroyed || socket.writableEnded) return;
    if (server.send(socket, REPLY, reply)) return;
    if (socket.destroyed) return;
    // The reply could not be encoded (over the frame cap): say so instead.
    const tooLarge = badRequest('the reply is larger than the largest message allowed');
    server.send(socket, REPLY, errorReply(reply.id, new StyxyError('STYXY_INTERNAL', tooLarge.message)));
  }

  /** Answers a frame that breaks the envelope and closes the connection: the peer is broken. */
  function refuse(connection: Connection<Session>, id: RequestId | null, message: string): void {
    log(`peer ${connection.peer.id}: ${message}; closing its connection`);
    send(connection, errorReply(id, badRequest(message)));
    endSocket(connection.socket);
  }

  function receive(connection: Connection<Session>, data: unknown, schemas: EnvelopeSchemas): void {
    if (connection.closed) return;
    const request = schemas.requestSchema.safeParse(data);
    if (!request.success) {
      const withId = schemas.requestIdSchema.safeParse(data);
      const id = withId.success ? withId.data.id : null;
      refuse(connection, id, `malformed request: ${schemas.describeIssues(request.error)}`);
      return;
    }
    const { id, method: name, params } = request.data;
    if (connection.queued.has(id)) {
      send(connection, errorReply(id, badRequest(`request id ${JSON.stringify(id)} is already in flight`)));
      return;
    }
    if (connection.queued.size >= MAX_QUEUED) {
      send(connection, errorReply(id, badRequest(`more than ${MAX_QUEUED} requests in flight on one connection`)));
      return;
    }
    connection.queued.add(id);
    connection.tail = connection.tail.then(async () => {
      try {
        // The conversation ended (a refused hello): what the peer pipelined behind it is not run.
        if (connection.closeAfterReply) return;
        send(connection, await answer(connection, name, params, id, schemas));
        if (connection.closeAfterReply) endSocket(connection.socket);
      } catch (error) {
        log(`bug answering ${name}: ${error instanceof Error ? error.stack : String(error)}`);
      } finally {
        connection.queued.delete(id);
      }
    });
  }

  async function answer(
    connection: Connection<Session>,
    name: string,
    params: unknown,
    id: RequestId,
    schemas: EnvelopeSchemas,
  ): Promise<Reply> {
    if (connection.closed) return errorReply(id, badRequest('connection closed'));
    try {
      if (name === HELLO) {
        const reply = await hello(connection, params, id, schemas);
        // A refused hello ends the conversation (clients pipeline their first requests behind it).
        if (!reply.ok && connection.session === null) connection.closeAfterReply = true;
        return reply;
      }
      const session = connection.session;
      if (session === null) {
        connection.closeAfterReply = true;
        return errorReply(id, badRequest(`the first request must be "${HELLO}" (got "${name}")`));
      }
      const table = await methods();
      const entry = Object.hasOwn(table, name) ? table[name] : undefined;
      if (!entry) return errorReply(id, badRequest(`unknown method "${name}"`, { method: name }));
      const parsed = entry.params.safeParse(params ?? {});
      if (!parsed.success) {
        return errorReply(id, badRequest(`invalid params for "${name}": ${schemas.describeIssues(parsed.error)}`));
      }
      return okReply(id, await entry.handle(parsed.data, session, connection.peer));
    } catch (error) {
      if (name === HELLO && connection.session === null) connection.closeAfterReply = true;
      if (isStyxyError(error)) return errorReply(id, error);
      log(`bug in "${name}": ${error instanceof Error ? error.stack : String(error)}`);
      return errorReply(id, new StyxyError('STYXY_INTERNAL', `internal error in "${name}": ${String(error)}`));
    }
  }

  async function hello(
    connection: Connection<Session>,
    params: unknown,
    id: RequestId,
    schemas: EnvelopeSchemas,
  ): Promise<Reply> {
    if (connection.session !== null) return errorReply(id, badRequest(`"${HELLO}" was already said`));
    const version = schemas.helloVersionSchema.safeParse(params);
    const peerVersion = version.success ? version.data.protocol : null;
    if (peerVersion !== options.protocolVersion) {
      connection.closeAfterReply = true;
      return errorReply(id, options.mismatch(peerVersion));
    }
    const { session, result } = await options.hello(params, connection.peer);
    if (connection.closed) {
      // Gone while we said hello: let the owner of the session know it is already disconnected.
      options.onDisconnect?.(session, connection.peer);
      return errorReply(id, badRequest('connection closed'));
    }
    connection.session = session;
    helloDone(connection);
    return okReply(id, { protocol: options.protocolVersion, ...result });
  }

  function helloDone(connection: Connection<Session>): void {
    if (connection.helloTimer) clearTimeout(connection.helloTimer);
    connection.helloTimer = null;
    awaitingHello.delete(connection);
  }

  return {
    get connections() {
      return connections.size;
    },
    peers() {
      return [...connections.values()].filter((c) => c.session !== null && !c.closed).map((c) => c.peer);
    },
    close() {
      server.close();
    },
  };
}

/** Half-closes after flushing, and destroys if the peer does not close within a second. */
function endSocket(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
