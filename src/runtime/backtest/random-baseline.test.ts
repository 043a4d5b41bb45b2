import { describe, expect, it } from 'vitest';
import type { Candle } from '../../core/candles/candle.js';
import { EngineConfig } from '../../core/pipeline/engine-settings.js';
import {
  type BaselineMarket,
  buyAndHold,
  randomEntryBaseline,
  randomTwin,
  type TradeGeometry,
} from './random-baseline.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** A 1m market: a sine around 100 (so trades can win and lose), 15m entry points with ATR 1. */
function market(days = 6): BaselineMarket {
  const candles: Candle[] = [];
  for (let i = 0; i < days * 1440; i++) {
    const mid = 100 + 3 * Math.sin(i / 200) + 0.5 * Math.sin(i / 7);
    candles.push({
      openTime: T0 + i * MIN,
      open: mid,
      high: mid + 0.4,
      low: mid - 0.4,
      close: mid + 0.1,
      volume: 1,
    });
  }
  const entries = [];
  for (let i = 14; i < candles.length; i += 15) {
    entries.push({ closeTime: candles[i].openTime + MIN, close: candles[i].close, atr: 1 });
  }
  return {
    baseMs: MIN,
    candles: new Map([['TESTUSDT', candles]]),
    entries: new Map([['TESTUSDT|15m', entries]]),
  };
}

function trade(i: number, direction: 'BUY' | 'SELL' = 'BUY'): TradeGeometry {
  const d = direction === 'BUY' ? 1 : -1;
  const entry = 100;
  return {
    id: `T${i}`,
    symbol: 'TESTUSDT',
    timeframe: '15m',
    strategy: 'momentum',
    direction,
    entryPrice: entry,
    stopLoss: entry - d * 3,
    takeProfits: [entry + d * 3, entry + d * 6, entry + d * 9],
    stopAtr: 1.5,
    createdAt: T0 + (i + 1) * 3_600_000,
    expiresAt: T0 + (i + 1) * 3_600_000 + 2 * 3_600_000,
  };
}

const engine = EngineConfig.parse({});
const opts = { runs: 50, seed: 7, from: T0, to: T0 + 5 * 86_400_000 };

describe('random-entry baseline', () => {
  it('moves the real geometry, in ATRs, to the random entry: stop 1.5 ATR, targets 1.5/3/4.5 ATR, at the market', () => {
    const twin = randomTwin(trade(0), { closeTime: T0 + 10 * MIN, close: 50, atr: 2 }, 3);
    expect(twin).toMatchObject({
      id: 'T0#random3',
      entryType: 'MARKET_ENTRY',
      entryPrice: 50,
      stopLoss: 47,
      takeProfits: [53, 56, 59],
      createdAt: T0 + 10 * MIN,
      expiresAt: T0 + 10 * MIN + 2 * 3_600_000,
    });
    const sell = randomTwin(
      { ...trade(0, 'SELL'), exit: { style: 'trailing', trailDistance: 4 } },
      { closeTime: 0, close: 50, atr: 2 },
      0,
    );
    expect(sell).toMatchObject({
      stopLoss: 53,
      takeProfits: [47, 44, 41],
      exit: { style: 'trailing', trailDistance: 4 },
    });
  });

  it('is reproducible from its seed, and another seed gives other runs', () => {
    const trades = Array.from({ length: 30 }, (_, i) => ({
      trade: trade(i, i % 2 ? 'SELL' : 'BUY'),
      netR: i % 3 ? -1 : 2,
    }));
    const a = randomEntryBaseline(trades, market(), engine, opts);
    const b = randomEntryBaseline(trades, market(), engine, opts);
    expect(b).toEqual(a);
    expect(a.runs).toBe(50);
    expect(a.overall.runs).toBe(50);
    expect(a.overall.trades).toBe(30);
    expect(a.overall.expectancyR).toBeCloseTo((10 * 2 - 20) / 30, 12);
    const other = randomEntryBaseline(trades, market(), engine, { ...opts, seed: 8 });
    expect(other.overall.randomMean).not.toBe(a.overall.randomMean);
    // percentiles: a real record far above every run is at 100, far below at 0
    const great = randomEntryBaseline(
      trades.map((t) => ({ ...t, netR: 50 })),
      market(),
      engine,
      opts,
    );
    expect(great.overall.percentile).toBe(100);
    const awful = randomEntryBaseline(
      trades.map((t) => ({ ...t, netR: -50 })),
      market(),
      engine,
      opts,
    );
    expect(awful.overall.percentile).toBe(0);
    expect(a.overall.randomP05).toBeLessThanOrEqual(a.overall.randomP95 ?? Number.NaN);
    expect(Object.keys(a.slices)).toEqual(['momentum:15m']);
  });

  it('buy-and-hold: from the first open in range to the last close, after a round trip of costs', () => {
    const m = market(1);
    const list = m.candles.get('TESTUSDT') ?? [];
    const r = buyAndHold(m.candles, MIN, 0.001, T0);
    const expected = list[list.length - 1].close / list[0].open - 1 - 0.002;
    expect(r.bySymbol.TESTUSDT.return).toBeCloseTo(expected, 12);
    expect(r.pooled).toBeCloseTo(expected, 12);
  });
});
