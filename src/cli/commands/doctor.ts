/**
 * `styxy doctor [--json]`: checks the environment Styxy runs in and says what to fix. Prints a
 * ✓ / ✗ / · line per check (with a `fix:` line under each problem); exits 1 when something is
 * wrong.
 */
import { homePaths } from '../../protocol/home.js';
import {
  type CheckResult,
  checkCoordinator,
  checkEphemeral,
  checkHome,
  checkNode,
  checkProcessTable,
  checkSocketPath,
  checkStateFile,
  checkTmux,
  checkTypes,
} from '../doctor/checks.js';
import { printJson } from '../output.js';

const MARK: Record<CheckResult['status'], string> = { ok: '✓', problem: '✗', info: '·' };

export async function run(options: { readonly json?: boolean }): Promise<number> {
  const paths = homePaths();
  const types = checkTypes(paths);
  const checks: CheckResult[] = [
    checkNode(),
    checkHome(paths),
    checkSocketPath(paths),
    await checkCoordinator(paths),
    checkStateFile(paths),
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
