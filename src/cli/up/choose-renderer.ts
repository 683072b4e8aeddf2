/**
 * What shows a foreground stack: the one place `styxy up` decides. Plain prefixed lines when
 * stdout is not a terminal or with `--no-tui`; with `--json`, stdout is kept for the one JSON
 * document and the services' lines go to the log files only. On a terminal, the live Ink UI
 * (tui-renderer.ts, loaded with `import()`, so plain runs never load React).
 */
import type { StackView } from '../../supervisor/view.js';
import { createPlainReporter } from '../../ui/plain-reporter.js';

export interface Renderer {
  /**
   * One of Styxy's own lines (a signal, the coordinator lost): plain output puts it on stderr,
   * the UI in its bottom bar (`error` in red, for longer).
   */
  notice(text: string, tone?: 'info' | 'error'): void;
  /** Resolves once what was shown is written out and, for the UI, it has left (or after `timeoutMs`). */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops showing the stack; the UI leaves the screen and restores the terminal. Idempotent. */
  close(): void;
}

export interface RendererChoice {
  /** `--no-tui` gives false. */
  readonly tui: boolean;
  readonly json: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** The UI's keys. @default process.stdin */
  readonly stdin?: NodeJS.ReadStream;
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
    case 'tui': {
      const { createTuiRenderer } = await import('./tui-renderer.js');
      return createTuiRenderer(view, {
        stdin: choice.stdin ?? process.stdin,
        stdout: choice.stdout,
        stderr: choice.stderr,
      });
    }
    case 'plain':
      return createPlainReporter(view, { stdout: choice.stdout, stderr: choice.stderr, env });
  }
}

/**
 * Starts loading what the renderer needs, without waiting: for the UI, Ink (about half a second),
 * which then loads while the config is read and the ports are reserved.
 */
export function preloadRenderer(choice: Pick<RendererChoice, 'tui' | 'json' | 'stdout'>): void {
  if (rendererKind(choice) !== 'tui') return;
  // A failure here shows again, with its cause, when chooseRenderer imports the same modules.
  import('./tui-renderer.js').then(({ preloadTui }) => preloadTui()).catch(() => {});
}
