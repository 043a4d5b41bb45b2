import { basename } from 'node:path';
import { type CandleFileFormat, readCandleRows } from '../../adapters/market/candle-file.js';
import type { CandleStore, SeriesKey } from '../../adapters/store/ports.js';
import type { Candle } from '../../core/candles/candle.js';
import {
  type CandleProblem,
  CandleValidationError,
  type Gap,
  SeriesChecker,
} from '../../core/candles/validation.js';

export type OnError = 'reject' | 'skip';

export interface ImportOptions {
  readonly key: SeriesKey;
  readonly onError?: OnError;
  readonly format?: CandleFileFormat;
  readonly batchSize?: number;
  /** Called after each stored batch with the rows read so far. */
  readonly onProgress?: (rowsRead: number) => void;
}

export interface ImportReport {
  readonly source: string;
  readonly key: SeriesKey;
  readonly rowsRead: number;
  readonly accepted: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly duplicatesMerged: number;
  readonly zeroVolume: number;
  /** Skipped rows by reason (only with onError = 'skip'). */
  readonly skipped: Readonly<Record<string, number>>;
  /** The first few skipped rows, so a person can look at them. */
  readonly skippedExamples: readonly CandleProblem[];
  readonly gaps: readonly Gap[];
  readonly first: number | null;
  readonly last: number | null;
}

/**
 * Streams a candle file into the store: parse -> validate (SeriesChecker) -> batched upserts,
 * all inside one store transaction. With the strict default the first bad row aborts the
 * import and the transaction rolls back, so the database is exactly as it was before.
 */
export async function importCandles(
  store: CandleStore,
  path: string,
  opts: ImportOptions,
): Promise<ImportReport> {
  const onError = opts.onError ?? 'reject';
  const source = basename(path);
  const checker = new SeriesChecker(opts.key.timeframe, source);
  const skipped: Record<string, number> = {};
  const skippedExamples: CandleProblem[] = [];
  let rowsRead = 0;
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  let first: number | null = null;
  let last: number | null = null;

  const skipOrThrow = (p: CandleProblem): void => {
    if (onError === 'reject') throw new CandleValidationError(p);
    skipped[p.reason] = (skipped[p.reason] ?? 0) + 1;
    if (skippedExamples.length < 10) skippedExamples.push(p);
  };

  await store.atomically(async (tx) => {
    for await (const batch of readCandleRows(path, { format: opts.format, batchSize: opts.batchSize })) {
      const good: Candle[] = [];
      for (const row of batch) {
        rowsRead++;
        if (!row.ok) {
          skipOrThrow({ ...row.problem, row: { source, line: row.line } });
          continue;
        }
        const verdict = checker.check(row.candle, row.line);
        if (verdict.kind === 'reject') skipOrThrow(verdict.problem);
        else if (verdict.kind === 'accept') {
          good.push(row.candle);
          if (first === null) first = row.candle.openTime;
          last = row.candle.openTime;
        }
      }
      if (good.length > 0) {
        const r = await tx.upsertCandles(opts.key, good);
        inserted += r.inserted;
        updated += r.updated;
        unchanged += r.unchanged;
      }
      opts.onProgress?.(rowsRead);
    }
  });

  return {
    source: path,
    key: opts.key,
    rowsRead,
    accepted: checker.accepted,
    inserted,
    updated,
    unchanged,
    duplicatesMerged: checker.duplicates,
    zeroVolume: checker.zeroVolume,
    skipped,
    skippedExamples,
    gaps: checker.gaps,
    first,
    last,
  };
}
