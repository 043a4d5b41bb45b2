import { describe, expect, it } from 'vitest';
import { probabilityOfBacktestOverfitting, sharpeStatistic } from './pbo.js';
import { mulberry32 } from './random.js';

function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** T×N matrix of i.i.d. normal returns with standard deviation 1 %: N configurations without skill. */
function noise(seed: number, periods: number, configurations: number): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: periods }, () =>
    Array.from({ length: configurations }, () => 0.01 * gaussian(random)),
  );
}

const mean = (r: Float64Array): number => r.reduce((sum, x) => sum + x, 0) / r.length;

describe('probabilityOfBacktestOverfitting: a case checked by hand', () => {
  // S = 4 blocks of one period each, N = 3 configurations A, B, C, statistic = mean return.
  //        A   B   C
  // t0    -3   4  -1
  // t1     0  -3   1
  // t2     3   2  -3
  // t3    -2   4   1
  // Splits in mask order; sums per configuration (the means are half of them, same ranking):
  // IS {0,1}: A -3, B 1, C 0  -> choose B (IS mean 0.5); OOS {2,3}: A 1, B 6, C -2
  //           B ranks 3 of 3 -> ω = 3/4, λ = ln 3;  OOS mean 3
  // IS {0,2}: A 0, B 6, C -4  -> B (3);   OOS {1,3}: A -2, B 1, C 2  -> rank 2, ω = 1/2, λ = 0;     OOS 0.5
  // IS {1,2}: A 3, B -1, C -2 -> A (1.5); OOS {0,3}: A -5, B 8, C 0  -> rank 1, ω = 1/4, λ = -ln 3; OOS -2.5
  // IS {0,3}: A -5, B 8, C 0  -> B (4);   OOS {1,2}: A 3, B -1, C -2 -> rank 2, ω = 1/2, λ = 0;     OOS -0.5
  // IS {1,3}: A -2, B 1, C 2  -> C (1);   OOS {0,2}: A 0, B 6, C -4  -> rank 1, ω = 1/4, λ = -ln 3; OOS -2
  // IS {2,3}: A 1, B 6, C -2  -> B (3);   OOS {0,1}: A -3, B 1, C 0  -> rank 3, ω = 3/4, λ = ln 3;  OOS 0.5
  // PBO: λ <= 0 in splits 2-5 -> 4/6. Loss: OOS < 0 in splits 3, 4, 5 -> 3/6.
  // Degradation: x = IS means [0.5, 3, 1.5, 4, 1, 3], y = OOS means [3, 0.5, -2.5, -0.5, -2, 0.5];
  //   mean x = 13/6, mean y = -1/6; Sxx = 37.5 - 6·(13/6)² = 28/3;
  //   Sxy = Σxy - 6·(13/6)·(-1/6) = -3.25 + 13/6 = -13/12
  //   slope = (-13/12) / (28/3) = -13/112, intercept = -1/6 + (13/112)·(13/6) = 19/224.
  const rows = [
    [-3, 4, -1],
    [0, -3, 1],
    [3, 2, -3],
    [-2, 4, 1],
  ];
  const result = probabilityOfBacktestOverfitting(rows, { blocks: 4, statistic: mean });

  it('gives the hand-computed ranks, logits, PBO and probability of loss', () => {
    expect(result.combinations).toBe(6);
    expect(Array.from(result.relativeRanks)).toEqual([0.75, 0.5, 0.25, 0.5, 0.25, 0.75]);
    const ln3 = Math.log(3);
    const expected = [ln3, 0, -ln3, 0, -ln3, ln3];
    result.logits.forEach((lambda, i) => {
      expect(lambda).toBeCloseTo(expected[i], 14);
    });
    expect(Array.from(result.inSample)).toEqual([0.5, 3, 1.5, 4, 1, 3]);
    expect(Array.from(result.outOfSample)).toEqual([3, 0.5, -2.5, -0.5, -2, 0.5]);
    expect(result.pbo).toBeCloseTo(4 / 6, 15);
    expect(result.probabilityOfLoss).toBe(0.5);
  });

  it('gives the hand-computed degradation line', () => {
    expect(result.degradation?.slope).toBeCloseTo(-13 / 112, 14);
    expect(result.degradation?.intercept).toBeCloseTo(19 / 224, 14);
  });
});

describe('probabilityOfBacktestOverfitting: behaviour', () => {
  it('is 0 when one configuration dominates in every period', () => {
    // Configuration 3 earns 5 % more than the noise every period: best in and out of every split.
    const rows = noise(1, 320, 8).map((row) => row.map((r, j) => (j === 3 ? r + 0.05 : r)));
    const result = probabilityOfBacktestOverfitting(rows, { blocks: 16 });
    expect(result.combinations).toBe(12_870);
    expect(result.pbo).toBe(0);
    expect(result.probabilityOfLoss).toBe(0);
    // always the top rank: ω = N / (N + 1) = 8/9, λ = ln 8
    for (const lambda of result.logits) expect(lambda).toBeCloseTo(Math.log(8), 12);
  });

  it('is about 0.5 for configurations without skill, averaged over independent matrices', () => {
    // With N even and no skill, the in-sample choice's out-of-sample rank is uniform on 1..N, so
    // E[PBO] = P(rank <= N/2) = 0.5 exactly. One matrix's PBO scatters widely around it, because
    // its 12,870 splits reuse the same 16 blocks: over 300 other seeds (N = 10, T = 320, S = 16)
    // the standard deviation was 0.23. The mean of 100 matrices then has a standard error of
    // 0.023; the tolerance 0.1 is over 4 of them. (The seeds here are not those 300.)
    const matrices = 100;
    let sum = 0;
    for (let k = 0; k < matrices; k++) {
      sum += probabilityOfBacktestOverfitting(noise(10_000 + k, 320, 10), { blocks: 16 }).pbo;
    }
    expect(Math.abs(sum / matrices - 0.5)).toBeLessThan(0.1);
  });

  it('does not depend on the order of the columns', () => {
    const rows = noise(7, 240, 6);
    // add two exact copies of a column: ties in sample and out of sample
    const withTies = rows.map((row) => [...row, row[2], row[2]]);
    const permutation = [7, 2, 5, 0, 6, 1, 4, 3];
    const permuted = withTies.map((row) => permutation.map((j) => row[j]));
    for (const options of [{ blocks: 8 }, { blocks: 8, statistic: mean }]) {
      const a = probabilityOfBacktestOverfitting(withTies, options);
      const b = probabilityOfBacktestOverfitting(permuted, options);
      expect(b.pbo).toBe(a.pbo);
      expect(b.logits).toEqual(a.logits);
      expect(b.outOfSample).toEqual(a.outOfSample);
    }
  });

  it('averages tied in-sample winners', () => {
    // Two identical configurations always tie for first in sample; each split uses their shared
    // out-of-sample rank. S = 2, N = 3:
    //        A   B   C
    // t0     1   1   0      IS {t0}: A = B = 1 > C = 0; OOS {t1}: A = B = -1 < C = 2
    // t1    -1  -1   2      mid-rank of A and B out of sample = (1 + 2)/2 = 1.5 -> ω = 1.5/4
    // and the other way round: IS {t1}: C = 2 wins; OOS {t0}: C = 0 is last -> ω = 1/4
    const rows = [
      [1, 1, 0],
      [-1, -1, 2],
    ];
    const result = probabilityOfBacktestOverfitting(rows, { blocks: 2, statistic: mean });
    expect(Array.from(result.relativeRanks)).toEqual([1.5 / 4, 1 / 4]);
    expect(result.pbo).toBe(1);
  });

  it('is deterministic', () => {
    const rows = noise(3, 200, 5);
    expect(probabilityOfBacktestOverfitting(rows, { blocks: 10 })).toEqual(
      probabilityOfBacktestOverfitting(rows, { blocks: 10 }),
    );
  });

  it('computes the default Sharpe ratio from block sums exactly as sharpeStatistic does on the rows', () => {
    const rows = noise(5, 160, 5).map((row) => row.map((r, j) => r + 0.001 * j));
    const fast = probabilityOfBacktestOverfitting(rows, { blocks: 16 });
    const plain = probabilityOfBacktestOverfitting(rows, { blocks: 16, statistic: sharpeStatistic });
    expect(fast.logits).toEqual(plain.logits);
    for (let c = 0; c < fast.combinations; c++) {
      expect(fast.inSample[c]).toBeCloseTo(plain.inSample[c], 12);
      expect(fast.outOfSample[c]).toBeCloseTo(plain.outOfSample[c], 12);
    }
  });

  it('ranks configurations that never vary: zero spread is +∞, −∞ or 0 by the sign of the mean', () => {
    expect(sharpeStatistic(new Float64Array([0, 0, 0]))).toBe(0);
    expect(sharpeStatistic(new Float64Array([0.01, 0.01]))).toBe(Number.POSITIVE_INFINITY);
    expect(sharpeStatistic(new Float64Array([-0.01]))).toBe(Number.NEGATIVE_INFINITY);
    // a configuration that never trades next to noisy ones still gets a rank
    const rows = noise(9, 64, 4).map((row) => [...row, 0]);
    const fast = probabilityOfBacktestOverfitting(rows, { blocks: 4 });
    const plain = probabilityOfBacktestOverfitting(rows, { blocks: 4, statistic: sharpeStatistic });
    expect(fast.logits).toEqual(plain.logits);
  });

  it('rejects what it cannot split', () => {
    const rows = noise(2, 40, 3);
    expect(() => probabilityOfBacktestOverfitting(rows, { blocks: 3 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(rows, { blocks: 18 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(rows, { blocks: 0 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting(rows.slice(0, 5), { blocks: 6 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting([], { blocks: 2 })).toThrow(RangeError);
    expect(() =>
      probabilityOfBacktestOverfitting(
        rows.map((row) => [row[0]]),
        { blocks: 4 },
      ),
    ).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting([...rows, [0, 0]], { blocks: 4 })).toThrow(RangeError);
    expect(() => probabilityOfBacktestOverfitting([...rows, [0, Number.NaN, 0]], { blocks: 4 })).toThrow(
      RangeError,
    );
    expect(() => probabilityOfBacktestOverfitting(rows, { blocks: 4, statistic: () => Number.NaN })).toThrow(
      RangeError,
    );
  });
});
