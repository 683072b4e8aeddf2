/**
 * `npm run bench`: runs every bench module (each `bench/*.ts` but this one; each exports
 * BenchModule values) and prints one table per module: the measure, its baseline measured in
 * the same run, their ratio, and the goal. Results also go to bench/results/<time>.json.
 * Run one module: `npm run bench -- leases`; shorter runs: `npm run bench -- --quick`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { BenchModule, BenchRow } from './lib/stats.ts';

const here = new URL('.', import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((arg) => !arg.startsWith('--'));
const files = readdirSync(here)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts')
  .filter((name) => only.length === 0 || only.includes(name.replace(/\.ts$/, '')));

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

const results: Record<string, BenchRow[]> = {};
console.log(`node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? 'unknown'}\n`);
for (const file of files) {
  const exports = (await import(new URL(file, here).href)) as Record<string, unknown>;
  for (const bench of Object.values(exports).filter(isModule)) {
    const rows = await bench.run({ quick });
    results[bench.title] = rows;
    console.log(`${bench.title}\n\n${table(rows)}\n`);
  }
}
const dir = new URL('results/', here);
mkdirSync(dir, { recursive: true });
const file = new URL(`${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(file, `${JSON.stringify({ node: process.version, cpus: cpus().length, quick, results }, null, 2)}\n`);
console.log(`results: ${file.pathname}`);
