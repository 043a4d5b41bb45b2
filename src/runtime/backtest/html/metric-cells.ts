import type {
  DailyMetric,
  DrawdownMetric,
  IntervalMetric,
  Metric,
  Performance,
  ProfitFactorMetric,
  TradeExtremeMetric,
} from '../../../core/metrics/types.js';
import type { PolicySummary } from '../../../core/pipeline/report-types.js';
import {
  escapeHtml,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatR,
  formatSigned,
  formatSignedPercent,
  formatTime,
} from './format.js';

/** How one figure of a Performance is read out of it and written for a person. */
export interface MetricRow {
  readonly label: string;
  /** What it means, shown as a tooltip. */
  readonly help: string;
  readonly pick: (p: Performance) => Metric;
  readonly format: (m: Metric) => string;
  /** Extra words beside the value (the interval, the days, the drawdown's dates). */
  readonly detail?: (m: Metric) => string;
}

const pct = (m: Metric): string => formatPercent(m.value);
const signedPct = (m: Metric): string => formatSignedPercent(m.value);
const r = (m: Metric): string => formatR(m.value);
const ratio = (m: Metric): string => formatNumber(m.value, 2);
const count = (m: Metric): string => formatCount(m.value);
const duration = (m: Metric): string => formatDuration(m.value);

function interval(m: Metric, write: (x: number) => string): string {
  const ci = (m as IntervalMetric).ci95;
  return ci ? `95 % CI ${write(ci[0])} … ${write(ci[1])}` : '';
}

function days(m: Metric): string {
  const d = (m as DailyMetric).days;
  return d > 0 ? `over ${formatCount(d)} days` : '';
}

export function formatProfitFactor(m: ProfitFactorMetric): string {
  if (m.value !== null) return formatNumber(m.value, 2);
  if (m.note === 'no_losses') return '∞ (no losses)';
  return '—';
}

function extreme(m: Metric): string {
  const t = m as TradeExtremeMetric;
  return t.id === null ? '' : `${formatR(t.netR)} · ${t.id}`;
}

function drawdownDetail(m: Metric): string {
  const d = m as DrawdownMetric;
  if (d.peakTime === null || d.value === null || d.value === 0) return '';
  const recovery = d.recovered
    ? `recovered ${formatTime(d.recoveryTime)}`
    : `not recovered (≥ ${formatDuration(d.durationMs)})`;
  return `peak ${formatTime(d.peakTime)} → trough ${formatTime(d.troughTime)}, ${recovery}`;
}

/** The overall table, in the order a person reads a track record: edge, returns, risk, habits. */
export const METRIC_SECTIONS: readonly { readonly title: string; readonly rows: readonly MetricRow[] }[] = [
  {
    title: 'Edge (after costs, gross beside)',
    rows: [
      {
        label: 'Expectancy, net',
        help: 'Mean R per trade after fees and slippage on both sides: what following every signal earned per unit risked.',
        pick: (p) => p.expectancyR,
        format: r,
        detail: (m) => interval(m, (x) => formatR(x)),
      },
      {
        label: 'Expectancy, gross',
        help: 'Mean R per trade before costs, for comparison.',
        pick: (p) => p.grossExpectancyR,
        format: r,
        detail: (m) => interval(m, (x) => formatR(x)),
      },
      {
        label: 'Costs per trade',
        help: 'Gross minus net expectancy: what fees and slippage took per trade, in R.',
        pick: (p) => p.costR,
        format: (m) => (m.value === null ? '—' : `${formatNumber(m.value, 2)} R`),
      },
      {
        label: 'Win rate, net',
        help: 'Share of trades with net R > 0: they made money after costs.',
        pick: (p) => p.winRate,
        format: pct,
        detail: (m) => interval(m, (x) => formatPercent(x, 1)),
      },
      {
        label: 'Win rate, gross',
        help: 'Share of trades with gross R > 0 (before costs).',
        pick: (p) => p.grossWinRate,
        format: pct,
        detail: (m) => interval(m, (x) => formatPercent(x, 1)),
      },
      {
        label: 'Expectancy (return)',
        help: 'Mean net return on the notional per trade, after costs.',
        pick: (p) => p.expectancyPct,
        format: signedPct,
      },
      {
        label: 'Profit factor',
        help: 'Sum of winning net R over the sum of losing net R: the profit factor of an account risking the same amount on every trade.',
        pick: (p) => p.profitFactor,
        format: (m) => formatProfitFactor(m as ProfitFactorMetric),
      },
      {
        label: 'Average win',
        help: 'Mean net return of winning trades (net R > 0).',
        pick: (p) => p.averageWinPct,
        format: signedPct,
      },
      {
        label: 'Average loss',
        help: 'Mean net return of losing trades (net R < 0).',
        pick: (p) => p.averageLossPct,
        format: signedPct,
      },
      {
        label: 'Average win (R)',
        help: 'Mean net R of winning trades.',
        pick: (p) => p.averageWinR,
        format: r,
      },
      {
        label: 'Average loss (R)',
        help: 'Mean net R of losing trades.',
        pick: (p) => p.averageLossR,
        format: r,
      },
      {
        label: 'Payoff ratio',
        help: 'Average win over average loss (net returns).',
        pick: (p) => p.payoffRatio,
        format: ratio,
      },
      {
        label: 'Payoff ratio (R)',
        help: 'Average win over average loss (net R).',
        pick: (p) => p.payoffRatioR,
        format: ratio,
      },
      {
        label: 'SQN',
        help: "Van Tharp's system quality number: √n × mean net R / sd net R.",
        pick: (p) => p.sqn,
        format: ratio,
      },
    ],
  },
  {
    title: 'Sized equity, after costs',
    rows: [
      {
        label: 'Total return',
        help: 'Return of an account that risks a fixed fraction of equity per trade at its stop, open risk capped (see the note at the top), after costs.',
        pick: (p) => p.totalReturn,
        format: signedPct,
      },
      {
        label: 'Annualised return',
        help: 'Total return scaled to a year of the daily series.',
        pick: (p) => p.annualisedReturn,
        format: signedPct,
        detail: days,
      },
      {
        label: 'Max drawdown',
        help: 'Deepest fall of the equity curve below its running peak.',
        pick: (p) => p.maxDrawdown,
        format: pct,
        detail: drawdownDetail,
      },
      {
        label: 'Sharpe (daily, annualised)',
        help: 'Mean over sd of UTC-daily returns, × √365.',
        pick: (p) => p.sharpe,
        format: ratio,
        detail: days,
      },
      {
        label: 'Sortino (daily, annualised)',
        help: 'Mean over downside deviation of UTC-daily returns, × √365.',
        pick: (p) => p.sortino,
        format: ratio,
        detail: days,
      },
      {
        label: 'Calmar',
        help: 'Annualised return over max drawdown.',
        pick: (p) => p.calmar,
        format: ratio,
        detail: days,
      },
      {
        label: 'Best trade',
        help: 'Highest net return of a single trade on its notional.',
        pick: (p) => p.bestTrade,
        format: signedPct,
        detail: extreme,
      },
      {
        label: 'Worst trade',
        help: 'Lowest net return of a single trade on its notional.',
        pick: (p) => p.worstTrade,
        format: signedPct,
        detail: extreme,
      },
    ],
  },
  {
    title: 'Habits',
    rows: [
      {
        label: 'Longest win streak',
        help: 'Most wins in a row.',
        pick: (p) => p.longestWinStreak,
        format: count,
      },
      {
        label: 'Longest loss streak',
        help: 'Most losses in a row.',
        pick: (p) => p.longestLossStreak,
        format: count,
      },
      {
        label: 'Average holding',
        help: 'Mean fill-to-exit time.',
        pick: (p) => p.averageHoldingMs,
        format: duration,
      },
      {
        label: 'Median holding',
        help: 'Median fill-to-exit time.',
        pick: (p) => p.medianHoldingMs,
        format: duration,
      },
    ],
  },
];

/** The note a figure carries when too few trades stand behind it. */
export function unreliableNote(m: Metric, minTrades: number): string {
  return m.reliable ? '' : `n = ${formatCount(m.n)} < ${formatCount(minTrades)}: too few trades to rely on`;
}

/** A table cell holding one figure; greyed, with the reason as its tooltip, when unreliable. */
export function metricCell(m: Metric, text: string, minTrades: number, extraClass = ''): string {
  const classes = ['num', extraClass, m.reliable ? '' : 'unreliable'].filter((c) => c.length > 0).join(' ');
  const title = m.reliable ? `n = ${formatCount(m.n)}` : unreliableNote(m, minTrades);
  return `<td class="${classes}" title="${escapeHtml(title)}">${escapeHtml(text)}</td>`;
}

/** A small badge "n < 30" after a figure that rests on too few trades ("no trades" when n is 0). */
export function lowSampleBadge(reliable: boolean, minTrades: number, n?: number): string {
  if (reliable) return '';
  if (n === 0) return '<span class="badge no-n">no trades</span>';
  return `<span class="badge low-n" title="fewer than ${minTrades} trades">n &lt; ${minTrades}</span>`;
}

function difference(a: number | null, b: number | null, write: (x: number) => string): string {
  return a === null || b === null ? '—' : write(b - a);
}

const points = (x: number): string => `${formatSigned(x * 100, 2)} pp`;

/** The headline figures of a PolicySummary, in a fixed order, for side-by-side tables. */
export const SUMMARY_ROWS: readonly {
  readonly label: string;
  readonly format: (s: PolicySummary) => string;
  /** The change from one summary to another, in the figure's own unit. */
  readonly delta: (from: PolicySummary, to: PolicySummary) => string;
}[] = [
  {
    label: 'Trades',
    format: (s) => formatCount(s.trades),
    delta: (a, b) => formatSigned(b.trades - a.trades, 0),
  },
  {
    label: 'Win rate, net',
    format: (s) => formatPercent(s.winRate),
    delta: (a, b) => difference(a.winRate, b.winRate, points),
  },
  {
    label: 'Expectancy, net',
    format: (s) => formatR(s.expectancyR),
    delta: (a, b) => difference(a.expectancyR, b.expectancyR, (x) => formatR(x)),
  },
  {
    label: 'Profit factor (net R)',
    format: (s) => formatNumber(s.profitFactor, 2),
    delta: (a, b) => difference(a.profitFactor, b.profitFactor, (x) => formatSigned(x, 2)),
  },
  {
    label: 'Total return',
    format: (s) => formatSignedPercent(s.totalReturn),
    delta: (a, b) => difference(a.totalReturn, b.totalReturn, points),
  },
  {
    label: 'Max drawdown',
    format: (s) => formatPercent(s.maxDrawdown),
    delta: (a, b) => difference(a.maxDrawdown, b.maxDrawdown, points),
  },
];

/** The headline figures of a Performance as a PolicySummary, to stand beside the others. */
export function summaryOf(p: Performance): PolicySummary {
  return {
    trades: p.trades,
    winRate: p.winRate.value,
    expectancyR: p.expectancyR.value,
    profitFactor: p.profitFactor.value,
    totalReturn: p.totalReturn.value,
    maxDrawdown: p.maxDrawdown.value,
    reliable: p.trades >= p.minTrades,
  };
}
