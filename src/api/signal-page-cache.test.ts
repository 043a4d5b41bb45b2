import { describe, expect, it } from 'vitest';
import { pageKey, SignalPageCache } from './signal-page-cache.js';

describe('SignalPageCache', () => {
  it('keeps a page until invalidated, and drops a read that started before an invalidation', () => {
    const c = new SignalPageCache();
    const g = c.generation;
    c.set('k', Buffer.from('page 1'), g);
    expect(String(c.get('k'))).toBe('page 1');
    const before = c.generation;
    c.invalidate();
    expect(c.get('k')).toBeUndefined();
    c.set('k', Buffer.from('stale'), before);
    expect(c.get('k')).toBeUndefined();
    c.set('k', Buffer.from('fresh'), c.generation);
    expect(String(c.get('k'))).toBe('fresh');
  });

  it('expires an entry after its ttl (the safety net for writes the bus does not see)', () => {
    let now = 0;
    const c = new SignalPageCache({ ttlMs: 5000, now: () => now });
    c.set('k', Buffer.from('page'), c.generation);
    now = 4999;
    expect(String(c.get('k'))).toBe('page');
    now = 5000;
    expect(c.get('k')).toBeUndefined();
  });

  it('builds a page once for concurrent misses, and does not keep a build an invalidation overtook', async () => {
    const c = new SignalPageCache();
    let builds = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const build = async () => {
      builds++;
      await gate;
      return Buffer.from(`page ${builds}`);
    };
    const a = c.getOrBuild('k', build);
    const b = c.getOrBuild('k', build);
    release();
    expect(String(await a)).toBe('page 1');
    expect(String(await b)).toBe('page 1');
    expect(builds).toBe(1);
    expect(String(c.get('k'))).toBe('page 1');

    let open: () => void = () => {};
    const slow = c.getOrBuild('j', async () => {
      await new Promise<void>((r) => {
        open = r;
      });
      return Buffer.from('old data');
    });
    c.invalidate();
    open();
    expect(String(await slow)).toBe('old data');
    expect(c.get('j')).toBeUndefined();
  });

  it('keys a query the same whatever the order of its parameters', () => {
    expect(pageKey({ limit: 50, status: 'ACTIVE' })).toBe(pageKey({ status: 'ACTIVE', limit: 50 }));
    expect(pageKey({ limit: 50 })).not.toBe(pageKey({ limit: 500 }));
  });
});
