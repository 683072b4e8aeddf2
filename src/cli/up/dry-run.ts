/**
 * `styxy up --dry-run [--json]` as a function: the ports this folder's stack would get now, in
 * the `up -d --json` document's shape with `"dryRun": true`, leasing and starting nothing.
 *
 * The coordinator chooses them as it would for the start (`planPorts`: sticky port, preferred,
 * range, each bind-probed; a port another program or stack holds is the same error naming the
 * holder) rather than `check`ing ports here: only it knows the sticky ports. A stack that runs
 * already answers with the ports it has (`"reused": true`): that is what `up -d` would print.
 * A shared service is what `up -d` would do with it: join its running instance (its snapshot,
 * ports and users, as `ps` shows it), wait for one still starting and then join it, or start one, on the port planned as the instance's own
 * `reserve` would choose it (sticky by the shared key, whichever worktree started it before).
 * One that a running stack defines otherwise is the error `up -d` would get (STYXY_SHARED_MISMATCH).
 */
import { connectCoordinator, runningStacks } from '../../client/coordinator-client.js';
import { loadProjectConfig } from '../../config/load.js';
import { selectByProfiles } from '../../config/select-services.js';
import type { SharedUse, StackInfo } from '../../protocol/coordinator-protocol.js';
import { instanceJoinable } from '../../protocol/shared-instance.js';
import { definitionDifference, sharedMismatch } from '../../protocol/shared-mismatch.js';
import type { ServiceSnapshot } from '../../protocol/stack.js';
import { stackId } from '../../protocol/stack-id.js';
import { portRequests } from '../../supervisor/prepare-stack.js';
import { planShared } from '../../supervisor/shared/stack-shared.js';
import { psDocument } from '../stack/ps-document.js';
import { usersOf, withShared } from '../stack/shared-view.js';
import { stackNameOption } from '../stack/stack-name.js';
import type { UpDocument } from './detached.js';

export interface DryRunOptions {
  readonly cwd: string;
  /** Every `-c FILE`. */
  readonly config?: readonly string[];
  readonly name?: string;
  readonly services?: readonly string[];
  /** The active profiles: the services outside them are listed `off`, with no ports planned. */
  readonly profiles?: readonly string[];
  readonly home?: string;
}

/** The `up -d --json` document; `stack.pid` is null when nothing runs yet. */
export type DryRunDocument = Omit<UpDocument, 'stack'> & {
  readonly stack: Omit<UpDocument['stack'], 'pid'> & { readonly pid: number | null };
  readonly dryRun: true;
};

export async function upDryRun(options: DryRunOptions): Promise<DryRunDocument> {
  const stackName = stackNameOption(options.name);
  const config = await loadProjectConfig({ cwd: options.cwd, file: options.config, home: options.home });
  const id = stackId(config.root, stackName);
  const selection = selectByProfiles(config, options.services ?? [], options.profiles ?? []);
  const plan = planShared(selection.active, config, undefined);
  // Every stack only when a shared service's instance is to be found among them.
  const all = await runningStacks(options.home, plan.uses.length > 0 ? undefined : id);
  const running = all.find((stack) => stack.id === id);
  if (running) {
    const merged = running.uses?.length ? withShared(running, all) : running;
    return { ...psDocument(running, merged.services), reused: true, changed: [], dryRun: true };
  }

  const instances = new Map<string, StackInfo>();
  for (const use of plan.uses) {
    refuseMismatch(use, all);
    const instance = all.find((stack) => stack.shared?.key === use.key);
    if (instance) instances.set(use.service, instance);
  }
  // A shared service no instance runs would be started by this stack: plan its instance's ports.
  const toStart = plan.uses.filter((use) => !instances.has(use.service));
  const startNames = new Set(toStart.map((use) => use.service));
  const requests = [
    ...portRequests(selection.active.filter((service) => startNames.has(service.name))),
    ...portRequests(plan.own),
  ];
  let planned: readonly { service: string; portName: string; port: number }[] = [];
  if (requests.length > 0) {
    const client = await connectCoordinator({
      kind: 'cli',
      ...(options.home === undefined ? {} : { home: options.home }),
    });
    try {
      const sharedKeys = Object.fromEntries(toStart.map((use) => [use.service, use.key]));
      planned = await client.planPorts(config.root, stackName, requests, toStart.length > 0 ? sharedKeys : undefined);
    } finally {
      await client.close();
    }
  }
  const service = (name: string, dependsOn: readonly string[], shared: boolean, off = false): ServiceSnapshot => ({
    name,
    status: off ? 'off' : 'pending',
    ports: Object.fromEntries(planned.filter((p) => p.service === name).map((p) => [p.portName, p.port])),
    pid: null,
    restarts: 0,
    startedAt: null,
    readyAt: null,
    lastExit: null,
    detail: shared ? 'shared: no instance runs; this stack would start it' : off ? 'outside the active profiles' : null,
    dependsOn: [...dependsOn],
    ...(shared ? { shared: true, users: [] } : {}),
  });
  const joined = (use: SharedUse, instance: StackInfo): ServiceSnapshot => {
    const snapshot = instance.services.find((candidate) => candidate.name === instance.shared!.service);
    return {
      ...(snapshot ?? service(use.service, [], true)),
      name: use.service,
      detail: `shared: ${instanceAction(instance, snapshot)}`,
      shared: true,
      users: usersOf(use.key, all),
    };
  };
  const services = [
    ...plan.uses.map((use) => {
      const instance = instances.get(use.service);
      return instance ? joined(use, instance) : service(use.service, [], true);
    }),
    ...plan.own.map((own) => service(own.name, Object.keys(own.dependsOn), false)),
    ...selection.off.map((off) => service(off.name, Object.keys(off.dependsOn), false, true)),
  ];
  const facts = { id, name: stackName, project: config.name, root: config.root, pid: 0, detached: true };
  const document = psDocument({ ...facts, phase: 'stopped' }, services);
  return { ...document, stack: { ...document.stack, pid: null }, reused: false, changed: [], dryRun: true };
}

/**
 * What `up -d` would do with a shared service whose instance is registered, as `acquireShared`
 * answers it: join one that is up; wait for one that is still starting (or restarting) to be
 * ready, then join it; wait for one that is stopping to end, then start it again.
 */
function instanceAction(instance: StackInfo, snapshot: ServiceSnapshot | undefined): string {
  const which = `its instance (${instance.project}/${instance.name}, pid ${instance.pid})`;
  if (instanceJoinable(instance.phase, snapshot)) return `would join ${which}`;
  if (instance.phase === 'starting' || instance.phase === 'running') {
    return `${which} is ${snapshot?.status ?? instance.phase}: up -d would wait for it to be ready, then join it`;
  }
  return `${which} is stopping: up -d would wait for it to end, then start it again`;
}

/** `up -d` would be refused: another running stack defines this shared service otherwise. */
function refuseMismatch(use: SharedUse, all: readonly StackInfo[]): void {
  for (const stack of all) {
    const other = [...(stack.uses ?? []), ...(stack.shared ? [stack.shared] : [])].find((u) => u.key === use.key);
    const difference = other && definitionDifference(use.definition, other.definition);
    if (other && difference) throw sharedMismatch(use, other, stack, difference);
  }
}
