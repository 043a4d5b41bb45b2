import type { IntervalMetric, Metric, Performance } from '../../core/metrics/types.js';
import type { BacktestReport, BaselineComparison, PolicySummary } from '../../core/pipeline/report-types.js';
import { baselineVerdict, formatPercentile, ordinalPercentile } from './baseline-verdict.js';
import { entryBlock, precisionBlock } from './entry-summary.js';

/*
 * The summary `alphapulse backtest` prints: what the figures are after (costs, sizing), the
 * overall record net with gross beside it, each slice against the random-entry runs, buy-and-hold,
 * then the checks (ambiguity, filters, calibration). Plain ASCII, at most WIDTH columns.
 */

export const WIDTH = 100;

const DASH = '-';

/** A signed R figure: "+0.05", "-0.32"; never "-0.00". */
export function signed(x: number | null | undefined, decimals = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const text = x.toFixed(decimals);
  if (/^-0\.?0*$/.test(text)) return text.slice(1);
  return x > 0 && !/^0\.?0*$/.test(text) ? `+${text}` : text;
}

/** A fraction as a percentage with fixed decimals: 0.4925 -> "49.3%". */
export function percent(x: number | null | undefined, decimals = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const text = (x * 100).toFixed(decimals);
  return `${/^-0\.?0*$/.test(text) ? text.slice(1) : text}%`;
}

/** A return as a signed percentage: 0.1001 -> "+10.01%". */
export function signedPercent(x: number | null | undefined, decimals = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${signed(x * 100, decimals)}%`;
}

/**
 * A small setting given as a fraction, as short as it stays exact to a hundredth of a basis
 * point: 0.001 -> "0.1%", 0.0002 -> "0.02%", 0.0024 -> "0.24%", 0.01 -> "1%".
 */
export function settingPercent(x: number): string {
  const text = (x * 100).toFixed(4).replace(/\.?0+$/, '');
  return `${text === '' ? '0' : text}%`;
}

/** A 95 % interval in brackets: "[-0.47, -0.18]"; "" when there is none. */
export function interval(
  ci: readonly [number, number] | null,
  write: (x: number) => string = (x) => signed(x),
): string {
  return ci ? `[${write(ci[0])}, ${write(ci[1])}]` : '';
}

/** Words into lines of at most `width` columns; lines after the first start with `indent`. */
export function wrap(text: string, width = WIDTH, indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length <= width || line.trim() === '') {
      line = next;
      continue;
    }
    lines.push(line);
    line = `${indent}${word}`;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A figure, with "*" when it rests on too few trades to be read. */
function mark(m: Metric, text: string): string {
  return m.reliable || text === DASH ? text : `${text}*`;
}

const rCell = (m: Metric): string => mark(m, signed(m.value));
const ciCell = (m: IntervalMetric): string => interval(m.ci95);

const VERDICT_WORD = { beats: 'BEATS', inside: 'inside', worse: 'WORSE' } as const;

function verdictWord(c: BaselineComparison | undefined): string {
  const v = baselineVerdict(c?.percentile ?? null);
  return v ? VERDICT_WORD[v] : DASH;
}

function profitFactor(p: Performance): string {
  if (p.profitFactor.value !== null) return mark(p.profitFactor, p.profitFactor.value.toFixed(2));
  return p.profitFactor.note === 'no_losses' ? 'inf (no losses)' : DASH;
}

function header(r: BacktestReport): string[] {
  const data = r.data.map((d) => `${d.symbol} ${d.candles.toLocaleString('en-US')} candles`).join(', ');
  const firsts = r.data.flatMap((d) => (d.first === null ? [] : [d.first]));
  const lasts = r.data.flatMap((d) => (d.last === null ? [] : [d.last]));
  const span =
    firsts.length > 0 && lasts.length > 0
      ? ` (${day(Math.min(...firsts))} .. ${day(Math.max(...lasts))} UTC)`
      : '';
  const { counts } = r;
  const c = r.costs;
  return [
    ...wrap(`backtest: ${data}${span}`),
    ...wrap(
      `${counts.signals} signals, ${counts.trades} trades, ${counts.openAtEnd} still open at the end; ` +
        `ambiguity policy ${r.policy}`,
    ),
    ...wrap(
      `AFTER COSTS: every figure is net of fees ${settingPercent(c.feePerSide)} + slippage ` +
        `${settingPercent(c.slippagePerSide)} per side (${settingPercent(c.roundTrip)} round trip); ` +
        'a win is a trade with net R > 0; gross (before costs) beside it.',
    ),
    ...wrap(sizingLine(r)),
    ...wrap(modelLine(r.confidenceModel)),
  ];
}

/**
 * How the equity is sized, and why its return is not the risk per trade times the trades' net R:
 * it compounds, overlapping trades are each sized on the equity of their own fill, and the cap
 * leaves trades out (core/metrics/equity.ts).
 */
function sizingLine(r: BacktestReport): string {
  const o = r.overall;
  const risk = settingPercent(r.sizing.riskPerTrade);
  const sumR = o.expectancyR.value === null ? null : o.expectancyR.value * o.trades;
  const capped = o.skippedByRiskCap + o.reducedByRiskCap > 0;
  const leftOut = capped
    ? `, ${signed(o.rLeftOutByRiskCap)} R of the trades' net R left out of the equity`
    : '';
  return (
    `Sizing: each trade risks ${risk} of equity at its stop, open risk capped at ` +
    `${settingPercent(r.sizing.maxOpenRisk)} (${o.skippedByRiskCap} trades skipped, ` +
    `${o.reducedByRiskCap} reduced by the cap${leftOut}); 1 R is the stop's distance from the entry. ` +
    `The equity compounds and trades open together are each sized on the equity at their own fill, ` +
    `so the total return is not ${risk} x the sum of net R` +
    `${sumR === null ? '' : ` (${signed(sumR)} R here)`}.`
  );
}

/** Which confidence the figures rest on: the model, the formula, or the model until a drift. */
function modelLine(m: BacktestReport['confidenceModel']): string {
  const base =
    m.version === null ? `Confidence: ${m.source}.` : `Confidence: model ${m.version} (${m.source}).`;
  if (m.drifts.length === 0) return base;
  const steps = m.drifts.map(
    (d) =>
      `drift at ${new Date(d.at).toISOString().slice(0, 16)}Z (${d.reasons.slice(0, 2).join('; ')}${
        d.reasons.length > 2 ? '; ...' : ''
      }) -> ${d.to ?? "the formula's score"}`,
  );
  return `${base} ${steps.join(', then ')}: later confidences are not the model's.`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2025-05-20..06-19"; the year again only when it changes. */
export function span(from: number, to: number): string {
  const a = day(from);
  const b = day(to);
  return `${a}..${a.slice(0, 4) === b.slice(0, 4) ? b.slice(5) : b}`;
}

function randomLine(r: BacktestReport): string {
  const random = r.baseline.random;
  if (random === null) return 'skipped (--baseline-runs 0)';
  const c = random.overall;
  if (c.percentile === null) return `no random trade closed in ${random.runs} runs`;
  const verdict = {
    beats: 'BEATS random entries (at or above the 95th percentile)',
    inside: 'no better than random entries (below the 95th percentile)',
    worse: 'WORSE than random entries (at or below the 5th percentile)',
  }[baselineVerdict(c.percentile) ?? 'inside'];
  return (
    `${ordinalPercentile(c.percentile)} percentile of ${random.runs} runs (seed ${random.seed}), ${verdict}; ` +
    `random p05 ${signed(c.randomP05)} R, median ${signed(c.randomP50)} R, p95 ${signed(c.randomP95)} R`
  );
}

function buyAndHoldLine(r: BacktestReport): string {
  const bh = r.baseline.buyAndHold;
  const symbols = Object.entries(bh.bySymbol);
  if (symbols.length === 0) return 'no candles in the report range';
  return `${symbols.map(([s, v]) => `${s} ${signedPercent(v.return)}`).join(', ')}; pooled ${signedPercent(bh.pooled)} (whole equity in, one round trip of costs)`;
}

/** The overall record as labelled lines, net first with gross beside it. */
function overallBlock(r: BacktestReport): string[] {
  const o = r.overall;
  const k = o.minTrades;
  const lines: [string, string][] = [
    [
      'expectancy',
      `${rCell(o.expectancyR)} R net ${ciCell(o.expectancyR)}; gross ${rCell(o.grossExpectancyR)} R ${ciCell(o.grossExpectancyR)}`,
    ],
    [
      'costs',
      `${mark(o.costR, o.costR.value === null ? DASH : o.costR.value.toFixed(2))} R per trade (gross minus net)`,
    ],
    [
      'win rate',
      `${mark(o.winRate, percent(o.winRate.value))} net ${interval(o.winRate.ci95, (x) => percent(x))}; gross ${mark(o.grossWinRate, percent(o.grossWinRate.value))}`,
    ],
    ['profit factor', `${profitFactor(o)} (net R)`],
    [
      'equity',
      `total return ${mark(o.totalReturn, signedPercent(o.totalReturn.value))}, max drawdown ${mark(o.maxDrawdown, percent(o.maxDrawdown.value, 2))}, Sharpe ${mark(o.sharpe, signed(o.sharpe.value))} (daily)`,
    ],
    ['random entries', randomLine(r)],
    ['buy-and-hold', buyAndHoldLine(r)],
  ];
  const labelWidth = Math.max(...lines.map(([l]) => l.length)) + 4;
  const out = [`overall: ${o.trades} trades${o.trades < k ? ` (fewer than ${k}: not reliable)` : ''}`];
  for (const [label, text] of lines) {
    const [first, ...rest] = wrap(text, WIDTH - labelWidth, '');
    out.push(`  ${label}`.padEnd(labelWidth) + first, ...rest.map((l) => ' '.repeat(labelWidth) + l));
  }
  return out;
}

/** Trades, net R with its interval, gross R: the first columns of every per-group table. */
const EDGE_HEAD = ['trades', 'net R', '95% interval', 'gross R'];

function edgeCells(p: Performance): string[] {
  return [String(p.trades), rCell(p.expectancyR), ciCell(p.expectancyR), rCell(p.grossExpectancyR)];
}

function sliceTable(r: BacktestReport): string {
  const random = r.baseline.random;
  const head = ['slice', ...EDGE_HEAD, ...(random ? ['rand p05', 'rand p95', 'pctile', 'vs random'] : [])];
  const row = (name: string, p: Performance, c: BaselineComparison | undefined): string[] => [
    name,
    ...edgeCells(p),
    ...(random
      ? [
          signed(c?.randomP05),
          signed(c?.randomP95),
          formatPercentile(c?.percentile ?? null),
          mark(p.expectancyR, verdictWord(c)),
        ]
      : []),
  ];
  const rows = Object.entries(r.groups.slice).map(([name, p]) => row(name, p, random?.slices[name]));
  rows.push(row('overall', r.overall, random?.overall));
  return table(head, rows);
}

/** Net and gross edge, win rates, and the sized equity's return and drawdown, one row per group. */
function performanceTable(first: string, groups: readonly (readonly [string, Performance])[]): string {
  const head = [first, ...EDGE_HEAD, 'win net', 'win gross', 'return', 'max DD'];
  const rows = groups.map(([name, p]) => [
    name,
    ...edgeCells(p),
    mark(p.winRate, percent(p.winRate.value)),
    mark(p.grossWinRate, percent(p.grossWinRate.value)),
    mark(p.totalReturn, signedPercent(p.totalReturn.value)),
    mark(p.maxDrawdown, percent(p.maxDrawdown.value, 2)),
  ]);
  return table(head, rows);
}

const POLICY_HEAD = ['', 'trades', 'win net', 'PF net', 'net R', 'return', 'max DD'];

function policyRow(name: string, s: PolicySummary): string[] {
  const m = (text: string): string => (s.reliable || text === DASH ? text : `${text}*`);
  return [
    name,
    String(s.trades),
    m(percent(s.winRate)),
    m(s.profitFactor === null ? DASH : s.profitFactor.toFixed(2)),
    m(signed(s.expectancyR)),
    m(signedPercent(s.totalReturn)),
    m(percent(s.maxDrawdown, 2)),
  ];
}

function calibrationBlock(r: BacktestReport): string[] {
  const cal = r.calibration;
  const used = cal.buckets.filter((b) => b.trades > 0);
  const out = ['calibration of confidence against net wins (buckets with trades):'];
  if (used.length === 0) return [...out, '  no trades'];
  out.push(
    table(
      ['confidence', 'trades', 'mean conf.', 'win net', 'gap'],
      used.map((b) => [
        `${b.lower.toFixed(1)}-${b.upper.toFixed(1)}`,
        String(b.trades),
        percent(b.meanConfidence.value),
        mark(b.winRate, percent(b.winRate.value)),
        b.gap.value === null ? DASH : `${signed(b.gap.value * 100, 1)} pp`,
      ]),
    ),
  );
  out.push(
    ...wrap(
      `Brier score ${mark(cal.brier, cal.brier.value === null ? DASH : cal.brier.value.toFixed(3))} ` +
        `(0 perfect, 0.250 always saying 50 %), log loss ${mark(cal.logLoss, cal.logLoss.value === null ? DASH : cal.logLoss.value.toFixed(3))} ` +
        `(0.693 always saying 50 %), over ${cal.brier.n} trades` +
        (cal.outside > 0 ? `; ${cal.outside} trades had a confidence outside 0..1` : ''),
    ),
  );
  return out;
}

/** The readable summary `alphapulse backtest` prints. */
export function formatSummary(r: BacktestReport): string {
  const k = r.overall.minTrades;
  const out: string[] = [...header(r), '', ...overallBlock(r), ''];
  const random = r.baseline.random;
  out.push(
    ...wrap(
      random === null
        ? 'by slice (strategy:timeframe), net R per trade after costs (random baseline skipped):'
        : `by slice (strategy:timeframe), net R per trade after costs against ${random.runs} random-entry runs ` +
            '(pctile: share of runs whose mean net R is below it; BEATS at 95 or above, WORSE at 5 or below):',
    ),
    sliceTable(r),
    '',
    performanceTable('symbol', Object.entries(r.groups.symbol)),
    `* fewer than ${k} trades: not reliable`,
  );
  if (r.walkForward && r.walkForward.length > 0) {
    out.push(
      '',
      'walk-forward windows (by signal creation time):',
      performanceTable(
        'window',
        r.walkForward.map((w) => [span(w.from, w.to), w.performance] as const),
      ),
    );
  }
  out.push(
    '',
    `ambiguous outcomes (a candle touched a target and the stop): ${r.ambiguity.ambiguousOutcomes}`,
    table(POLICY_HEAD, [
      policyRow('pessimistic', r.ambiguity.pessimistic),
      policyRow('optimistic', r.ambiguity.optimistic),
    ]),
  );
  const fmt = { wrap: (t: string) => wrap(t), table };
  out.push('', ...entryBlock(r, fmt), '', ...precisionBlock(r, fmt));
  const rejected = Object.entries(r.counts.rejected)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  out.push(
    '',
    ...wrap(`filtered candidates: ${rejected || 'none'}; their would-be trades:`),
    table(POLICY_HEAD, [
      policyRow('all filtered', r.filtered.overall),
      ...Object.entries(r.filtered.byReason).map(([reason, s]) => policyRow(reason, s)),
    ]),
    '',
    ...calibrationBlock(r),
  );
  return out.join('\n');
}
