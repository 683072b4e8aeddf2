/** The first line `styxy up` prints (stderr): which project, which stack, which services, from which file. */
import { relative } from 'node:path';
import type { ResolvedConfig } from '../../config/types.js';
import { DEFAULT_STACK_NAME } from '../../protocol/stack-id.js';

export function upHeader(
  config: ResolvedConfig,
  stackName: string,
  services: readonly string[],
  off: readonly string[] = [],
  cwd: string = process.cwd(),
): string {
  const file = relative(cwd, config.file) || config.file;
  const stack = stackName === DEFAULT_STACK_NAME ? '' : ` (stack ${stackName})`;
  const rest = off.length === 0 ? '' : `; off (outside the active profiles): ${off.join(', ')}`;
  return `starting ${config.name}${stack} from ${file}: ${services.join(', ')}${rest}`;
}
