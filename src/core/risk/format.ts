import { formatDecimal } from '../numbers.js';

/**
 * A price for the reasons a person reads: 8 significant digits cover BTC (64,123.457) and
 * sub-cent coins (0.000012345) alike, and never an exponent form.
 */
export function formatPrice(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return formatDecimal(Number(x.toPrecision(8)));
}

/** A distance in ATRs, e.g. "1.25 ATR". */
export function formatAtr(multiple: number): string {
  return `${multiple.toFixed(2)} ATR`;
}
