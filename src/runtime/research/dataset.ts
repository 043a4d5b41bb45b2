import { type FileInput, mergeFiles } from '../../adapters/market/file-inputs.js';
import type { LabelledSample, SampleCounts } from '../../core/learn/samples.js';
import type { EngineConfig } from '../../core/pipeline/engine-settings.js';
import { SampleCollector } from '../../core/pipeline/sample-collector.js';
import type { StrategyRegistry } from '../../core/strategies/registry.js';
import { type CandleFeed, PipelineDriver } from '../driver.js';

export interface DatasetOptions {
  readonly engine: EngineConfig;
  readonly registry?: StrategyRegistry;
  /** Candidates created before this only warm the pipeline up. */
  readonly from?: number;
  /** Candles at or after this are not read (the held-out part stays unseen). */
  readonly to?: number;
  readonly onProgress?: (candles: number) => void;
}

export interface Dataset {
  /** Ordered by creation time, then id, then real before shadow. */
  readonly samples: LabelledSample[];
  readonly counts: SampleCounts;
  /** Base candles fed. */
  readonly candles: number;
}

/**
 * The confidence model's training set: drives one pipeline over `feed` with every filtered
 * candidate followed as a shadow (`outcomes.trackRejected` forced on, whatever the config says,
 * since the shadows are half the data), and joins each would-be signal with its outcome.
 */
export async function buildDataset(
  feed: CandleFeed,
  opts: DatasetOptions & { readonly symbols?: readonly FileInput[] },
): Promise<Dataset> {
  const engine: EngineConfig = { ...opts.engine, outcomes: { ...opts.engine.outcomes, trackRejected: true } };
  const collector = new SampleCollector({ from: opts.from });
  const driver = new PipelineDriver(engine, collector.onEvent, {
    from: opts.from,
    registry: opts.registry,
    symbols: opts.symbols,
  });
  const candles = await driver.run(feed, opts.onProgress);
  return { samples: collector.samples(), counts: collector.counts(), candles };
}

/** `buildDataset` over candle files (see describeInputs), read up to `to`. */
export function buildDatasetFromFiles(inputs: readonly FileInput[], opts: DatasetOptions): Promise<Dataset> {
  return buildDataset(mergeFiles(inputs, opts.to), { ...opts, symbols: inputs });
}
