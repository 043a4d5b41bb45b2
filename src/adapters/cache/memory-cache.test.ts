import { describe, expect, it } from 'vitest';
import { MemoryCache } from './memory-cache.js';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('MemoryCache', () => {
  it('serves a value until its time to live has passed, counting hits and misses', () => {
    const c = clock();
    const cache = new MemoryCache<string>({ ttlMs: 100, maxEntries: 10, now: c.now });
    expect(cache.stats().hitRate).toBeNull();
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 'A');
    expect(cache.get('a')).toBe('A');
    c.advance(99);
    expect(cache.get('a')).toBe('A');
    c.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, hitRate: 0.5, entries: 0 });
  });

  it('evicts the least recently used entry when full, expired entries first', () => {
    const c = clock();
    const cache = new MemoryCache<number>({ ttlMs: 1_000, maxEntries: 3, now: c.now });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.get('a');
    cache.set('d', 4);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
    expect(cache.stats().evictions).toBe(1);

    cache.set('short', 5, 10);
    c.advance(10);
    cache.set('e', 6);
    // the expired entry made room, so nothing live was evicted
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 2 });
  });

  it('computes once per key with getOrSet and does not cache a throw or a rejection', async () => {
    const cache = new MemoryCache<number>({ ttlMs: 1_000, maxEntries: 10 });
    let calls = 0;
    const f = () => ++calls;
    expect(await cache.getOrSet('k', f)).toBe(1);
    expect(await cache.getOrSet('k', f)).toBe(1);
    expect(await cache.getOrSet('later', async () => 7)).toBe(7);
    expect(cache.get('later')).toBe(7);
    await expect(
      cache.getOrSet('bad', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(cache.getOrSet('bad', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(cache.stats().entries).toBe(2);
  });

  it('drops matching keys', () => {
    const cache = new MemoryCache<number>({ ttlMs: 1_000, maxEntries: 10 });
    cache.set('candles|BTCUSDT|1h', 1);
    cache.set('candles|ETHUSDT|1h', 2);
    cache.set('performance|{}', 3);
    expect(cache.deleteWhere((k) => k.startsWith('candles|BTCUSDT|'))).toBe(1);
    expect(cache.stats().entries).toBe(2);
    cache.clear();
    expect(cache.stats().entries).toBe(0);
  });

  it('rejects a bad size or time to live', () => {
    expect(() => new MemoryCache({ ttlMs: 0, maxEntries: 1 })).toThrow(/ttlMs/);
    expect(() => new MemoryCache({ ttlMs: 1, maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
