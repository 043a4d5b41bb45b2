import type { Bar } from '../candles/candle.js';
import { Ad, ad } from './ad.js';
import { Adosc, adosc } from './adosc.js';
import { Adx, adxWithDi, MinusDi, minusDi, PlusDi, plusDi } from './adx.js';
import { Aroon, aroon } from './aroon.js';
import { Atr, atr } from './atr.js';
import type { ContractCase, ContractStream } from './contract-case.js';
import { Donchian, donchian } from './donchian.js';
import { Ichimoku, ichimoku } from './ichimoku.js';
import type { StreamingIndicator } from './indicator.js';
import { Keltner, keltner } from './keltner.js';
import { Mfi, mfi } from './mfi.js';
import { Natr, natr } from './natr.js';
import { Obv, obv } from './obv.js';
import { Sar, sar } from './sar.js';
import { SuperTrend, superTrend } from './supertrend.js';
import { TrueRange, trange } from './trange.js';
import { AnchoredVwap, anchoredVwap, Vwap, vwap } from './vwap.js';

type TimedBar = Bar & { readonly openTime: number };

/** Wraps a streaming indicator; `pick` copies its result into one reused row. */
function wrap<T>(
  indicator: StreamingIndicator<TimedBar, T>,
  pick: readonly ((r: T) => number)[],
): ContractStream {
  const row = new Array<number>(pick.length).fill(Number.NaN);
  return {
    push: (bar) => {
      indicator.update(bar);
    },
    isStable: () => indicator.isStable(),
    read: () => {
      const r = indicator.getResult();
      if (r === null) return null;
      for (let i = 0; i < pick.length; i++) row[i] = pick[i](r);
      return row;
    },
  };
}

const VALUE = ['value'] as const;
const scalar = [(r: number) => r] as const;

/**
 * Case builders for any parameters; the catalog below uses the usual ones. An anchored VWAP
 * counts its lookback from the anchor bar, so its case anchors before any candle (an anchor
 * inside the series is covered by vwap.test.ts).
 */
export const casesB = {
  trange: (): ContractCase => ({
    name: 'trange',
    outputs: VALUE,
    lookback: new TrueRange().lookback,
    createStream: () => wrap(new TrueRange(), scalar),
    batch: (s) => [trange(s.high, s.low, s.close)],
  }),
  atr: (period: number): ContractCase => ({
    name: `atr:${period}`,
    outputs: VALUE,
    lookback: new Atr(period).lookback,
    createStream: () => wrap(new Atr(period), scalar),
    batch: (s) => [atr(s.high, s.low, s.close, period)],
  }),
  natr: (period: number): ContractCase => ({
    name: `natr:${period}`,
    outputs: VALUE,
    lookback: new Natr(period).lookback,
    createStream: () => wrap(new Natr(period), scalar),
    batch: (s) => [natr(s.high, s.low, s.close, period)],
  }),
  adx: (period: number): ContractCase => ({
    name: `adx:${period}`,
    outputs: ['adx', 'plus_di', 'minus_di'],
    lookback: new Adx(period).lookback,
    createStream: () => wrap(new Adx(period), [(r) => r.adx, (r) => r.plusDi, (r) => r.minusDi]),
    batch: (s) => {
      const r = adxWithDi(s.high, s.low, s.close, period);
      return [r.adx, r.plusDi, r.minusDi];
    },
  }),
  plusDi: (period: number): ContractCase => ({
    name: `plus_di:${period}`,
    outputs: VALUE,
    lookback: new PlusDi(period).lookback,
    createStream: () => wrap(new PlusDi(period), scalar),
    batch: (s) => [plusDi(s.high, s.low, s.close, period)],
  }),
  minusDi: (period: number): ContractCase => ({
    name: `minus_di:${period}`,
    outputs: VALUE,
    lookback: new MinusDi(period).lookback,
    createStream: () => wrap(new MinusDi(period), scalar),
    batch: (s) => [minusDi(s.high, s.low, s.close, period)],
  }),
  mfi: (period: number): ContractCase => ({
    name: `mfi:${period}`,
    outputs: VALUE,
    lookback: new Mfi(period).lookback,
    createStream: () => wrap(new Mfi(period), scalar),
    batch: (s) => [mfi(s.high, s.low, s.close, s.volume, period)],
  }),
  obv: (): ContractCase => ({
    name: 'obv',
    outputs: VALUE,
    lookback: new Obv().lookback,
    createStream: () => wrap(new Obv(), scalar),
    batch: (s) => [obv(s.close, s.volume)],
  }),
  ad: (): ContractCase => ({
    name: 'ad',
    outputs: VALUE,
    lookback: new Ad().lookback,
    createStream: () => wrap(new Ad(), scalar),
    batch: (s) => [ad(s.high, s.low, s.close, s.volume)],
  }),
  adosc: (fast: number, slow: number): ContractCase => ({
    name: `adosc:${fast}:${slow}`,
    outputs: VALUE,
    lookback: new Adosc(fast, slow).lookback,
    createStream: () => wrap(new Adosc(fast, slow), scalar),
    batch: (s) => [adosc(s.high, s.low, s.close, s.volume, fast, slow)],
  }),
  sar: (acceleration: number, maximum: number): ContractCase => ({
    name: `sar:${acceleration}:${maximum}`,
    outputs: VALUE,
    lookback: new Sar(acceleration, maximum).lookback,
    createStream: () => wrap(new Sar(acceleration, maximum), scalar),
    batch: (s) => [sar(s.high, s.low, acceleration, maximum)],
  }),
  aroon: (period: number): ContractCase => ({
    name: `aroon:${period}`,
    outputs: ['aroon_down', 'aroon_up'],
    lookback: new Aroon(period).lookback,
    createStream: () => wrap(new Aroon(period), [(r) => r.aroonDown, (r) => r.aroonUp]),
    batch: (s) => {
      const r = aroon(s.high, s.low, period);
      return [r.aroonDown, r.aroonUp];
    },
  }),
  vwap: (): ContractCase => ({
    name: 'vwap',
    outputs: VALUE,
    lookback: new Vwap().lookback,
    createStream: () => wrap(new Vwap(), scalar),
    batch: (s) => [vwap(s.openTime, s.high, s.low, s.close, s.volume)],
  }),
  anchoredVwap: (anchorTime: number): ContractCase => ({
    name: `vwap:anchored:${anchorTime}`,
    outputs: VALUE,
    lookback: new AnchoredVwap(anchorTime).lookback,
    createStream: () => wrap(new AnchoredVwap(anchorTime), scalar),
    batch: (s) => [anchoredVwap(s.openTime, s.high, s.low, s.close, s.volume, anchorTime)],
  }),
  superTrend: (atrPeriod: number, multiplier: number): ContractCase => ({
    name: `supertrend:${atrPeriod}:${multiplier}`,
    outputs: ['value', 'direction'],
    lookback: new SuperTrend(atrPeriod, multiplier).lookback,
    createStream: () => wrap(new SuperTrend(atrPeriod, multiplier), [(r) => r.value, (r) => r.direction]),
    batch: (s) => {
      const r = superTrend(s.high, s.low, s.close, atrPeriod, multiplier);
      return [r.value, r.direction];
    },
  }),
  keltner: (emaPeriod: number, atrPeriod: number, multiplier: number): ContractCase => ({
    name: `keltner:${emaPeriod}:${atrPeriod}:${multiplier}`,
    outputs: ['upper', 'middle', 'lower'],
    lookback: new Keltner(emaPeriod, atrPeriod, multiplier).lookback,
    createStream: () =>
      wrap(new Keltner(emaPeriod, atrPeriod, multiplier), [(r) => r.upper, (r) => r.middle, (r) => r.lower]),
    batch: (s) => {
      const r = keltner(s.high, s.low, s.close, emaPeriod, atrPeriod, multiplier);
      return [r.upper, r.middle, r.lower];
    },
  }),
  donchian: (period: number): ContractCase => ({
    name: `donchian:${period}`,
    outputs: ['upper', 'middle', 'lower'],
    lookback: new Donchian(period).lookback,
    createStream: () => wrap(new Donchian(period), [(r) => r.upper, (r) => r.middle, (r) => r.lower]),
    batch: (s) => {
      const r = donchian(s.high, s.low, period);
      return [r.upper, r.middle, r.lower];
    },
  }),
  ichimoku: (tenkan: number, kijun: number, senkouB: number): ContractCase => ({
    name: `ichimoku:${tenkan}:${kijun}:${senkouB}`,
    outputs: ['tenkan', 'kijun', 'senkou_a', 'senkou_b'],
    lookback: new Ichimoku(tenkan, kijun, senkouB).lookback,
    createStream: () =>
      wrap(new Ichimoku(tenkan, kijun, senkouB), [
        (r) => r.tenkan,
        (r) => r.kijun,
        (r) => r.senkouA,
        (r) => r.senkouB,
      ]),
    batch: (s) => {
      const r = ichimoku(s.high, s.low, tenkan, kijun, senkouB);
      return [r.tenkan, r.kijun, r.senkouA, r.senkouB];
    },
  }),
};

/** Contract cases for the range, volume, trend and channel indicators. */
export const catalogB: ContractCase[] = [
  casesB.trange(),
  casesB.atr(14),
  casesB.natr(14),
  casesB.adx(14),
  casesB.plusDi(14),
  casesB.minusDi(14),
  casesB.mfi(14),
  casesB.obv(),
  casesB.ad(),
  casesB.adosc(3, 10),
  casesB.sar(0.02, 0.2),
  casesB.aroon(14),
  casesB.vwap(),
  casesB.anchoredVwap(0),
  casesB.superTrend(10, 3),
  casesB.keltner(20, 10, 2),
  casesB.donchian(20),
  casesB.ichimoku(9, 26, 52),
];
