// Types for the parts of node-ipc 14.0.0 that src/transport/ipc.ts uses (the package ships none).
declare module 'node-ipc' {
  import type { Socket } from 'node:net';

  // Handlers receive different arguments per event; callers annotate them.
  // biome-ignore lint/suspicious/noExplicitAny: node-ipc passes event-specific arguments
  type Handler = (...args: any[]) => void;

  interface Emitter {
    on(type: string, handler: Handler): this;
    off(type?: string, handler?: Handler | '*'): this;
  }

  export interface IpcConfig {
    appspace: string;
    socketRoot: string;
    id: string;
    encoding: BufferEncoding;
    parser: 'raw' | 'fast' | 'guarded' | 'assured';
    unlink: boolean;
    maxMessageSize: number;
    maxPendingBytes: number;
    maxEventNameLength: number;
    messageTimeout: number;
    silent: boolean;
    logPayloads: boolean;
    logger: (...args: unknown[]) => void;
    maxConnections: number;
    retry: number;
    maxRetries: number;
    stopRetrying: boolean;
    readableAll: boolean;
    writableAll: boolean;
    secureSocketRoot: boolean;
  }

  export interface IpcServer extends Emitter {
    start(): void;
    stop(): void;
    emit(socket: Socket, type: string, data: unknown): boolean;
    server: import('node:net').Server | false;
  }

  export interface IpcClient extends Emitter {
    emit(type: string, data: unknown): boolean;
    socket: Socket | false;
  }

  export class IPCModule {
    config: IpcConfig;
    of: Record<string, IpcClient>;
    server: IpcServer | false;
    serve(path: string, callback?: () => void): void;
    connectTo(id: string, path: string, callback?: () => void): void;
    disconnect(id: string): void;
  }

  export class IPCProtocolError extends Error {
    code: string;
  }
}

// node-ipc's parsers entry (entities/EventParser.js): what the client in ipc.ts frames with.
declare module 'node-ipc/parsers' {
  export interface ParserConfig {
    delimiter: string;
    maxMessageSize: number;
    maxPendingBytes: number;
    maxEventNameLength: number;
    messageTimeout: number;
    allowReservedEvents: boolean;
  }

  export class GuardedParser {
    constructor(config?: ParserConfig);
    readonly delimiter: string;
    readonly maxMessageSize: number;
    readonly maxPendingBytes: number;
    readonly maxEventNameLength: number;
    readonly messageTimeout: number;
    /** One frame: JSON of { type, data } and the delimiter. Throws IPCProtocolError when too large or a bad type. */
    encode(type: string, data: unknown): string;
    /** Calls `receive` for every whole frame in `buffer + data`; returns the incomplete rest. Throws IPCProtocolError. */
    read(buffer: string, data: string, receive: (message: { type: string; data: unknown }) => void): string;
  }

  export class IPCProtocolError extends Error {
    constructor(code: string, message: string);
    code: string;
  }
}
