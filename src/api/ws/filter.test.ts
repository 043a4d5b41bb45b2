import { describe, expect, it } from 'vitest';
import { BUSY_ENGINE } from '../../../test/support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import { testSignal } from '../../../test/support/signals.js';
import { EngineConfig } from '../../core/pipeline/engine-settings.js';
import { SignalPipeline } from '../../core/pipeline/signal-pipeline.js';
import type { Signal } from '../../core/signals/types.js';
import { compileFilter, MATCH_ALL, matchesSignal, matchesSymbol } from './filter.js';

/** Real signals: the shipped pipeline over the first four weeks of real BTCUSDT and ETHUSDT 1m candles. */
function realSignals(): Signal[] {
  const out: Signal[] = [];
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    const pipeline = new SignalPipeline(EngineConfig.parse(BUSY_ENGINE));
    const candles = loadRealCandles(`binance_${symbol}_1m.csv.gz`).slice(0, 40_000);
    for (const c of candles)
      pipeline.process(symbol, c, (e) => {
        if (e.type === 'signal.created') out.push(e.signal);
      });
  }
  return out;
}

describe.skipIf(!hasRealData)('filter matching over real signals', () => {
  const signals = hasRealData ? realSignals() : [];

  it('has signals of both symbols and several strategies to filter', () => {
    expect(new Set(signals.map((s) => s.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    expect(new Set(signals.map((s) => s.strategy)).size).toBeGreaterThanOrEqual(3);
  });

  it('passes everything without a filter or with an empty one', () => {
    expect(signals.every((s) => matchesSignal(MATCH_ALL, s))).toBe(true);
    expect(signals.every((s) => matchesSignal(compileFilter({}), s))).toBe(true);
    expect(signals.every((s) => matchesSignal(compileFilter({ symbols: [], strategies: [] }), s))).toBe(true);
  });

  it('keeps exactly the signals meeting every given condition', () => {
    const strategies = [...new Set(signals.map((s) => s.strategy))].slice(0, 2);
    const confidences = signals.map((s) => s.confidence).sort((a, b) => a - b);
    const median = confidences[Math.floor(confidences.length / 2)];
    const cases = [
      { symbols: ['ETHUSDT'] },
      { strategies },
      { minConfidence: median },
      { symbols: ['BTCUSDT'], strategies, minConfidence: median },
      { symbols: ['SOLUSDT'] },
      { minConfidence: 1 },
    ];
    for (const filter of cases) {
      const compiled = compileFilter(filter);
      const expected = signals.filter(
        (s) =>
          (!('symbols' in filter) || (filter.symbols ?? []).includes(s.symbol)) &&
          (!('strategies' in filter) || (filter.strategies ?? []).includes(s.strategy)) &&
          s.confidence >= (filter.minConfidence ?? 0),
      );
      expect(signals.filter((s) => matchesSignal(compiled, s)).map((s) => s.id)).toEqual(
        expected.map((s) => s.id),
      );
    }
    // The median is met by the median signal itself: the bound is inclusive.
    expect(
      signals.filter((s) => matchesSignal(compileFilter({ minConfidence: median }), s)).length,
    ).toBeGreaterThan(0);
  });
});

describe('matchesSignal: minPriority', () => {
  it('admits the priority given and those above it (NONE < LOW < MEDIUM < HIGH)', () => {
    const of = (priority: Signal['priority']): Signal => testSignal({ priority });
    const f = compileFilter({ minPriority: 'MEDIUM' });
    expect(matchesSignal(f, of('HIGH'))).toBe(true);
    expect(matchesSignal(f, of('MEDIUM'))).toBe(true);
    expect(matchesSignal(f, of('LOW'))).toBe(false);
    expect(matchesSignal(f, of('NONE'))).toBe(false);
    expect(matchesSignal(compileFilter({ minPriority: 'NONE' }), of('NONE'))).toBe(true);
    expect(matchesSignal(compileFilter({ minPriority: 'LOW', minConfidence: 2 }), of('HIGH'))).toBe(false);
  });
});

describe('matchesSymbol', () => {
  it('applies only the symbol list', () => {
    expect(matchesSymbol(MATCH_ALL, 'BTCUSDT')).toBe(true);
    const f = compileFilter({ symbols: ['BTCUSDT'], strategies: ['momentum'], minConfidence: 0.9 });
    expect(matchesSymbol(f, 'BTCUSDT')).toBe(true);
    expect(matchesSymbol(f, 'ETHUSDT')).toBe(false);
  });
});
