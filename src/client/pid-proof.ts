/**
 * The client's half of the hello's pid proof (coordinator/verify-pid.ts): a new file with a
 * random name in `$STYXY_HOME/hello/`, held open while the hello is answered, then closed and
 * removed. The coordinator checks that the hello's pid has it open. About 30 µs.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { PidProof } from '../protocol/coordinator-protocol.js';
import type { HomePaths } from '../protocol/home.js';
import { ensurePrivateDir, openOwnFile } from '../protocol/private-fs.js';

export interface HeldProof {
  /** What the hello carries; undefined where there is nothing to prove it with. */
  readonly proof: PidProof | undefined;
  /** Closes and removes the file (the coordinator usually removed it already). */
  release(): void;
}

const NONE: HeldProof = { proof: undefined, release: () => {} };

/** Only Linux coordinators can check it (/proc/<pid>/fd); a home not made yet has no coordinator. */
export function holdPidProof(paths: HomePaths): HeldProof {
  if (process.platform !== 'linux') return NONE;
  try {
    if (!lstatSync(paths.home).isDirectory()) return NONE;
    ensurePrivateDir(paths.hello);
  } catch {
    return NONE;
  }
  const name = randomBytes(16).toString('hex');
  const file = join(paths.hello, name);
  const fd = openOwnFile(file, 'create');
  return {
    proof: { name, fd },
    release() {
      try {
        closeSync(fd);
      } catch {}
      try {
        unlinkSync(file);
      } catch {}
    },
  };
}
