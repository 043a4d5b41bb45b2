const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "15m" -> 900000; NaN for a string that is not a timeframe. */
export function timeframeMs(timeframe) {
  const match = /^(\d+)([mhdw])$/.exec(timeframe);
  return match ? Number(match[1]) * UNIT_MS[match[2]] : Number.NaN;
}

export function sortTimeframes(timeframes) {
  return [...new Set(timeframes)].sort((a, b) => timeframeMs(a) - timeframeMs(b));
}
