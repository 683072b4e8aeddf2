/** Colours and symbols: status colours, and one colour per service for log prefixes. */
import type { ServiceStatus } from '../../protocol/stack.js';

/** Ink colour names. */
export type Colour = 'green' | 'yellow' | 'red' | 'gray' | 'cyan' | 'blue' | 'magenta' | 'white';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export const STATUS_STYLE: Record<ServiceStatus, { readonly colour: Colour; readonly icon: string }> = {
  pending: { colour: 'gray', icon: '◌' },
  starting: { colour: 'yellow', icon: '' }, // the spinner
  ready: { colour: 'green', icon: '●' },
  running: { colour: 'green', icon: '●' },
  completed: { colour: 'cyan', icon: '✓' },
  exited: { colour: 'yellow', icon: '○' },
  failed: { colour: 'red', icon: '✗' },
  stopped: { colour: 'gray', icon: '■' },
  unhealthy: { colour: 'red', icon: '♥' },
  off: { colour: 'gray', icon: '·' },
};

/** Whether a status animates (the spinner runs only while one does). */
export function isBusy(status: ServiceStatus): boolean {
  return status === 'starting';
}

const PALETTE = [
  'cyan',
  'magenta',
  'blue',
  'yellow',
  'green',
  'cyanBright',
  'magentaBright',
  'blueBright',
  'yellowBright',
  'greenBright',
] as const;

/** The colour of a service's log prefix, by its place in the stack. */
export function serviceColour(index: number): (typeof PALETTE)[number] {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
