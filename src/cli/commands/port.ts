import { notImplemented } from '../not-implemented.js';

export async function run(..._args: unknown[]): Promise<number> {
  notImplemented('port', 5);
}
