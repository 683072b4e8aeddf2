/**
 * Styxy's one error class. `code` is API: scripts and tests match on it, so codes are never
 * renamed or reused. `exitCode` is what the CLI exits with; `hint` is something to run.
 */

/** Every error code Styxy raises, with the exit code the CLI uses for it. */
export const ERROR_CODES = {
  /** A flag, argument or command the CLI does not know (exit 2, like other Unix tools). */
  STYXY_USAGE: 2,
  /** The project config could not be found. */
  STYXY_CONFIG_NOT_FOUND: 1,
  /** The project config exists but is invalid (syntax, schema, references, cycles). */
  STYXY_CONFIG_INVALID: 1,
  /** `styxy init` found a config already there. */
  STYXY_CONFIG_EXISTS: 1,
  /** `styxy init` could not read or convert the file it was to start from (a Procfile, …). */
  STYXY_INIT_SOURCE_INVALID: 1,
  /** `$STYXY_HOME/config.json` (service types) is invalid. */
  STYXY_HOME_CONFIG_INVALID: 1,
  /** A requested port (fixed or preferred-and-required) is held by a lease or another program. */
  STYXY_PORT_TAKEN: 1,
  /** No free port is left in a service type's range. */
  STYXY_RANGE_EXHAUSTED: 1,
  /** A service type name that is not configured. */
  STYXY_UNKNOWN_TYPE: 1,
  /** The coordinator could not be reached or started. */
  STYXY_COORDINATOR_UNAVAILABLE: 1,
  /** The coordinator speaks another protocol version. */
  STYXY_PROTOCOL_MISMATCH: 1,
  /** A message that failed validation (sent back to the peer that sent it). */
  STYXY_BAD_REQUEST: 1,
  /**
   * A reply that does not have the shape its protocol says (a peer of another Styxy build, or a
   * bug): the client refuses it rather than trust it.
   */
  STYXY_PROTOCOL_ERROR: 1,
  /** A stack with this project and name is already running. */
  STYXY_STACK_RUNNING: 1,
  /**
   * Two configs share a shared service's key but would run different things (command, cwd, env,
   * ports): the message names both files and the difference.
   */
  STYXY_SHARED_MISMATCH: 1,
  /** No running stack matches (project folder / --name). */
  STYXY_STACK_NOT_FOUND: 1,
  /** The stack is stopping: no service of it can be started or restarted any more. */
  STYXY_STACK_STOPPING: 1,
  /** A service name that the stack does not have. */
  STYXY_UNKNOWN_SERVICE: 1,
  /** `--profile` / `STYXY_PROFILES` names a profile no service of the config has. */
  STYXY_UNKNOWN_PROFILE: 1,
  /** A port name that the service does not have. */
  STYXY_UNKNOWN_PORT: 1,
  /** A service failed to start, failed its readiness check, or kept crashing. */
  STYXY_SERVICE_FAILED: 1,
  /** A wait (readiness, `up -d`, `down`) ran past its deadline. */
  STYXY_TIMEOUT: 1,
  /** Styxy was interrupted (SIGINT) before it finished. */
  STYXY_INTERRUPTED: 130,
  /** A bug: something that should not happen. Printed with its stack trace. */
  STYXY_INTERNAL: 1,
  /**
   * After a coordinator restart or a dropped connection, some of what this owner held (ports,
   * its stack) was taken by another owner in between. `details` lists what was lost.
   */
  STYXY_RECLAIM_FAILED: 1,
  /** A request about a stack or process that belongs to another owner (or to nobody). */
  STYXY_NOT_OWNER: 1,
  /** A running stack's control socket does not answer (its supervisor is stuck, gone, or of another version). */
  STYXY_STACK_UNREACHABLE: 1,
  /**
   * A folder or file Styxy would trust (STYXY_HOME, the socket folder, cache/, stacks/, their
   * files) is not the user's own: another owner, a symbolic link, writable by others, or inside a
   * folder another user could swap. `details` names the path and its owner.
   */
  STYXY_HOME_UNSAFE: 1,
  /** The coordinator could not record a grant on disk (no space left, an I/O error): nothing was granted. */
  STYXY_STATE_WRITE_FAILED: 1,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface StyxyErrorOptions {
  /** Something the user can run or change, e.g. "run `styxy check 3000` to see the holder". */
  readonly hint?: string;
  /** The underlying error, kept for debugging (printed with `STYXY_DEBUG=1`). */
  readonly cause?: unknown;
  /** Overrides the exit code that `code` implies. */
  readonly exitCode?: number;
  /** Machine-readable facts about the error (the holder of a port, the known types…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class StyxyError extends Error {
  override readonly name = 'StyxyError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: StyxyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ERROR_CODES[code];
    this.details = options.details;
  }

  /** The wire form sent in an error reply (no stack, no cause). */
  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  /** Rebuilds an error received over the wire; unknown codes become STYXY_INTERNAL. */
  static fromWire(wire: WireError): StyxyError {
    const code = isErrorCode(wire.code) ? wire.code : 'STYXY_INTERNAL';
    return new StyxyError(code, wire.message, {
      ...(wire.hint === undefined ? {} : { hint: wire.hint }),
      ...(wire.details === undefined ? {} : { details: wire.details }),
    });
  }
}

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** Unlike `instanceof`, this works across module copies (dist vs src in tests). */
export function isStyxyError(error: unknown): error is StyxyError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'StyxyError' &&
    isErrorCode((error as { code?: unknown }).code)
  );
}
