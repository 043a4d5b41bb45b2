import { formatDecimal } from '../numbers.js';

/*
 * Every signal candidate formats several prices and ATR multiples into its texts, most of them
 * for candidates that are then rejected, so these two run thousands of times per backtest. The
 * built-in route (toPrecision / toFixed, then for prices a parse and a shortest-round-trip print)
 * is exact but slow; both functions below take an arithmetic path for the ordinary inputs and
 * fall back to the built-in route for everything else. The fast path gives the same string as
 * the built-in route for every input it accepts (format.test.ts checks this over millions of
 * numbers against the built-in definitions):
 *
 * - The built-ins round the EXACT decimal value of the double; the fast path rounds a scaled
 *   double m = |x| × 10^k instead. 10^k is exact for k ≤ 22 and one multiplication or division
 *   is correctly rounded, so m is within half an ulp of the exact scaled value: below 1e-7 for
 *   the m used here (below 2^30). Unless the fraction of m lies within TIE_MARGIN of ½,
 *   rounding m and rounding the exact value give the same integer; near ½ the fast path steps
 *   aside, so how the built-ins break ties never matters.
 * - The rounded integer is below 2^31, so it prints (and divides) exactly.
 */

/** Exact powers of ten, 10^0 .. 10^22 (every one is a double without rounding). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** "", "0", "00", … : padding for the positional forms. */
const ZEROS: readonly string[] = Array.from({ length: 23 }, (_, k) => '0'.repeat(k));

/** How close to ½ the scaled fraction may come before the fast path defers to the built-ins. */
const TIE_MARGIN = 1e-6;

/** The prices the fast path of formatPrice takes (magnitude); outside, the built-in route. */
const FAST_PRICE_MIN = 1e-7;
const FAST_PRICE_MAX = 1e15;

/** The slow reference: 8 significant digits, then the shortest positional form of that. */
function formatPriceBuiltIn(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return formatDecimal(Number(x.toPrecision(8)));
}

/**
 * A price for the reasons a person reads: 8 significant digits cover BTC (64,123.457) and
 * sub-cent coins (0.000012345) alike, and never an exponent form. Trailing zeros after the
 * point are dropped ("64000", "0.5").
 */
export function formatPrice(x: number): string {
  const a = x < 0 ? -x : x;
  if (!(a >= FAST_PRICE_MIN && a < FAST_PRICE_MAX)) return formatPriceBuiltIn(x);
  // decimal exponent of a (a = d.ddd × 10^e): counted exactly against the powers of ten from
  // 1 up; below 1, log10, which can be one off near a power of ten: the range check on the
  // scaled value corrects that
  let e = 0;
  if (a >= 1) while (a >= POW10[e + 1]) e++;
  else e = Math.floor(Math.log10(a));
  let m = scale(a, 7 - e);
  if (m < 1e7) m = scale(a, 7 - --e);
  else if (m >= 1e8) m = scale(a, 7 - ++e);
  if (!(m >= 1e7 && m < 1e8)) return formatPriceBuiltIn(x); // not expected; kept as a guard
  const frac = m - Math.floor(m);
  if (frac > 0.5 - TIE_MARGIN && frac < 0.5 + TIE_MARGIN) return formatPriceBuiltIn(x);
  let digits = Math.round(m); // the 8 significant digits, 1e7 ≤ digits ≤ 1e8
  if (digits === 1e8) {
    digits = 1e7; // 99999999.6 rounds up to the next power of ten
    e++;
  }
  let n = 8; // number of digits left after dropping trailing zeros
  while (digits % 10 === 0) {
    digits /= 10;
    n--;
  }
  const point = e + 1; // digits before the decimal point
  let out: string;
  if (point <= 0) out = `0.${ZEROS[-point]}${digits}`;
  else if (point >= n) out = `${digits}${ZEROS[point - n]}`;
  else {
    // split into the whole part and the fraction (which keeps its leading zeros)
    const unit = POW10[n - point];
    const whole = Math.floor(digits / unit);
    const fraction = String(digits - whole * unit);
    out = `${whole}.${ZEROS[n - point - fraction.length]}${fraction}`;
  }
  return x < 0 ? `-${out}` : out;
}

/** a × 10^k for −22 ≤ k ≤ 22, with one correctly rounded operation. */
function scale(a: number, k: number): number {
  return k >= 0 ? a * POW10[k] : a / POW10[-k];
}

/** The multiples the fast path of formatFixed2 takes; outside, toFixed. */
const FAST_FIXED_MAX = 1e7;

/** `x.toFixed(2)`, the same string, without the built-in for ordinary non-negative x. */
export function formatFixed2(x: number): string {
  if (!(x >= 0 && x < FAST_FIXED_MAX)) return x.toFixed(2);
  const m = x * 100;
  const frac = m - Math.floor(m);
  if (frac > 0.5 - TIE_MARGIN && frac < 0.5 + TIE_MARGIN) return x.toFixed(2);
  const hundredths = Math.round(m);
  const whole = Math.floor(hundredths / 100);
  const cents = hundredths - whole * 100;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** A distance in ATRs, e.g. "1.25 ATR". */
export function formatAtr(multiple: number): string {
  return `${formatFixed2(multiple)} ATR`;
}
