/**
 * A separate process that opens the PostgreSQL store (applying migrations) and writes a few
 * candles into a month nobody has written yet, as a starting service would: the test of
 * concurrent start-up runs several of these at once. argv: url schema
 */
import { PostgresCandleStore } from '../../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../../src/adapters/store/postgres-database.js';

const [url, schema] = process.argv.slice(2);
const db = await PostgresDatabase.open({ url, schema, poolSize: 2 });
const store = new PostgresCandleStore(db);
const T = Date.UTC(2031, 6, 1);
await store.upsertCandles(
  { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1h' },
  Array.from({ length: 48 }, (_, i) => ({
    openTime: T + i * 3_600_000,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 3,
  })),
);
await db.close();
process.stdout.write('opened\n');
