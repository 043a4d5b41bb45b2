export { bootstrapTradeIntervals } from './bootstrap.js';
export { calibration } from './calibration.js';
export { byCloseTime, dailyReturns, equityCurve } from './equity.js';
export { computePerformance, groupPerformance } from './performance.js';
export { mulberry32 } from './random.js';
export type * from './types.js';
