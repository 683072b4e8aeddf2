/**
 * `shared: true | { scope, key, keepAlive }`: one instance of the service for every stack that
 * needs it (docs/configuration.md, "Shared services"), and what a shared service may not do — it
 * runs in a stack of its own, so it cannot wait for, or take the ports of, the services of
 * the stack that happens to start it.
 */
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import { findReferences } from './interpolate.js';
import type { FieldPath, Problems } from './problems.js';
import type { ServiceDraft } from './resolve-service.js';
import { SHARED_KEYS, sharedOptions } from './schema.js';
import type { ResolvedShared } from './types.js';
import { parseField } from './zod-problems.js';

export function resolveShared(
  raw: unknown,
  service: string,
  path: FieldPath,
  problems: Problems,
): ResolvedShared | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return { scope: 'repo', key: service, keepAliveMs: 0 };
  if (!isPlainObject(raw)) {
    problems.add(path, `expected true or { scope?: 'repo' | 'user', key?, keepAlive? }, found ${describeValue(raw)}`);
    return undefined;
  }
  checkKeys(raw, SHARED_KEYS, path, problems);
  const parsed = parseField(sharedOptions, raw, path, problems);
  if (parsed === undefined) return undefined;
  return { scope: parsed.scope ?? 'repo', key: parsed.key ?? service, keepAliveMs: parsed.keepAlive ?? 0 };
}

/** A shared service neither depends on nor refers to the other services of the stack. */
export function checkSharedService(draft: ServiceDraft, problems: Problems): void {
  const { service } = draft;
  if (!service.shared) return;
  if (draft.replicas !== null && draft.replicas !== 1) {
    problems.add(
      ['services', service.name, 'replicas'],
      `"${service.name}" is shared: it runs one instance for every stack, so it cannot have replicas`,
    );
  }
  for (const target of Object.keys(service.dependsOn)) {
    problems.add(
      ['services', service.name, 'dependsOn', target],
      `"${service.name}" is shared: it runs in a stack of its own and cannot wait for "${target}" (make "${target}" shared too, or drop the dependency)`,
    );
  }
  for (const template of draft.templates) {
    for (const reference of findReferences(template.text)) {
      if (reference.service === service.name) continue;
      problems.add(
        template.path,
        `"${service.name}" is shared: it runs in a stack of its own and cannot use the ports of "${reference.service}"`,
      );
    }
  }
}
