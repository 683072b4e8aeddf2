/**
 * Validation and resolution in one pure pass: a config object in (as loaded from any file form),
 * a `ResolvedConfig` out, or every problem found. No files are read here except through
 * `context.files` (env files, cwd checks), so tests feed plain objects.
 */
import { basename } from 'node:path';
import { checkKeys } from './check-keys.js';
import { checkServiceName, checkStack, copiesOf, replicaNames } from './check-stack.js';
import { describeValue, isPlainObject } from './describe-value.js';
import { type MergedLayers, mergeLayers, serviceSources } from './merge-layers.js';
import { setOwn } from './own-key.js';
import { type ConfigProblem, Problems } from './problems.js';
import { expandReplicas } from './replicas.js';
import type { ResolveContext } from './resolve-context.js';
import { resolveService, type ServiceDraft } from './resolve-service.js';
import { checkSharedService } from './resolve-shared.js';
import { projectName, SERVICE_KEYS, TOP_LEVEL_KEYS } from './schema.js';
import { startOrder } from './start-order.js';
import type { ResolvedConfig, ServiceSources } from './types.js';
import { parseField } from './zod-problems.js';

export type ResolveResult =
  | { readonly ok: true; readonly config: ResolvedConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * `file` is the config file's absolute path (it is only recorded in the result). `merged`: the
 * layers `input` was merged from (merge-layers.ts), when there were several; it only tells where
 * each service's values came from.
 */
export function resolveConfig(
  input: unknown,
  file: string,
  context: ResolveContext,
  merged: MergedLayers = mergeLayers([{ file, value: input }]),
): ResolveResult {
  const problems = new Problems();
  if (!isPlainObject(input)) {
    problems.add([], `expected the config object { services: { … } }, found ${describeValue(input)}`);
    return { ok: false, problems: problems.list() };
  }
  checkTopLevelKeys(input, problems);
  const name =
    input.name === undefined
      ? basename(context.root)
      : (parseField(projectName, input.name, ['name'], problems, 'the project name (a string)') ?? '');

  const drafts: ServiceDraft[] = [];
  if (input.services === undefined) {
    problems.add(['services'], 'required: expected an object of service name → { command, ports, … }');
  } else if (!isPlainObject(input.services)) {
    problems.add(
      ['services'],
      `expected an object of service name → { command, ports, … }, found ${describeValue(input.services)}`,
    );
  } else if (Object.keys(input.services).length === 0) {
    problems.add(['services'], 'expected at least one service, found an empty object');
  } else {
    for (const [service, raw] of Object.entries(input.services)) {
      checkServiceName(service, ['services', service], problems);
      drafts.push(resolveService(service, raw, ['services', service], context, problems));
    }
    checkStack(drafts, problems);
    for (const draft of drafts) checkSharedService(draft, problems);
  }

  const graph = new Map(
    drafts.map(({ service }) => [
      service.name,
      Object.keys(service.dependsOn).filter(
        (dep) => dep !== service.name && drafts.some((d) => d.service.name === dep),
      ),
    ]),
  );
  const order = startOrder(graph);
  if (!order.ok) {
    for (const cycle of order.cycles) problems.add(['services'], `dependency cycle: ${cycle.join(' -> ')}`);
  }
  if (problems.size > 0 || !order.ok) return { ok: false, problems: problems.list() };

  const byName = new Map(drafts.map((draft) => [draft.service.name, draft]));
  const sources: Record<string, ServiceSources> = {};
  for (const draft of drafts) {
    const from = serviceSources(merged, draft.service.name);
    for (const name of replicaNames(draft.service.name, copiesOf(draft))) setOwn(sources, name, from);
  }
  return {
    ok: true,
    config: {
      name,
      root: context.root,
      file,
      layers: merged.files,
      services: expandReplicas(order.order.map((service) => byName.get(service)!)),
      sources,
    },
  };
}

/** Unknown top-level keys; a service written at the top level (outside `services`) gets its own hint. */
function checkTopLevelKeys(input: Record<string, unknown>, problems: Problems): void {
  const unknown = Object.keys(input).filter((key) => !(TOP_LEVEL_KEYS as readonly string[]).includes(key));
  const looksLikeService = (value: unknown) =>
    isPlainObject(value) && Object.keys(value).some((key) => (SERVICE_KEYS as readonly string[]).includes(key));
  const rest: Record<string, unknown> = {};
  for (const key of unknown) {
    if (looksLikeService(input[key])) {
      problems.add([key], `unknown option; a service goes inside "services": { services: { ${key}: { … } } }`);
    } else {
      rest[key] = input[key];
    }
  }
  checkKeys(rest, TOP_LEVEL_KEYS, [], problems);
}
