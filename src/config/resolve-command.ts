/** A command field (`command`, `stop.command`): a shell string or an argv list, kept as a template. */
import type { FieldPath, Problems } from './problems.js';
import type { Template } from './resolve-ready.js';
import { COMMAND_EXPECTED, command as commandSchema } from './schema.js';
import type { ResolvedCommand } from './types.js';
import { parseField } from './zod-problems.js';

/** A string runs with `sh -c` (so `$PORT` works); a list runs directly. */
export function resolveCommand(
  raw: unknown,
  path: FieldPath,
  problems: Problems,
  templates: Template[],
): ResolvedCommand {
  const parsed = parseField(commandSchema, raw, path, problems, COMMAND_EXPECTED);
  if (parsed === undefined) return { kind: 'shell', shell: '' };
  if (typeof parsed === 'string') {
    templates.push({ path, text: parsed });
    return { kind: 'shell', shell: parsed };
  }
  if (parsed[0]!.trim() === '') problems.add([...path, 0], 'expected the program to run, found an empty string');
  parsed.forEach((text, index) => {
    templates.push({ path: [...path, index], text });
  });
  return { kind: 'argv', argv: parsed };
}
