/**
 * A candle file that cannot be read as a whole: missing, empty, corrupt, or not the format it
 * claims to be. Row-level problems are not errors; they come back as rejected rows.
 */
export class CandleFileError extends Error {
  readonly source: string;
  readonly line?: number;

  constructor(source: string, detail: string, line?: number) {
    super(line === undefined ? `${source}: ${detail}` : `${source}:${line}: ${detail}`);
    this.name = 'CandleFileError';
    this.source = source;
    this.line = line;
  }
}
