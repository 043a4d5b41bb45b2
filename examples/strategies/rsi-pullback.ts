/**
 * An example strategy family in one file: buy the first RSI hook back up in an uptrend (sell
 * the mirror in a downtrend). Load it without touching the engine:
 *
 *   npx alphapulse backtest --strategy-path examples/strategies/rsi-pullback.ts --input ...
 *
 * Only types are imported from AlphaPulse, and types vanish when the file is loaded, so the
 * file runs from anywhere; outside this repository, drop the import or point it at your copy.
 * See docs/STRATEGIES.md for every field.
 */
import type {
  ParamValues,
  StrategyContext,
  StrategyDefinition,
} from '../../src/core/strategies/definition.js';

const params = {
  pullbackRsi: {
    type: 'number',
    default: 40,
    min: 5,
    max: 60,
    description: 'The RSI a BUY pullback must dip to (SELL: 100 minus it).',
    search: { min: 30, max: 50, step: 5 },
  },
  minTrendAtr: {
    type: 'number',
    default: 1,
    min: 0,
    description: 'How far (in ATRs) the close must sit beyond EMA 200 to count as a trend.',
  },
} as const;

type Params = ParamValues<typeof params>;

function create(p: Params) {
  return {
    evaluate(ctx: StrategyContext) {
      const s = ctx.signal;
      if (!ctx.ready) return null;
      const buyHook = s.prevRsi <= p.pullbackRsi && s.rsi > p.pullbackRsi;
      const sellHook = s.prevRsi >= 100 - p.pullbackRsi && s.rsi < 100 - p.pullbackRsi;
      const trend = (s.close - s.ema200) / s.atr;
      for (const [direction, hook, side] of [
        ['BUY', buyHook, trend] as const,
        ['SELL', sellHook, -trend] as const,
      ]) {
        if (!hook || side < p.minTrendAtr) continue;
        const strength = Math.min(1, side / (4 * p.minTrendAtr + 1e-9));
        return {
          strategy: 'rsi_pullback',
          direction,
          baseConfidence: 0.4 + 0.4 * strength,
          reasons: [
            `RSI pullback ${direction}: RSI ${s.rsi.toFixed(1)} hooked back past ${direction === 'BUY' ? p.pullbackRsi : 100 - p.pullbackRsi} from ${s.prevRsi.toFixed(1)}`,
            `Close ${side.toFixed(2)} ATR ${direction === 'BUY' ? 'above' : 'below'} EMA 200`,
          ],
          confirmations: [],
        };
      }
      return null;
    },
  };
}

const strategy: StrategyDefinition<typeof params> = {
  name: 'rsi_pullback',
  description: 'First RSI hook out of a pullback, in the direction of the EMA 200 trend',
  kind: 'trend',
  regime: 'trending',
  needs: ['close', 'ema200', 'rsi', 'prevRsi', 'atr'],
  warmup: 200,
  timeframes: 'all',
  params,
  create,
};

export default strategy;
