import { type FileInput, mergeFiles, requireTimeframe } from '../../adapters/market/file-inputs.js';
import type { EngineConfig } from '../../config/engine-schema.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import { SignalPipeline } from '../../core/pipeline/signal-pipeline.js';

export interface RunRange {
  /** Signals created before this are not reported (their candles still warm the pipeline). */
  readonly from?: number;
  /** Candles opening at or after this are not read. */
  readonly to?: number;
}

/**
 * Runs the SignalPipeline over candle files, merged in time order, and hands each event to
 * `onEvent`. The pipeline is the same object the live service runs.
 */
export async function runPipelineOnFiles(
  engine: EngineConfig,
  inputs: readonly FileInput[],
  range: RunRange,
  onEvent: (e: PipelineEvent) => void,
  onProgress?: (candles: number) => void,
): Promise<{ candles: number; pipeline: SignalPipeline }> {
  requireTimeframe(inputs, engine.baseTimeframe);
  const pipeline = new SignalPipeline(engine);
  const from = range.from ?? Number.NEGATIVE_INFINITY;
  const sink = (e: PipelineEvent): void => {
    if (e.type === 'signal.created' && e.signal.createdAt < from) return;
    if (e.type === 'signal.rejected' && e.candidate.createdAt < from) return;
    onEvent(e);
  };
  let candles = 0;
  for await (const batch of mergeFiles(inputs, range.to)) {
    for (const { symbol, candle } of batch) pipeline.process(symbol, candle, sink);
    candles += batch.length;
    onProgress?.(candles);
  }
  return { candles, pipeline };
}
