/**
 * Numbers in the reasons a person reads. Written by hand rather than with Intl so the text is
 * the same on every Node build and locale: signals must be byte-identical across runs.
 */

/**
 * Groups the integer digits of an unsigned decimal string by thousands: "3247.50" → "3,247.50".
 * A plain loop over the digits: the same result as a look-ahead regex, several times cheaper,
 * and it runs for every price in every candidate's reasons.
 */
export function groupThousands(digits: string): string {
  const dot = digits.indexOf('.');
  const intLength = dot < 0 ? digits.length : dot;
  if (intLength <= 3) return digits;
  const head = intLength % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < intLength; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return dot < 0 ? out : out + digits.slice(dot);
}

/**
 * `abs.toFixed(decimals)` for abs ≥ 0 and decimals ≤ 12, the same string, cheaper: every
 * candidate writes several prices and readings into its reasons, so this takes an arithmetic
 * path for ordinary inputs and falls back to `toFixed` for the rest (format.test.ts compares the
 * two over many numbers).
 * `toFixed(k)` rounds the EXACT decimal value abs × 10^k to an integer; the fast path rounds the
 * double m = abs × 10^k instead. 10^k is exact (k ≤ 12) and one multiplication is correctly
 * rounded, so m is within half an ulp of the exact value, below 2^-23 for m below 2^31. Unless
 * m's fraction lies within TIE_MARGIN of ½, both round to the same integer; near ½ the fast
 * path steps aside. The integer is below 2^31, so its digits (and the split) are exact.
 */
function fixedDigits(abs: number, decimals: number): string {
  const m = abs * POW10[decimals];
  if (!(m < FAST_LIMIT) || Math.abs(m - Math.floor(m) - 0.5) < TIE_MARGIN) return abs.toFixed(decimals);
  const scaled = Math.round(m);
  if (decimals === 0) return String(scaled);
  const p = POW10[decimals];
  const rem = scaled % p;
  const fraction = String(rem);
  return `${(scaled - rem) / p}.${ZEROS[decimals - fraction.length]}${fraction}`;
}

/** 10^0 .. 10^12, each exact as a double. */
const POW10: readonly number[] = Array.from({ length: 13 }, (_, k) => 10 ** k);
/** "", "0", "00", … : leading zeros of the fraction digits. */
const ZEROS: readonly string[] = Array.from({ length: 13 }, (_, k) => '0'.repeat(k));
/** "0.", "0.0", "0.00", … : what a value that rounds to zero prints as (index: decimals). */
const ZERO_TEXT: readonly string[] = Array.from({ length: 13 }, (_, k) =>
  k === 0 ? '0' : `0.${'0'.repeat(k)}`,
);
/** Scaled values from here on take the built-in route (integers below 2^31 print exactly). */
const FAST_LIMIT = 2 ** 31;
/** How close to ½ the scaled fraction may come before the fast path defers to `toFixed`. */
const TIE_MARGIN = 1e-6;

/** The decimals a price of magnitude `abs` is written with. */
function priceDecimals(abs: number): number {
  if (abs >= 10) return 2;
  return abs === 0 ? 4 : Math.min(12, Math.max(4, 3 - Math.floor(Math.log10(abs))));
}

/**
 * A price: two decimals with thousands separators from 10 up ("3,247.50"); below 10, where two
 * decimals would lose the price, at least four decimals and four significant digits
 * ("1.2345", "0.05123", "0.00001235"). A negative value that rounds to zero prints unsigned.
 */
export function formatPrice(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const decimals = priceDecimals(abs);
  const digits = fixedDigits(abs, decimals);
  const text = groupThousands(digits);
  return x < 0 && digits !== ZERO_TEXT[decimals] ? `-${text}` : text;
}

/** `formatPrice` by the built-in route alone (the reference the tests hold it equal to). */
export function formatPriceBuiltIn(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const decimals = priceDecimals(abs);
  const text = groupThousands(abs.toFixed(decimals));
  return x < 0 && Number(abs.toFixed(decimals)) !== 0 ? `-${text}` : text;
}

/**
 * `x.toFixed(decimals)` for decimals 0..12, the same string for every x (NaN and infinities go
 * to toFixed itself; the sign as toFixed writes it: "-0.0" for -0.01).
 */
export function formatFixed(x: number, decimals: number): string {
  return x < 0 ? `-${fixedDigits(-x, decimals)}` : fixedDigits(x, decimals);
}

/** An indicator reading (RSI, ADX, DI): one decimal, e.g. "58.3". */
export function formatReading(x: number): string {
  return Number.isFinite(x) ? formatFixed(x, 1) : String(x);
}

/** A multiple, e.g. a volume ratio: "1.8x". */
export function formatMultiple(x: number): string {
  return Number.isFinite(x) ? `${formatFixed(x, 1)}x` : String(x);
}

/** A pattern output with its sign, as TA-Lib gives it: "+100", "-200". */
export function formatSigned(x: number): string {
  return x > 0 ? `+${x}` : String(x);
}

/** A count of level touches: "1 touch", "3 touches". */
export function formatTouches(n: number): string {
  return n === 1 ? '1 touch' : `${n} touches`;
}
