/**
 * The shipped defaults of every strategy slice (family x signal timeframe), exactly as
 * `alphapulse optimize` chose them on the TRAINING part of ../shared/data/ohlcv (candles before
 * 2025-07-01), by the protocol pre-registered in docs/RESULTS.md part 1. Written by
 * scripts/results/write-optimized-defaults.ts from the optimizer's output; do not edit by hand.
 *
 *   4h slices on the 1h files (BTC 2017-08.., ETH/SOL/XRP/BNB 2024-09..):
 *     alphapulse optimize -i <5 x binance_*USDT_1h> --to 2025-07-01 \
 *       --slices momentum:4h,breakout:4h,mean_reversion:4h --trials 40 --folds 4 --workers 2
 *   15m and 1h slices on the 5m files (BTC 2024-01.., the alts 2025-01..):
 *     alphapulse optimize -i <5 x binance_*USDT_5m> --to 2025-07-01 --slices momentum:15m,\
 *       breakout:15m,mean_reversion:15m,scalping:15m,momentum:1h,breakout:1h,mean_reversion:1h \
 *       --trials 40 --folds 4 --workers 2
 *
 * (written by alphapulse optimize: 40 trials per slice, 4 folds, seed 42, trained on 2024-01-01T00:00:00Z .. 2025-07-01T00:00:00Z)
 * (written by alphapulse optimize: 40 trials per slice, 4 folds, seed 42, trained on 2017-08-17T04:00:00Z .. 2025-07-01T00:00:00Z)
 *
 * Each slice's settings are the best trial over the whole training range; its state is what the
 * nested walk-forward's out-of-sample record earned against the gates (>= 60 trades, 95 %
 * interval above 0 R, >= 95th percentile of random entries).
 * No slice passed: every state is disabled, so by default nothing is published (signals are
 * still computed, stored and tracked).
 * The figures are in docs/RESULTS.md.
 */
export const OPTIMIZED_SLICES = {
  'momentum:15m': {
    params: { rsiFloor: 45, rsiCeiling: 75, minAdx: 25 },
    stopAtr: 3,
    exit: { style: 'time', trailAtr: 3 },
  },
  'breakout:15m': {
    params: { minVolumeRatio: 1.75, minTouches: 2 },
    stopAtr: 1,
    exit: { style: 'trailing', trailAtr: 5 },
  },
  'mean_reversion:15m': {
    params: { rsiOversold: 20, rsiOverbought: 80, maxAdx: 18 },
    stopAtr: 2,
    exit: { style: 'time', trailAtr: 3 },
  },
  'scalping:15m': { params: { stopAtr: 1.25 }, stopAtr: 2, exit: { style: 'trailing', trailAtr: 3 } },
  'momentum:1h': {
    params: { rsiFloor: 50, rsiCeiling: 80, minAdx: 25 },
    stopAtr: 1.5,
    exit: { style: 'time', trailAtr: 3 },
  },
  'breakout:1h': {
    params: { minVolumeRatio: 2.5, minTouches: 3 },
    stopAtr: 3,
    exit: { style: 'trailing', trailAtr: 4 },
  },
  'mean_reversion:1h': {
    params: { rsiOversold: 35, rsiOverbought: 80, maxAdx: 22 },
    stopAtr: 1,
    exit: { style: 'trailing', trailAtr: 3 },
  },
  'momentum:4h': {
    params: { rsiFloor: 45, rsiCeiling: 70, minAdx: 25 },
    stopAtr: 3,
    exit: { style: 'trailing', trailAtr: 2 },
  },
  'breakout:4h': {
    params: { minVolumeRatio: 2.25, minTouches: 1 },
    stopAtr: 2.5,
    exit: { style: 'trailing', trailAtr: 2 },
  },
  'mean_reversion:4h': {
    params: { rsiOversold: 20, rsiOverbought: 80, maxAdx: 18 },
    stopAtr: 2,
    exit: { style: 'time', trailAtr: 3 },
  },
} as const;

export const OPTIMIZED_STATES = {
  'momentum:15m': 'disabled',
  'breakout:15m': 'disabled',
  'mean_reversion:15m': 'disabled',
  'scalping:15m': 'disabled',
  'momentum:1h': 'disabled',
  'breakout:1h': 'disabled',
  'mean_reversion:1h': 'disabled',
  'momentum:4h': 'disabled',
  'breakout:4h': 'disabled',
  'mean_reversion:4h': 'disabled',
} as const;
