/**
 * `npm run bench`: runs every bench module (each `bench/*.ts` but this one; each exports
 * BenchModule values) and prints the machine, then one table per module: the measure, its
 * baseline measured in the same run, their ratio, and the goal. Results also go to
 * bench/results/<time>.json.
 *   npm run bench -- leases cli     only these modules (file names without .ts)
 *   npm run bench -- --quick        short runs, to try things out
 *   npm run bench -- --json         one JSON document (machine + every row) on stdout; the
 *                                   tables go to stderr
 * Nothing is left running, also after a failure or Ctrl-C (lib/processes.ts, lib/abort.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { installAbortHandlers, killRunProcesses } from './lib/abort.ts';
import { describeMachine, formatMachine } from './lib/machine.ts';
import { RUN_TAG, runProcesses } from './lib/processes.ts';
import type { BenchModule, BenchRow } from './lib/stats.ts';

const here = new URL('.', import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const only = args.filter((arg) => !arg.startsWith('--'));
const names = readdirSync(here)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts')
  .map((name) => name.replace(/\.ts$/, ''));
const unknown = only.filter((name) => !names.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no module ${unknown.join(', ')}; the modules: ${names.join(', ')}\n`);
  process.exit(2);
}
const chosen = names.filter((name) => only.length === 0 || only.includes(name));

/** Human output: stdout, or stderr when stdout carries the JSON document. */
const say = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);

const isModule = (value: unknown): value is BenchModule =>
  typeof value === 'object' && value !== null && typeof (value as BenchModule).run === 'function';

function formatValue(value: number, unit: string): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 3 })} ${unit}`;
}

function ratio(row: BenchRow): string {
  if (!row.baseline || row.baseline.value === 0) return '';
  return `${(row.value / row.baseline.value).toFixed(2)}×`;
}

function table(rows: readonly BenchRow[]): string {
  const lines = rows.map((row) => [
    row.name,
    formatValue(row.value, row.unit),
    row.baseline ? `${row.baseline.name} ${formatValue(row.baseline.value, row.unit)}` : '',
    ratio(row),
    row.goal ? `${row.goal.text} ${row.goal.met ? '✓' : '✗'}` : '',
  ]);
  const header = ['measure', 'value', 'baseline (same run)', 'ratio', 'goal'];
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

// Every process started from here on carries this token: see lib/processes.ts.
process.env[RUN_TAG] = `${process.pid}-${randomBytes(4).toString('hex')}`;
installAbortHandlers();

const version = (JSON.parse(readFileSync(new URL('../package.json', here), 'utf8')) as { version: string }).version;
const machine = describeMachine();
const started = performance.now();
say(`styxy ${version}${quick ? ', --quick' : ''}\n${formatMachine(machine)}\n`);

const modules: { file: string; title: string; rows: BenchRow[]; error: string | null }[] = [];
for (const file of chosen) {
  const exports = (await import(new URL(`${file}.ts`, here).href)) as Record<string, unknown>;
  for (const bench of Object.values(exports).filter(isModule)) {
    const moduleStart = performance.now();
    try {
      const rows = await bench.run({ quick });
      modules.push({ file, title: bench.title, rows, error: null });
      const seconds = ((performance.now() - moduleStart) / 1000).toFixed(0);
      say(`${bench.title} (${seconds} s)\n\n${table(rows)}\n`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      modules.push({ file, title: bench.title, rows: [], error: message });
      say(`${bench.title}\n\nFAILED: ${message}\n`);
    }
  }
}

// A module that left something running is a bug: say so, and leave nothing.
const leftovers = runProcesses();
if (leftovers.length > 0) {
  killRunProcesses();
  say(`bench: ${leftovers.length} process(es) were left running (pids ${leftovers.join(', ')}): killed`);
}
const seconds = Math.round((performance.now() - started) / 100) / 10;
const document = {
  styxy: version,
  machine,
  loadAtEnd: Math.round(loadavg()[0]! * 100) / 100,
  quick,
  seconds,
  modules,
  leftovers: leftovers.length,
};
const dir = new URL('results/', here);
mkdirSync(dir, { recursive: true });
const file = new URL(`${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
say(`${seconds} s in all, load average ${document.loadAtEnd} at the end; results: ${file.pathname}`);
if (json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
if (leftovers.length > 0 || modules.some((module) => module.error !== null)) process.exitCode = 1;
