import type { Bar } from '../candles/candle.js';
import { Bbands, bbands } from './bbands.js';
import { Cci, cci } from './cci.js';
import type { ContractCase, ContractStream } from './contract-case.js';
import { Dema, dema } from './dema.js';
import { Ema, ema } from './ema.js';
import type { BarIndicator, ValueIndicator } from './indicator.js';
import { Kama, kama } from './kama.js';
import { Macd, macd } from './macd.js';
import { Mom, mom } from './mom.js';
import { Roc, roc } from './roc.js';
import { Rsi, rsi } from './rsi.js';
import { Sma, sma } from './sma.js';
import { StdDev, stddev } from './stddev.js';
import { Stoch, stoch } from './stoch.js';
import { StochRsi, stochrsi } from './stochrsi.js';
import { Tema, tema } from './tema.js';
import { WillR, willr } from './willr.js';
import { Wma, wma } from './wma.js';

type Read<T> = (result: T, into: number[]) => void;

const scalar: Read<number> = (result, into) => {
  into[0] = result;
};

function fields<K extends string>(keys: readonly K[]): Read<Readonly<Record<K, number>>> {
  return (result, into) => {
    for (let i = 0; i < keys.length; i++) into[i] = result[keys[i]];
  };
}

/** Wraps an indicator fed with closes; `read` reuses one array, as the indicators do. */
function onClose<T>(indicator: ValueIndicator<T>, read: Read<T>, width: number): ContractStream {
  const row = new Array<number>(width).fill(Number.NaN);
  return {
    push: (bar) => {
      indicator.update(bar.close);
    },
    isStable: () => indicator.isStable(),
    read: () => {
      const r = indicator.getResult();
      if (r === null) return null;
      read(r, row);
      return row;
    },
  };
}

function onBar<T>(indicator: BarIndicator<T>, read: Read<T>, width: number): ContractStream {
  const row = new Array<number>(width).fill(Number.NaN);
  return {
    push: (bar: Bar) => {
      indicator.update(bar);
    },
    isStable: () => indicator.isStable(),
    read: () => {
      const r = indicator.getResult();
      if (r === null) return null;
      read(r, row);
      return row;
    },
  };
}

const VALUE = ['value'] as const;

/**
 * Case builders for any parameters: the catalog below uses typical ones, each indicator's test
 * file runs several through the TA-Lib parity harness (test/support/talib-parity.ts).
 */
export const casesA = {
  sma: (period: number): ContractCase => ({
    name: `sma:${period}`,
    outputs: VALUE,
    lookback: new Sma(period).lookback,
    createStream: () => onClose(new Sma(period), scalar, 1),
    batch: (s) => [sma(s.close, period)],
  }),
  ema: (period: number): ContractCase => ({
    name: `ema:${period}`,
    outputs: VALUE,
    lookback: new Ema(period).lookback,
    createStream: () => onClose(new Ema(period), scalar, 1),
    batch: (s) => [ema(s.close, period)],
  }),
  wma: (period: number): ContractCase => ({
    name: `wma:${period}`,
    outputs: VALUE,
    lookback: new Wma(period).lookback,
    createStream: () => onClose(new Wma(period), scalar, 1),
    batch: (s) => [wma(s.close, period)],
  }),
  dema: (period: number): ContractCase => ({
    name: `dema:${period}`,
    outputs: VALUE,
    lookback: new Dema(period).lookback,
    createStream: () => onClose(new Dema(period), scalar, 1),
    batch: (s) => [dema(s.close, period)],
  }),
  tema: (period: number): ContractCase => ({
    name: `tema:${period}`,
    outputs: VALUE,
    lookback: new Tema(period).lookback,
    createStream: () => onClose(new Tema(period), scalar, 1),
    batch: (s) => [tema(s.close, period)],
  }),
  kama: (period: number): ContractCase => ({
    name: `kama:${period}`,
    outputs: VALUE,
    lookback: new Kama(period).lookback,
    createStream: () => onClose(new Kama(period), scalar, 1),
    batch: (s) => [kama(s.close, period)],
  }),
  rsi: (period: number): ContractCase => ({
    name: `rsi:${period}`,
    outputs: VALUE,
    lookback: new Rsi(period).lookback,
    createStream: () => onClose(new Rsi(period), scalar, 1),
    batch: (s) => [rsi(s.close, period)],
  }),
  stoch: (fastK: number, slowK: number, slowD: number): ContractCase => {
    const keys = ['slowK', 'slowD'] as const;
    return {
      name: `stoch:${fastK}:${slowK}:${slowD}`,
      outputs: keys,
      lookback: new Stoch(fastK, slowK, slowD).lookback,
      createStream: () => onBar(new Stoch(fastK, slowK, slowD), fields(keys), 2),
      batch: (s) => {
        const r = stoch(s.high, s.low, s.close, fastK, slowK, slowD);
        return [r.slowK, r.slowD];
      },
    };
  },
  stochrsi: (period: number, fastK: number, fastD: number): ContractCase => {
    const keys = ['fastK', 'fastD'] as const;
    return {
      name: `stochrsi:${period}:${fastK}:${fastD}`,
      outputs: keys,
      lookback: new StochRsi(period, fastK, fastD).lookback,
      createStream: () => onClose(new StochRsi(period, fastK, fastD), fields(keys), 2),
      batch: (s) => {
        const r = stochrsi(s.close, period, fastK, fastD);
        return [r.fastK, r.fastD];
      },
    };
  },
  macd: (fast: number, slow: number, signal: number): ContractCase => {
    const keys = ['macd', 'signal', 'histogram'] as const;
    return {
      name: `macd:${fast}:${slow}:${signal}`,
      outputs: keys,
      lookback: new Macd(fast, slow, signal).lookback,
      createStream: () => onClose(new Macd(fast, slow, signal), fields(keys), 3),
      batch: (s) => {
        const r = macd(s.close, fast, slow, signal);
        return [r.macd, r.signal, r.histogram];
      },
    };
  },
  bbands: (period: number, nbDevUp: number, nbDevDn: number): ContractCase => {
    const keys = ['upper', 'middle', 'lower'] as const;
    return {
      name: `bbands:${period}:${nbDevUp}:${nbDevDn}`,
      outputs: keys,
      lookback: new Bbands(period, nbDevUp, nbDevDn).lookback,
      createStream: () => onClose(new Bbands(period, nbDevUp, nbDevDn), fields(keys), 3),
      batch: (s) => {
        const r = bbands(s.close, period, nbDevUp, nbDevDn);
        return [r.upper, r.middle, r.lower];
      },
    };
  },
  stddev: (period: number, nbDev: number): ContractCase => ({
    name: `stddev:${period}:${nbDev}`,
    outputs: VALUE,
    lookback: new StdDev(period, nbDev).lookback,
    createStream: () => onClose(new StdDev(period, nbDev), scalar, 1),
    batch: (s) => [stddev(s.close, period, nbDev)],
  }),
  roc: (period: number): ContractCase => ({
    name: `roc:${period}`,
    outputs: VALUE,
    lookback: new Roc(period).lookback,
    createStream: () => onClose(new Roc(period), scalar, 1),
    batch: (s) => [roc(s.close, period)],
  }),
  mom: (period: number): ContractCase => ({
    name: `mom:${period}`,
    outputs: VALUE,
    lookback: new Mom(period).lookback,
    createStream: () => onClose(new Mom(period), scalar, 1),
    batch: (s) => [mom(s.close, period)],
  }),
  cci: (period: number): ContractCase => ({
    name: `cci:${period}`,
    outputs: VALUE,
    lookback: new Cci(period).lookback,
    createStream: () => onBar(new Cci(period), scalar, 1),
    batch: (s) => [cci(s.high, s.low, s.close, period)],
  }),
  willr: (period: number): ContractCase => ({
    name: `willr:${period}`,
    outputs: VALUE,
    lookback: new WillR(period).lookback,
    createStream: () => onBar(new WillR(period), scalar, 1),
    batch: (s) => [willr(s.high, s.low, s.close, period)],
  }),
};

/** Contract cases for the averages and oscillators, with typical parameters. */
export const catalogA: ContractCase[] = [
  casesA.sma(20),
  casesA.ema(20),
  casesA.wma(20),
  casesA.dema(20),
  casesA.tema(20),
  casesA.kama(10),
  casesA.rsi(14),
  casesA.stoch(14, 3, 3),
  casesA.stochrsi(14, 14, 3),
  casesA.macd(12, 26, 9),
  casesA.bbands(20, 2, 2),
  casesA.stddev(20, 1),
  casesA.roc(10),
  casesA.mom(10),
  casesA.cci(14),
  casesA.willr(14),
];
