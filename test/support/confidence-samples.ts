import type { LabelledSample } from '../../src/core/learn/samples.js';
import { mulberry32 } from '../../src/core/metrics/random.js';

const HOUR = 3_600_000;

/**
 * Labelled samples for model tests: features a, b, c; the label follows sigmoid(1.5a − b), c is
 * pure noise, b is missing 10 % of the time. One sample an hour from 2024-01-01, labels known
 * three hours later.
 */
export function syntheticSamples(n: number, seed: number): LabelledSample[] {
  const rnd = mulberry32(seed);
  const out: LabelledSample[] = [];
  for (let i = 0; i < n; i++) {
    const a = rnd() * 2 - 1;
    const b = rnd() * 2 - 1;
    const p = 1 / (1 + Math.exp(-(1.5 * a - b)));
    const label = rnd() < p ? 1 : 0;
    out.push({
      id: `s${String(i).padStart(5, '0')}`,
      symbol: 'TEST',
      strategy: 'momentum',
      timeframe: '1h',
      direction: 'BUY',
      shadow: false,
      createdAt: Date.UTC(2024, 0, 1) + i * HOUR,
      exitTime: Date.UTC(2024, 0, 1) + i * HOUR + 3 * HOUR,
      features: { a, b: rnd() < 0.1 ? Number.NaN : b, c: rnd() },
      label,
      returnPct: label ? 0.01 : -0.01,
      netR: label ? 1 : -1,
      score: 0.7,
    });
  }
  return out;
}

export const SYNTHETIC_FEATURES = ['a', 'b', 'c'];
