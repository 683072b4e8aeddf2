// Types for the part of node-ipc 14.0.0 that src/transport/ipc.ts uses (the package ships none):
// its parsers entry (entities/EventParser.js), what both sides in ipc.ts frame with.
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
