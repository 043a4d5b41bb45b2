import { describe, expect, it } from 'vitest';
import type { Candle } from '../src/core/candles/candle.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { type RejectedCandidate, type Signal, STRATEGY_NAMES } from '../src/core/signals/types.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

interface Run {
  created: Signal[];
  rejected: RejectedCandidate[];
  events: PipelineEvent[];
}

/** Feeds the symbols' 1m candles merged in time order, like a live feed, up to `until` (exclusive). */
function run(series: Record<string, Candle[]>, until = Number.POSITIVE_INFINITY, keepEvents = false): Run {
  const p = new SignalPipeline(EngineConfig.parse(BUSY_ENGINE));
  const out: Run = { created: [], rejected: [], events: [] };
  const symbols = Object.keys(series).sort();
  const idx = symbols.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < symbols.length; k++) {
      const c = series[symbols[k]][idx[k]];
      if (c && c.openTime < until && (best < 0 || c.openTime < series[symbols[best]][idx[best]].openTime))
        best = k;
    }
    if (best < 0) break;
    const c = series[symbols[best]][idx[best]++];
    p.process(symbols[best], c, (e) => {
      if (keepEvents) out.events.push(e);
      if (e.type === 'signal.created') out.created.push(e.signal);
      else if (e.type === 'signal.rejected') out.rejected.push(e.candidate);
    });
  }
  return out;
}

describe.skipIf(!hasRealData)(
  'SignalPipeline (busy test engine) on 13 weeks of real BTCUSDT and ETHUSDT 1m',
  () => {
    const series = hasRealData
      ? {
          BTCUSDT: loadRealCandles('binance_BTCUSDT_1m.csv.gz'),
          ETHUSDT: loadRealCandles('binance_ETHUSDT_1m.csv.gz'),
        }
      : { BTCUSDT: [], ETHUSDT: [] };
    const whole = hasRealData
      ? run(series, Number.POSITIVE_INFINITY, true)
      : { created: [], rejected: [], events: [] };

    it('produces signals from every strategy family', () => {
      const families = new Set(whole.created.map((s) => s.strategy));
      for (const name of STRATEGY_NAMES) expect(families, `no ${name} signal`).toContain(name);
    });

    it('keeps prices in order, reward:risk above the minimum and confidence equal to its breakdown', () => {
      const min = EngineConfig.parse(BUSY_ENGINE).thresholds;
      for (const s of whole.created) {
        const [t1, t2, t3] = s.takeProfits;
        if (s.direction === 'BUY')
          expect(s.stopLoss < s.entryPrice && s.entryPrice < t1 && t1 < t2 && t2 < t3, s.id).toBe(true);
        else expect(s.stopLoss > s.entryPrice && s.entryPrice > t1 && t1 > t2 && t2 > t3, s.id).toBe(true);
        expect(s.rewardRisk).toBeGreaterThanOrEqual(min.minRewardRisk);
        expect(s.confidence).toBeGreaterThanOrEqual(min.minConfidence);
        expect(s.confidence).toBeLessThanOrEqual(1);
        const b = s.breakdown;
        expect(b.product).toBe(b.base * (1 + b.mtfBoost) * b.alignmentFactor * b.volumeFactor);
        expect(s.confidence).toBe(Math.min(1, Math.max(0, b.product)));
        expect(s.reasons.length).toBeGreaterThan(0);
        expect(s.entryAnalysis.considered.length).toBeGreaterThan(0);
      }
    });

    it('uses only higher-timeframe candles closed at or before each signal', () => {
      for (const s of whole.created) {
        for (const v of s.breakdown.context)
          expect(v.asOf, `${s.id} ${v.timeframe}`).toBeLessThanOrEqual(s.createdAt);
      }
    });

    it('keeps every filtered candidate with its reason', () => {
      expect(whole.rejected.length).toBeGreaterThan(0);
      for (const r of whole.rejected) expect(r.detail.length).toBeGreaterThan(0);
    });

    it('has no lookahead: signals up to T are identical whether the input ends at T or runs on', () => {
      const start = series.BTCUSDT[0].openTime;
      const end = series.BTCUSDT[series.BTCUSDT.length - 1].openTime;
      for (const frac of [0.35, 0.6, 0.85]) {
        const T = start + Math.floor(((end - start) * frac) / 60_000) * 60_000;
        const cut = run(series, T);
        const before = (xs: Signal[]) => xs.filter((s) => s.createdAt <= T);
        expect(cut.created.length).toBeGreaterThan(0);
        expect(before(cut.created)).toEqual(before(whole.created));
      }
    });

    it('drives every signal through a valid lifecycle, ending in an outcome when it is no longer live', () => {
      const allowed: Record<string, string[]> = {
        PENDING: ['ACTIVE', 'EXPIRED', 'CANCELLED'],
        ACTIVE: ['ACTIVE', 'CLOSED', 'CANCELLED'],
      };
      const status = new Map(whole.created.map((s) => [s.id, s.status as string]));
      const outcomes = new Map<string, string>();
      let shadow = 0;
      for (const e of whole.events) {
        if (e.type === 'signal.updated') {
          const before = status.get(e.signal.id);
          expect(before, e.signal.id).toBe(e.previous);
          expect(allowed[e.previous] ?? [], `${e.previous} -> ${e.signal.status}`).toContain(e.signal.status);
          status.set(e.signal.id, e.signal.status);
        } else if (e.type === 'outcome.closed') {
          if (e.shadow) shadow++;
          else outcomes.set(e.outcome.signalId, e.outcome.type);
        }
      }
      for (const [id, st] of status) {
        if (st === 'PENDING' || st === 'ACTIVE') expect(outcomes.has(id)).toBe(false);
        else expect(outcomes.has(id), id).toBe(true);
        if (st === 'EXPIRED') expect(outcomes.get(id)).toBe('EXPIRED');
      }
      expect(outcomes.size).toBeGreaterThan(whole.created.length * 0.9);
      expect(shadow).toBeGreaterThan(0);
    });

    it('is deterministic: two runs give byte-identical signals', () => {
      const again = run(series);
      expect(JSON.stringify(again.created)).toBe(JSON.stringify(whole.created));
      expect(JSON.stringify(again.rejected)).toBe(JSON.stringify(whole.rejected));
    });
  },
);
