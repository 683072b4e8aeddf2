/**
 * Actions on one service (stop, start, restart by hand) as promises that settle when the action
 * has played out: stopped; or up again (ready, running, completed) — or failed, with why.
 */
import { StyxyError } from '../protocol/errors.js';
import { describeExit } from './lifecycle-text.js';
import { isLive } from './machine-deps.js';
import type { MachineState } from './machine-types.js';
import { stoppingError, unknownServiceError } from './stack-errors.js';

export interface ActionWatch {
  /** Looks at the state after a change; true once the action has settled (its promise too). */
  check(state: MachineState): boolean;
}

export interface ActionRequest {
  readonly type: 'stopService' | 'startService' | 'restartService';
  readonly service: string;
  readonly names: readonly string[];
  readonly state: MachineState;
  readonly stackName: string;
  readonly failureError: (service: string, reason: string) => StyxyError;
}

export function watchAction(request: ActionRequest, begin: (watch: ActionWatch) => void): Promise<void> {
  const { type, service, state, stackName } = request;
  if (!request.names.includes(service)) return Promise.reject(unknownServiceError(service, request.names));
  if (state.stopping || state.finished) return Promise.reject(stoppingError(stackName));
  if (!state.begun) {
    return Promise.reject(
      new StyxyError('STYXY_STACK_NOT_FOUND', `stack ${stackName} has not started its services yet`, {
        hint: 'try again once `styxy up` shows them starting',
      }),
    );
  }
  const runsBefore = state.services[service]!.runs;
  return new Promise((resolve, reject) => {
    begin({
      check(current) {
        const now = current.services[service]!;
        const { life } = now;
        if (type === 'stopService') {
          if (isLive(life) && !current.finished) return false;
          resolve();
          return true;
        }
        if (life.kind === 'failed') {
          reject(request.failureError(service, life.reason));
          return true;
        }
        if (current.stopping) {
          reject(stoppingError(stackName));
          return true;
        }
        const fresh = now.runs > runsBefore || type === 'startService';
        if (fresh && (life.kind === 'up' || life.kind === 'completed')) {
          resolve();
          return true;
        }
        if (now.runs > runsBefore && life.kind === 'exited') {
          reject(request.failureError(service, now.lastExit ? describeExit(now.lastExit) : 'exited'));
          return true;
        }
        return false;
      },
    });
  });
}
