/** `--name N`: which copy of a project's stack (default `default`); checked before anything runs. */
import { StyxyError } from '../../protocol/errors.js';
import { DEFAULT_STACK_NAME, STACK_NAME_PATTERN } from '../../protocol/stack-id.js';

export function stackNameOption(name: string | undefined): string {
  if (name === undefined) return DEFAULT_STACK_NAME;
  if (!STACK_NAME_PATTERN.test(name)) {
    throw new StyxyError(
      'STYXY_USAGE',
      `--name "${name}" is not a stack name: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64`,
      { hint: 'for example `--name review-2`' },
    );
  }
  return name;
}
