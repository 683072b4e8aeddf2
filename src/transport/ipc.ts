/**
 * The one module that imports node-ipc. It frames JSON messages over a Unix socket (a named pipe
 * on Windows) and nothing else: every other decision (validation, request ids, hello, ownership)
 * is ours, in rpc-server.ts and rpc-client.ts.
 *
 * node-ipc 14 facts this module relies on (read from its source):
 * - A fresh `IPCModule` per server, never the shared singleton, so settings of one never leak into
 *   another. Clients use node-ipc's guarded parser over `node:net` themselves (connectIpc), so
 *   that a short command never loads the module's TLS and UDP code.
 * - The 'guarded' parser caps frame size, pending writes and event-name length, and drops a peer
 *   whose input stays incomplete too long; a violation destroys that socket only. The timer
 *   starts at a read that ends mid-frame and stops only at one that ends on a frame's end, so a
 *   peer that streams large frames back to back for that long is dropped too.
 * - `unlink` defaults to true: the server would delete whatever is at its path, silently taking
 *   over a live socket. We set it false; socket-path.ts does the careful stale-socket cleanup.
 * - A handler that throws inside node-ipc's data path is rethrown from the socket's 'data' event
 *   and crashes the process. Every callback here is wrapped so that it never throws.
 */
import { connect, type Socket } from 'node:net';
import { dirname, sep } from 'node:path';
import type { IPCModule } from 'node-ipc';
import { GuardedParser, IPCProtocolError } from 'node-ipc/parsers';

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

/** node-ipc's full module, loaded by the first server only (see connectIpc). */
let ipcModule: Promise<typeof import('node-ipc')> | null = null;

async function newModule(socketPath: string, limits: IpcLimits): Promise<IPCModule> {
  ipcModule ??= import('node-ipc');
  const ipc = new (await ipcModule).IPCModule();
  const config = ipc.config;
  config.silent = true;
  config.logger = () => {};
  config.logPayloads = false;
  config.parser = 'guarded';
  config.maxMessageSize = limits.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  config.messageTimeout = INCOMPLETE_FRAME_MS;
  config.unlink = false;
  // node-ipc creates this folder owner-only and refuses one owned by someone else or a symlink.
  config.socketRoot = dirname(socketPath) + sep;
  config.secureSocketRoot = true;
  config.readableAll = false;
  config.writableAll = false;
  config.maxConnections = MAX_CONNECTIONS;
  config.maxRetries = 0;
  config.stopRetrying = true;
  return ipc;
}

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
 * Listens on `socketPath`, which must not exist (see socket-path.ts). Rejects with the listen
 * error (EADDRINUSE when something appeared there meanwhile).
 */
export async function listenIpc(
  socketPath: string,
  handlers: IpcServerHandlers,
  limits: IpcLimits = {},
): Promise<IpcServer> {
  const ipc = await newModule(socketPath, limits);
  const onBug = handlers.onBug;
  return new Promise((resolve, reject) => {
    let started = false;
    ipc.serve(socketPath);
    const server = ipc.server;
    if (!server) {
      reject(new Error('node-ipc did not create a server'));
      return;
    }
    server.on(
      'start',
      guard(() => {
        started = true;
        resolve({
          send(socket, type, data) {
            if (socket.destroyed || socket.writableEnded) return false;
            try {
              // A false return is only backpressure (the frame is queued); the guarded writer
              // destroys a socket whose backlog passes its cap.
              server.emit(socket, type, data);
            } catch {
              // The guarded parser refuses to encode an oversized frame.
              return false;
            }
            return !socket.destroyed;
          },
          close() {
            try {
              server.stop();
            } catch (error) {
              onBug(error);
            }
          },
        });
      }, onBug),
    );
    server.on(
      'connect',
      guard((socket: Socket) => {
        socket.once(
          'close',
          guard(() => handlers.onClose(socket), onBug),
        );
        handlers.onConnect(socket);
      }, onBug),
    );
    server.on(
      'error',
      guard((error: Error) => {
        if (!started) reject(error);
        else handlers.onPeerError(error);
      }, onBug),
    );
    server.on(
      '*',
      guard((type: string, data: unknown, socket: Socket) => {
        if (!LIFECYCLE.has(type)) handlers.onMessage(type, data, socket);
      }, onBug),
    );
    try {
      server.start();
    } catch (error) {
      reject(error);
    }
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
 * node-ipc's guarded parser for the client side, with our limits. Its defaults (delimiter, the
 * cap on pending writes, the event-name cap, no reserved event names) are node-ipc's own, read
 * from a parser made with them.
 */
function clientParser(limits: IpcLimits): GuardedParser {
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

/** node-ipc's client's path for a local socket (a named pipe on Windows). */
function localPath(socketPath: string): string {
  if (process.platform !== 'win32' || socketPath.startsWith('\\\\.\\pipe\\')) return socketPath;
  return `\\\\.\\pipe\\${socketPath.replace(/^\//, '').replace(/\//g, '-')}`;
}

/**
 * Connects to `socketPath`. Rejects with the socket error (ENOENT: nothing there, ECONNREFUSED:
 * a stale socket) when it cannot connect. No retries: callers decide (client/open-connection.ts).
 *
 * The client is node-ipc's local-socket client written out over `node:net` with node-ipc's own
 * guarded parser (`node-ipc/parsers`): the same frames, caps and incomplete-frame timer as its
 * `IPCModule` client (dao/client.js, whose connect/receive/write paths this follows), without
 * loading what only TCP, TLS and UDP use. Importing the whole module costs every short command
 * `node:tls` and `node:dgram` (~15 ms and 2 MB); the server below still uses it, loaded on
 * first `listenIpc`.
 */
export function connectIpc(
  socketPath: string,
  handlers: IpcClientHandlers,
  limits: IpcLimits = {},
): Promise<IpcConnection> {
  const parser = clientParser(limits);
  const onBug = handlers.onBug;
  return new Promise((resolve, reject) => {
    const socket = connect({ path: localPath(socketPath) });
    socket.setEncoding('utf8');
    let connected = false;
    let closed = false;
    let lastError: Error | undefined;
    let buffer = '';
    let frameTimer: NodeJS.Timeout | undefined;
    const stopFrameTimer = () => {
      clearTimeout(frameTimer);
      frameTimer = undefined;
    };
    // As node-ipc's protocolFailure: the connection is dropped, the error is why.
    const protocolFailure = (error: Error) => {
      stopFrameTimer();
      buffer = '';
      lastError = error;
      socket.destroy();
    };
    const receive = guard((message: { type: string; data: unknown }) => {
      if (!LIFECYCLE.has(message.type)) handlers.onMessage(message.type, message.data);
    }, onBug);
    socket.on('error', (error: Error) => {
      lastError = error;
    });
    socket.once(
      'close',
      guard(() => {
        closed = true;
        stopFrameTimer();
        if (!connected) {
          reject(lastError ?? new Error(`connection to ${socketPath} closed`));
          return;
        }
        handlers.onClose(lastError);
      }, onBug),
    );
    socket.on('data', (data: string) => {
      try {
        buffer = parser.read(buffer, data, receive);
      } catch (error) {
        // The parser throws only IPCProtocolError (too large, not JSON, a bad event name).
        protocolFailure(error as Error);
        return;
      }
      if (socket.destroyed) return;
      if (buffer === '') stopFrameTimer();
      else if (!frameTimer) {
        frameTimer = setTimeout(
          () =>
            protocolFailure(
              new IPCProtocolError('ERR_IPC_MESSAGE_TIMEOUT', 'incomplete message exceeded messageTimeout'),
            ),
          parser.messageTimeout,
        );
        frameTimer.unref();
      }
    });
    socket.once(
      'connect',
      guard(() => {
        connected = true;
        resolve({
          send(type, data) {
            if (closed || socket.destroyed) return false;
            let frame: string;
            try {
              frame = parser.encode(type, data);
            } catch {
              return false; // too large, or a name the parser refuses
            }
            if (socket.writableLength + Buffer.byteLength(frame) > parser.maxPendingBytes) {
              protocolFailure(
                new IPCProtocolError('ERR_IPC_BACKPRESSURE', 'pending socket writes exceed maxPendingBytes'),
              );
              return false;
            }
            socket.write(frame);
            return !socket.destroyed;
          },
          close() {
            socket.destroy();
          },
        });
      }, onBug),
    );
  });
}
