import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The dashboard's formatting module is plain browser JavaScript (no build step); typed here for the test. */
interface DashboardFormat {
  formatInterval(ci: unknown, write?: (x: number) => string): string;
  formatSettingPercent(fraction: number | null): string;
  formatPercent(fraction: number | null, decimals?: number): string;
  formatR(value: number | null, decimals?: number): string;
}

const here = dirname(fileURLToPath(import.meta.url));
const format = (await import(
  pathToFileURL(join(here, 'public', 'lib', 'format.js')).href
)) as DashboardFormat;

describe('dashboard formatting', () => {
  it('writes an interval in the figure’s own format', () => {
    expect(format.formatInterval([-0.4656, -0.1786])).toBe('−0.47 … −0.18');
    expect(format.formatInterval([-0.1, 0.25])).toBe('−0.10 … +0.25');
    expect(format.formatInterval([0.28, 0.61], (x) => format.formatPercent(x, 0))).toBe('28 % … 61 %');
    expect(format.formatInterval(null)).toBe('');
    expect(format.formatInterval([0.1])).toBe('');
    expect(format.formatInterval([null, 0.2])).toBe('');
  });

  it('writes settings as short exact percentages', () => {
    expect(format.formatSettingPercent(0.01)).toBe('1 %');
    expect(format.formatSettingPercent(0.1)).toBe('10 %');
    expect(format.formatSettingPercent(0.0002)).toBe('0.02 %');
    expect(format.formatSettingPercent(0.0024000000000000002)).toBe('0.24 %');
    expect(format.formatSettingPercent(null)).toBe('—');
  });

  it('keeps the R format the backtest report uses', () => {
    expect(format.formatR(-0.41)).toBe('−0.41 R');
    expect(format.formatR(0.05)).toBe('+0.05 R');
  });
});
