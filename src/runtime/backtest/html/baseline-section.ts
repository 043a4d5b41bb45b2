import type { Performance } from '../../../core/metrics/types.js';
import type { BacktestReport, BaselineComparison } from '../../../core/pipeline/report-types.js';
import {
  type BaselineVerdict,
  BEATS_RANDOM_PERCENTILE,
  baselineVerdict,
  ordinalPercentile,
  WORSE_THAN_RANDOM_PERCENTILE,
} from '../baseline-verdict.js';
import {
  escapeHtml as e,
  formatCount,
  formatDate,
  formatNumber,
  formatR,
  formatSettingPercent,
  formatSignedPercent,
} from './format.js';
import { lowSampleBadge } from './metric-cells.js';

/*
 * "Against random entries": each slice's real net expectancy beside the distribution of the
 * random-entry runs' means (the p05-p95 band and the median, drawn on one scale for all rows),
 * with its percentile and a verdict; then buy-and-hold over the same range.
 */

const STRIP_W = 240;
const STRIP_H = 22;
const PAD = 6;

export const VERDICT_TEXT: Readonly<Record<BaselineVerdict, string>> = {
  beats: `Beats random (≥ ${BEATS_RANDOM_PERCENTILE}th)`,
  inside: `Inside the random band`,
  worse: `Worse than random (≤ ${WORSE_THAN_RANDOM_PERCENTILE}th)`,
};

/** The R range every strip shares: all bands, all real values and zero, padded a little. */
export function stripScale(rows: readonly BaselineComparison[]): { lo: number; hi: number } {
  const xs = [0];
  for (const c of rows) {
    for (const x of [c.randomP05, c.randomP95, c.expectancyR])
      if (x !== null && Number.isFinite(x)) xs.push(x);
  }
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const margin = (hi - lo) * 0.04;
  return { lo: lo - margin, hi: hi + margin };
}

function r1(x: number): string {
  return formatNumber(x, 1).replace(/,/g, '');
}

/**
 * One row's picture: the random runs' p05-p95 band, their median as a tick, zero as a dashed
 * line, and the real net expectancy as a dot coloured by the verdict.
 */
export function baselineStrip(c: BaselineComparison, scale: { lo: number; hi: number }): string {
  const x = (v: number): number => PAD + ((v - scale.lo) / (scale.hi - scale.lo)) * (STRIP_W - 2 * PAD);
  const mid = STRIP_H / 2;
  const parts = [
    `<svg class="baseline-strip" viewBox="0 0 ${STRIP_W} ${STRIP_H}" width="${STRIP_W}" height="${STRIP_H}" role="img" aria-label="${e(stripLabel(c))}"><title>${e(stripLabel(c))}</title>`,
    `<line x1="${PAD}" x2="${STRIP_W - PAD}" y1="${mid}" y2="${mid}" class="axis"/>`,
    `<line x1="${r1(x(0))}" x2="${r1(x(0))}" y1="2" y2="${STRIP_H - 2}" class="zero"/>`,
  ];
  if (c.randomP05 !== null && c.randomP95 !== null) {
    const a = x(c.randomP05);
    parts.push(
      `<rect x="${r1(a)}" y="${mid - 5}" width="${r1(Math.max(1, x(c.randomP95) - a))}" height="10" rx="2" class="band"/>`,
    );
  }
  if (c.randomP50 !== null) {
    const m = x(c.randomP50);
    parts.push(`<line x1="${r1(m)}" x2="${r1(m)}" y1="${mid - 7}" y2="${mid + 7}" class="median"/>`);
  }
  if (c.expectancyR !== null) {
    const verdict = baselineVerdict(c.percentile) ?? 'inside';
    parts.push(`<circle cx="${r1(x(c.expectancyR))}" cy="${mid}" r="5" class="real ${verdict}"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function stripLabel(c: BaselineComparison): string {
  if (c.expectancyR === null) return 'no trades';
  const real = `real ${formatR(c.expectancyR)} net`;
  if (c.randomP05 === null || c.randomP95 === null) return `${real}; no random run closed a trade`;
  return `${real}; random runs p05 ${formatR(c.randomP05)}, median ${formatR(c.randomP50)}, p95 ${formatR(c.randomP95)}`;
}

function verdictPill(c: BaselineComparison): string {
  const v = baselineVerdict(c.percentile);
  return v === null ? '—' : `<span class="verdict ${v}">${e(VERDICT_TEXT[v])}</span>`;
}

function baselineRow(
  name: string,
  c: BaselineComparison,
  p: Performance | undefined,
  scale: { lo: number; hi: number },
  minTrades: number,
  overall = false,
): string {
  const v = baselineVerdict(c.percentile) ?? 'none';
  const reliable = c.trades >= minTrades;
  const ci = p?.expectancyR.ci95;
  return `<tr class="verdict-${v}${reliable ? '' : ' unreliable'}${overall ? ' overall-row' : ''}" data-slice="${e(name)}" data-verdict="${v}">
<th scope="row">${e(name)}</th>
<td class="num">${formatCount(c.trades)} ${lowSampleBadge(reliable, minTrades, c.trades)}</td>
<td class="num value">${e(formatR(c.expectancyR))}${ci ? `<span class="ci">${e(formatR(ci[0]))} … ${e(formatR(ci[1]))}</span>` : ''}</td>
<td class="num">${e(formatR(c.randomP05))}</td><td class="num">${e(formatR(c.randomP50))}</td><td class="num">${e(formatR(c.randomP95))}</td>
<td class="strip">${baselineStrip(c, scale)}</td>
<td class="num percentile">${e(ordinalPercentile(c.percentile))}</td>
<td>${verdictPill(c)}</td></tr>`;
}

function randomTable(report: BacktestReport): string {
  const random = report.baseline.random;
  const k = report.overall.minTrades;
  if (random === null) {
    return '<p class="empty" id="baseline-skipped">The random-entry baseline was skipped (--baseline-runs 0).</p>';
  }
  const slices = Object.entries(random.slices);
  const scale = stripScale([random.overall, ...slices.map(([, c]) => c)]);
  const rows = [
    ...slices.map(([name, c]) => baselineRow(name, c, report.groups.slice[name], scale, k)),
    baselineRow('All trades', random.overall, report.overall, scale, k, true),
  ].join('');
  const counts = { beats: 0, inside: 0, worse: 0 };
  const thin = { beats: 0, inside: 0, worse: 0 };
  for (const [, c] of slices) {
    const v = baselineVerdict(c.percentile);
    if (v) counts[v]++;
    if (v && c.trades < k) thin[v]++;
  }
  const count = (v: BaselineVerdict, words: string): string =>
    `<span class="verdict ${v}">${counts[v]} ${words}${thin[v] > 0 ? ` (${thin[v]} on fewer than ${k} trades)` : ''}</span>`;
  const overall = random.overall;
  const headline =
    overall.percentile === null
      ? 'No random run closed a trade, so there is nothing to compare with.'
      : `All trades together: ${e(formatR(overall.expectancyR))} net per trade, the <b>${e(ordinalPercentile(overall.percentile))} percentile</b> of ${formatCount(random.runs)} random runs — <b>${e(VERDICT_TEXT[baselineVerdict(overall.percentile) ?? 'inside'].toLowerCase())}</b>.`;
  return `<p class="baseline-headline">${headline}</p>
<p class="muted small" id="baseline-counts">${formatCount(slices.length)} slice${slices.length === 1 ? '' : 's'}: ${count('beats', 'beat random')} ${count('inside', 'inside the band')} ${count('worse', 'worse than random')}</p>
<div class="scroll"><table class="metrics" id="baseline-table"><thead><tr><th>Slice</th><th class="num">Trades</th><th class="num">Real net R <span class="ci">95 % CI</span></th>
<th class="num">Random p05</th><th class="num">Median</th><th class="num">p95</th>
<th class="strip">Random band vs real <span class="ci">${e(formatR(scale.lo))} … ${e(formatR(scale.hi))}</span></th><th class="num">Percentile</th><th>Verdict</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="muted small">Each run enters every trade's symbol, timeframe and direction at a random close in the range, with the same stop and target distances in ATR, exit rules, holding limit and costs, followed by the engine's own tracker (${formatCount(random.runs)} runs, seed ${random.seed}).
The band spans the 5th to 95th percentile of the runs' mean net R, the tick is their median, the dot the real trades. Percentile: share of runs whose mean is below the real one.
A slice beats random at the ${BEATS_RANDOM_PERCENTILE}th percentile or above; it is worse than random at the ${WORSE_THAN_RANDOM_PERCENTILE}th or below. Beating random is not the same as making money: read the net R beside it.</p>`;
}

function buyAndHoldTable(report: BacktestReport): string {
  const bh = report.baseline.buyAndHold;
  const symbols = Object.entries(bh.bySymbol);
  if (symbols.length === 0) {
    return `<p class="empty">${report.baseline.random === null ? 'Buy-and-hold is not computed when the random baseline is skipped.' : 'No candles for buy-and-hold.'}</p>`;
  }
  const tone = (x: number | null): string => (x === null || x === 0 ? '' : x > 0 ? 'pos' : 'neg');
  const rows = symbols
    .map(
      ([symbol, v]) =>
        `<tr><th scope="row">${e(symbol)}</th><td>${formatDate(v.from)}</td><td>${formatDate(v.to)}</td><td class="num ${tone(v.return)}">${e(formatSignedPercent(v.return))}</td></tr>`,
    )
    .join('');
  const total = report.overall.totalReturn.value;
  return `<table class="metrics compact side-by-side" id="buy-and-hold-table"><thead><tr><th>Symbol</th><th>From</th><th>To</th><th class="num">Return after costs</th></tr></thead>
<tbody>${rows}<tr class="overall-row"><th scope="row">Pooled (equal weight)</th><td></td><td></td><td class="num ${tone(bh.pooled)}">${e(formatSignedPercent(bh.pooled))}</td></tr>
<tr><th scope="row">The signals' sized equity</th><td></td><td></td><td class="num ${tone(total)}">${e(formatSignedPercent(total))}</td></tr></tbody></table>
<p class="muted small">Buying at the first open of the range and selling at the last close, the whole equity in, after one round trip of costs. The signals' equity risks only ${e(formatSettingPercent(report.sizing.riskPerTrade))} of equity per trade, so compare the sign and the risk taken, not only the size.</p>`;
}

export function baselineSection(report: BacktestReport): string {
  return `<section class="card" id="baseline"><h2>Against random entries</h2>
${randomTable(report)}
<h3>Buy-and-hold over the same range</h3>
${buyAndHoldTable(report)}
</section>`;
}
