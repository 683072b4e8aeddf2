/**
 * What the MCP tools answer: a result an agent reads (a line for people, then the JSON document,
 * also as structured content), or a tool error carrying Styxy's message and hint, so that the
 * agent sees what went wrong and what to run, as `styxy` prints it on a terminal.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isStyxyError } from '../../protocol/errors.js';

export function documentResult(summary: string, document: object): CallToolResult {
  return {
    content: [{ type: 'text', text: `${summary}\n\n${JSON.stringify(document, null, 2)}` }],
    structuredContent: document as Record<string, unknown>,
  };
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

/** Styxy's errors as message and hint; others as internal errors. */
export function errorResult(error: unknown): CallToolResult {
  const text = isStyxyError(error)
    ? `${error.message}${error.hint === undefined ? '' : `\nhint: ${error.hint}`}`
    : `internal error: ${error instanceof Error ? error.message : String(error)}\nhint: this is a bug in Styxy; please report it`;
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Runs a tool's work, answering its failure as a tool error (never as a protocol error). */
export async function answer(work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    return errorResult(error);
  }
}
