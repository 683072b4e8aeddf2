/**
 * What shows a foreground stack: the one place `styxy up` decides. Plain prefixed lines when
 * stdout is not a terminal or with `--no-tui`; with `--json`, stdout is kept for the one JSON
 * document and the services' lines go to the log files only. On a terminal the live Ink UI
 * belongs here (loaded with `import()`, so plain runs never load React); until it lands, plain
 * lines there too.
 */
import type { StackView } from '../../supervisor/view.js';
import { createPlainReporter } from '../../ui/plain-reporter.js';

export interface Renderer {
  /** One of Styxy's own lines (a signal, the coordinator lost): plain output puts it on stderr. */
  notice(text: string): void;
  /** Resolves once what was shown is written out (or after `timeoutMs`). */
  flush(timeoutMs?: number): Promise<void>;
  close(): void;
}

export interface RendererChoice {
  /** `--no-tui` gives false. */
  readonly tui: boolean;
  readonly json: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type RendererKind = 'plain' | 'json' | 'tui';

/** Which renderer a run gets (pure, for tests). */
export function rendererKind(choice: Pick<RendererChoice, 'tui' | 'json' | 'stdout'>): RendererKind {
  if (choice.json) return 'json';
  return choice.tui && choice.stdout.isTTY === true ? 'tui' : 'plain';
}

export async function chooseRenderer(view: StackView, choice: RendererChoice): Promise<Renderer> {
  const kind = rendererKind(choice);
  const env = choice.env ?? process.env;
  switch (kind) {
    case 'json':
      return createPlainReporter(view, { stdout: null, stderr: choice.stderr, env });
    case 'tui':
    // The Ink UI plugs in here (issue 6): `return (await import('../../ui/…')).…(view, choice)`.
    case 'plain':
      return createPlainReporter(view, { stdout: choice.stdout, stderr: choice.stderr, env });
  }
}
