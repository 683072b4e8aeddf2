/** The header's text: project and stack on the left, the coordinator and phase on the right. */
import type { StackPhase, StackSnapshot } from '../../protocol/stack.js';
import { textWidth } from '../text/width.js';

export interface HeaderParts {
  readonly title: string;
  /** Right-hand items that fit, in order. */
  readonly facts: readonly string[];
  readonly phase: StackPhase;
}

export function headerParts(snapshot: StackSnapshot, coordinatorPid: number | null, width: number): HeaderParts {
  const { stack, coordinator, phase } = snapshot;
  const title = `${stack.project} / ${stack.name}`;
  const leases = coordinator.leases;
  const candidates = [
    coordinatorPid === null ? 'no coordinator' : `coordinator pid ${coordinatorPid}`,
    `${leases} ${leases === 1 ? 'port' : 'ports'} leased`,
  ];
  // "styxy " + title + gap + facts joined by " · " + " · " + phase; drop facts that do not fit.
  const facts = [...candidates];
  const used = () => textWidth(`styxy ${title}  ${[...facts, phase].join(' · ')}`);
  while (facts.length > 0 && used() > width) facts.pop();
  return { title, facts, phase };
}
