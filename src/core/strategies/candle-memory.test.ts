import { describe, expect, it } from 'vitest';
import { CandleMemory } from './candle-memory.js';
import type { TfSnapshot } from './snapshot.js';

/** Only `count` matters to the memory; the snapshot object is its key. */
function snapshot(): { count: number } & TfSnapshot {
  return { count: 0 } as { count: number } & TfSnapshot;
}

describe('CandleMemory', () => {
  it('gives the flags of the previous candle, -1 when that candle was not seen', () => {
    const m = new CandleMemory();
    const s = snapshot();
    s.count = 1;
    expect(m.previous(s)).toBe(-1);
    m.record(s, 5);
    s.count = 2;
    expect(m.previous(s)).toBe(5);
    m.record(s, 7);
    s.count = 4; // candle 3 was never evaluated
    expect(m.previous(s)).toBe(-1);
    m.record(s, 1);
    s.count = 5;
    expect(m.previous(s)).toBe(1);
  });

  it('evaluating the same candle again sees the same previous flags', () => {
    const m = new CandleMemory();
    const s = snapshot();
    s.count = 1;
    m.record(s, 3);
    s.count = 2;
    expect(m.previous(s)).toBe(3);
    m.record(s, 0);
    expect(m.previous(s)).toBe(3);
    m.record(s, 0);
    s.count = 3;
    expect(m.previous(s)).toBe(0);
  });

  it('keeps one memory per snapshot (per symbol and timeframe)', () => {
    const m = new CandleMemory();
    const a = snapshot();
    const b = snapshot();
    a.count = 1;
    b.count = 1;
    m.record(a, 2);
    m.record(b, 9);
    a.count = 2;
    b.count = 2;
    expect(m.previous(a)).toBe(2);
    expect(m.previous(b)).toBe(9);
  });
});
