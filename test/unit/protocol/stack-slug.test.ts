import { describe, expect, it } from 'vitest';
import { STACK_SLUG_PATTERN, stackSlug } from '../../../src/protocol/stack-id.js';

describe('stackSlug (STYXY_STACK_SLUG)', () => {
  it.each([
    // root, name, project, readable part
    ['/src/shop', 'default', 'shop', /^shop_[0-9a-f]{6}$/],
    ['/wt/feature-x', 'default', 'shop', /^shop_feature_x_[0-9a-f]{6}$/],
    ['/wt/shop-feature-x', 'default', 'shop', /^shop_feature_x_[0-9a-f]{6}$/],
    ['/wt/Shop Feature.X', 'e2e', 'shop', /^shop_feature_x_e2e_[0-9a-f]{6}$/],
    ['/wt/42', 'default', '9lives', /^s_9lives_42_[0-9a-f]{6}$/],
    ['/', 'default', '', /^s_[0-9a-f]{6}$|^[a-f][0-9a-f]{5}$/],
    ['/wt/ünïcödé', 'default', 'ðð', /^n_c_d_[0-9a-f]{6}$/],
  ])('%s (%s, project %s) → %s', (root, name, project, expected) => {
    const slug = stackSlug(root, name, project);
    expect(slug).toMatch(expected);
    expect(slug).toMatch(STACK_SLUG_PATTERN);
  });

  it('is stable, and differs between stacks whose readable parts agree', () => {
    expect(stackSlug('/a/shop', 'default', 'shop')).toBe(stackSlug('/a/shop', 'default', 'shop'));
    expect(stackSlug('/a/shop', 'default', 'shop')).not.toBe(stackSlug('/b/shop', 'default', 'shop'));
    expect(stackSlug('/a/shop', 'default', 'shop')).not.toBe(stackSlug('/a/shop', 'other', 'shop'));
  });

  it('stays short and identifier-safe for long names (a Postgres identifier holds 63 bytes)', () => {
    const slug = stackSlug(`/wt/${'x'.repeat(200)}`, 'n'.repeat(64), 'p'.repeat(100));
    expect(slug.length).toBeLessThanOrEqual(53);
    expect(slug).toMatch(STACK_SLUG_PATTERN);
  });
});
