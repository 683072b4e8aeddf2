/**
 * The MCP `up` tool's one way to start this folder's stack in the background: `styxy up -d
 * --json`, run as a child process of the built CLI, so that its document and its progress never
 * reach the MCP server's stdout (the protocol's) and the same code path as the command runs.
 * Resolves to the `ps --json` document of the stack once every service is up; rejects with the
 * command's own error (message and hint, as it printed them) when it is not.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StyxyError } from '../../protocol/errors.js';
import type { PsDocument } from '../stack/ps-document.js';

export interface UpBackgroundOptions {
  readonly services: readonly string[];
  readonly name?: string;
  readonly timeoutSeconds?: number;
  /** Told each progress line of the start (stderr of the command). */
  readonly onProgress?: (line: string) => void;
}

const BIN = fileURLToPath(new URL('../bin.js', import.meta.url));
/** What is kept of the command's output: its document, or its last lines. */
const MAX_OUTPUT = 1024 * 1024;

export function upBackground(options: UpBackgroundOptions): Promise<PsDocument> {
  const args = [BIN, 'up', '-d', '--json'];
  if (options.name !== undefined) args.push('--name', options.name);
  if (options.timeoutSeconds !== undefined) args.push('--timeout', String(options.timeoutSeconds));
  args.push('--', ...options.services);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout = (stdout + text).slice(-MAX_OUTPUT);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-MAX_OUTPUT);
    for (const line of text.split('\n')) if (line.trim() !== '') options.onProgress?.(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) =>
      reject(new StyxyError('STYXY_INTERNAL', `could not run \`styxy up -d\`: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(stdout) as PsDocument);
          return;
        } catch {
          // Falls through to the error below.
        }
      }
      reject(printedError(stderr, code));
    });
  });
}

/**
 * The error as the command printed it (`styxy: <message>` lines, then `hint: <hint>`): from the
 * last `styxy:` line before the hint, so that progress lines before it are left out.
 */
export function printedError(stderr: string, code: number | null): PrintedError {
  const lines = stderr.trimEnd().split('\n');
  let hintAt = lines.findLastIndex((line) => line.startsWith('hint: '));
  if (hintAt === -1) hintAt = lines.length;
  const start = Math.max(
    0,
    lines.slice(0, hintAt).findLastIndex((line) => line.startsWith('styxy: ')),
  );
  const message = lines
    .slice(start, hintAt)
    .join('\n')
    .replace(/^styxy: /, '')
    .trim();
  const hint = lines[hintAt]?.slice('hint: '.length);
  return new PrintedError(message || `\`styxy up -d\` exited with code ${code ?? '?'} and said nothing`, hint);
}

/** An error a child command printed: its message and hint (its code is not printed). */
export class PrintedError extends Error {
  override readonly name = 'PrintedError';
  readonly hint: string | undefined;

  constructor(message: string, hint: string | undefined) {
    super(message);
    this.hint = hint;
  }
}
