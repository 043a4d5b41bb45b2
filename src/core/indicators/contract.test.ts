import { describe, expect, it } from 'vitest';
import { candleAt } from '../../../test/support/columns.js';
import { hasRealData, loadRealColumns } from '../../../test/support/real-data.js';
import type { CandleColumns } from '../candles/candle.js';
import { catalogA } from './catalog-a.js';
import { catalogB } from './catalog-b.js';
import type { ContractCase } from './contract-case.js';

const cases: ContractCase[] = [...catalogA, ...catalogB];

function runStream(
  c: ContractCase,
  s: CandleColumns,
): { stable: boolean[]; values: (readonly number[] | null)[] } {
  const stream = c.createStream();
  const stable: boolean[] = [];
  const values: (readonly number[] | null)[] = [];
  for (let i = 0; i < s.length; i++) {
    stream.push(candleAt(s, i));
    stable.push(stream.isStable());
    const r = stream.read();
    values.push(r ? [...r] : null);
  }
  return { stable, values };
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  const d = Math.abs(a - b);
  return d <= 1e-9 || d <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

describe.skipIf(!hasRealData)('indicator contract (every streaming indicator, real BTCUSDT 1h)', () => {
  // 20,000 hourly candles keeps the run short while crossing real gaps and zero-volume rows.
  const full = hasRealData ? loadRealColumns('binance_BTCUSDT_1h.csv.gz') : null;
  const series: CandleColumns | null = full ? slice(full, 0, 20_000) : null;

  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    describe(c.name, () => {
      // one streamed run of a fresh instance, read by the three tests (the third streams again)
      let run: ReturnType<typeof runStream> | undefined;
      const streamed = (s: CandleColumns) => {
        run ??= runStream(c, s);
        return run;
      };

      it('gives no result before it is stable, and one from then on', () => {
        if (!series) return;
        const { stable, values } = streamed(series);
        for (let i = 0; i < series.length; i++) {
          // expect() only where the plain check fails: 40,000 expect() calls per case cost seconds
          if (stable[i] !== i >= c.lookback) expect(stable[i], `isStable at ${i}`).toBe(i >= c.lookback);
          if (i < c.lookback) {
            if (values[i] !== null) expect(values[i], `result at ${i}`).toBeNull();
          } else if (values[i] === null) expect(values[i], `result at ${i}`).not.toBeNull();
        }
      });

      it('streams the same numbers as its batch function', () => {
        if (!series) return;
        const { values } = streamed(series);
        const batch = c.batch(series);
        expect(batch.length).toBe(c.outputs.length);
        for (let o = 0; o < c.outputs.length; o++) {
          const col = batch[o];
          expect(col.length).toBe(series.length);
          for (let i = 0; i < series.length; i++) {
            const v = values[i];
            if (i < c.lookback) {
              expect(Number.isNaN(col[i]), `${c.outputs[o]} batch at ${i} should be NaN`).toBe(true);
            } else if (v && !close(v[o], col[i])) {
              expect.fail(`${c.name}.${c.outputs[o]} at ${i}: stream ${v[o]} != batch ${col[i]}`);
            }
          }
        }
      });

      it('gives identical numbers from a fresh instance on the same series', () => {
        if (!series) return;
        const a = streamed(series).values;
        const b = runStream(c, series).values;
        if (!sameRuns(a, b)) expect(b).toEqual(a);
      });
    });
  }
});

/** What toEqual checks here (Object.is on every number, null for null), in plain code. */
function sameRuns(
  a: readonly (readonly number[] | null)[],
  b: readonly (readonly number[] | null)[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || y === null) {
      if (x !== y) return false;
    } else if (x.length !== y.length || x.some((v, k) => !Object.is(v, y[k]))) return false;
  }
  return true;
}

function slice(s: CandleColumns, from: number, to: number): CandleColumns {
  const end = Math.min(to, s.length);
  return {
    length: end - from,
    openTime: s.openTime.subarray(from, end),
    open: s.open.subarray(from, end),
    high: s.high.subarray(from, end),
    low: s.low.subarray(from, end),
    close: s.close.subarray(from, end),
    volume: s.volume.subarray(from, end),
  };
}
