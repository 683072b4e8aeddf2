/** `styxy up --dry-run [--json]`: the ports the stack would get now (dry-run.ts), printed. */
import { activeProfiles } from '../../config/select-services.js';
import { printJson } from '../output.js';
import { formatPs } from '../stack/ps-table.js';
import { upDryRun } from './dry-run.js';

export async function runDryRun(
  names: readonly string[],
  options: {
    readonly config?: readonly string[];
    readonly name?: string;
    readonly json: boolean;
    readonly profile?: readonly string[];
  },
): Promise<number> {
  const document = await upDryRun({
    cwd: process.cwd(),
    profiles: activeProfiles(options.profile),
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.name === undefined ? {} : { name: options.name }),
    services: names,
  });
  if (options.json) printJson(document);
  else {
    const { stack } = document;
    const table = formatPs({ ...document, stack: { ...stack, pid: stack.pid ?? 0 } });
    // The table's first line tells who runs the stack: for a plan, that nothing does yet.
    const title = document.reused
      ? table.slice(0, table.indexOf('\n'))
      : `${stack.project}/${stack.name}  not running (dry run)  ${stack.folder}`;
    process.stdout.write(`${title}${table.slice(table.indexOf('\n'))}`);
    process.stderr.write(
      document.reused
        ? 'styxy: dry run: the stack runs already; these are its ports\n'
        : 'styxy: dry run: nothing was leased or started; `styxy up -d` would start it with these ports (unless another program takes one first)\n',
    );
  }
  return 0;
}
