/**
 * What a scenario found: the checks it made (each passed or failed, with what was seen) and
 * notes (numbers). Printed as it goes; a scenario passes when no check failed.
 */

export interface CheckResult {
  readonly text: string;
  readonly ok: boolean;
  /** What was seen when it failed (the first few violations). */
  readonly detail: readonly string[];
}

/** At most this many violations are printed per check; the count says how many there were. */
const SHOWN = 8;

export class ScenarioReport {
  readonly id: number;
  readonly title: string;
  readonly checks: CheckResult[] = [];
  readonly notes: string[] = [];
  readonly #print: (line: string) => void;

  constructor(id: number, title: string, print: (line: string) => void = (line) => console.log(line)) {
    this.id = id;
    this.title = title;
    this.#print = print;
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((check) => check.ok);
  }

  /** A check: `violations` empty means it held. */
  check(text: string, violations: readonly string[]): boolean {
    const ok = violations.length === 0;
    this.checks.push({ text, ok, detail: violations.slice(0, SHOWN) });
    this.#print(`  ${ok ? '✓' : '✗'} ${text}${ok ? '' : ` — ${violations.length} violation(s):`}`);
    for (const line of violations.slice(0, SHOWN)) this.#print(`      ${line}`);
    if (violations.length > SHOWN) this.#print(`      … and ${violations.length - SHOWN} more`);
    return ok;
  }

  /** A check that is one condition. */
  expect(ok: boolean, text: string, whenNot: string): boolean {
    return this.check(text, ok ? [] : [whenNot]);
  }

  /** A measured number or a fact worth printing, not a check. */
  note(text: string): void {
    this.notes.push(text);
    this.#print(`  · ${text}`);
  }

  /** A scenario that threw: one failed check saying where. */
  crashed(error: unknown): void {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.check('the scenario ran to its end', [text.split('\n').slice(0, 6).join('\n      ')]);
  }
}
