/**
 * The `up -d` document (CLI `--json` and the MCP `up` tool) with the shared services the stack
 * uses, as `ps` shows them (shared-view.ts): `up -d` answers with its supervisor's snapshot, which
 * holds the stack's own services only.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import { type PsDocument, psDocument } from './ps-document.js';
import { withShared } from './shared-view.js';

export async function withSharedServices<D extends PsDocument>(document: D): Promise<D> {
  try {
    const [info] = await runningStacks(undefined, document.stack.id);
    if (!info?.uses?.length) return document;
    const merged = withShared({ ...info, services: [...document.services] }, await runningStacks());
    return { ...document, services: psDocument(document.stack, merged.services).services };
  } catch {
    return document; // the coordinator went away meanwhile: the stack's own services, as they were
  }
}
