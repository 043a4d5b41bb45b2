import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { WindowMax, WindowMin } from './ring.js';
import { rollingMaxInto, rollingMinInto } from './rolling-extreme.js';

export interface IchimokuResult {
  tenkan: number;
  kijun: number;
  senkouA: number;
  senkouB: number;
}

function checkParams(
  tenkanPeriod: number,
  kijunPeriod: number,
  senkouBPeriod: number,
  displacement: number,
): void {
  requirePeriod('Ichimoku', 'tenkanPeriod', tenkanPeriod, 1);
  requirePeriod('Ichimoku', 'kijunPeriod', kijunPeriod, 1);
  requirePeriod('Ichimoku', 'senkouBPeriod', senkouBPeriod, 1);
  requirePeriod('Ichimoku', 'displacement', displacement, 1);
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (Float64Arrays), whose fields then stop
 * holding raw doubles, and every update would box four numbers on the heap.
 */
class IchimokuOutput implements IchimokuResult {
  tenkan = Number.NaN;
  kijun = Number.NaN;
  senkouA = Number.NaN;
  senkouB = Number.NaN;
}

/**
 * Ichimoku Kinko Hyo (not a TA-Lib function), as the values known when the bar closes:
 * - tenkan = (highest high + lowest low) / 2 over `tenkanPeriod` bars (default 9),
 *   kijun the same over `kijunPeriod` (26);
 * - senkouA = (tenkan + kijun) / 2 and senkouB = the midpoint over `senkouBPeriod` (52), both
 *   as computed on this bar. A chart draws them `displacement` (26) bars to the right (some
 *   charting tools count the current bar and shift by displacement - 1), so the cloud under
 *   today's price is the senkou computed `displacement` bars ago: read it from your own
 *   history (or a ring of this output) rather than expecting it here, which would need values
 *   from the future to fill the shifted line.
 * - chikou (the lagging span) is not an output: it is the close itself, drawn `displacement`
 *   bars back. Its uses (close vs the price or cloud of `displacement` bars ago) compare
 *   today's close with stored past values, which needs no lookahead; publishing it "at" the
 *   past bar would be lookahead by construction.
 * The lookback is max(periods) - 1 (51 by default): all four lines appear together, even though
 * tenkan and kijun alone would be ready earlier. `displacement` is kept for the consumer that
 * shifts. The result object is reused.
 */
export class Ichimoku implements BarIndicator<IchimokuResult> {
  readonly lookback: number;
  readonly tenkanPeriod: number;
  readonly kijunPeriod: number;
  readonly senkouBPeriod: number;
  readonly displacement: number;
  private readonly tenkanHigh: WindowMax;
  private readonly tenkanLow: WindowMin;
  private readonly kijunHigh: WindowMax;
  private readonly kijunLow: WindowMin;
  private readonly senkouHigh: WindowMax;
  private readonly senkouLow: WindowMin;
  private readonly out = new IchimokuOutput();
  private seen = 0;

  constructor(tenkanPeriod = 9, kijunPeriod = 26, senkouBPeriod = 52, displacement = 26) {
    checkParams(tenkanPeriod, kijunPeriod, senkouBPeriod, displacement);
    this.tenkanPeriod = tenkanPeriod;
    this.kijunPeriod = kijunPeriod;
    this.senkouBPeriod = senkouBPeriod;
    this.displacement = displacement;
    this.lookback = Math.max(tenkanPeriod, kijunPeriod, senkouBPeriod) - 1;
    this.tenkanHigh = new WindowMax(tenkanPeriod);
    this.tenkanLow = new WindowMin(tenkanPeriod);
    this.kijunHigh = new WindowMax(kijunPeriod);
    this.kijunLow = new WindowMin(kijunPeriod);
    this.senkouHigh = new WindowMax(senkouBPeriod);
    this.senkouLow = new WindowMin(senkouBPeriod);
  }

  update(bar: Bar): IchimokuResult | null {
    // `add` and the `extreme` fields rather than methods returning numbers, which box them.
    const h = bar.high;
    const l = bar.low;
    this.tenkanHigh.add(h);
    this.tenkanLow.add(l);
    this.kijunHigh.add(h);
    this.kijunLow.add(l);
    this.senkouHigh.add(h);
    this.senkouLow.add(l);
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    this.seen = this.lookback + 1;
    const tenkan = (this.tenkanHigh.extreme + this.tenkanLow.extreme) / 2;
    const kijun = (this.kijunHigh.extreme + this.kijunLow.extreme) / 2;
    const out = this.out;
    out.tenkan = tenkan;
    out.kijun = kijun;
    out.senkouA = (tenkan + kijun) / 2;
    out.senkouB = (this.senkouHigh.extreme + this.senkouLow.extreme) / 2;
    return out;
  }

  isStable(): boolean {
    return this.seen > this.lookback;
  }

  getResult(): IchimokuResult | null {
    return this.seen > this.lookback ? this.out : null;
  }

  reset(): void {
    this.tenkanHigh.reset();
    this.tenkanLow.reset();
    this.kijunHigh.reset();
    this.kijunLow.reset();
    this.senkouHigh.reset();
    this.senkouLow.reset();
    this.seen = 0;
    this.out.tenkan = Number.NaN;
    this.out.kijun = Number.NaN;
    this.out.senkouA = Number.NaN;
    this.out.senkouB = Number.NaN;
  }
}

export interface IchimokuSeries {
  readonly tenkan: Float64Array;
  readonly kijun: Float64Array;
  readonly senkouA: Float64Array;
  readonly senkouB: Float64Array;
}

/**
 * Ichimoku over whole columns, unshifted (see `Ichimoku`): NaN for the first max(periods) - 1
 * bars. `displacement` is only validated, for the same signature as the stream.
 */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  tenkanPeriod = 9,
  kijunPeriod = 26,
  senkouBPeriod = 52,
  displacement = 26,
): IchimokuSeries {
  checkParams(tenkanPeriod, kijunPeriod, senkouBPeriod, displacement);
  const n = high.length;
  const from = Math.max(tenkanPeriod, kijunPeriod, senkouBPeriod) - 1;
  const scratch = new Float64Array(n);
  const tenkan = midpoints(high, low, tenkanPeriod, from, scratch);
  const kijun = midpoints(high, low, kijunPeriod, from, scratch);
  const senkouB = midpoints(high, low, senkouBPeriod, from, scratch);
  const senkouA = warmupArray(n, from);
  for (let i = from; i < n; i++) senkouA[i] = (tenkan[i] + kijun[i]) / 2;
  return { tenkan, kijun, senkouA, senkouB };
}

/**
 * (highest high + lowest low) / 2 over `period` bars at each index from `from` on; `scratch`
 * (same length) holds the lows.
 */
function midpoints(
  high: Float64Array,
  low: Float64Array,
  period: number,
  from: number,
  scratch: Float64Array,
): Float64Array {
  const n = high.length;
  const out = warmupArray(n, from);
  rollingMaxInto(high, period, from, out);
  rollingMinInto(low, period, from, scratch);
  for (let i = from; i < n; i++) out[i] = (out[i] + scratch[i]) / 2;
  return out;
}
