import { describe, expect, it } from 'vitest';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { renderHtmlReport } from '../src/runtime/backtest/html-report.js';
import { formatSummary } from '../src/runtime/backtest/summary.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

/**
 * Issue 15.9 and 15.10 in the backtest report, on a month of real BTCUSDT 1m (2024-07-26..08-25,
 * training part): every refined entry against its market-entry counterfactual, and how the TP/SL
 * precision rule changes the results.
 */
const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';

describe.skipIf(!hasRealData)('backtest report: refined vs market entries, TP/SL precision', () => {
  const run = async (engine: Record<string, unknown>) =>
    runBacktest({
      engine: EngineConfig.parse({ ...BUSY_ENGINE, ...engine }),
      inputs: await describeInputs([realDataPath(FILE)]),
      baseline: false,
      metrics: { bootstrapSamples: 300 },
    });

  it('compares every refined entry with its market twin, with n and intervals', async () => {
    const { report, signals } = await run({});
    const e = report.entries;
    expect(e).toBeDefined();
    if (!e) return;
    const refined = signals.filter((s) => s.signal.entryType !== 'MARKET_ENTRY');
    expect(e.refinedSignals).toBe(refined.length);
    expect(e.compared).toBeGreaterThan(10);
    expect(e.compared).toBeLessThanOrEqual(e.refinedSignals);
    expect(e.perSignal.n).toBe(e.compared);
    expect(e.filledOnly.n).toBe(Math.round((e.fillRate ?? 0) * e.compared));
    expect(e.perSignal.deltaR).toBeCloseTo((e.perSignal.refinedR ?? 0) - (e.perSignal.marketR ?? 0), 9);
    const [lo, hi] = e.perSignal.deltaRInterval ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThanOrEqual(e.perSignal.deltaR ?? Number.NaN);
    expect(hi).toBeGreaterThanOrEqual(e.perSignal.deltaR ?? Number.NaN);
    expect(Object.values(e.byEntryType).reduce((a, d) => a + d.n, 0)).toBe(e.compared);
    // the default rule is the exact touch: no replay, every level event exact
    expect(report.precision?.exactTouch).toBeNull();
    expect(Object.keys(report.precision?.eventsByClass ?? {})).toEqual(['EXACT_TOUCH']);
    expect(formatSummary(report)).toMatch(/refined entries vs market entries/);
    const html = renderHtmlReport({ report, signals, charts: [] });
    expect(html).toContain('id="entries-table"');
    expect(html).toContain('id="precision"');
  });

  it('shows how a touch tolerance changes the results against the exact touch', async () => {
    const { report } = await run({ outcomes: { precision: { toleranceBps: 5 } } });
    const p = report.precision;
    expect(p?.exactTouch).not.toBeNull();
    expect(p?.eventsByClass.WITHIN_TOLERANCE).toBeGreaterThan(0);
    expect(p?.configured.trades).toBe(report.counts.trades);
    expect(p?.configured.expectancyR).not.toBe(p?.exactTouch?.expectancyR);
    expect(formatSummary(report)).toMatch(/exact touch\s+trades/);
  });
});
