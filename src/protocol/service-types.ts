/**
 * Service types: named port ranges. The defaults are the table of docs/architecture.md, "Service
 * types"; `$STYXY_HOME/config.json` may override a default's range or add types:
 * `{ "types": { "grpc": { "range": [50050, 50099] } } }`.
 */

import { z } from 'zod';
import { MAX_HOME_CONFIG_BYTES, readBoundedText } from './bounded-file.js';
import { StyxyError } from './errors.js';

export interface ServiceType {
  readonly name: string;
  /** Inclusive bounds. */
  readonly range: readonly [from: number, to: number];
  readonly description: string;
}

export const DEFAULT_TYPES: readonly ServiceType[] = [
  { name: 'dev', range: [3000, 3099], description: 'front-end dev servers (Vite, Next.js)' },
  { name: 'monitoring', range: [3100, 3199], description: 'dashboards, metrics' },
  { name: 'ui', range: [4000, 4099], description: 'admin UIs, emulator UIs' },
  { name: 'docs', range: [4100, 4199], description: 'documentation servers' },
  { name: 'hub', range: [4400, 4499], description: 'emulator hubs' },
  { name: 'functions', range: [5000, 5099], description: 'serverless / functions emulators' },
  { name: 'database', range: [5430, 5499], description: 'PostgreSQL, MySQL' },
  { name: 'storybook', range: [6006, 6029], description: 'Storybook' },
  { name: 'infrastructure', range: [6370, 6399], description: 'Redis, caches' },
  { name: 'api', range: [8000, 8099], description: 'API servers' },
  { name: 'proxy', range: [8100, 8199], description: 'proxies' },
  { name: 'build', range: [8200, 8299], description: 'bundler and build services' },
  { name: 'messaging', range: [9050, 9098], description: 'Kafka, RabbitMQ' },
  { name: 'auth', range: [9099, 9199], description: 'auth services and emulators' },
  { name: 'test', range: [9200, 9299], description: 'browser debugging, test tools' },
  { name: 'coordination', range: [9870, 9899], description: 'coordinators, management APIs' },
  { name: 'ai', range: [11400, 11499], description: 'Ollama, local inference' },
];

/**
 * Ports that browsers refuse to open (Chromium's and Firefox's "unsafe ports" lists, the ones
 * that fall inside ports a dev tool might hand out). Skipped when choosing from a range; still
 * allowed when asked for by number.
 */
export const BROWSER_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

const portNumber = z.number().int().min(1).max(65535);

const typeEntry = z.strictObject({
  range: z
    .tuple([portNumber, portNumber])
    .refine(([from, to]) => from <= to, { message: 'range must be [from, to] with from <= to' }),
  description: z.string().optional(),
});

const TYPE_NAME = /^[a-z][a-z0-9-]*$/;

const homeConfigSchema = z.looseObject({
  types: z
    .record(z.string(), typeEntry)
    .superRefine((types, ctx) => {
      for (const name of Object.keys(types)) {
        if (!TYPE_NAME.test(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `type name "${name}" must be lower-case letters, digits and dashes`,
          });
        }
      }
    })
    .optional(),
});

/** The types in effect: the defaults, overridden and extended by `configFile` (if present). */
export function loadServiceTypes(configFile: string): ServiceType[] {
  // Bounded and non-blocking: a FIFO or /dev/zero there must not hang the coordinator.
  const text = readBoundedText(configFile, MAX_HOME_CONFIG_BYTES);
  if (text === undefined) return [...DEFAULT_TYPES];
  if (typeof text === 'object')
    throw new StyxyError('STYXY_HOME_CONFIG_INVALID', `cannot read ${configFile}: ${text.problem}`);
  return mergeServiceTypes(parseHomeConfig(text, configFile));
}

function parseHomeConfig(text: string, file: string): Record<string, z.infer<typeof typeEntry>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StyxyError('STYXY_HOME_CONFIG_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'fix the file or remove it to use the default service types',
      cause: error,
    });
  }
  const parsed = homeConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new StyxyError('STYXY_HOME_CONFIG_INVALID', `${file} is invalid:\n${problems.join('\n')}`, {
      hint: 'expected { "types": { "<name>": { "range": [from, to], "description"?: "…" } } }',
    });
  }
  return parsed.data.types ?? {};
}

/** Defaults first (in table order), then added types in the order the file lists them. */
export function mergeServiceTypes(
  overrides: Readonly<Record<string, { range: readonly [number, number]; description?: string | undefined }>>,
): ServiceType[] {
  const merged = new Map<string, ServiceType>(DEFAULT_TYPES.map((type) => [type.name, type]));
  for (const [name, entry] of Object.entries(overrides)) {
    const base = merged.get(name);
    merged.set(name, {
      name,
      range: [entry.range[0], entry.range[1]],
      description: entry.description ?? base?.description ?? '',
    });
  }
  return [...merged.values()];
}
