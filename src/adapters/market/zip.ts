import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { CandleFileError } from './candle-file-error.js';

export interface ZipEntryStream {
  readonly entryName: string;
  readonly stream: Readable;
  close(): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isCsvEntry(entry: Entry): boolean {
  const name = entry.fileName;
  return !name.endsWith('/') && name.toLowerCase().endsWith('.csv');
}

/**
 * Opens the one CSV inside a zip, as Binance's public-data archives hold. More than one CSV is
 * refused rather than guessed at: which series to import must not depend on entry order.
 */
export async function openZipCsv(path: string): Promise<ZipEntryStream> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw new CandleFileError(path, `is not a valid zip archive (${messageOf(error)})`);
  }
  try {
    const names: string[] = [];
    const csvEntries: Entry[] = [];
    for await (const entry of zip.eachEntry()) {
      names.push(entry.fileName);
      if (isCsvEntry(entry)) csvEntries.push(entry);
    }
    if (csvEntries.length === 0) {
      const holds = names.length === 0 ? 'it is empty' : `it holds ${listNames(names)}`;
      throw new CandleFileError(path, `zip archive holds no .csv file (${holds})`);
    }
    if (csvEntries.length > 1) {
      throw new CandleFileError(
        path,
        `zip archive holds ${csvEntries.length} .csv files (${listNames(csvEntries.map((e) => e.fileName))}); expected exactly one`,
      );
    }
    const entry = csvEntries[0];
    if (entry.isEncrypted()) throw new CandleFileError(path, `zip entry ${entry.fileName} is encrypted`);
    const stream = await zip.openReadStreamPromise(entry);
    return { entryName: entry.fileName, stream, close: () => zip.close() };
  } catch (error) {
    zip.close();
    if (error instanceof CandleFileError) throw error;
    throw new CandleFileError(path, `zip archive is corrupt (${messageOf(error)})`);
  }
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown}, ... ${names.length - 5} more` : shown;
}
