/**
 * TA-Lib gives these patterns a fixed sign whatever the market: doji, dragonfly and gravestone
 * doji are always +100 and a spinning top takes its candle's colour. They mark indecision, not a
 * side, so the ensemble's confirmation vote counts none of them for or against.
 */
export const INDECISION_PATTERNS: ReadonlySet<string> = new Set([
  'doji',
  'dragonflydoji',
  'gravestonedoji',
  'spinningtop',
]);

/**
 * The direction a pattern output points to when the candle stands at a level a strategy
 * tested: 1 bullish, -1 bearish, 0 none. Among the indecision patterns a dragonfly doji (a long
 * lower shadow, +100) reads bullish at support and a gravestone doji (+100 in TA-Lib) reads
 * bearish at resistance; plain doji and spinning tops say nothing. Every other pattern points
 * where TA-Lib's sign says.
 */
export function patternSign(name: string, value: number): number {
  if (value === 0) return 0;
  if (INDECISION_PATTERNS.has(name)) return name === 'dragonflydoji' ? 1 : name === 'gravestonedoji' ? -1 : 0;
  return value > 0 ? 1 : -1;
}
