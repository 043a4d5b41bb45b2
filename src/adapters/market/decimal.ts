/**
 * Decimal numbers read straight from bytes, without making a string per field.
 *
 * The fast path is exact: when the digits form an integer m below 2^53 and the decimal exponent
 * e is within ±22, both m and 10^|e| are exact doubles, so the single IEEE multiplication or
 * division rounds the true value correctly, which is what `Number(text)` returns too. Anything
 * else (more than ~16 digits, huge exponents) is handed to `Number` on the text.
 */

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const TWO_POW_53 = 9007199254740992;
const SPACE = 32;
const TAB = 9;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

/**
 * Scans one number at a position. A class with an `end` field, rather than a returned pair,
 * keeps the hot path free of allocation.
 */
export class DecimalScanner {
  /** Index just past the number and any trailing blanks; where the caller expects a delimiter. */
  end = 0;

  /**
   * Reads `[blanks][+-]digits[.digits][(e|E)[+-]digits][blanks]` starting at `start`. Returns
   * NaN when there are no digits; stops at the first byte that cannot continue the number, so
   * the caller decides whether what follows is a delimiter or junk ("12abc", "0x1f", "NaN").
   */
  scan(buf: Buffer, start: number): number {
    let i = start;
    let c = buf[i];
    while (c === SPACE || c === TAB) c = buf[++i];
    const numberStart = i;
    let negative = false;
    if (c === MINUS) {
      negative = true;
      c = buf[++i];
    } else if (c === PLUS) {
      c = buf[++i];
    }
    let mantissa = 0;
    let digits = 0;
    let d = c - ZERO;
    while (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      d = buf[++i] - ZERO;
    }
    let fractionDigits = 0;
    if (buf[i] === DOT) {
      d = buf[++i] - ZERO;
      while (d >= 0 && d <= 9) {
        mantissa = mantissa * 10 + d;
        fractionDigits++;
        d = buf[++i] - ZERO;
      }
      digits += fractionDigits;
    }
    if (digits === 0) {
      this.end = i;
      return Number.NaN;
    }
    let exponent = 0;
    c = buf[i];
    if (c === LOWER_E || c === UPPER_E) {
      const afterMantissa = i;
      c = buf[++i];
      let exponentNegative = false;
      if (c === MINUS || c === PLUS) {
        exponentNegative = c === MINUS;
        c = buf[++i];
      }
      let exponentDigits = 0;
      d = c - ZERO;
      while (d >= 0 && d <= 9) {
        // Capped so a silly exponent cannot overflow; it goes to the slow path either way.
        if (exponent < 100_000) exponent = exponent * 10 + d;
        exponentDigits++;
        d = buf[++i] - ZERO;
      }
      if (exponentDigits === 0) {
        // "1e" or "1e+": leave the "e" for the caller to see as junk.
        this.end = afterMantissa;
        return Number.NaN;
      }
      if (exponentNegative) exponent = -exponent;
    }
    const numberEnd = i;
    c = buf[i];
    while (c === SPACE || c === TAB) c = buf[++i];
    this.end = i;
    const scale = exponent - fractionDigits;
    if (mantissa < TWO_POW_53 && scale >= -22 && scale <= 22) {
      const magnitude = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
      return negative ? -magnitude : magnitude;
    }
    return Number(buf.toString('latin1', numberStart, numberEnd));
  }
}

const shared = new DecimalScanner();

/** The number that is the whole of `buf` (blanks allowed around it), else NaN. */
export function parseDecimal(buf: Buffer): number {
  const value = shared.scan(buf, 0);
  return shared.end === buf.length ? value : Number.NaN;
}
