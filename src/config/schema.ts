/**
 * The shape of each config field, in zod. Fields are parsed one by one (see resolve-service.ts) so
 * that a bad field never hides problems in the others. Objects are loose here: unknown keys are
 * reported by `checkKeys` with a suggestion. Which port names, types and services exist is checked
 * after the shapes, by the resolvers.
 */
import { z } from 'zod';
import type { DependencyCondition, RestartPolicy, StdinMode } from './types.js';

export const TOP_LEVEL_KEYS = ['name', 'services'] as const;

export const SERVICE_KEYS = [
  'command',
  'cwd',
  'ports',
  'env',
  'envFile',
  'dependsOn',
  'ready',
  'health',
  'watch',
  'restart',
  'stopSignal',
  'stopTimeout',
  'stdin',
  'tty',
  'stop',
  'daemon',
  'portFlag',
  'replicas',
  'shared',
  'profiles',
] as const;

export const STOP_KEYS = ['command', 'timeout'] as const;
export const DAEMON_KEYS = ['pidFile', 'timeout'] as const;

export const PORT_OPTION_KEYS = ['type', 'preferred', 'port', 'fixed'] as const;
export const READY_KEYS = ['port', 'http', 'log', 'command', 'timeout', 'interval'] as const;
export const HEALTH_KEYS = ['port', 'http', 'command', 'interval', 'failures', 'timeout'] as const;
export const WATCH_KEYS = ['paths', 'ignore', 'debounce'] as const;
export const RESTART_KEYS = ['policy', 'maxRestarts', 'backoff', 'maxBackoff'] as const;

export const DEPENDENCY_KEYS = ['condition', 'restart'] as const;
export const DEPENDENCY_CONDITIONS: readonly DependencyCondition[] = ['started', 'ready', 'completed'];
export const RESTART_POLICIES: readonly RestartPolicy[] = ['no', 'on-failure', 'always'];
export const STDIN_MODES: readonly StdinMode[] = ['pipe', 'null'];

const notBlank = (text: string) => text.trim() !== '';

export const portNumber = z.int().min(1).max(65535);
/** Milliseconds: whole, not negative. */
const millis = z.int().min(0);

export const projectName = z
  .string()
  .refine(notBlank, 'expected a name')
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'expected a name without control characters');

export const command = z.union([z.string().refine(notBlank, 'expected a command'), z.array(z.string()).min(1)], {
  error: 'a shell string or an argv list of strings',
});
export const COMMAND_EXPECTED = 'a shell string (run with sh -c) or an argv list of strings';

export const nonEmptyString = z.string().min(1);

export const envFile = z.union([z.string().min(1), z.array(z.string().min(1))], {
  error: 'a file name or a list of file names',
});

export const envValue = z.union([z.string(), z.number(), z.boolean()], { error: 'a string, number or boolean' });

export const portOptions = z.looseObject({
  type: z.string().min(1).optional(),
  preferred: portNumber.optional(),
  port: portNumber.optional(),
  fixed: z.union([z.boolean(), portNumber], { error: 'true, false or a port number' }).optional(),
});

export const dependencyCondition = z.enum(DEPENDENCY_CONDITIONS as [DependencyCondition, ...DependencyCondition[]]);

export const dependencyOptions = z.looseObject({
  condition: dependencyCondition.optional(),
  restart: z.boolean({ error: 'true or false' }).optional(),
});

export const readyOptions = z.looseObject({
  port: z.string().min(1).optional(),
  http: z.string().min(1).optional(),
  log: z
    .union([z.string().min(1), z.instanceof(RegExp)], {
      error: 'a regular expression (a string, or a RegExp in a JS/TS config)',
    })
    .optional(),
  command: z.string().refine(notBlank, 'expected a command').optional(),
  timeout: z.int().min(1).optional(),
  interval: z.int().min(1).optional(),
});

export const healthOptions = z.looseObject({
  port: z.string().min(1).optional(),
  http: z.string().min(1).optional(),
  command: z.string().refine(notBlank, 'expected a command').optional(),
  interval: z.int().min(1).optional(),
  failures: z.int().min(1).optional(),
  timeout: z.int().min(1).optional(),
});

const globList = z.array(z.string().refine(notBlank, 'expected a glob pattern'), {
  error: 'a list of glob patterns',
});

export const watchOptions = z.looseObject({
  paths: globList.min(1, 'expected at least one pattern'),
  ignore: globList.optional(),
  debounce: millis.optional(),
});

export const watchList = globList.min(1, 'expected at least one pattern');

export const restartPolicy = z.enum(RESTART_POLICIES as [RestartPolicy, ...RestartPolicy[]]);

export const restartOptions = z.looseObject({
  policy: restartPolicy,
  maxRestarts: z.int().min(0).optional(),
  backoff: millis.optional(),
  maxBackoff: millis.optional(),
});

export const stopTimeout = millis;

/** Most copies of one service (each leases its own ports; a stack has at most 1,024 services). */
export const MAX_REPLICAS = 64;
export const replicas = z.int().min(1).max(MAX_REPLICAS);

/** A profile name (as given to `--profile` and in `STYXY_PROFILES`, which lists them with commas). */
export const PROFILE_NAME = /^[A-Za-z0-9][\w.-]*$/;
export const profiles = z.array(
  z
    .string()
    .regex(PROFILE_NAME, 'expected a profile name: letters, digits, "_", "-" and ".", starting with a letter or digit'),
);

export const stdinMode = z.enum(STDIN_MODES as [StdinMode, ...StdinMode[]]);
export const tty = z.boolean();

export const SHARED_KEYS = ['scope', 'key', 'keepAlive'] as const;

export const sharedOptions = z.looseObject({
  scope: z.enum(['repo', 'user']).optional(),
  key: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected a key of letters, digits, ".", "_" and "-"')
    .optional(),
  keepAlive: millis.optional(),
});
