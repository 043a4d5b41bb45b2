// PSI of rolling windows of warm candidates against the shipped model's training bins, on the
// training part (docs/CONFIDENCE.md, "Drift"). Usage:
//   npx tsx scripts/confidence/psi-windows.ts 5m|1m-2025 <skip days> <threshold> <windows, e.g. 1000,2000>
import { describeInputs, mergeFiles } from '../../src/adapters/market/file-inputs.js';
import { loadConfig } from '../../src/config/load.js';
import { populationStabilityIndex } from '../../src/core/learn/drift.js';
import { resolveConfidenceModels } from '../../src/runtime/confidence-models.js';
import { PipelineDriver } from '../../src/runtime/driver.js';
import { engineForInputs } from '../../src/runtime/engine-for-inputs.js';

const D = '/work/shared/data/ohlcv/';
const sets: Record<string, string[]> = {
  '5m': ['BTC', 'ETH', 'SOL', 'XRP', 'BNB'].map((s) => `${D}binance_${s}USDT_5m.csv.gz`),
  '1m-2025': [`${D}binance_BTCUSDT_1m.csv.gz`, `${D}binance_ETHUSDT_1m.csv.gz`],
};
const which = process.argv[2] ?? '5m';
const r = await resolveConfidenceModels('shipped', null);
const bins = r.model?.driftBins ?? [];
const loaded = loadConfig({ overrides: [[['engine', 'confidence', 'drift', 'enabled'], false]] });
const inputs = await describeInputs(sets[which]);
const engine = engineForInputs(loaded, inputs[0].timeframe);
const rows: { t: number; f: Record<string, number> }[] = [];
const d = new PipelineDriver(
  engine,
  (e) => {
    const sig =
      e.type === 'signal.created' ? e.signal : e.type === 'signal.rejected' ? e.candidate.signal : null;
    if (!sig) return;
    const warm =
      Object.values(sig.features).every((v) => Number.isFinite(v)) &&
      sig.breakdown.context.length > 0 &&
      sig.breakdown.context.every((v) => v.weight > 0);
    if (warm) rows.push({ t: sig.createdAt, f: sig.features });
  },
  { symbols: inputs, confidence: { model: null, fallback: null } },
);
await d.run(mergeFiles(inputs, Date.UTC(2025, 6, 1)));
const start = rows[0].t + Number(process.argv[3] ?? 0) * 86400000;
const after = rows.filter((x) => x.t >= start);
console.log(which, 'candidates', rows.length, 'after warm-up', after.length);
for (const W of (process.argv[5] ?? '1000,2000').split(',').map(Number)) {
  const worst: Record<string, number> = {};
  let windows = 0,
    alarms = 0;
  for (let i = W; i <= after.length; i += 250) {
    const win = after.slice(i - W, i);
    windows++;
    let alarm = false;
    for (const b of bins) {
      const p = populationStabilityIndex(
        b,
        win.map((x) => x.f[b.feature] ?? NaN),
      );
      worst[b.feature] = Math.max(worst[b.feature] ?? 0, p);
      if (p > Number(process.argv[4] ?? 0.25)) alarm = true;
    }
    if (alarm) alarms++;
  }
  const top = Object.entries(worst)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`);
  console.log(`W=${W}: ${alarms}/${windows} windows alarm at 0.25; worst: ${top.join(', ')}`);
}
