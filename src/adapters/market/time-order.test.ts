import { describe, expect, it } from 'vitest';
import type { Candle } from '../../core/candles/candle.js';
import { mergeInTimeOrder, type SymbolSeries } from './time-order.js';

const candle = (openTime: number): Candle => ({ openTime, open: 1, high: 1, low: 1, close: 1, volume: 1 });

/** A series in the given batches; records whether it was closed before its end. */
function series(symbol: string, batches: number[][]): SymbolSeries & { closedEarly: () => boolean } {
  let finished = false;
  let closed = false;
  async function* gen(): AsyncGenerator<Candle[]> {
    try {
      for (const b of batches) yield b.map(candle);
      finished = true;
    } finally {
      if (!finished) closed = true;
    }
  }
  return { symbol, batches: gen(), closedEarly: () => closed };
}

async function merged(input: readonly SymbolSeries[], to?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of mergeInTimeOrder(input, to))
    for (const c of batch) out.push(`${c.symbol}@${c.candle.openTime}`);
  return out;
}

describe('mergeInTimeOrder', () => {
  it('merges by open time across batch borders; equal times in the order the series are given', async () => {
    const got = await merged([series('B', [[1, 3], [], [4, 6]]), series('A', [[2], [3, 5]])]);
    expect(got).toEqual(['B@1', 'A@2', 'B@3', 'A@3', 'B@4', 'A@5', 'B@6']);
  });

  it('stops before `to` and closes the series it did not finish', async () => {
    const a = series('A', [
      [1, 2],
      [3, 4],
    ]);
    const b = series('B', [[1], [5]]);
    expect(await merged([a, b], 3)).toEqual(['A@1', 'B@1', 'A@2']);
    expect(a.closedEarly()).toBe(true);
    expect(b.closedEarly()).toBe(true);
  });

  it('closes every unfinished series when the consumer stops early', async () => {
    // more candles than one merged batch holds, so the first batch comes before the series ends
    const a = series('A', [Array.from({ length: 9000 }, (_, i) => i), [9000]]);
    for await (const batch of mergeInTimeOrder([a])) {
      expect(batch).toHaveLength(8192);
      break;
    }
    expect(a.closedEarly()).toBe(true);
  });
});
