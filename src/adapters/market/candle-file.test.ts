import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles, realDataPath } from '../../../test/support/real-data.js';
import type { Candle } from '../../core/candles/candle.js';
import { SeriesChecker } from '../../core/candles/validation.js';
import {
  CandleFileError,
  inferFromName,
  type ParsedRow,
  type ReadOptions,
  readCandleRows,
} from './candle-file.js';

const dir = mkdtempSync(join(tmpdir(), 'candle-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, opts?: ReadOptions): Promise<{ rows: ParsedRow[]; batches: number[] }> {
  const rows: ParsedRow[] = [];
  const batches: number[] = [];
  for await (const batch of readCandleRows(path, opts)) {
    batches.push(batch.length);
    for (const row of batch) rows.push(row);
  }
  return { rows, batches };
}

async function candlesOf(path: string, opts?: ReadOptions): Promise<Candle[]> {
  const { rows } = await readAll(path, opts);
  return rows.map((r) => {
    if (!r.ok) throw new Error(`unexpected rejected row: ${r.problem.message}`);
    return r.candle;
  });
}

/** The CandleFileError a read ends with; fails the test if it ends otherwise. */
async function fileError(path: string, opts?: ReadOptions): Promise<CandleFileError> {
  try {
    await readAll(path, opts);
  } catch (error) {
    if (error instanceof CandleFileError) return error;
    throw error;
  }
  throw new Error(`${path} was read without a CandleFileError`);
}

function rejected(rows: readonly ParsedRow[]): Extract<ParsedRow, { ok: false }>[] {
  return rows.filter((r): r is Extract<ParsedRow, { ok: false }> => !r.ok);
}

// --- a minimal zip writer (stored or deflated entries), so the tests need no dependency ------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zipOf(entries: readonly { name: string; content: string | Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.content);
    const packed = entry.deflate === false ? data : deflateRawSync(data);
    const method = entry.deflate === false ? 0 : 8;
    const name = Buffer.from(entry.name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// --- Binance kline fixtures ---------------------------------------------------------------------

const BINANCE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';

/** Three real-looking 1m klines of 2025-01-01, open time in the given unit. */
function binanceRows(unit: 'ms' | 'us'): string[] {
  const base = 1735689600000;
  const scale = unit === 'us' ? 1000 : 1;
  const rows: string[] = [];
  for (let i = 0; i < 3; i++) {
    const open = base + i * 60_000;
    rows.push(
      [
        open * scale,
        `${93576 + i}.00000000`,
        `${93610 + i}.93000000`,
        `${93537 + i}.50000000`,
        `${93610 + i}.93000000`,
        '8.21827000',
        (open + 59_999) * scale + (unit === 'us' ? 999 : 0),
        '769013.45326890',
        String(1500 + i),
        '4.84893000',
        '453719.30271720',
        '0',
      ].join(','),
    );
  }
  return rows;
}

function expectedBinance(i: number): Candle {
  return {
    openTime: 1735689600000 + i * 60_000,
    open: 93576 + i,
    high: Number(`${93610 + i}.93`),
    low: Number(`${93537 + i}.5`),
    close: Number(`${93610 + i}.93`),
    volume: 8.21827,
    quoteVolume: 769013.4532689,
    trades: 1500 + i,
  };
}

describe('readCandleRows: our CSV on real data', () => {
  it.skipIf(!hasRealData)(
    'reads all 130,708 rows of binance_BTCUSDT_1m.csv.gz, equal to loadRealCandles',
    async () => {
      const { rows, batches } = await readAll(realDataPath('binance_BTCUSDT_1m.csv.gz'));
      const expected = loadRealCandles('binance_BTCUSDT_1m.csv.gz');
      expect(rows.length).toBe(130_708);
      expect(batches.slice(0, -1).every((n) => n === 8192)).toBe(true);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!row.ok) throw new Error(row.problem.message);
        // line 1 is the header
        if (row.line !== i + 2) throw new Error(`row ${i} has line ${row.line}`);
        if (JSON.stringify(row.candle) !== JSON.stringify(expected[i])) {
          throw new Error(`row ${i}: ${JSON.stringify(row.candle)} != ${JSON.stringify(expected[i])}`);
        }
      }
    },
  );

  it.skipIf(!hasRealData)(
    'reads a plain .csv (binance_ETHUSDT_1h.csv) and it passes the SeriesChecker',
    async () => {
      const candles = await candlesOf(realDataPath('binance_ETHUSDT_1h.csv'));
      expect(candles).toEqual(loadRealCandles('binance_ETHUSDT_1h.csv'));
      const checker = new SeriesChecker('1h');
      for (const c of candles) {
        const kind = checker.check(c).kind;
        if (kind !== 'accept') expect(kind, `candle ${c.openTime}`).toBe('accept');
      }
      expect(checker.gaps).toEqual([]);
      expect(checker.accepted).toBe(12_818);
    },
  );

  it.skipIf(!hasRealData)('detects gzip by its magic bytes, not by the name', async () => {
    const gz = readFileSync(realDataPath('binance_BTCUSDT_1m_20240726-20240825.csv.gz'));
    const path = fixture('btc-1m-gzipped-without-gz-suffix.csv', gz);
    const candles = await candlesOf(path, { batchSize: 1000 });
    expect(candles).toEqual(loadRealCandles('binance_BTCUSDT_1m_20240726-20240825.csv.gz'));
  });

  it.skipIf(!hasRealData)('can be left early, and the file read again', async () => {
    const path = realDataPath('binance_BTCUSDT_1m.csv.gz');
    for await (const batch of readCandleRows(path, { batchSize: 100 })) {
      expect(batch).toHaveLength(100);
      break;
    }
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(130_708);
  });

  it.skipIf(!hasRealData)('fails on a gzip cut short, naming the truncation', async () => {
    const gz = readFileSync(realDataPath('binance_BTCUSDT_1m.csv.gz'));
    const path = fixture('binance_BTCUSDT_1m-truncated.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const error = await fileError(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/gzip data is truncated/);
  });
});

describe('readCandleRows: our CSV fixtures', () => {
  it('reads CRLF lines, blank lines and a last line without newline; lines count from 1', async () => {
    const path = fixture(
      'crlf.csv',
      'open_time,open,high,low,close,volume\r\n1000,1,2,0.5,1.5,10\r\n\r\n2000,1.5,2.5,1,2,0\r\n3000,2,3,1.5,2.5,7.25',
    );
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 5]);
    expect(rows.map((r) => (r.ok ? r.candle : null))).toEqual([
      { openTime: 1000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
      { openTime: 2000, open: 1.5, high: 2.5, low: 1, close: 2, volume: 0 },
      { openTime: 3000, open: 2, high: 3, low: 1.5, close: 2.5, volume: 7.25 },
    ]);
  });

  it('accepts our columns without a header', async () => {
    const candles = await candlesOf(fixture('noheader.csv', '60000,1,2,0.5,1.5,10\n'));
    expect(candles).toEqual([{ openTime: 60000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }]);
  });

  it('handles rows that straddle chunk boundaries (a large generated file, gzipped)', async () => {
    const lines = ['open_time,open,high,low,close,volume'];
    const expected: Candle[] = [];
    for (let i = 0; i < 60_000; i++) {
      const c = {
        openTime: 1_700_000_000_000 + i * 60_000,
        open: 100 + i / 100,
        high: 101.123 + i / 100,
        low: 99.5 + i / 100,
        close: 100.25 + i / 100,
        volume: i * 0.001,
      };
      expected.push(c);
      lines.push(`${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
    }
    const path = fixture('big.csv.gz', gzipSync(`${lines.join('\n')}\n`));
    const { rows, batches } = await readAll(path, { batchSize: 777 });
    expect(batches.slice(0, -1).every((n) => n === 777)).toBe(true);
    expect(rows.map((r) => (r.ok ? r.candle : r.problem.message))).toEqual(expected);
  });

  it('reports a row with the wrong column count, naming its line, and reads on', async () => {
    const path = fixture(
      'columns.csv',
      'open_time,open,high,low,close,volume\n1000,1,2,0.5,1.5,10\n2000,1,2,0.5,1.5\n3000,1,2,0.5,1.5,10\n',
    );
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.ok)).toEqual([true, false, true]);
    const [bad] = rejected(rows);
    expect(bad.line).toBe(3);
    expect(bad.problem.reason).toBe('malformed_row');
    expect(bad.problem.field).toBe('row');
    expect(bad.problem.row).toEqual({ source: path, line: 3 });
    expect(bad.problem.message).toMatch(
      /line 3 has 5 columns but our CSV rows have 6 \(open_time,open,high,low,close,volume\)/,
    );
    expect(bad.problem.message).toContain('"2000,1,2,0.5,1.5"');
  });

  it('reports a non-numeric field by name and value', async () => {
    const path = fixture(
      'nonnumeric.csv',
      'open_time,open,high,low,close,volume\n1000,1,2abc,0.5,1.5,10\n2000,1,2,0.5,1.5,NaN\n',
    );
    const bad = rejected((await readAll(path)).rows);
    expect(bad.map((b) => [b.line, b.problem.field, b.problem.value])).toEqual([
      [2, 'high', '2abc'],
      [3, 'volume', 'NaN'],
    ]);
    expect(bad[0].problem.message).toBe('high "2abc" on line 2 is not a number');
    expect(bad[1].problem.message).toBe('volume "NaN" on line 3 is not a number');
  });

  it('reports an empty field', async () => {
    const path = fixture('emptyfield.csv', 'open_time,open,high,low,close,volume\n1000,1,,0.5,1.5,10\n');
    const [bad] = rejected((await readAll(path)).rows);
    expect(bad.problem).toMatchObject({ reason: 'malformed_row', field: 'high', value: '' });
    expect(bad.problem.message).toBe('high on line 2 is empty');
  });

  it('reads numbers off the fast path exactly as Number() does', async () => {
    const rows = [
      ['60000', '1e3', ' 2 ', '+3', '0.12345678901234567890', '-0.5'],
      [
        '120000',
        '9007199254740993',
        '1.5E-3',
        '12345678901234567890123',
        '\t4',
        '0.000000000000000000000001',
      ],
    ];
    const path = fixture(
      'shapes.csv',
      `open_time,open,high,low,close,volume\n${rows.map((r) => r.join(',')).join('\n')}\n`,
    );
    const candles = await candlesOf(path);
    expect(candles.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.volume])).toEqual(
      rows.map((r) => r.map((f) => Number(f))),
    );
  });

  it('reports rows with too many columns, a trailing comma included', async () => {
    const path = fixture(
      'wide.csv',
      'open_time,open,high,low,close,volume\n60000,1,2,0.5,1.5,10,\n120000,1,2,0.5,1.5,10,1,2,3,4,5,6,7,8\n',
    );
    const bad = rejected((await readAll(path)).rows);
    expect(bad).toHaveLength(2);
    expect(bad[0].problem.message).toMatch(/^line 2 has 7 columns but our CSV rows have 6 /);
    expect(bad[1].problem.message).toMatch(/^line 3 has 14 columns but our CSV rows have 6 /);
  });

  it('leaves domain rules to the SeriesChecker: a negative price parses', async () => {
    const candles = await candlesOf(
      fixture('negative.csv', 'open_time,open,high,low,close,volume\n1000,-1,2,0.5,1.5,10\n'),
    );
    expect(candles[0].open).toBe(-1);
  });

  it('tolerates another name for the time column when the rest is ours', async () => {
    const candles = await candlesOf(
      fixture('timestamp.csv', 'timestamp,open,high,low,close,volume\n60000,1,2,0.5,1.5,10\n'),
    );
    expect(candles).toHaveLength(1);
  });
});

describe('readCandleRows: Binance klines', () => {
  it('reads millisecond klines without a header, with quote volume and trade count', async () => {
    const path = fixture('BTCUSDT-1m-2025-01-01.csv', `${binanceRows('ms').join('\n')}\n`);
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(rows.map((r) => (r.ok ? r.candle : null))).toEqual([0, 1, 2].map(expectedBinance));
  });

  it('reads microsecond klines (2025+ spot files) and converts them to milliseconds', async () => {
    const path = fixture('BTCUSDT-1m-2025-01-02.csv', `${binanceRows('us').join('\n')}\n`);
    expect(await candlesOf(path)).toEqual([0, 1, 2].map(expectedBinance));
  });

  it('accepts the header row some Binance files carry, in ms and in µs', async () => {
    for (const unit of ['ms', 'us'] as const) {
      const path = fixture(
        `BTCUSDT-1m-header-${unit}.csv`,
        `${BINANCE_HEADER}\n${binanceRows(unit).join('\n')}\n`,
      );
      const { rows } = await readAll(path);
      expect(rows.map((r) => r.line)).toEqual([2, 3, 4]);
      expect(rows.map((r) => (r.ok ? r.candle : null))).toEqual([0, 1, 2].map(expectedBinance));
    }
  });

  it('rejects a row whose time unit differs from the first row', async () => {
    const ms = binanceRows('ms');
    const us = binanceRows('us');
    const path = fixture('mixed-units.csv', `${ms[0]}\n${us[1]}\n${ms[2]}\n`);
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.ok)).toEqual([true, false, true]);
    const [bad] = rejected(rows);
    expect(bad.problem.field).toBe('open_time');
    expect(bad.problem.message).toMatch(
      /on line 2 is in microseconds but this file's first row is in milliseconds/,
    );
  });

  it('names a bad quote_volume although it is not a core candle field', async () => {
    const row = binanceRows('ms')[0].split(',');
    row[7] = 'x';
    const [bad] = rejected((await readAll(fixture('bad-quote.csv', `${row.join(',')}\n`))).rows);
    expect(bad.problem.field).toBe('row');
    expect(bad.problem.message).toBe('quote_volume "x" on line 1 is not a number');
  });

  it('reads a Binance .zip holding one csv (deflated)', async () => {
    const zip = zipOf([{ name: 'BTCUSDT-1m-2025-01.csv', content: `${binanceRows('us').join('\n')}\n` }]);
    const path = fixture('BTCUSDT-1m-2025-01.zip', zip);
    expect(await candlesOf(path)).toEqual([0, 1, 2].map(expectedBinance));
  });

  it('reads a stored (uncompressed) zip entry with a header', async () => {
    const zip = zipOf([
      {
        name: 'BTCUSDT-1m-2025-02.csv',
        content: `${BINANCE_HEADER}\n${binanceRows('ms').join('\n')}\n`,
        deflate: false,
      },
    ]);
    expect(await candlesOf(fixture('BTCUSDT-1m-2025-02.zip', zip))).toEqual([0, 1, 2].map(expectedBinance));
  });

  it('reads a large generated kline zip across chunk boundaries', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const t = 1735689600000 + i * 60_000;
      lines.push(
        `${t * 1000},100.5,101,99.25,100.75,1.5,${(t + 59_999) * 1000 + 999},150.75,${i},0.75,75.5,0`,
      );
    }
    const path = fixture(
      'BTCUSDT-1m-2025-03.zip',
      zipOf([{ name: 'BTCUSDT-1m-2025-03.csv', content: lines.join('\n') }]),
    );
    const candles = await candlesOf(path);
    expect(candles).toHaveLength(30_000);
    expect(candles[29_999]).toEqual({
      openTime: 1735689600000 + 29_999 * 60_000,
      open: 100.5,
      high: 101,
      low: 99.25,
      close: 100.75,
      volume: 1.5,
      quoteVolume: 150.75,
      trades: 29_999,
    });
  });
});

describe('readCandleRows: freqtrade JSON', () => {
  const json =
    '[[1735689600000,93576.0,93610.93,93537.5,93610.93,8.21827],\n [1735689660000, 93610.93, 93670, 93600.1, 93660.2, 1.5e1]]';
  const expected: Candle[] = [
    { openTime: 1735689600000, open: 93576, high: 93610.93, low: 93537.5, close: 93610.93, volume: 8.21827 },
    { openTime: 1735689660000, open: 93610.93, high: 93670, low: 93600.1, close: 93660.2, volume: 15 },
  ];

  it('reads .json, with candle indexes as line numbers', async () => {
    const { rows } = await readAll(fixture('BTC_USDT-1m.json', json));
    expect(rows.map((r) => r.line)).toEqual([1, 2]);
    expect(rows.map((r) => (r.ok ? r.candle : null))).toEqual(expected);
  });

  it('reads .json.gz', async () => {
    expect(await candlesOf(fixture('BTC_USDT-1m.json.gz', gzipSync(json)))).toEqual(expected);
  });

  it('streams a large file equal to JSON.parse, whatever the chunk boundaries cut', async () => {
    const data: number[][] = [];
    for (let i = 0; i < 40_000; i++) {
      data.push([
        1_600_000_000_000 + i * 300_000,
        1.1 + i,
        2.25 + i,
        0.5 + i / 3,
        1.75 + i,
        i % 7 === 0 ? 0 : i / 9,
      ]);
    }
    const text = JSON.stringify(data);
    const plain = await candlesOf(fixture('ETH_USDT-5m.json', text));
    const zipped = await candlesOf(fixture('ETH_USDT-5m.json.gz', gzipSync(text)), { batchSize: 5000 });
    const want = data.map(([openTime, open, high, low, close, volume]) => ({
      openTime,
      open,
      high,
      low,
      close,
      volume,
    }));
    expect(plain).toEqual(want);
    expect(zipped).toEqual(want);
  });

  it('rejects a candle with the wrong number of values, saying it counts candles', async () => {
    const path = fixture('short.json', '[[1,2,3,4,5,6],[60000,1,2,3,4],[120000,1,2,0.5,1,0]]');
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.ok)).toEqual([true, false, true]);
    const [bad] = rejected(rows);
    expect(bad.line).toBe(2);
    expect(bad.problem.message).toMatch(/^candle 2 has 5 values but freqtrade candles have 6/);
  });

  it('rejects null and string values by field', async () => {
    const path = fixture('nulls.json', '[[60000,1,2,0.5,null,3],[120000,"1",2,0.5,1,3]]');
    const bad = rejected((await readAll(path)).rows);
    expect(bad.map((b) => [b.line, b.problem.field, b.problem.value])).toEqual([
      [1, 'close', 'null'],
      [2, 'open', '"1"'],
    ]);
    expect(bad[0].problem.message).toBe('close null in candle 1 is not a number');
  });

  it('fails on JSON that is not an array of arrays', async () => {
    expect((await fileError(fixture('object.json', '{"BTC": []}'))).message).toMatch(
      /JSON is not an array of candles: it starts with '\{'/,
    );
    expect((await fileError(fixture('flat.json', '[1735689600000, 1, 2]'))).message).toMatch(
      /JSON is not an array of arrays: element 1 starts with '1'/,
    );
    expect((await fileError(fixture('nested.json', '[[1,[2],3]]'))).message).toMatch(
      /candle 1 holds a nested array/,
    );
    expect((await fileError(fixture('objects.json', '[[1,{"a":2}]]'))).message).toMatch(
      /candle 1 holds an object/,
    );
  });

  it('fails on truncated JSON and on an empty array', async () => {
    expect((await fileError(fixture('cut.json', '[[1,2,3,4,5,6],[7,8'))).message).toMatch(
      /JSON ends after 1 candle before its array is closed: the file is truncated/,
    );
    expect((await fileError(fixture('none.json', ' [ ] '))).message).toMatch(
      /its JSON array holds no candles/,
    );
  });
});

describe('readCandleRows: files that cannot be read', () => {
  it('file not found', async () => {
    const path = join(dir, 'missing.csv');
    const error = await fileError(path);
    expect(error.message).toBe(`${path}: file not found`);
    expect(error.source).toBe(path);
  });

  it('empty file, blank file, empty gzip', async () => {
    expect((await fileError(fixture('empty.csv', ''))).message).toMatch(/is empty \(0 bytes\)/);
    expect((await fileError(fixture('blank.csv', '\n\r\n  \n'))).message).toMatch(
      /is empty: holds only blank lines/,
    );
    expect((await fileError(fixture('empty.csv.gz', gzipSync('')))).message).toMatch(
      /is empty: its gzip content holds no bytes/,
    );
  });

  it('header-only file', async () => {
    const error = await fileError(fixture('header-only.csv', 'open_time,open,high,low,close,volume\n'));
    expect(error.message).toMatch(/header-only\.csv: is empty: it has a header but no rows$/);
  });

  it('a gzip with corrupt data', async () => {
    const gz = gzipSync('open_time,open,high,low,close,volume\n1000,1,2,0.5,1.5,10\n'.repeat(100));
    gz.fill(0x55, 12, 40);
    expect((await fileError(fixture('corrupt.csv.gz', gz))).message).toMatch(/gzip data is corrupt/);
  });

  it('a truncated gzip of a small file', async () => {
    const gz = gzipSync('open_time,open,high,low,close,volume\n1000,1,2,0.5,1.5,10\n');
    expect((await fileError(fixture('short.csv.gz', gz.subarray(0, gz.length - 6)))).message).toMatch(
      /gzip data is truncated/,
    );
  });

  it('a .csv.gz that holds JSON', async () => {
    const error = await fileError(fixture('binance_BTCUSDT_1m.csv.gz', gzipSync('[[1,2,3,4,5,6]]')));
    expect(error.message).toMatch(/is named as a CSV file but its gzip content holds JSON/);
  });

  it('a .json that holds CSV', async () => {
    const error = await fileError(
      fixture('BTC_USDT-1h.json', 'open_time,open,high,low,close,volume\n1,2,3,4,5,6\n'),
    );
    expect(error.message).toMatch(
      /is named as a JSON file but it does not hold JSON: it starts with "open_time,open/,
    );
  });

  it('a .gz that is not gzip', async () => {
    const error = await fileError(fixture('plain.csv.gz', 'open_time,open,high,low,close,volume\n'));
    expect(error.message).toMatch(/is not gzip-compressed/);
  });

  it('a .zip that is not a zip', async () => {
    const error = await fileError(
      fixture('BTCUSDT-1m-2025-04.zip', 'open_time,open,high,low,close,volume\n1,2,3,4,5,6\n'),
    );
    expect(error.message).toMatch(/BTCUSDT-1m-2025-04\.zip: is not a zip archive/);
  });

  it('a zip whose end is cut off', async () => {
    const zip = zipOf([{ name: 'a.csv', content: binanceRows('ms').join('\n') }]);
    const error = await fileError(fixture('cut.zip', zip.subarray(0, zip.length - 10)));
    expect(error.message).toMatch(/is not a valid zip archive/);
  });

  it('a zip with no csv, and one with two', async () => {
    const none = fixture('none.zip', zipOf([{ name: 'readme.txt', content: 'hello' }]));
    expect((await fileError(none)).message).toMatch(
      /zip archive holds no \.csv file \(it holds readme\.txt\)/,
    );
    const two = fixture(
      'two.zip',
      zipOf([
        { name: 'a.csv', content: binanceRows('ms').join('\n') },
        { name: 'b.csv', content: binanceRows('ms').join('\n') },
      ]),
    );
    expect((await fileError(two)).message).toMatch(
      /zip archive holds 2 \.csv files \(a\.csv, b\.csv\); expected exactly one/,
    );
  });

  it('random bytes', async () => {
    const bytes = Buffer.alloc(2048);
    let x = 0x2545f491;
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    bytes[0] = 0x41; // not a gzip, zip or JSON opening
    expect((await fileError(fixture('noise.csv', bytes))).message).toMatch(
      /holds binary data \(byte 0x[0-9a-f]{2} at offset \d+\), not CSV or JSON/,
    );
    expect((await fileError(fixture('noise.csv.gz', gzipSync(bytes)))).message).toMatch(
      /its gzip content holds binary data/,
    );
  });

  it('a header that is not ours and whose column count fits no format', async () => {
    const error = await fileError(fixture('other.csv', 'date,price,qty\n2025-01-01,1,2\n'));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/other\.csv:1: header "date,price,qty" is not a candle header/);
    expect(error.message).toMatch(/its 3 columns fit no format/);
  });

  it('a header with a known column count but foreign names', async () => {
    const error = await fileError(fixture('foreign6.csv', 'time,o,h,l,c,v\n60000,1,2,0.5,1.5,10\n'));
    expect(error.message).toMatch(/header "time,o,h,l,c,v" is not a candle header/);
  });

  it('headerless rows whose column count fits no format', async () => {
    const error = await fileError(fixture('seven.csv', '\n60000,1,2,0.5,1.5,10,99\n'));
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/the first row has 7 columns, which fits no candle format/);
  });
});

describe('readCandleRows: format option', () => {
  it('forces a format on a name that says nothing', async () => {
    const path = fixture('klines.txt', `${binanceRows('ms').join('\n')}\n`);
    expect(await candlesOf(path, { format: 'binance' })).toEqual([0, 1, 2].map(expectedBinance));
    const json = fixture('candles.dat', '[[60000,1,2,0.5,1.5,10]]');
    expect(await candlesOf(json, { format: 'freqtrade' })).toHaveLength(1);
  });

  it('overrides the name, but not the content', async () => {
    const misnamed = fixture('misnamed.json', '60000,1,2,0.5,1.5,10\n');
    expect(await candlesOf(misnamed, { format: 'csv' })).toHaveLength(1);
    expect((await fileError(misnamed, { format: 'binance' })).message).toMatch(
      /format 'binance' was requested but the first row has 6 columns where Binance klines has 12/,
    );
    expect((await fileError(misnamed, { format: 'freqtrade' })).message).toMatch(
      /format 'freqtrade' was requested/,
    );
    const json = fixture('really.json', '[[60000,1,2,0.5,1.5,10]]');
    expect((await fileError(json, { format: 'csv' })).message).toMatch(
      /format 'csv' was requested but the file holds JSON/,
    );
  });

  it('rejects a bad batch size', async () => {
    await expect(readAll(fixture('x.csv', '60000,1,2,0.5,1.5,10\n'), { batchSize: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('inferFromName', () => {
  it.each([
    ['binance_BTCUSDT_1m.csv.gz', { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' }],
    [
      '/data/binance_BTCUSDT_1m_20240726-20240825.csv.gz',
      { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' },
    ],
    ['BTCUSDT-1m-2025-01.zip', { symbol: 'BTCUSDT', timeframe: '1m' }],
    ['BTCUSDT-1m-2025-01-05.csv', { symbol: 'BTCUSDT', timeframe: '1m' }],
    ['BTC_USDT-1h.json', { symbol: 'BTCUSDT', timeframe: '1h' }],
    ['BTC_USDT-4h.json.gz', { symbol: 'BTCUSDT', timeframe: '4h' }],
    ['BTC_USDT_USDT-1h-futures.json', { symbol: 'BTCUSDT', timeframe: '1h' }],
    ['ETHUSDT-1d.csv', { symbol: 'ETHUSDT', timeframe: '1d' }],
    ['candles.csv', {}],
    ['BTCUSDT-1M-2025-01.zip', {}],
  ])('%s', (name, expected) => {
    expect(inferFromName(name)).toEqual(expected);
  });
});
