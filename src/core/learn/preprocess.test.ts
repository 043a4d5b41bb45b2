import { describe, expect, it } from 'vitest';
import { CLIP, columnNames, fitPreprocessor, transformRow } from './preprocess.js';

describe('preprocessor', () => {
  const rows = [
    { a: 1, b: Number.NaN, c: 5 },
    { a: 2, b: 10, c: 5 },
    { a: 3, b: 20, c: 5 },
    { a: 4, b: 30, c: 5 },
  ];
  const spec = fitPreprocessor(rows, ['a', 'b', 'c']);

  it('fills a missing value with the training median and flags features often missing', () => {
    expect(spec.medians).toEqual([2.5, 20, 5]);
    expect(spec.missingFlags).toEqual(['b']);
    expect(columnNames(spec)).toEqual(['a', 'b', 'c', 'b_missing']);
    const z = transformRow(spec, { a: 2.5, b: Number.NaN, c: 5 });
    expect(z[0]).toBeCloseTo(0, 12);
    // b's mean over the imputed training column (20, 10, 20, 30) is 20: the median standardises to 0
    expect(z[1]).toBeCloseTo(0, 12);
    expect(z[2]).toBe(0); // constant in training: scale 1, standardised to 0
    expect(z[3]).toBe(1);
  });

  it('standardises with the training mean and population sd, clips, and treats absent or infinite as missing', () => {
    const sd = Math.sqrt(1.25);
    expect(transformRow(spec, { a: 4, b: 30, c: 5 })[0]).toBeCloseTo(1.5 / sd, 12);
    expect(transformRow(spec, { a: 1e9, b: 30, c: 5 })[0]).toBe(CLIP);
    expect(transformRow(spec, { a: -1e9, b: 30, c: 5 })[0]).toBe(-CLIP);
    expect(transformRow(spec, { a: Number.POSITIVE_INFINITY, c: 5 })).toEqual(
      transformRow(spec, { a: Number.NaN, b: Number.NaN, c: 5 }),
    );
  });

  it('refuses to fit on nothing', () => {
    expect(() => fitPreprocessor([], ['a'])).toThrow(/no rows/);
  });
});
