import type { Candle } from './candle.js';

/** How far a price may move when rounded to its tick: to the nearest, or away/towards a side. */
export type TickRounding = 'nearest' | 'down' | 'up';

/**
 * `price` on the tick grid. Prices are kept as the shortest decimal of the grid point (0.1 × 3 is
 * 0.3, not 0.30000000000000004), so they print and compare like the exchange's own. A tick size
 * that is not a positive finite number means "unknown": the price comes back unchanged.
 */
export function roundToTick(price: number, tickSize: number, mode: TickRounding = 'nearest'): number {
  if (!(tickSize > 0 && Number.isFinite(tickSize)) || !Number.isFinite(price)) return price;
  const steps = price / tickSize;
  // a price already on the grid stays there despite the division's rounding error
  const near = Math.round(steps);
  const onGrid = Math.abs(steps - near) < 1e-9;
  const n = onGrid ? near : mode === 'down' ? Math.floor(steps) : mode === 'up' ? Math.ceil(steps) : near;
  return Number((n * tickSize).toFixed(tickDecimals(tickSize)));
}

/** The decimals a tick size has: 0.01 → 2, 0.0001 → 4, 0.5 → 1, 1 → 0. */
export function tickDecimals(tick: number): number {
  for (let d = 0; d <= 12; d++) if (Math.abs(Number(tick.toFixed(d)) - tick) <= tick * 1e-9) return d;
  return 12;
}

/**
 * The tick size a series of candles shows: 10^-d for the fewest decimals d that write every
 * open, high, low and close exactly (BTCUSDT files: 0.01; XRPUSDT: 0.0001). An exchange's tick
 * can be coarser than what its history shows but never finer, so this is the finest grid the
 * data allows. Null when no candle was given. `sample` bounds the candles read.
 */
export function inferTickSize(candles: Iterable<Candle>, sample = 10_000): number | null {
  let decimals = -1;
  let seen = 0;
  for (const c of candles) {
    for (const p of [c.open, c.high, c.low, c.close]) decimals = Math.max(decimals, decimalsIn(p));
    if (++seen >= sample) break;
  }
  return decimals < 0 ? null : Number(`1e-${decimals}`);
}

/** The decimals of the shortest decimal that writes `x` (0 for integers; 12 at most). */
function decimalsIn(x: number): number {
  for (let d = 0; d <= 12; d++) if (Number(x.toFixed(d)) === x) return d;
  return 12;
}
