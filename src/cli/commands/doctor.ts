/**
 * `styxy doctor [--json]`: checks the environment Styxy runs in and says what to fix. Prints a
 * ✓ / ✗ / · line per check (with a `fix:` line under each problem); exits 1 when something is
 * wrong.
 */
import { assertTrustedPaths } from '../../client/open-connection.js';
import { type HomePaths, homePaths } from '../../protocol/home.js';
import {
  type CheckResult,
  checkCoordinator,
  checkEphemeral,
  checkFiles,
  checkFolders,
  checkHome,
  checkNode,
  checkProcessTable,
  checkSocketPath,
  checkStackBuilds,
  checkStateFile,
  checkTmux,
  checkTypes,
} from '../doctor/checks.js';
import { printJson } from '../output.js';

const MARK: Record<CheckResult['status'], string> = { ok: '✓', problem: '✗', info: '·' };

function trustedPaths(paths: HomePaths): boolean {
  try {
    assertTrustedPaths(paths);
    return true;
  } catch {
    return false;
  }
}

export async function run(options: { readonly json?: boolean }): Promise<number> {
  const paths = homePaths();
  const types = checkTypes(paths);
  // Nothing is read from, or sent to, a home or socket folder that is not the user's own.
  const trusted = trustedPaths(paths);
  const checks: CheckResult[] = [
    checkNode(),
    checkHome(paths),
    checkSocketPath(paths),
    checkFolders(paths),
    checkFiles(paths),
    trusted
      ? await checkCoordinator(paths)
      : { name: 'coordinator', status: 'info', detail: 'not checked: its home or socket folder is not safe to use' },
    trusted
      ? await checkStackBuilds(paths)
      : { name: 'stack builds', status: 'info', detail: 'not checked: its home or socket folder is not safe to use' },
    trusted
      ? checkStateFile(paths)
      : { name: 'state', status: 'info', detail: 'not read: the home is not safe to use' },
    types.result,
    checkEphemeral(types.types),
    checkProcessTable(),
    checkTmux(),
  ];
  const healthy = checks.every((check) => check.status !== 'problem');
  if (options.json) {
    printJson({ ok: healthy, checks });
  } else {
    for (const check of checks) {
      process.stdout.write(`${MARK[check.status]} ${check.name}: ${check.detail}\n`);
      if (check.fix) process.stdout.write(`    fix: ${check.fix}\n`);
    }
  }
  return healthy ? 0 : 1;
}
