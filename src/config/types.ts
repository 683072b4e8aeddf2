/**
 * The project config: what users write (`StyxyConfig`, typed by `defineConfig`) and what the rest
 * of Styxy runs from (`ResolvedConfig`). Every option carries its default in its JSDoc so editors
 * explain it.
 */

/**
 * A port request: a service type name (`'api'`: any free port of that type's range), or options.
 * @example 'api'
 * @example { type: 'dev', preferred: 5173 }
 * @example { fixed: 5432 }
 */
export type PortSpec = string | PortOptions;

export interface PortOptions {
  /**
   * The service type whose range the port comes from (see `styxy types`; `$STYXY_HOME/config.json`
   * adds types). Required unless the port is fixed.
   */
  type?: string;
  /**
   * A port to try first (after the port this service had last time); falls back to the type's
   * range when taken. May lie outside the range.
   */
  preferred?: number;
  /** Same as `preferred`; with `fixed: true`, the one port to use. */
  port?: number;
  /**
   * `true` (with `port`) or a port number: exactly this port, or an error naming its holder.
   * @default false
   */
  fixed?: boolean | number;
}

/** When a dependent may start: once the dependency has started, is ready, or has completed (exit 0). */
export type DependencyCondition = 'started' | 'ready' | 'completed';

/** A dependency with options (compose's long `depends_on` form). */
export interface DependencyOptions {
  /** What to wait for. @default 'ready' */
  condition?: DependencyCondition;
  /**
   * Restart this service when the dependency restarts (by its policy, by hand, unhealthy, or a
   * watched file): it is stopped, and started again once the dependency meets `condition`.
   * @default false
   */
  restart?: boolean;
}

/**
 * Readiness checks. Each takes `timeout` (ms, default 30000) and `interval` (ms, default 250);
 * timing alone (`{ timeout: 60000 }`) keeps the default check with that timing.
 */
export type ReadyCheckInput =
  /** A TCP connect to one of the service's ports (by name) succeeds. */
  | ({ port: string } & ProbeTiming)
  /**
   * An HTTP GET of this path on the service's first port (or `port`, by name) answers 2xx/3xx.
   * `${service.PORT}` references work in the path.
   */
  | ({ http: string; port?: string } & ProbeTiming)
  /**
   * A line of the service's output matches this regular expression (a RegExp keeps its flags,
   * except `g` and `y`, which would make matching depend on earlier lines).
   */
  | ({ log: string | RegExp } & ProbeTiming)
  /** This shell command exits 0 (run with the service's environment). */
  | ({ command: string } & ProbeTiming)
  /** The default check (TCP on the first port, else "started") with this timing. */
  | ProbeTiming;

export interface ProbeTiming {
  /** Give up (the service fails) after this many ms. @default 30000 */
  timeout?: number;
  /** Time between attempts, in ms. @default 250 */
  interval?: number;
}

/**
 * A service's stdin: an open pipe that never reaches EOF while the stack runs (watchers that exit
 * on EOF stay up), or `'null'`, which reads as empty (EOF at once).
 */
export type StdinMode = 'pipe' | 'null';

/**
 * A check that keeps running once the service is ready (see `ServiceConfig.health`): one of
 * `port`, `http` or `command`, every `interval` ms; `failures` misses in a row make it unhealthy.
 */
export type HealthCheckInput = (
  | { port: string }
  /** An HTTP GET of this path on the service's first port (or `port`, by name) answers 2xx/3xx. */
  | { http: string; port?: string }
  /** This shell command exits 0 (run with the service's environment). */
  | { command: string }
) &
  HealthTiming;

export interface HealthTiming {
  /** Time between checks, in ms (the first comes this long after ready). @default 10000 */
  interval?: number;
  /** Misses in a row that make the service unhealthy. @default 3 */
  failures?: number;
  /** Longest one check may take, in ms (capped by `interval`). @default 5000 */
  timeout?: number;
}

/**
 * Files whose change restarts the service: glob patterns relative to its `cwd` (`**`, `*`, `?`,
 * `{a,b}`, `[abc]`); in the list form, a pattern starting with `!` is ignored. `.git` and
 * `node_modules` are never watched unless a pattern names them.
 * @example ['src/**\/*.ts', '!**\/*.test.ts']
 * @example { paths: ['src'], ignore: ['**\/*.snap'], debounce: 500 }
 */
export type WatchInput =
  | string[]
  | {
      paths: string[];
      ignore?: string[];
      /** Quiet time (ms) after the last change before the restart. @default 300 */
      debounce?: number;
    };

/** When to restart an exited service: never, after a non-zero exit or a signal, or always. */
export type RestartPolicy = 'no' | 'on-failure' | 'always';

export interface ServiceConfig {
  /**
   * A shell string (run with `sh -c`, so `$PORT` works) or an argv array (run directly).
   * `${service.PORT_NAME}` references are replaced by leased port numbers.
   * @example 'vite --port $PORT --strictPort'
   * @example ['node', 'server.js']
   */
  command: string | string[];
  /** Working directory, relative to the project root; it must exist. @default the project root */
  cwd?: string;
  /**
   * Ports to lease: env-var name → a service type name or options. The first one is also `PORT`
   * (a port named `PORT` must come first). Each is also `STYXY_<SERVICE>_<NAME>` in every service.
   * @example { PORT: 'api', DEBUG_PORT: { type: 'test' } }
   */
  ports?: Record<string, PortSpec>;
  /**
   * Extra environment (values become strings). `${service.PORT_NAME}` references are replaced by
   * leased ports. Names of this service's ports and names starting with `STYXY_` are taken.
   */
  env?: Record<string, string | number | boolean>;
  /**
   * `.env` file(s), relative to the project root, read when the config loads (a missing one is
   * an error); later files win, and `env` wins over them. A port variable they set is ignored.
   */
  envFile?: string | string[];
  /**
   * Services to start first: a list (wait until each is ready) or a map to the condition to wait
   * for. `'ready'` on a service without a readiness check means started.
   * @example ['db']
   * @example { db: 'ready', migrate: 'completed' }
   * @example { db: { condition: 'ready', restart: true } }
   */
  dependsOn?: string[] | Record<string, DependencyCondition | DependencyOptions>;
  /**
   * How to tell the service is ready; `false`: as soon as it started. Dependents waiting for
   * `'ready'` start then.
   * @default TCP connect on the service's first port; "started" when it has no port
   * @example { http: '/health' }
   * @example { log: /listening on \d+/i, timeout: 60000 }
   */
  ready?: ReadyCheckInput | false;
  /**
   * Restart when the process exits: never, only on a non-zero exit / signal, or always.
   * @default 'no'
   */
  restart?: RestartPolicy | RestartOptions;
  /**
   * Keep checking the service once it is ready: after `failures` misses in a row it is
   * `unhealthy`, and restarted if its `restart` policy restarts failures (`on-failure`, `always`).
   * @example { http: '/health', interval: 5000, failures: 3 }
   */
  health?: HealthCheckInput;
  /**
   * Restart the service (keeping its ports) when a matching file changes, after `debounce` ms
   * without another change. `styxy up --no-watch` turns every watch off.
   * @example ['src/**\/*.ts', '!**\/*.test.ts']
   */
  watch?: WatchInput;
  /** Signal sent to the service's process group to stop it (a name, e.g. `'SIGINT'`). @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
  /** Time (ms) between the stop signal and SIGKILL. @default 5000 */
  stopTimeout?: number;
  /**
   * `'pipe'`: stdin is an open pipe that never reaches EOF while the stack runs (so `tailwindcss
   * --watch` and other tools that exit on EOF stay up); `'null'`: stdin is empty (EOF at once).
   * @default 'pipe'
   */
  stdin?: StdinMode;
  /**
   * Run the service under a pseudo-terminal (for tools that need one: prompts, colours, `isatty`
   * checks). Needs the optional package `@lydell/node-pty`; stdout and stderr are one stream.
   * @default false
   */
  tty?: boolean;
  /**
   * A command that stops the service, run (with the service's folder and environment) before
   * the stop signal; what still runs after it gets the signal. Registered with the coordinator,
   * which runs it when it reaps a supervisor that died (`kill -9`). A string is `{ command }`.
   * @example { command: 'pg_ctl -D .data/pg stop -m fast', timeout: 20000 }
   */
  stop?: string | string[] | StopOptions;
  /**
   * For a command that exits once it has started a server in the background (`pg_ctl start`,
   * `redis-server --daemonize yes`): the service runs while the process named in `pidFile`
   * lives, and is stopped through its `stop` command or that process.
   * @example { pidFile: '.data/redis.pid' }
   */
  daemon?: DaemonOptions;
  /**
   * For dev servers that ignore `PORT` (vite, astro, storybook, ng serve, flask run, uvicorn,
   * rails server, …; docs/configuration.md lists them): Styxy adds the port flag (and
   * `--strictPort` for vite) when the command passes none. `false` turns that off.
   * @default true
   */
  portFlag?: boolean;
  /**
   * Run this many copies, `name#1` to `name#N`, each with its own leased ports and
   * `STYXY_REPLICA` (1..N). `dependsOn: ['name']` waits for every copy; `${name.PORT}` is the
   * first copy's port, `${name#2.PORT}` a given one's. No fixed port with more than one copy.
   * @default 1
   */
  replicas?: number;
  /**
   * Run one instance for every stack that needs it (a database, a model server) instead of one per
   * stack: `true` shares it between the stacks of this git repository (all its worktrees).
   * It runs under a background supervisor of its own, started by the first stack that needs it
   * and stopped `keepAlive` ms after the last one ends; every stack gets its ports.
   * @default false
   * @example true
   * @example { scope: 'user', key: 'ollama', keepAlive: 600000 }
   */
  shared?: boolean | SharedOptions;
  /**
   * Start this service only when one of these profiles is active (`styxy up --profile debug`,
   * or `STYXY_PROFILES=debug,docs`); otherwise it is listed as `off`, and `styxy start NAME`
   * starts it. No profiles: always started.
   * @example ['debug']
   */
  profiles?: string[];
}

export interface StopOptions {
  /** A shell string (run with `sh -c`) or an argv array; `${service.PORT}` references work. */
  command: string | string[];
  /** Time (ms) it may run before it is killed. @default 10000 */
  timeout?: number;
}

export interface DaemonOptions {
  /** The file the daemon writes its pid to (first line), relative to the service's folder. */
  pidFile: string;
  /** Time (ms) after the command exited for the pid file to name a live process. @default 10000 */
  timeout?: number;
}

export interface SharedOptions {
  /**
   * `'repo'`: the stacks of one git repository (its worktrees, found through git's common dir; a
   * folder outside git is a repository of its own). `'user'`: every stack of this user that names
   * the same key. @default 'repo'
   */
  scope?: 'repo' | 'user';
  /** What stacks share by: the same key, the same instance. @default the service's name */
  key?: string;
  /** How long (ms) the instance keeps running after the last stack using it ended. @default 0 */
  keepAlive?: number;
}

export interface RestartOptions {
  policy: RestartPolicy;
  /** Give up (the service fails) after this many restarts in a row. @default 5 */
  maxRestarts?: number;
  /** First backoff delay in ms; doubles at each restart. @default 500 */
  backoff?: number;
  /** Largest backoff delay in ms. @default 10000 */
  maxBackoff?: number;
}

export interface StyxyConfig {
  /** The project's name, shown in `ps`, `ls` and the UI. @default the project folder's name */
  name?: string;
  /**
   * The services of the stack, by name (letters, digits, `-`, `_`); at least one. Names are
   * compared upper-cased with `-` as `_` (as in `STYXY_WEB_APP_PORT`), so `web-app` and `web_app`
   * cannot both exist.
   */
  services: Record<string, ServiceConfig>;
}

// ---------------------------------------------------------------------------------------------
// Resolved form: defaults applied, references checked, services in start order. JSON-safe (the
// `styxy config --json` document is this object).

/** A port request in wire form: a range to choose from, or one fixed port. */
export interface ResolvedPortRequest {
  /** Service type; present unless the port is fixed without a type. */
  readonly type: string | null;
  readonly preferred: number | null;
  readonly fixed: number | null;
}

export type ResolvedCommand =
  | { readonly kind: 'shell'; readonly shell: string }
  | { readonly kind: 'argv'; readonly argv: readonly string[] };

export type ResolvedReadyCheck =
  | { readonly kind: 'port'; readonly port: string; readonly timeoutMs: number; readonly intervalMs: number }
  | {
      readonly kind: 'http';
      readonly path: string;
      readonly port: string;
      readonly timeoutMs: number;
      readonly intervalMs: number;
    }
  | {
      readonly kind: 'log';
      readonly pattern: string;
      readonly flags: string;
      readonly timeoutMs: number;
      readonly intervalMs: number;
    }
  | { readonly kind: 'command'; readonly command: string; readonly timeoutMs: number; readonly intervalMs: number }
  | { readonly kind: 'started' };

export type ResolvedHealthCheck = (
  | { readonly kind: 'port'; readonly port: string }
  | { readonly kind: 'http'; readonly path: string; readonly port: string }
  | { readonly kind: 'command'; readonly command: string }
) & { readonly intervalMs: number; readonly timeoutMs: number; readonly failures: number };

export interface ResolvedWatch {
  /** Glob patterns relative to the service's cwd (a folder's name matches everything in it). */
  readonly paths: readonly string[];
  readonly ignore: readonly string[];
  readonly debounceMs: number;
}

export interface ResolvedRestart {
  readonly policy: RestartPolicy;
  readonly maxRestarts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export interface ResolvedService {
  /** As written; a copy of a replicated service is `name#N`. */
  readonly name: string;
  /** Templates still hold `${service.PORT}` references; `interpolate` fills them once ports are leased. */
  readonly command: ResolvedCommand;
  /** Absolute. */
  readonly cwd: string;
  /** Env-var name → request, in the order written (the first is also `PORT`). */
  readonly ports: Readonly<Record<string, ResolvedPortRequest>>;
  /** From `envFile`s (parsed at load), then `env` (templates), later keys winning. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute paths of the env files that were read. */
  readonly envFiles: readonly string[];
  readonly dependsOn: Readonly<Record<string, DependencyCondition>>;
  /** Dependencies whose restart restarts this service (`dependsOn: { db: { restart: true } }`), in config order. */
  readonly restartsWith: readonly string[];
  readonly ready: ResolvedReadyCheck;
  /** Checks after ready (null: none). */
  readonly health: ResolvedHealthCheck | null;
  /** Files whose change restarts it (null: none). */
  readonly watch: ResolvedWatch | null;
  readonly restart: ResolvedRestart;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeoutMs: number;
  readonly stdin: StdinMode;
  /** Started only when one of these is active; empty: always. */
  readonly profiles: readonly string[];
  /** Runs under a pseudo-terminal (its stdin is the terminal; `stdin` is then `'pipe'`). */
  readonly tty: boolean;
  /** Null: no stop command. */
  readonly stop: ResolvedStop | null;
  /** Null: the command is the service (it runs in the foreground). */
  readonly daemon: ResolvedDaemon | null;
  /** Present when the service is shared (absent: every stack runs its own). */
  readonly shared?: ResolvedShared;
  /** The port flag added to `command` (config/port-flags.ts); null: none (or `portFlag: false`). */
  readonly portFlag: ResolvedPortFlag | null;
}

/** A port flag Styxy adds for a dev server that ignores `PORT` (config/port-flags.ts). */
export interface ResolvedPortFlag {
  /** How the table names the tool (`vite`, `ng serve`). */
  readonly tool: string;
  /** To append to the command; `$PORT` stands for the service's first port. */
  readonly args: readonly string[];
}

export interface ResolvedStop {
  /** A template, like `command`. */
  readonly command: ResolvedCommand;
  readonly timeoutMs: number;
}

export interface ResolvedDaemon {
  /** Absolute; a template, like `command`. */
  readonly pidFile: string;
  readonly timeoutMs: number;
}

export interface ResolvedShared {
  readonly scope: 'repo' | 'user';
  /** The key as written, or the service's name. */
  readonly key: string;
  readonly keepAliveMs: number;
}

export interface ResolvedConfig {
  readonly name: string;
  /** The real path of the folder holding the config file: the project root. */
  readonly root: string;
  /** Absolute path of the config file (`package.json` for a `"styxy"` key). */
  readonly file: string;
  /**
   * Every file merged into this config, in order: `file`, further `-c` files, then the local
   * override (`styxy.config.local.*`) beside `file`, if there is one.
   */
  readonly layers: readonly string[];
  /** In start order (dependencies first; ties in the order written). */
  readonly services: readonly ResolvedService[];
  /** Where each service's values came from, by service name (as written in `services`). */
  readonly sources: Readonly<Record<string, ServiceSources>>;
}

/** Field paths inside a service as written (`env.DEBUG`, `command`, `ports.PORT`) → absolute file. */
export interface ServiceSources {
  /** Each value (a list counts as one) → the file that set it last. */
  readonly values: Readonly<Record<string, string>>;
  /** Each field a later file removed with `null` → that file. */
  readonly removed: Readonly<Record<string, string>>;
}
