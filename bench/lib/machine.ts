/** What the numbers were measured on: printed first by `npm run bench` and stored with them. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the run started: well above `cores` means the numbers are pessimistic. */
  readonly loadAtStart: number;
}

export function describeMachine(): Machine {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${type()} ${release()}`,
    loadAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function formatMachine(machine: Machine): string {
  return [
    `machine: ${machine.cpu}, ${machine.cores} core(s), ${machine.memoryGb} GB`,
    `node ${machine.node}, ${machine.os}, load average ${machine.loadAtStart} at the start`,
  ].join('\n');
}
