import { describe, expect, it } from 'vitest';
import { describeInputs, mergeFiles } from '../src/adapters/market/file-inputs.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { PipelineDriver } from '../src/runtime/driver.js';
import { buildDatasetFromFiles } from '../src/runtime/research/dataset.js';
import { hasRealData, realDataPath } from './support/real-data.js';

const DAY = 86_400_000;

describe.skipIf(!hasRealData)(
  'confidence dataset on real BTCUSDT 1m (training part, before 2025-07-01)',
  () => {
    const engine = EngineConfig.parse({});
    const T = Date.UTC(2025, 5, 5);
    const later = T + 10 * DAY;

    /** Every candidate's features (signals and would-be signals) created before `before`, by id. */
    async function candidateFeatures(to: number, before: number): Promise<Map<string, unknown>> {
      const inputs = await describeInputs([realDataPath('binance_BTCUSDT_1m.csv.gz')]);
      const out = new Map<string, unknown>();
      const sink = (e: PipelineEvent) => {
        const s =
          e.type === 'signal.created' ? e.signal : e.type === 'signal.rejected' ? e.candidate.signal : null;
        if (s && s.createdAt < before) out.set(`${e.type}:${s.id}`, s.features);
      };
      await new PipelineDriver(engine, sink, { symbols: inputs }).run(mergeFiles(inputs, to));
      return out;
    }

    it('lookahead: features of candidates created before T are identical whether the candles end at T or run on', async () => {
      const cut = await candidateFeatures(T, T);
      const full = await candidateFeatures(later, T);
      expect(cut.size).toBeGreaterThan(50);
      expect(full).toEqual(cut);
    });

    it('lookahead: every sample labelled from candles before T is the same sample when the candles run on', async () => {
      const inputs = await describeInputs([realDataPath('binance_BTCUSDT_1m.csv.gz')]);
      const short = await buildDatasetFromFiles(inputs, { engine, to: T });
      const long = await buildDatasetFromFiles(inputs, { engine, to: later });
      expect(short.samples.length).toBeGreaterThan(50);
      const byKey = new Map(long.samples.map((s) => [`${s.id}|${s.shadow}`, s]));
      for (const s of short.samples) {
        expect(s.exitTime).toBeLessThan(T);
        expect(byKey.get(`${s.id}|${s.shadow}`)).toEqual(s);
      }
      expect(long.samples.length).toBeGreaterThan(short.samples.length);
    });

    it('labels: 1 exactly when the trade made a net profit after costs; ordered, deterministic', async () => {
      const inputs = await describeInputs([realDataPath('binance_BTCUSDT_1m.csv.gz')]);
      const a = await buildDatasetFromFiles(inputs, { engine, from: T - 15 * DAY, to: T });
      const b = await buildDatasetFromFiles(inputs, { engine, from: T - 15 * DAY, to: T });
      expect(JSON.stringify(b.samples)).toBe(JSON.stringify(a.samples));
      const { counts, samples } = a;
      expect(samples.length).toBe(counts.filled);
      expect(counts.unfilled).toBeGreaterThan(0);
      expect(samples.some((s) => s.shadow)).toBe(true);
      expect(samples.some((s) => !s.shadow)).toBe(true);
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i];
        expect(s.createdAt).toBeGreaterThanOrEqual(T - 15 * DAY);
        expect(s.exitTime).toBeGreaterThanOrEqual(s.createdAt);
        expect(s.label).toBe(s.returnPct > 0 ? 1 : 0);
        expect(Math.sign(s.netR)).toBe(Math.sign(s.returnPct));
        expect(s.score).toBe(s.features.score);
        if (i > 0) expect(s.createdAt).toBeGreaterThanOrEqual(samples[i - 1].createdAt);
      }
    });
  },
);
