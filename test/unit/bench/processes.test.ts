import { describe, expect, it } from 'vitest';
import { environHas } from '../../../bench/lib/processes.ts';

const environ = (...entries: string[]) => Buffer.from(`${entries.join('\0')}\0`);

describe('bench: finding a process by its environment', () => {
  it('matches an entry that starts with the prefix, first or later in the block', () => {
    expect(environHas(environ('STYXY_HOME=/tmp/a', 'PATH=/bin'), 'STYXY_HOME=/tmp/a')).toBe(true);
    expect(environHas(environ('PATH=/bin', 'STYXY_BENCH_RUN=12-ab'), 'STYXY_BENCH_RUN=12-ab')).toBe(true);
    expect(environHas(environ('PATH=/bin', 'STYXY_HOME=/tmp/root/home-1'), 'STYXY_HOME=/tmp/root/')).toBe(true);
  });

  it('never matches inside another variable, or another value', () => {
    expect(environHas(environ('XSTYXY_HOME=/tmp/a'), 'STYXY_HOME=/tmp/a')).toBe(false);
    expect(environHas(environ('OTHER=STYXY_HOME=/tmp/a'), 'STYXY_HOME=/tmp/a')).toBe(false);
    expect(environHas(environ('STYXY_HOME=/tmp/b'), 'STYXY_HOME=/tmp/a')).toBe(false);
    expect(environHas(Buffer.alloc(0), 'STYXY_HOME=')).toBe(false);
  });
});
