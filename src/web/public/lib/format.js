/**
 * Number, time and label formatting for the dashboard. Fixed 'en-US' grouping and UTC times,
 * the same conventions as the backtest report, so both read alike.
 */

export const DASH = '—';

const numberFormats = new Map();

function numberFormat(decimals) {
  let format = numberFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    numberFormats.set(decimals, format);
  }
  return format;
}

function missing(value) {
  return value === null || value === undefined || Number.isNaN(value);
}

/** Grouped thousands, fixed decimals, a real minus sign, never "-0.00". */
export function formatNumber(value, decimals = 2) {
  if (missing(value)) return DASH;
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  const text = numberFormat(decimals).format(value);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace('-', '−');
}

export function formatSigned(value, decimals = 2) {
  if (missing(value)) return DASH;
  const text = formatNumber(value, decimals);
  return value > 0 && !/^0(\.0*)?$/.test(text) ? `+${text}` : text;
}

export function formatCount(value) {
  return formatNumber(value, 0);
}

/** A fraction as a percentage: 0.1234 -> "12.3 %". */
export function formatPercent(fraction, decimals = 1) {
  if (missing(fraction)) return DASH;
  return `${formatNumber(fraction * 100, decimals)} %`;
}

export function formatSignedPercent(fraction, decimals = 2) {
  if (missing(fraction)) return DASH;
  return `${formatSigned(fraction * 100, decimals)} %`;
}

export function formatR(value, decimals = 2) {
  if (missing(value)) return DASH;
  return `${formatSigned(value, decimals)} R`;
}

/** A 95 % interval as "−0.47 … −0.18" in the figure's own format; "" when there is none. */
export function formatInterval(ci, write = (x) => formatSigned(x, 2)) {
  if (!Array.isArray(ci) || ci.length !== 2 || missing(ci[0]) || missing(ci[1])) return '';
  return `${write(ci[0])} … ${write(ci[1])}`;
}

/** A setting given as a fraction, short and exact: 0.01 -> "1 %", 0.0002 -> "0.02 %". */
export function formatSettingPercent(fraction) {
  if (missing(fraction)) return DASH;
  const text = (fraction * 100).toFixed(4).replace(/\.?0+$/, '');
  return `${text === '' ? '0' : text} %`;
}

/** Decimals that show a price to about five significant digits, never fewer than 2. */
export function priceDecimals(price) {
  const magnitude = Math.abs(price);
  if (!(magnitude > 0) || !Number.isFinite(magnitude)) return 2;
  return Math.max(2, Math.min(8, 4 - Math.floor(Math.log10(magnitude))));
}

export function formatPrice(price, decimals) {
  if (missing(price)) return DASH;
  return formatNumber(price, decimals ?? priceDecimals(price));
}

function pad(n) {
  return n < 10 ? `0${n}` : String(n);
}

/** "2024-08-12" (UTC). */
export function formatDate(ms) {
  if (missing(ms) || !Number.isFinite(ms)) return DASH;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** "2024-08-12 13:45" (UTC). */
export function formatTime(ms) {
  if (missing(ms) || !Number.isFinite(ms)) return DASH;
  const d = new Date(ms);
  return `${formatDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "08-12 13:45" (UTC): for dense cells where the year is obvious. */
export function formatShortTime(ms) {
  if (missing(ms) || !Number.isFinite(ms)) return DASH;
  return formatTime(ms).slice(5);
}

const MINUTE = 60_000;

/** The two largest units: "45s", "12m", "5h 30m", "3d 4h". */
export function formatDuration(ms) {
  if (missing(ms) || !Number.isFinite(ms)) return DASH;
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.round(abs / 1000)}s`;
  const total = Math.round(abs / MINUTE);
  if (total < 60) return `${total}m`;
  const days = Math.floor(total / (24 * 60));
  const hours = Math.floor((total % (24 * 60)) / 60);
  const minutes = total % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
}

/** Microseconds as "370 µs" or "1.24 ms". */
export function formatMicros(us) {
  if (missing(us)) return DASH;
  if (us < 1000) return `${formatNumber(us, 0)} µs`;
  return `${formatNumber(us / 1000, us < 10_000 ? 2 : 1)} ms`;
}

/** "mean_reversion" -> "Mean reversion"; "TP_HIT" -> "TP hit"; "FIBONACCI_618" -> "Fibonacci 618". */
export function humanise(key) {
  if (typeof key !== 'string') return DASH;
  return key
    .split('_')
    .filter((word) => word.length > 0)
    .map((word, i) => {
      if (/^(TP|SL|R|MTF|EMA|ATR)\d*$/.test(word)) return word;
      const lower = word.toLowerCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

const ENTRY_LABELS = {
  FIBONACCI_618: 'Fib 61.8',
  EMA_PULLBACK: 'EMA pullback',
  SUPPORT_RETEST: 'Retest',
  MARKET_ENTRY: 'Market',
};

export function entryLabel(type) {
  return ENTRY_LABELS[type] ?? humanise(type);
}

/**
 * What a finished signal came to, for colour: win or loss after costs (as the track record
 * counts them), flat when nothing was traded or it broke even, open while it runs.
 */
export function outcomeClass(outcome) {
  if (!outcome) return 'open';
  if (!outcome.filled) return 'flat';
  if (outcome.returnPct > 1e-12) return 'win';
  if (outcome.returnPct < -1e-12) return 'loss';
  return 'flat';
}
