import { describe, expect, it } from 'vitest';
import type { TfSnapshot } from '../features/snapshot.js';
import { CandleMemory } from './candle-memory.js';

/** Only `count` matters to the memory; the snapshot object is its key. */
function snapshot(): { count: number } & TfSnapshot {
  return { count: 0 } as { count: number } & TfSnapshot;
}

describe('CandleMemory', () => {
  it('keeps snapshots apart when they alternate (the last-lookup shortcut follows the key)', () => {
    const m = new CandleMemory();
    const a = snapshot();
    const b = snapshot();
    for (let n = 1; n <= 6; n++) {
      a.count = n;
      b.count = n;
      expect(m.previous(a)).toBe(n === 1 ? -1 : 10 + n - 1);
      m.record(a, 10 + n);
      // b is not evaluated on candle 3, so candle 4 cannot know its previous flags
      if (n !== 3) {
        expect(m.previous(b)).toBe(n === 1 || n === 4 ? -1 : 20 + n - 1);
        m.record(b, 20 + n);
      }
      m.record(a, 10 + n); // recording the same candle again changes nothing
    }
  });

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
