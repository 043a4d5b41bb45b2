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
 * A price: two decimals with thousands separators from 10 up ("3,247.50"); below 10, where two
 * decimals would lose the price, at least four decimals and four significant digits
 * ("1.2345", "0.05123", "0.00001235").
 */
export function formatPrice(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  let decimals = 2;
  if (abs < 10) {
    decimals = abs === 0 ? 4 : Math.min(12, Math.max(4, 3 - Math.floor(Math.log10(abs))));
  }
  const text = groupThousands(abs.toFixed(decimals));
  return x < 0 && Number(abs.toFixed(decimals)) !== 0 ? `-${text}` : text;
}

/** An indicator reading (RSI, ADX, DI): one decimal, e.g. "58.3". */
export function formatReading(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : String(x);
}

/** A multiple, e.g. a volume ratio: "1.8x". */
export function formatMultiple(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(1)}x` : String(x);
}

/** A pattern output with its sign, as TA-Lib gives it: "+100", "-200". */
export function formatSigned(x: number): string {
  return x > 0 ? `+${x}` : String(x);
}

/** A count of level touches: "1 touch", "3 touches". */
export function formatTouches(n: number): string {
  return n === 1 ? '1 touch' : `${n} touches`;
}
