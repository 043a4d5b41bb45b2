/**
 * Number, time and text formatting for the HTML report. Everything here is deterministic
 * (fixed 'en-US' grouping, UTC times), so the same report renders to the same bytes.
 */

import { settingPercent } from '../summary.js';

const DASH = '—';

const grouped = new Map<number, Intl.NumberFormat>();

function formatter(decimals: number): Intl.NumberFormat {
  let f = grouped.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      useGrouping: true,
    });
    grouped.set(decimals, f);
  }
  return f;
}

/** Grouped thousands, fixed decimals; never "-0.00" (a rounded-away sign only confuses). */
export function formatNumber(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  const text = formatter(decimals).format(value);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace('-', '−');
}

export function formatSigned(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  const text = formatNumber(value, decimals);
  return value > 0 && !/^0(\.0*)?$/.test(text) ? `+${text}` : text;
}

export function formatCount(value: number | null | undefined): string {
  return formatNumber(value, 0);
}

/** A fraction as a percentage: 0.1234 -> "12.34 %". */
export function formatPercent(fraction: number | null | undefined, decimals = 2): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return DASH;
  return `${formatNumber(fraction * 100, decimals)} %`;
}

/** A return as a signed percentage: 0.05 -> "+5.00 %". */
export function formatSignedPercent(fraction: number | null | undefined, decimals = 2): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return DASH;
  return `${formatSigned(fraction * 100, decimals)} %`;
}

/** A setting given as a fraction, short and exact: 0.001 -> "0.1 %", 0.0002 -> "0.02 %", 0.01 -> "1 %". */
export function formatSettingPercent(fraction: number): string {
  return settingPercent(fraction).replace('%', ' %');
}

export function formatR(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  return `${formatSigned(value, decimals)} R`;
}

/**
 * Decimals that show a price to about five significant digits, never fewer than 2:
 * 64,123.45 / 145.23 / 3.4567 / 0.52341 / 0.00001234.
 */
export function priceDecimals(price: number): number {
  const magnitude = Math.abs(price);
  if (!(magnitude > 0) || !Number.isFinite(magnitude)) return 2;
  const digits = 4 - Math.floor(Math.log10(magnitude));
  return Math.max(2, Math.min(8, digits));
}

export function formatPrice(price: number | null | undefined, decimals?: number): string {
  if (price === null || price === undefined || Number.isNaN(price)) return DASH;
  return formatNumber(price, decimals ?? priceDecimals(price));
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "2025-06-01 13:00" (UTC). */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const d = new Date(ms);
  return `${formatDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2025-06-01" (UTC). */
export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const MINUTE = 60_000;

/** The two largest units: "45m", "5h 30m", "3d 4h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const total = Math.round(Math.abs(ms) / MINUTE);
  if (total < 60) return `${total}m`;
  const days = Math.floor(total / (24 * 60));
  const hours = Math.floor((total % (24 * 60)) / 60);
  const minutes = total % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
}

/** "low_confidence" -> "low confidence"; "TP_HIT" -> "TP hit". */
export function humanise(key: string): string {
  const words = key.split('_').filter((w) => w.length > 0);
  return words
    .map((w, i) => {
      if (/^(TP|SL|R|MTF|EMA|ATR)\d*$/.test(w)) return w;
      const lower = w.toLowerCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: no `<` survives, so
 * neither `</script` nor `<!--` can end or change the element; U+2028/9 are escaped for
 * consumers that still treat the text as JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
