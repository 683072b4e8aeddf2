/**
 * The one module that imports node-ipc. It frames JSON messages over a Unix socket (a named pipe
 * on Windows) and nothing else: every other decision (validation, request ids, hello, ownership)
 * is ours, in rpc-server.ts and rpc-client.ts.
 *
 * Both sides are node-ipc 14's local-socket server and client (dao/socketServer.js, dao/client.js)
 * written out over `node:net` with node-ipc's own guarded parser (`node-ipc/parsers`): the same
 * frames, caps and incomplete-frame timer, without the module's TCP, TLS and UDP code. Loading
 * the whole module costs `node:tls` and `node:dgram`: ~15 ms and 2 MB for every short command
 * (the client), and 3–4 MB resident in every background supervisor (the server of its control
 * socket; docs/performance.md, "Scale and supervisor memory").
 *
 * node-ipc 14 facts this module relies on (read from its source):
 * - The 'guarded' parser caps frame size, pending writes and event-name length, and drops a peer
 *   whose input stays incomplete too long; a violation destroys that socket only. The timer
 *   starts at a read that ends mid-frame and stops only at one that ends on a frame's end, so a
 *   peer that streams large frames back to back for that long is dropped too.
 * - Its server deletes whatever is at its path first unless told not to (`unlink`), silently
 *   taking over a live socket; ours never does: socket-path.ts does the careful stale-socket cleanup.
 * - A handler that throws inside a socket's 'data' event crashes the process. Every callback here
 *   is wrapped so that it never throws.
 */
import { connect, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { GuardedParser, IPCProtocolError } from 'node-ipc/parsers';
import { ensurePrivateDir } from '../protocol/private-fs.js';

/** The largest frame either side accepts or sends, in bytes. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A peer whose input stays mid-frame this long is disconnected (see above). */
const INCOMPLETE_FRAME_MS = 5_000;
/** Far above the 50+ clients a busy machine has; each costs one fd. */
const MAX_CONNECTIONS = 4096;

/** node-ipc's own lifecycle events, published on the same emitter as peer messages. */
const LIFECYCLE = new Set([
  'start',
  'connect',
  'disconnect',
  'destroy',
  'close',
  'socket.disconnected',
  'error',
  'data',
]);

export interface IpcLimits {
  /** @default MAX_MESSAGE_BYTES */
  readonly maxMessageBytes?: number;
}

/** Called when a callback of ours threw (a bug): reported, never rethrown into node-ipc. */
export type BugReporter = (error: unknown) => void;

function guard<A extends unknown[]>(fn: (...args: A) => void, onBug: BugReporter): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (error) {
      try {
        onBug(error);
      } catch {
        // Nothing left to tell.
      }
    }
  };
}

export interface IpcServerHandlers {
  readonly onConnect: (socket: Socket) => void;
  /** A framed message of any type but node-ipc's lifecycle ones. */
  readonly onMessage: (type: string, data: unknown, socket: Socket) => void;
  readonly onClose: (socket: Socket) => void;
  /** A peer broke the framing rules (its socket is already destroyed), or a socket error. */
  readonly onPeerError: (error: Error) => void;
  readonly onBug: BugReporter;
}

export interface IpcServer {
  /** Sends one message; false when it could not be sent (too large, peer gone, backlog over its cap). */
  send(socket: Socket, type: string, data: unknown): boolean;
  /** Stops listening and drops every connection. Node removes the socket file. */
  close(): void;
}

/**
 * Listens on `socketPath`, which must not exist (see socket-path.ts), in a folder that must be
 * the user's own (checked again here, as node-ipc's `secureSocketRoot` did). Rejects with the
 * listen error (EADDRINUSE when something appeared there meanwhile).
 */
export function listenIpc(socketPath: string, handlers: IpcServerHandlers, limits: IpcLimits = {}): Promise<IpcServer> {
  const parser = guardedParser(limits);
  const onBug = handlers.onBug;
  const peerError = guard((error: Error) => handlers.onPeerError(error), onBug);
  const sockets = new Set<Socket>();
  if (process.platform !== 'win32') ensurePrivateDir(dirname(socketPath));
  const server = createServer(
    guard((socket: Socket) => {
      sockets.add(socket);
      socket.on('error', peerError);
      socket.once(
        'close',
        guard(() => {
          sockets.delete(socket);
          handlers.onClose(socket);
        }, onBug),
      );
      readFrames(
        socket,
        parser,
        guard((message: { type: string; data: unknown }) => {
          if (!LIFECYCLE.has(message.type)) handlers.onMessage(message.type, message.data, socket);
        }, onBug),
        peerError,
      );
      handlers.onConnect(socket);
    }, onBug),
  );
  server.maxConnections = MAX_CONNECTIONS;
  return new Promise((resolve, reject) => {
    let started = false;
    server.on(
      'error',
      guard((error: Error) => {
        if (!started) reject(error);
        else handlers.onPeerError(error);
      }, onBug),
    );
    server.listen(
      { path: localPath(socketPath), readableAll: false, writableAll: false },
      guard(() => {
        started = true;
        resolve({
          send(socket, type, data) {
            if (socket.destroyed || socket.writableEnded) return false;
            // A false return of write() is only backpressure (the frame is queued): not a failure.
            return writeFrame(socket, parser, type, data, peerError);
          },
          close() {
            for (const socket of sockets) socket.destroy();
            sockets.clear();
            server.close();
          },
        });
      }, onBug),
    );
  });
}

export interface IpcClientHandlers {
  readonly onMessage: (type: string, data: unknown) => void;
  /** The connection ended (by either side), with the socket error that ended it if any. */
  readonly onClose: (error: Error | undefined) => void;
  readonly onBug: BugReporter;
}

export interface IpcConnection {
  /** Sends one message; false when it could not be sent (too large, closed, backlog over its cap). */
  send(type: string, data: unknown): boolean;
  close(): void;
}

/**
 * node-ipc's guarded parser with our limits (both sides). Its defaults (delimiter, the cap on
 * pending writes, the event-name cap, no reserved event names) are node-ipc's own, read from a
 * parser made with them.
 */
function guardedParser(limits: IpcLimits): GuardedParser {
  const defaults = new GuardedParser();
  return new GuardedParser({
    delimiter: defaults.delimiter,
    maxMessageSize: limits.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    maxPendingBytes: defaults.maxPendingBytes,
    maxEventNameLength: defaults.maxEventNameLength,
    messageTimeout: INCOMPLETE_FRAME_MS,
    allowReservedEvents: false,
  });
}

/**
 * Reads `socket`'s frames into `receive`, as node-ipc's guarded receive does: a broken frame, or
 * input that stays mid-frame for the parser's `messageTimeout`, destroys the socket after
 * `onFailure` is told why.
 */
function readFrames(
  socket: Socket,
  parser: GuardedParser,
  receive: (message: { type: string; data: unknown }) => void,
  onFailure: (error: Error) => void,
): void {
  socket.setEncoding('utf8');
  let buffer = '';
  let frameTimer: NodeJS.Timeout | undefined;
  const stopFrameTimer = () => {
    clearTimeout(frameTimer);
    frameTimer = undefined;
  };
  const fail = (error: Error) => {
    stopFrameTimer();
    buffer = '';
    onFailure(error);
    socket.destroy();
  };
  socket.once('close', stopFrameTimer);
  socket.on('data', (data: string) => {
    try {
      buffer = parser.read(buffer, data, receive);
    } catch (error) {
      // The parser throws only IPCProtocolError (too large, not JSON, a bad event name).
      fail(error as Error);
      return;
    }
    if (socket.destroyed) return;
    if (buffer === '') stopFrameTimer();
    else if (!frameTimer) {
      frameTimer = setTimeout(
        () => fail(new IPCProtocolError('ERR_IPC_MESSAGE_TIMEOUT', 'incomplete message exceeded messageTimeout')),
        parser.messageTimeout,
      );
      frameTimer.unref();
    }
  });
}

/**
 * Writes one frame, as node-ipc's guarded writer does: false when it cannot be encoded (too
 * large, a name the parser refuses) or the socket is gone; a backlog past the parser's cap
 * destroys the socket after `onFailure` is told.
 */
function writeFrame(
  socket: Socket,
  parser: GuardedParser,
  type: string,
  data: unknown,
  onFailure: (error: Error) => void,
): boolean {
  let frame: string;
  try {
    frame = parser.encode(type, data);
  } catch {
    return false;
  }
  if (socket.writableLength + Buffer.byteLength(frame) > parser.maxPendingBytes) {
    onFailure(new IPCProtocolError('ERR_IPC_BACKPRESSURE', 'pending socket writes exceed maxPendingBytes'));
    socket.destroy();
    return false;
  }
  socket.write(frame);
  return !socket.destroyed;
}

/** node-ipc's path for a local socket (a named pipe on Windows). */
function localPath(socketPath: string): string {
  if (process.platform !== 'win32' || socketPath.startsWith('\\\\.\\pipe\\')) return socketPath;
  return `\\\\.\\pipe\\${socketPath.replace(/^\//, '').replace(/\//g, '-')}`;
}

/**
 * Connects to `socketPath`. Rejects with the socket error (ENOENT: nothing there, ECONNREFUSED:
 * a stale socket) when it cannot connect. No retries: callers decide (client/open-connection.ts).
 * Its connect, receive and write paths follow node-ipc's client (dao/client.js).
 */
export function connectIpc(
  socketPath: string,
  handlers: IpcClientHandlers,
  limits: IpcLimits = {},
): Promise<IpcConnection> {
  const parser = guardedParser(limits);
  const onBug = handlers.onBug;
  return new Promise((resolve, reject) => {
    const socket = connect({ path: localPath(socketPath) });
    let connected = false;
    let closed = false;
    let lastError: Error | undefined;
    // As node-ipc's protocolFailure: the connection is dropped, the error is why.
    const protocolFailure = (error: Error) => {
      lastError = error;
    };
    socket.on('error', (error: Error) => {
      lastError = error;
    });
    socket.once(
      'close',
      guard(() => {
        closed = true;
        if (!connected) {
          reject(lastError ?? new Error(`connection to ${socketPath} closed`));
          return;
        }
        handlers.onClose(lastError);
      }, onBug),
    );
    readFrames(
      socket,
      parser,
      guard((message: { type: string; data: unknown }) => {
        if (!LIFECYCLE.has(message.type)) handlers.onMessage(message.type, message.data);
      }, onBug),
      protocolFailure,
    );
    socket.once(
      'connect',
      guard(() => {
        connected = true;
        resolve({
          send(type, data) {
            if (closed || socket.destroyed) return false;
            return writeFrame(socket, parser, type, data, protocolFailure);
          },
          close() {
            socket.destroy();
          },
        });
      }, onBug),
    );
  });
}
