import { tickDecimals } from './candles/tick-size.js';

/**
 * The one way AlphaPulse prints a number for a person: prices, readings, multiples, ATR
 * distances, percentages. Written by hand rather than with Intl so the text is the same on every
 * Node build and locale: signals must be byte-identical across runs and machines.
 *
 * Prices print with the decimals of the symbol's tick size when it is known (BTCUSDT's 0.01 →
 * "64,123.45", XRPUSDT's 0.0001 → "1.4153"); when it is not, with two decimals from 10 up and
 * four significant digits (at least four decimals) below.
 */

/** Groups the integer digits of an unsigned decimal string by thousands: "3247.50" → "3,247.50". */
export function groupThousands(digits: string): string {
  const dot = digits.indexOf('.');
  const intLength = dot < 0 ? digits.length : dot;
  if (intLength <= 3) return digits;
  const head = intLength % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < intLength; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return dot < 0 ? out : out + digits.slice(dot);
}

/** `x.toFixed(decimals)`: a fixed number of decimals, no grouping (confidence "0.654", R:R "2.00"). */
export function formatFixed(x: number, decimals: number): string {
  return x.toFixed(decimals);
}

/** Grouped thousands and fixed decimals; a negative value that rounds to zero prints unsigned. */
export function formatGrouped(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return String(x);
  const digits = Math.abs(x).toFixed(decimals);
  const text = groupThousands(digits);
  return x < 0 && Number(digits) !== 0 ? `-${text}` : text;
}

/** The decimals a price of magnitude `abs` is written with when the tick size is not known. */
function adaptiveDecimals(abs: number): number {
  if (abs >= 10) return 2;
  return abs === 0 ? 4 : Math.min(12, Math.max(4, 3 - Math.floor(Math.log10(abs))));
}

/**
 * A price, with thousands separators: the tick size's decimals when `tickSize` is a positive
 * number, else two decimals from 10 up and four significant digits (at least four decimals)
 * below ("1.2345", "0.05123", "0.00001235").
 */
export function formatPrice(x: number, tickSize = Number.NaN): string {
  if (!Number.isFinite(x)) return String(x);
  const decimals = tickSize > 0 ? tickDecimals(tickSize) : adaptiveDecimals(Math.abs(x));
  return formatGrouped(x, decimals);
}

/** An indicator reading (RSI, ADX, DI): one decimal, e.g. "58.3". */
export function formatReading(x: number): string {
  return Number.isFinite(x) ? formatFixed(x, 1) : String(x);
}

/** A multiple, e.g. a volume ratio: "1.8x". */
export function formatMultiple(x: number): string {
  return Number.isFinite(x) ? `${formatFixed(x, 1)}x` : String(x);
}

/** A distance in ATRs, e.g. "1.25 ATR". */
export function formatAtr(multiple: number): string {
  return `${formatFixed(multiple, 2)} ATR`;
}

/** A fraction as a percentage: 0.01234 → "1.23 %". */
export function formatPercent(fraction: number, decimals = 2): string {
  return `${formatGrouped(fraction * 100, decimals)} %`;
}

/** A pattern output with its sign, as TA-Lib gives it: "+100", "-200". */
export function formatSigned(x: number): string {
  return x > 0 ? `+${x}` : String(x);
}

/** A count of level touches: "1 touch", "3 touches". */
export function formatTouches(n: number): string {
  return n === 1 ? '1 touch' : `${n} touches`;
}

/**
 * The shortest decimal that reads back as the same double, always positional (no exponent):
 * the form our CSV files use, so written files round-trip exactly and stay diff-friendly.
 */
export function formatDecimal(x: number): string {
  const s = String(x);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // String() switches to exponent form below 1e-6 and from 1e21; expand its digits by hand
  const negative = s[0] === '-';
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
