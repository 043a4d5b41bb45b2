import { type FileInput, mergeFiles } from '../../adapters/market/file-inputs.js';
import type { SymbolCandle } from '../../adapters/market/time-order.js';
import type { TrialData } from './trial.js';

/** Reads candle files once into memory, in time order, up to `to` (exclusive), for many trials. */
export async function loadTrialData(inputs: readonly FileInput[], to: number): Promise<TrialData> {
  const batches: SymbolCandle[][] = [];
  for await (const batch of mergeFiles(inputs, to)) batches.push(batch);
  return { batches, tickSizes: inputs };
}
