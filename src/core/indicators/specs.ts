import type { CandleColumns } from '../candles/candle.js';
import { casesA } from './catalog-a.js';
import { casesB } from './catalog-b.js';
import type { ContractCase } from './contract-case.js';

/**
 * Indicator specs as people type them: `name[:param[:param...]]`, several joined by commas,
 * e.g. `sma:20,rsi:14,macd:12:26:9`. Parameters left out take their defaults (`rsi` is
 * `rsi:14`). The API's candle route and the CLI share this parser, so a spec means the same
 * everywhere; the computation itself is each indicator's batch function, through the same case
 * builders the contract and TA-Lib parity tests drive.
 */

export interface SpecParam {
  readonly name: string;
  /** Null: the parameter must be given. */
  readonly default: number | null;
  readonly integer: boolean;
  /** Largest magnitude accepted. */
  readonly max: number;
}

interface SpecDefinition {
  readonly params: readonly SpecParam[];
  readonly build: (p: readonly number[]) => ContractCase;
}

/** Bound on integer parameters: a period sizes the indicator's buffers. */
export const MAX_SPEC_INTEGER = 10_000;

const int = (name: string, def: number | null, max = MAX_SPEC_INTEGER): SpecParam => ({
  name,
  default: def,
  integer: true,
  max,
});
const real = (name: string, def: number): SpecParam => ({ name, default: def, integer: false, max: 1e6 });

const DEFINITIONS: Readonly<Record<string, SpecDefinition>> = {
  sma: { params: [int('period', 20)], build: ([p]) => casesA.sma(p) },
  ema: { params: [int('period', 20)], build: ([p]) => casesA.ema(p) },
  wma: { params: [int('period', 20)], build: ([p]) => casesA.wma(p) },
  dema: { params: [int('period', 20)], build: ([p]) => casesA.dema(p) },
  tema: { params: [int('period', 20)], build: ([p]) => casesA.tema(p) },
  kama: { params: [int('period', 10)], build: ([p]) => casesA.kama(p) },
  rsi: { params: [int('period', 14)], build: ([p]) => casesA.rsi(p) },
  stoch: {
    params: [int('fastK', 14), int('slowK', 3), int('slowD', 3)],
    build: ([a, b, c]) => casesA.stoch(a, b, c),
  },
  stochrsi: {
    params: [int('period', 14), int('fastK', 5), int('fastD', 3)],
    build: ([a, b, c]) => casesA.stochrsi(a, b, c),
  },
  macd: {
    params: [int('fast', 12), int('slow', 26), int('signal', 9)],
    build: ([a, b, c]) => casesA.macd(a, b, c),
  },
  bbands: {
    params: [int('period', 20), real('devUp', 2), real('devDown', 2)],
    build: ([a, b, c]) => casesA.bbands(a, b, c),
  },
  stddev: { params: [int('period', 20), real('devs', 1)], build: ([a, b]) => casesA.stddev(a, b) },
  roc: { params: [int('period', 10)], build: ([p]) => casesA.roc(p) },
  mom: { params: [int('period', 10)], build: ([p]) => casesA.mom(p) },
  cci: { params: [int('period', 14)], build: ([p]) => casesA.cci(p) },
  willr: { params: [int('period', 14)], build: ([p]) => casesA.willr(p) },
  trange: { params: [], build: () => casesB.trange() },
  atr: { params: [int('period', 14)], build: ([p]) => casesB.atr(p) },
  natr: { params: [int('period', 14)], build: ([p]) => casesB.natr(p) },
  adx: { params: [int('period', 14)], build: ([p]) => casesB.adx(p) },
  plus_di: { params: [int('period', 14)], build: ([p]) => casesB.plusDi(p) },
  minus_di: { params: [int('period', 14)], build: ([p]) => casesB.minusDi(p) },
  mfi: { params: [int('period', 14)], build: ([p]) => casesB.mfi(p) },
  obv: { params: [], build: () => casesB.obv() },
  ad: { params: [], build: () => casesB.ad() },
  adosc: { params: [int('fast', 3), int('slow', 10)], build: ([a, b]) => casesB.adosc(a, b) },
  sar: {
    params: [real('acceleration', 0.02), real('maximum', 0.2)],
    build: ([a, b]) => casesB.sar(a, b),
  },
  aroon: { params: [int('period', 14)], build: ([p]) => casesB.aroon(p) },
  vwap: { params: [], build: () => casesB.vwap() },
  avwap: {
    params: [int('anchorTime', null, Number.MAX_SAFE_INTEGER)],
    build: ([t]) => casesB.anchoredVwap(t),
  },
  supertrend: {
    params: [int('atrPeriod', 10), real('multiplier', 3)],
    build: ([a, b]) => casesB.superTrend(a, b),
  },
  keltner: {
    params: [int('emaPeriod', 20), int('atrPeriod', 10), real('multiplier', 2)],
    build: ([a, b, c]) => casesB.keltner(a, b, c),
  },
  donchian: { params: [int('period', 20)], build: ([p]) => casesB.donchian(p) },
  ichimoku: {
    params: [int('tenkan', 9), int('kijun', 26), int('senkouB', 52)],
    build: ([a, b, c]) => casesB.ichimoku(a, b, c),
  },
};

export class IndicatorSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndicatorSpecError';
  }
}

/** One parsed spec, ready to run over a series. */
export interface IndicatorSpec {
  readonly name: string;
  readonly params: readonly number[];
  /** With every parameter written out, e.g. `rsi:14` for `rsi`. */
  readonly canonical: string;
  /** Output names, e.g. `['macd', 'signal', 'histogram']`; `['value']` for one output. */
  readonly outputs: readonly string[];
  /** Candles without a value at the start of a series. */
  readonly lookback: number;
  /** One array per output, aligned with the series, NaN during warm-up. */
  compute(series: CandleColumns): readonly Float64Array[];
}

/** Every valid spec written with its parameter names and defaults, for help and error messages. */
export function specUsage(): string[] {
  return Object.entries(DEFINITIONS).map(([name, d]) =>
    [name, ...d.params.map((p) => (p.default === null ? `<${p.name}>` : `${p.name}=${p.default}`))].join(':'),
  );
}

export function indicatorNames(): string[] {
  return Object.keys(DEFINITIONS);
}

function parseNumber(text: string, p: SpecParam, spec: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) {
    throw new IndicatorSpecError(`"${spec}": ${p.name} "${text}" is not a number`);
  }
  if (p.integer && !Number.isSafeInteger(v)) {
    throw new IndicatorSpecError(`"${spec}": ${p.name} must be an integer, got ${text}`);
  }
  if (Math.abs(v) > p.max)
    throw new IndicatorSpecError(`"${spec}": ${p.name} must be at most ${p.max}, got ${text}`);
  return v;
}

/** Parses one spec like `macd:12:26:9`; the error names the spec and lists the valid ones. */
export function parseIndicatorSpec(text: string): IndicatorSpec {
  const spec = text.trim();
  const [rawName = '', ...rawParams] = spec.split(':');
  const name = rawName.toLowerCase();
  const def = Object.hasOwn(DEFINITIONS, name) ? DEFINITIONS[name] : undefined;
  if (!def) {
    throw new IndicatorSpecError(
      `unknown indicator "${rawName}" in "${spec}"; valid indicators are ${specUsage().join(', ')}`,
    );
  }
  if (rawParams.length > def.params.length) {
    throw new IndicatorSpecError(
      `"${spec}": ${name} takes ${def.params.length === 0 ? 'no parameters' : `at most ${def.params.length} (${def.params.map((p) => p.name).join(':')})`}`,
    );
  }
  const params = def.params.map((p, i) => {
    const given = rawParams[i];
    if (given !== undefined) return parseNumber(given, p, spec);
    if (p.default === null) throw new IndicatorSpecError(`"${spec}": ${name} needs ${p.name}`);
    return p.default;
  });
  let built: ContractCase;
  try {
    built = def.build(params);
  } catch (e) {
    // the indicators check their own parameter ranges (a period below 2, a negative deviation)
    if (e instanceof RangeError) throw new IndicatorSpecError(`"${spec}": ${e.message}`);
    throw e;
  }
  return {
    name,
    params,
    canonical: [name, ...params].join(':'),
    outputs: built.outputs,
    lookback: built.lookback,
    compute: (series) => built.batch(series),
  };
}

/** Parses a comma-separated list of specs; duplicates (after defaults) are kept once. */
export function parseIndicatorSpecs(text: string): IndicatorSpec[] {
  const out: IndicatorSpec[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    if (part.trim() === '') throw new IndicatorSpecError(`empty indicator spec in "${text}"`);
    const spec = parseIndicatorSpec(part);
    if (seen.has(spec.canonical)) continue;
    seen.add(spec.canonical);
    out.push(spec);
  }
  return out;
}
