import { describe, expect, it } from 'vitest';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { PipelineDriver } from '../src/runtime/driver.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

const MINUTE = 60_000;

describe.skipIf(!hasRealData)('PipelineDriver on a month of real BTCUSDT 1m', () => {
  const engine = EngineConfig.parse(BUSY_ENGINE);
  const btc = hasRealData ? loadRealCandles('binance_BTCUSDT_1m_20240726-20240825.csv.gz') : [];
  const feed = (size: number) => {
    const batches = [];
    for (let i = 0; i < btc.length; i += size)
      batches.push(btc.slice(i, i + size).map((candle) => ({ symbol: 'BTCUSDT', candle })));
    return batches;
  };

  it('passes on every event of the pipeline; fed a candle at a time or in batches, the same', async () => {
    const pushed: PipelineEvent[] = [];
    const one = new PipelineDriver(engine, (e) => pushed.push(e));
    for (const c of btc) one.feed('BTCUSDT', c);
    const run: PipelineEvent[] = [];
    const progress: number[] = [];
    const batched = new PipelineDriver(engine, (e) => run.push(e));
    expect(await batched.run(feed(10_000), (n) => progress.push(n))).toBe(btc.length);
    expect(progress).toEqual([10_000, 20_000, 30_000, 40_000, btc.length]);
    expect(one.candles).toBe(btc.length);
    expect(run).toEqual(pushed);
    expect(pushed.filter((e) => e.type === 'signal.created').length).toBeGreaterThan(5);
  });

  it('holds back signals and candidates created before `from`, not what they lead to', async () => {
    const all: PipelineEvent[] = [];
    await new PipelineDriver(engine, (e) => all.push(e)).run(feed(8192));
    const from = btc[Math.floor(btc.length / 2)].openTime;
    const cut: PipelineEvent[] = [];
    await new PipelineDriver(engine, (e) => cut.push(e), { from }).run(feed(8192));
    const early = (e: PipelineEvent) =>
      (e.type === 'signal.created' && e.signal.createdAt < from) ||
      (e.type === 'signal.rejected' && e.candidate.createdAt < from);
    expect(all.filter(early).length).toBeGreaterThan(0);
    expect(cut).toEqual(all.filter((e) => !early(e)));
  });

  it('shows each candle to beforeCandle before the pipeline can create a signal at its close', () => {
    let seen = Number.NEGATIVE_INFINITY;
    let created = 0;
    const driver = new PipelineDriver(
      engine,
      (e) => {
        if (e.type !== 'signal.created') return;
        created++;
        expect(e.signal.createdAt).toBe(seen + MINUTE);
      },
      {
        beforeCandle: (_symbol, candle) => {
          seen = candle.openTime;
        },
      },
    );
    for (const c of btc) driver.feed('BTCUSDT', c);
    expect(created).toBeGreaterThan(5);
  });
});
