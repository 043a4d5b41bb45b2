import { describe, expect, it } from 'vitest';
import { pageKey, SignalPageCache } from './signal-page-cache.js';

describe('SignalPageCache', () => {
  it('keeps a page until invalidated, and drops a read that started before an invalidation', () => {
    const c = new SignalPageCache();
    const g = c.generation;
    c.set('k', 'page 1', g);
    expect(c.get('k')).toBe('page 1');
    const before = c.generation;
    c.invalidate();
    expect(c.get('k')).toBeUndefined();
    c.set('k', 'stale', before);
    expect(c.get('k')).toBeUndefined();
    c.set('k', 'fresh', c.generation);
    expect(c.get('k')).toBe('fresh');
  });

  it('expires an entry after its ttl (the safety net for writes the bus does not see)', () => {
    let now = 0;
    const c = new SignalPageCache({ ttlMs: 5000, now: () => now });
    c.set('k', 'page', c.generation);
    now = 4999;
    expect(c.get('k')).toBe('page');
    now = 5000;
    expect(c.get('k')).toBeUndefined();
  });

  it('keys a query the same whatever the order of its parameters', () => {
    expect(pageKey({ limit: 50, status: 'ACTIVE' })).toBe(pageKey({ status: 'ACTIVE', limit: 50 }));
    expect(pageKey({ limit: 50 })).not.toBe(pageKey({ limit: 500 }));
  });
});
