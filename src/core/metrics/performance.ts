/**
 * Track record of closed trades: pure functions, no clock, deterministic (seeded bootstrap).
 *
 * Report shape (it is part of the JSON report). Every figure is a `Metric`:
 *
 *   { value: number | null, n: number, reliable: boolean }
 *
 * - `value` is null when the figure is undefined for these trades (no trades, nothing to divide by).
 * - `n` is the number of trades the figure rests on: all trades for most figures, the wins for the
 *   average win, the losses for the average loss, and the smaller of the two for a payoff ratio
 *   (a ratio is no surer than its thinner side).
 * - `reliable` is `n >= minTrades` (default 30).
 * Some figures add fields: `ci95: [lo, hi] | null` (win rate, expectancy R), `days` (figures on
 * the daily equity series), `note` (profit factor), `id` / `rMultiple` (best / worst trade),
 * peak / trough / recovery times (max drawdown). See `types.ts`.
 *
 * Definitions (returns are fractions: 0.01 = +1 %). Every figure is AFTER COSTS (fees and
 * slippage on both sides) unless its name says gross:
 * - win: net R > 0 (the trade made money after costs); loss: net R < 0; breakeven: net R = 0.
 *   Win rate = wins / all trades (breakevens included). Gross win rate: gross R > 0, beside it.
 * - profit factor: Σ positive net R / |Σ negative net R|, the account's profit factor at a fixed
 *   risk per trade. No losing trade: null with note 'no_losses'; no trades: 'no_trades'.
 * - expectancy: mean net R (headline, with interval), mean gross R (beside it, with interval),
 *   their difference (what costs took, in R), and mean net returnPct.
 * - average win / loss: mean returnPct and mean net R over the wins / losses (a loss average is
 *   negative); payoff ratio = average win / |average loss|, in return and in R terms.
 * - best / worst trade: highest / lowest net R (the first in close order on a tie).
 * - equity curve: every trade risks `riskPerTrade` of the equity at its open and returns that
 *   times its net R at its close; open trades together risk at most `maxOpenRisk` (see
 *   equity.ts). Trades the cap skipped or reduced count fully in every trade statistic; the net R
 *   it kept out of the equity is `rLeftOutByRiskCap`.
 * - total return: final equity / starting equity - 1. Not riskPerTrade × Σ net R: the equity
 *   compounds, overlapping trades are all sized on the equity of their own open, and the cap
 *   leaves trades out (equity.ts says how each moves it).
 * - daily series: UTC days from the first close day to the last close day, days without a close
 *   at 0 (see `dailyReturns`).
 * - annualised return: (final / starting equity)^(365 / days) - 1.
 * - Sharpe: mean daily return / sample std of daily returns * sqrt(365); risk-free rate 0.
 * - Sortino: mean daily return / downside deviation * sqrt(365), downside deviation =
 *   sqrt(sum(min(r, 0)^2) / days) (target 0, over all days).
 *   Both null with fewer than 2 days or a zero denominator.
 * - max drawdown: largest fall from a running peak of the equity curve, as a positive fraction.
 * - Calmar: annualised return / max drawdown; null when there is no drawdown.
 * - SQN: sqrt(n) * mean net R / sample std net R; null when n < 2 or the std is zero.
 * - streaks: longest runs of consecutive wins / losses in close order; a breakeven ends both.
 * - holding time: closeTime - openTime in ms; average and median.
 * - intervals: 95 % percentile bootstrap over the trades (see bootstrap.ts), seeded.
 */
import { bootstrapTradeIntervals } from './bootstrap.js';
import { byCloseTime, DEFAULT_SIZING, dailyReturns, walkEquity } from './equity.js';
import { mean, median, sampleStd, ZERO_SPREAD } from './stats.js';
import type {
  DailyMetric,
  DrawdownMetric,
  GroupKey,
  Metric,
  Performance,
  PerformanceOptions,
  TradeExtremeMetric,
  TradeRecord,
} from './types.js';

export const DEFAULT_MIN_TRADES = 30;
export const DEFAULT_BOOTSTRAP_SAMPLES = 2000;
export const DEFAULT_SEED = 42;

const ANNUAL_DAYS = 365;

export function metric(value: number | null, n: number, minTrades: number): Metric {
  return { value: value !== null && Number.isFinite(value) ? value : null, n, reliable: n >= minTrades };
}

function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return numerator / denominator;
}

export function computePerformance(
  trades: readonly TradeRecord[],
  opts: PerformanceOptions = {},
): Performance {
  const minTrades = opts.minTrades ?? DEFAULT_MIN_TRADES;
  const startingEquity = opts.startingEquity ?? 1;
  const sorted = byCloseTime(trades);
  const n = sorted.length;
  const m = (value: number | null, count = n): Metric => metric(value, count, minTrades);

  const netRs = new Float64Array(n);
  const grossRs = new Float64Array(n);
  const returns = new Float64Array(n);
  const holdings = new Float64Array(n);
  let wins = 0;
  let losses = 0;
  let netProfitR = 0;
  let netLossR = 0;
  let winReturnSum = 0;
  let lossReturnSum = 0;
  let winRSum = 0;
  let lossRSum = 0;
  let best = -1;
  let worst = -1;
  let winStreak = 0;
  let lossStreak = 0;
  let longestWinStreak = 0;
  let longestLossStreak = 0;
  for (let i = 0; i < n; i++) {
    const { netR: r, grossR, returnPct: ret } = sorted[i];
    netRs[i] = r;
    grossRs[i] = grossR;
    returns[i] = ret;
    holdings[i] = sorted[i].closeTime - sorted[i].openTime;
    if (r > 0) netProfitR += r;
    else if (r < 0) netLossR -= r;
    if (best < 0 || r > netRs[best]) best = i;
    if (worst < 0 || r < netRs[worst]) worst = i;
    if (r > 0) {
      wins++;
      winReturnSum += ret;
      winRSum += r;
      winStreak++;
      lossStreak = 0;
      if (winStreak > longestWinStreak) longestWinStreak = winStreak;
    } else if (r < 0) {
      losses++;
      lossReturnSum += ret;
      lossRSum += r;
      lossStreak++;
      winStreak = 0;
      if (lossStreak > longestLossStreak) longestLossStreak = lossStreak;
    } else {
      winStreak = 0;
      lossStreak = 0;
    }
  }

  const samples = opts.bootstrapSamples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  const seed = opts.seed ?? DEFAULT_SEED;
  const intervals = bootstrapTradeIntervals(netRs, samples, seed);
  const grossIntervals = bootstrapTradeIntervals(grossRs, samples, seed);
  let grossWins = 0;
  for (let i = 0; i < n; i++) if (grossRs[i] > 0) grossWins++;

  const averageWinPct = wins > 0 ? winReturnSum / wins : null;
  const averageLossPct = losses > 0 ? lossReturnSum / losses : null;
  const averageWinR = wins > 0 ? winRSum / wins : null;
  const averageLossR = losses > 0 ? lossRSum / losses : null;
  const payoffN = Math.min(wins, losses);

  const expectancyR = mean(netRs);
  const grossExpectancyR = mean(grossRs);
  const stdR = sampleStd(netRs);
  const sqn =
    expectancyR !== null && stdR !== null && stdR > ZERO_SPREAD ? (Math.sqrt(n) * expectancyR) / stdR : null;

  const sizing = {
    riskPerTrade: opts.riskPerTrade ?? DEFAULT_SIZING.riskPerTrade,
    maxOpenRisk: opts.maxOpenRisk ?? DEFAULT_SIZING.maxOpenRisk,
  };
  const walk = walkEquity(sorted, startingEquity, sizing);
  const daily = dailyReturns(walk, startingEquity);
  const days = daily.length;
  const dm = (value: number | null): DailyMetric => ({ ...m(value), days });
  const totalReturn = n > 0 ? walk.finalEquity / startingEquity - 1 : null;
  const annualisedReturn =
    totalReturn !== null && days > 0 ? (totalReturn + 1) ** (ANNUAL_DAYS / days) - 1 : null;

  return {
    minTrades,
    trades: n,
    wins,
    losses,
    breakeven: n - wins - losses,
    riskPerTrade: sizing.riskPerTrade,
    maxOpenRisk: sizing.maxOpenRisk,
    skippedByRiskCap: walk.skippedByRiskCap,
    reducedByRiskCap: walk.reducedByRiskCap,
    rLeftOutByRiskCap: walk.rLeftOutByRiskCap,
    firstOpenTime: walk.points.length > 0 ? walk.points[0].time : null,
    lastCloseTime: n > 0 ? sorted[n - 1].closeTime : null,

    winRate: { ...m(n > 0 ? wins / n : null), ci95: intervals?.winRate ?? null },
    grossWinRate: { ...m(n > 0 ? grossWins / n : null), ci95: grossIntervals?.winRate ?? null },
    profitFactor: {
      ...m(netLossR > 0 ? netProfitR / netLossR : null),
      note: n === 0 ? 'no_trades' : netLossR > 0 ? null : 'no_losses',
    },
    expectancyR: { ...m(expectancyR), ci95: intervals?.expectancyR ?? null },
    grossExpectancyR: { ...m(grossExpectancyR), ci95: grossIntervals?.expectancyR ?? null },
    costR: m(expectancyR !== null && grossExpectancyR !== null ? grossExpectancyR - expectancyR : null),
    expectancyPct: m(mean(returns)),
    averageWinPct: m(averageWinPct, wins),
    averageLossPct: m(averageLossPct, losses),
    averageWinR: m(averageWinR, wins),
    averageLossR: m(averageLossR, losses),
    payoffRatio: m(ratio(averageWinPct, averageLossPct === null ? null : -averageLossPct), payoffN),
    payoffRatioR: m(ratio(averageWinR, averageLossR === null ? null : -averageLossR), payoffN),
    bestTrade: extreme(sorted, best, minTrades),
    worstTrade: extreme(sorted, worst, minTrades),

    totalReturn: m(totalReturn),
    annualisedReturn: dm(annualisedReturn),
    sharpe: dm(sharpe(daily)),
    sortino: dm(sortino(daily)),
    maxDrawdown: drawdownMetric(walk, sorted, minTrades),
    calmar: dm(
      annualisedReturn !== null && walk.drawdown.depth > 0 ? annualisedReturn / walk.drawdown.depth : null,
    ),
    sqn: m(sqn),

    longestWinStreak: m(n > 0 ? longestWinStreak : null),
    longestLossStreak: m(n > 0 ? longestLossStreak : null),
    averageHoldingMs: m(mean(holdings)),
    medianHoldingMs: m(median(holdings)),
  };
}

function extreme(sorted: readonly TradeRecord[], index: number, minTrades: number): TradeExtremeMetric {
  const trade = index >= 0 ? sorted[index] : null;
  return {
    ...metric(trade?.returnPct ?? null, sorted.length, minTrades),
    id: trade?.id ?? null,
    netR: trade?.netR ?? null,
  };
}

function sharpe(daily: Float64Array): number | null {
  const std = sampleStd(daily);
  const average = mean(daily);
  if (std === null || average === null || std <= ZERO_SPREAD) return null;
  return (average / std) * Math.sqrt(ANNUAL_DAYS);
}

function sortino(daily: Float64Array): number | null {
  const days = daily.length;
  const average = mean(daily);
  if (days < 2 || average === null) return null;
  let downside = 0;
  for (let i = 0; i < days; i++) if (daily[i] < 0) downside += daily[i] * daily[i];
  const deviation = Math.sqrt(downside / days);
  if (deviation <= ZERO_SPREAD) return null;
  return (average / deviation) * Math.sqrt(ANNUAL_DAYS);
}

function drawdownMetric(
  walk: ReturnType<typeof walkEquity>,
  sorted: readonly TradeRecord[],
  minTrades: number,
): DrawdownMetric {
  const n = sorted.length;
  const { depth, peakTime, troughTime, recoveryTime } = walk.drawdown;
  const lastClose = n > 0 ? sorted[n - 1].closeTime : null;
  const end = recoveryTime ?? lastClose;
  return {
    ...metric(n > 0 ? depth : null, n, minTrades),
    peakTime,
    troughTime,
    recoveryTime,
    recovered: recoveryTime !== null,
    declineMs: peakTime !== null && troughTime !== null ? troughTime - peakTime : null,
    durationMs: peakTime !== null && end !== null ? end - peakTime : null,
  };
}

/**
 * Performance per value of one trade field, keys in ascending order so the report is stable.
 * Each group is computed on its own trades with the same options (and the same seed).
 */
export function groupPerformance(
  trades: readonly TradeRecord[],
  by: GroupKey,
  opts: PerformanceOptions = {},
): Record<string, Performance> {
  const groups = new Map<string, TradeRecord[]>();
  for (const trade of trades) {
    const key = trade[by];
    const group = groups.get(key);
    if (group) group.push(trade);
    else groups.set(key, [trade]);
  }
  const result: Record<string, Performance> = {};
  for (const key of [...groups.keys()].sort()) {
    result[key] = computePerformance(groups.get(key) ?? [], opts);
  }
  return result;
}
