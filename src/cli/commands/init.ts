/**
 * `styxy init`: write a commented starter `styxy.config.ts` in the current folder. Refuses
 * (exit 1, nothing written) when the folder already has a config of any supported form.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { configsIn } from '../../config/discover.js';
import { STARTER_CONFIG, STARTER_FILE_NAME } from '../../config/starter.js';
import { StyxyError } from '../../protocol/errors.js';
import { EXIT } from '../exit-codes.js';

export async function run(_options: Record<string, never> = {}): Promise<number> {
  const dir = process.cwd();
  const file = join(dir, STARTER_FILE_NAME);
  refuseExisting(dir);
  try {
    // `wx`: never overwrite, even a file created since the check above.
    writeFileSync(file, STARTER_CONFIG, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') refuseExisting(dir, [file]);
    throw error;
  }
  process.stdout.write(
    `wrote ${file}\nnext: \`styxy config\` to see it resolved, \`styxy up\` to start it (edit the services to your project's)\n`,
  );
  return EXIT.ok;
}

function refuseExisting(dir: string, found: string[] = configsIn(dir)): void {
  if (found.length === 0) return;
  const names = found.map((file) => basename(file) + (basename(file) === 'package.json' ? ' ("styxy" key)' : ''));
  throw new StyxyError('STYXY_CONFIG_EXISTS', `a Styxy config already exists in ${dir}: ${names.join(', ')}`, {
    hint: 'edit it, or run `styxy config` to see it resolved',
    details: { files: found },
  });
}
