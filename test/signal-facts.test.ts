import { describe, expect, it } from 'vitest';
import type { Candle } from '../src/core/candles/candle.js';
import { timeframeMs } from '../src/core/candles/timeframe.js';
import { alignmentBand, priorityOf } from '../src/core/ensemble/priority.js';
import type { Outcome } from '../src/core/outcomes/types.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import { riskLevelOf } from '../src/core/risk/risk-level.js';
import type { RejectedCandidate, Signal } from '../src/core/signals/types.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

/** Issue 15 (points 4-7, 10) on real candles: the per-signal facts the pipeline now records. */

const TRAIN_END = Date.UTC(2025, 6, 1);

interface Run {
  readonly created: Signal[];
  readonly updated: Signal[];
  readonly rejected: RejectedCandidate[];
  readonly outcomes: Outcome[];
}

function run(engine: Record<string, unknown>, candles: readonly Candle[]): Run {
  const p = new SignalPipeline(EngineConfig.parse({ ...BUSY_ENGINE, ...engine }));
  p.setTickSize('BTCUSDT', 0.01);
  const out: Run = { created: [], updated: [], rejected: [], outcomes: [] };
  const sink = (e: PipelineEvent): void => {
    if (e.type === 'signal.created') out.created.push(e.signal);
    else if (e.type === 'signal.updated') out.updated.push(e.signal);
    else if (e.type === 'signal.rejected') out.rejected.push(e.candidate);
    else if (e.type === 'outcome.closed' && !e.shadow) out.outcomes.push(e.outcome);
  };
  for (const c of candles) if (c.openTime < TRAIN_END) p.process('BTCUSDT', c, sink);
  return out;
}

describe.skipIf(!hasRealData)('per-signal facts on real BTCUSDT 1m (before 2025-07-01)', () => {
  const candles = hasRealData ? loadRealCandles('binance_BTCUSDT_1m.csv.gz') : [];
  const base = hasRealData ? run({}, candles) : { created: [], updated: [], rejected: [], outcomes: [] };
  const bands = EngineConfig.parse({}).priority;

  it('records entry validity (2 h by default) apart from the holding horizon (96 candles)', () => {
    expect(base.created.length).toBeGreaterThan(20);
    for (const s of base.created) {
      expect(s.entryValidMs).toBe(2 * 3_600_000);
      expect(s.expiresAt).toBe(s.createdAt + 2 * 3_600_000);
      expect(s.maxHoldingMs).toBe(96 * timeframeMs(s.timeframe));
    }
    const own = run(
      {
        signalTimeframes: [
          { timeframe: '15m', entryValidity: '45m', maxHoldingCandles: 10 },
          { timeframe: '1h', expiryCandles: 3, maxHoldingCandles: null },
          { timeframe: '4h' },
        ],
      },
      candles,
    );
    for (const s of own.created) {
      if (s.timeframe === '15m')
        expect([s.entryValidMs, s.maxHoldingMs]).toEqual([45 * 60_000, 10 * 15 * 60_000]);
      if (s.timeframe === '1h') expect([s.entryValidMs, s.maxHoldingMs]).toEqual([3 * 3_600_000, null]);
    }
    // a holding horizon of 10 candles: no filled 15m signal is held longer
    const byId = new Map(own.created.map((s) => [s.id, s]));
    const held15 = own.outcomes.filter(
      (o) => byId.get(o.signalId)?.timeframe === '15m' && o.holdingMs !== null,
    );
    expect(held15.length).toBeGreaterThan(0);
    for (const o of held15) expect(o.holdingMs ?? 0).toBeLessThanOrEqual(10 * 15 * 60_000);
  });

  it('gives the design priority from confidence and alignment, and a risk level from stop and volatility', () => {
    const seen = new Set<string>();
    for (const s of base.created) {
      const band = alignmentBand(s.breakdown.alignmentFactor, bands);
      expect(s.alignment).toBe(band);
      expect(s.priority).toBe(priorityOf(s.confidence, band, bands));
      expect(s.riskLevel).toBe(
        riskLevelOf(s.entryPrice, s.stopLoss, s.features.volatility_percentile ?? Number.NaN),
      );
      seen.add(s.priority);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('measures entry confidence from the outcomes seen so far, with n, and leaves processing time to the runtime', () => {
    for (const s of base.created) {
      expect(s.processingMs).toBeNull();
      const ec = s.entryConfidence;
      expect(ec).toBeDefined();
      if (!ec) continue;
      expect(ec.n).toBeGreaterThanOrEqual(0);
      if (ec.n === 0) expect(ec.fillRate).toBeNull();
      else expect(ec.fillRate).toBeGreaterThanOrEqual(0);
      if (s.entryType === 'MARKET_ENTRY' && ec.n > 0) expect(ec.fillRate).toBe(1);
      expect(ec.basis).toContain(s.entryType);
    }
    const most = Math.max(...base.created.map((s) => s.entryConfidence?.n ?? 0));
    expect(most).toBeGreaterThan(10);
    const limits = base.created.filter(
      (s) => s.entryType !== 'MARKET_ENTRY' && (s.entryConfidence?.n ?? 0) > 0,
    );
    expect(limits.some((s) => (s.entryConfidence?.fillRate ?? 1) < 1)).toBe(true);
    // deterministic: a second run gives the same facts
    expect(run({}, candles).created.map((s) => s.entryConfidence)).toEqual(
      base.created.map((s) => s.entryConfidence),
    );
  });

  it('merges an agreeing timeframe into the earlier live signal when engine.merge is on', () => {
    const merged = run({ merge: { enabled: true, window: '4h' } }, candles);
    const away = merged.rejected.filter((r) => r.reason === 'merged');
    expect(away.length).toBeGreaterThan(0);
    for (const r of away) {
      const leaderId = /merged into the live \S+ signal (\S+)$/.exec(r.detail)?.[1];
      const leader = merged.updated.find(
        (s) => s.id === leaderId && s.evidence?.some((e) => e.signalId === r.id),
      );
      expect(leader, r.detail).toBeDefined();
      expect(leader?.direction).toBe(r.direction);
      expect(leader?.timeframe).not.toBe(r.timeframe);
      expect(r.createdAt - (leader?.createdAt ?? 0)).toBeLessThanOrEqual(4 * 3_600_000);
    }
    expect(base.rejected.some((r) => r.reason === 'merged')).toBe(false);
  });

  it('tags every target and stop event with its precision class', () => {
    const kinds = new Set(['TP1', 'TP2', 'TP3', 'SL', 'BREAKEVEN_STOP', 'TRAIL_STOP']);
    let levels = 0;
    for (const o of base.outcomes) {
      for (const e of o.events) {
        if (kinds.has(e.kind)) {
          levels++;
          expect(e.precision).toBe('EXACT_TOUCH');
        } else expect(e.precision).toBeNull();
      }
    }
    expect(levels).toBeGreaterThan(10);
    const close = run({ outcomes: { precision: { confirm: 'close' } } }, candles);
    const classes = new Set(
      close.outcomes.flatMap((o) => o.events.flatMap((e) => (e.precision ? [e.precision] : []))),
    );
    expect([...classes]).toEqual(['CLOSE_CONFIRMED']);
  });
});

/** The symbol an event is about; null for the pipeline-wide ones (slice states, model drift). */
function symbolOf(e: PipelineEvent): string | null {
  switch (e.type) {
    case 'candle.closed':
      return e.symbol;
    case 'signal.rejected':
      return e.candidate.symbol;
    case 'signal.created':
    case 'signal.updated':
    case 'outcome.closed':
      return e.signal.symbol;
    default:
      return null;
  }
}

describe.skipIf(!hasRealData)(
  'a symbol computes the same alone as beside others (what a shard relies on)',
  () => {
    it('BTCUSDT events are the same from a pipeline fed BTCUSDT alone and one fed BTCUSDT and ETHUSDT interleaved', () => {
      const btc = hasRealData ? loadRealCandles('binance_BTCUSDT_1m_20240726-20240825.csv.gz') : [];
      const eth = hasRealData ? loadRealCandles('binance_ETHUSDT_1m_20240726-20240825.csv.gz') : [];
      const feed = (symbols: ReadonlyArray<readonly [string, readonly Candle[]]>): PipelineEvent[] => {
        // the slices' live records never move a state here: they pool every symbol of a pipeline
        // (see docs/DEPLOYMENT.md, "What sharding changes"); everything else is per symbol
        const p = new SignalPipeline(
          EngineConfig.parse({
            ...BUSY_ENGINE,
            publication: { ...BUSY_ENGINE.publication, minTrades: 1_000_000 },
          }),
        );
        const events: PipelineEvent[] = [];
        const longest = Math.max(...symbols.map(([, cs]) => cs.length));
        for (let i = 0; i < longest; i++) {
          for (const [symbol, cs] of symbols) {
            const c = cs[i];
            if (c) p.process(symbol, c, (e) => events.push(e));
          }
        }
        return events.filter((e) => symbolOf(e) === 'BTCUSDT');
      };
      const alone = feed([['BTCUSDT', btc]]);
      const beside = feed([
        ['ETHUSDT', eth],
        ['BTCUSDT', btc],
      ]);
      const created = alone.filter((e) => e.type === 'signal.created');
      expect(created.length).toBeGreaterThan(10);
      // the entry fill-rate estimate is the symbol's own: learnt, and the same in both runs
      expect(created.some((e) => e.type === 'signal.created' && (e.signal.entryConfidence?.n ?? 0) > 0)).toBe(
        true,
      );
      expect(beside.length).toBe(alone.length);
      expect(beside).toEqual(alone);
    });
  },
);
