import { describe, expect, it } from 'vitest';
import { EntryFillBook } from './entry-fill-book.js';

describe('EntryFillBook: fill rate of an entry type in similar conditions', () => {
  it('counts fills and expiries per entry type, timeframe and volatility tercile, with n', () => {
    const book = new EntryFillBook('BTCUSDT');
    expect(book.estimate('FIBONACCI_618', '1h', 0.5)).toEqual({
      fillRate: null,
      n: 0,
      basis: 'FIBONACCI_618 on BTCUSDT 1h, volatility tercile 2 of 3',
    });
    const key = EntryFillBook.key('FIBONACCI_618', '1h', 0.5);
    ['a', 'b', 'c', 'd'].forEach((id) => {
      book.follow(id, key);
    });
    book.onOutcome('a', true, false);
    book.onOutcome('b', true, false);
    book.onOutcome('c', false, true);
    book.onOutcome('d', false, false); // cancelled unfilled: says nothing about fills
    book.onOutcome('zzz', true, false); // never followed: ignored
    expect(book.estimate('FIBONACCI_618', '1h', 0.4)).toMatchObject({ fillRate: 2 / 3, n: 3 });
    // other conditions are other groups
    expect(book.estimate('FIBONACCI_618', '1h', 0.9).n).toBe(0);
    expect(book.estimate('FIBONACCI_618', '4h', 0.5).n).toBe(0);
    expect(book.estimate('EMA_PULLBACK', '1h', 0.5).n).toBe(0);
    expect(book.estimate('EMA_PULLBACK', '1h', Number.NaN).basis).toContain('volatility unknown');
  });
});
