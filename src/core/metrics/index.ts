export { bootstrapTradeIntervals } from './bootstrap.js';
export { calibration } from './calibration.js';
export { byCloseTime, dailyReturns, equityCurve } from './equity.js';
export { normalCdf, normalQuantile } from './normal.js';
export type { PboOptions, PboResult, PerformanceDegradation, PerformanceStatistic } from './pbo.js';
export { MAX_PBO_BLOCKS, probabilityOfBacktestOverfitting, sharpeStatistic } from './pbo.js';
export { computePerformance, groupPerformance } from './performance.js';
export { mulberry32 } from './random.js';
export type { DeflatedSharpe, ReturnMoments, SharpeEstimate, TrialsSummary } from './sharpe.js';
export {
  deflatedSharpeFromTrials,
  deflatedSharpeRatio,
  EULER_GAMMA,
  expectedMaxSharpe,
  minTrackRecordLength,
  probabilisticSharpeRatio,
  returnMoments,
  sharpeRatio,
  sharpeStandardError,
} from './sharpe.js';
export type * from './types.js';
