import { describe, expect, it } from 'vitest';
import { rateLimited } from '../../../src/transport/rate-limited.js';

describe('rate-limited log', () => {
  it('drops lines past the rate limit and says how many', () => {
    const lines: string[] = [];
    const log = rateLimited((line) => lines.push(line), 3);
    for (let i = 0; i < 10; i++) log(`peer ${i}`);
    expect(lines).toEqual(['peer 0', 'peer 1', 'peer 2']);
  });
});
