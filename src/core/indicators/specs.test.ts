import { describe, expect, it } from 'vitest';
import { toColumns } from '../candles/candle.js';
import { macd } from './macd.js';
import { rsi } from './rsi.js';
import {
  IndicatorSpecError,
  indicatorNames,
  parseIndicatorSpec,
  parseIndicatorSpecs,
  specUsage,
} from './specs.js';

const candles = Array.from({ length: 120 }, (_, i) => {
  const close = 100 + 10 * Math.sin(i / 7) + i * 0.1;
  return {
    openTime: i * 60_000,
    open: close - 0.5,
    high: close + 1,
    low: close - 1.2,
    close,
    volume: 10 + (i % 5),
  };
});
const series = toColumns(candles);

describe('indicator specs', () => {
  it('fills in defaults and writes the spec out in full', () => {
    const s = parseIndicatorSpec('RSI');
    expect(s.canonical).toBe('rsi:14');
    expect(s.outputs).toEqual(['value']);
    expect(parseIndicatorSpec('macd:5').canonical).toBe('macd:5:26:9');
    expect(parseIndicatorSpec(' bbands:20:2.5 ').canonical).toBe('bbands:20:2.5:2');
  });

  it('computes the same values as the batch functions', () => {
    const [r, m] = parseIndicatorSpecs('rsi:14,macd:12:26:9');
    expect(r.compute(series)[0]).toEqual(rsi(series.close, 14));
    const want = macd(series.close, 12, 26, 9);
    expect(m.outputs).toEqual(['macd', 'signal', 'histogram']);
    expect(m.compute(series)).toEqual([want.macd, want.signal, want.histogram]);
    expect(m.lookback).toBe(33);
  });

  it('runs every indicator it lists', () => {
    for (const name of indicatorNames()) {
      const spec = parseIndicatorSpec(name === 'avwap' ? 'avwap:0' : name);
      const out = spec.compute(series);
      expect(out.length, name).toBe(spec.outputs.length);
      for (const column of out) expect(column.length, name).toBe(series.length);
    }
  });

  it('keeps a spec once when it is asked twice', () => {
    expect(parseIndicatorSpecs('rsi,rsi:14,sma:20').map((s) => s.canonical)).toEqual(['rsi:14', 'sma:20']);
  });

  it('names the problem and lists the valid specs', () => {
    const unknown = () => parseIndicatorSpec('foo:3');
    expect(unknown).toThrow(IndicatorSpecError);
    expect(unknown).toThrow(/unknown indicator "foo".*sma:period=20.*macd:fast=12:slow=26:signal=9/);
    expect(() => parseIndicatorSpec('sma:abc')).toThrow(/"sma:abc": period "abc" is not a number/);
    expect(() => parseIndicatorSpec('sma:2.5')).toThrow(/period must be an integer/);
    expect(() => parseIndicatorSpec('sma:1000000')).toThrow(/period must be at most 10000/);
    expect(() => parseIndicatorSpec('sma:20:3')).toThrow(/sma takes at most 1 \(period\)/);
    expect(() => parseIndicatorSpec('obv:3')).toThrow(/obv takes no parameters/);
    expect(() => parseIndicatorSpec('avwap')).toThrow(/avwap needs anchorTime/);
    expect(() => parseIndicatorSpec('rsi:1')).toThrow(/"rsi:1": .*period/);
    expect(() => parseIndicatorSpecs('rsi,,sma')).toThrow(/empty indicator spec/);
    expect(specUsage()).toContain('avwap:<anchorTime>');
  });
});
