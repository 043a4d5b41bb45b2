// Reproduces the drift-watch measurement of docs/CONFIDENCE.md ("Drift"): the shipped model run
// through the pipeline on training-part files (before 2025-07-01), printing every model.drift.
// Usage: npx tsx scripts/confidence/drift-in-sample.ts 5m|1m-2025|1m-2024|1h
import { describeInputs, mergeFiles } from '../../src/adapters/market/file-inputs.js';
import { loadConfig } from '../../src/config/load.js';
import { resolveConfidenceModels } from '../../src/runtime/confidence-models.js';
import { PipelineDriver } from '../../src/runtime/driver.js';
import { engineForInputs } from '../../src/runtime/engine-for-inputs.js';

const D = '/work/shared/data/ohlcv/';
const sets: Record<string, string[]> = {
  '5m': ['BTC', 'ETH', 'SOL', 'XRP', 'BNB'].map((s) => `${D}binance_${s}USDT_5m.csv.gz`),
  '1m-2025': [`${D}binance_BTCUSDT_1m.csv.gz`, `${D}binance_ETHUSDT_1m.csv.gz`],
  '1m-2024': [
    `${D}binance_BTCUSDT_1m_20240726-20240825.csv.gz`,
    `${D}binance_ETHUSDT_1m_20240726-20240825.csv.gz`,
  ],
  '1h': ['BTC', 'ETH', 'SOL', 'XRP', 'BNB'].map(
    (s) => `${D}binance_${s}USDT_1h${s === 'BTC' ? '.csv.gz' : '.csv'}`,
  ),
};
const which = process.argv[2] ?? '5m';
const r = await resolveConfidenceModels('shipped', null);
const loaded = loadConfig({});
const inputs = await describeInputs(sets[which]);
const engine = engineForInputs(loaded, inputs[0].timeframe);
let cands = 0;
const d = new PipelineDriver(
  engine,
  (e) => {
    if (e.type === 'model.drift')
      console.log(
        new Date(e.at).toISOString(),
        e.verdict.reasons.join('; '),
        'psi',
        JSON.stringify(
          Object.fromEntries(
            Object.entries(e.verdict.psi)
              .filter(([, v]) => v > 0.1)
              .map(([k, v]) => [k, +v.toFixed(2)]),
          ),
        ),
      );
    if (e.type === 'signal.created' || e.type === 'signal.rejected') cands++;
  },
  { symbols: inputs, confidence: r },
);
await d.run(mergeFiles(inputs, Date.UTC(2025, 6, 1)));
console.log(which, 'candidates', cands);
