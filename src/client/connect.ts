/**
 * `connectCoordinator`: the one way in. Connects to this user's coordinator (starting one when
 * none answers, unless `autoStart` is false), says hello, and returns a client that reconnects
 * and re-claims by itself.
 */
import type { ConnectOptions, CoordinatorClient } from './api.js';
import { CoordinatorConnection } from './coordinator-client.js';

export type { ConnectOptions, CoordinatorClient } from './api.js';
export { CoordinatorConnection } from './coordinator-client.js';

export function connectCoordinator(options: ConnectOptions): Promise<CoordinatorConnection & CoordinatorClient> {
  return CoordinatorConnection.open(options);
}
