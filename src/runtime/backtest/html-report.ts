import type { BacktestReport, SignalWithOutcome } from '../../core/pipeline/report-types.js';
import type { ChartSeries } from './chart-series.js';
import { baselineSection } from './html/baseline-section.js';
import { chartLibrarySource } from './html/chart-library.js';
import { sortSignals, toClientChart, toClientEquity, toClientSignal } from './html/client-data.js';
import { CLIENT_SCRIPT } from './html/client-script.js';
import { entriesSection, precisionSection } from './html/entries-section.js';
import { escapeHtml, formatSettingPercent, jsonForScript } from './html/format.js';
import {
  ambiguitySection,
  calibrationSection,
  filteredSection,
  groupTables,
  headerSection,
  overallTable,
  signalsTable,
  summaryCards,
  walkForwardSection,
} from './html/sections.js';
import { REPORT_CSS } from './html/styles.js';

export interface HtmlReportInput {
  readonly report: BacktestReport;
  readonly signals: readonly SignalWithOutcome[];
  readonly charts: readonly ChartSeries[];
  readonly title?: string;
}

const DEFAULT_TITLE = 'AlphaPulse backtest';

/**
 * The backtest as one self-contained HTML file (`alphapulse backtest --html`): the chart
 * library and the data are inlined, so the file opens offline and makes no request of any kind.
 * Tables are rendered here; the page script draws the charts from the JSON data block.
 * Deterministic: the same input gives the same bytes (no clock, fixed number formats).
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { report } = input;
  const title = input.title ?? DEFAULT_TITLE;
  const sorted = sortSignals(input.signals);
  const data = {
    version: 1,
    charts: input.charts.map(toClientChart),
    signals: sorted.map(toClientSignal),
    equity: toClientEquity(report.equity, report.overall.totalReturn.value),
    report,
  };

  const chartBlocks =
    input.charts.length === 0
      ? '<p class="empty">No candles were given for charts.</p>'
      : input.charts
          .map((c, i) => {
            const count = sorted.filter((s) => s.signal.symbol === c.symbol).length;
            return `<div class="chart-block"><h3><span>${escapeHtml(c.symbol)} · ${escapeHtml(c.timeframe)}</span>
<span class="legend">${count} signal${count === 1 ? '' : 's'}<i style="background:#1f9d6b"></i>win<i style="background:#d64545"></i>loss<i style="background:#8a94a6"></i>open / expired / 0 R</span></h3>
<div class="chart" id="chart-${i}" data-symbol="${escapeHtml(c.symbol)}"></div></div>`;
          })
          .join('\n');

  const toc = [
    ['charts', 'Charts'],
    ['equity', 'Equity'],
    ['metrics', 'Metrics'],
    ['baseline', 'Against random'],
    ['groups', 'Groups'],
    ['calibration', 'Calibration'],
    ['ambiguity', 'Ambiguity'],
    ['entries', 'Entries'],
    ['precision', 'TP/SL precision'],
    ['filtered', 'Filtered'],
    ...(report.walkForward && report.walkForward.length > 0 ? [['walk-forward', 'Walk-forward']] : []),
    ['signals', 'Signals'],
  ]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join('');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${headerSection(report, title)}
<nav class="toc">${toc}</nav>
${summaryCards(report)}
<section class="card" id="charts"><h2>Signals on the chart</h2>
<div class="picker"><label for="signal-select" class="muted small">Signal</label>
<select id="signal-select"><option value="">Select a signal…</option></select></div>
<div id="selected-signal" data-price-lines="0"></div>
${chartBlocks}
</section>
<section class="card" id="equity"><h2>Equity and drawdown</h2>
<p class="muted small">Return after costs of an account taking the ${report.counts.trades} headline trades, each risking ${formatSettingPercent(report.sizing.riskPerTrade)} of equity at its stop with open risk capped at ${formatSettingPercent(report.sizing.maxOpenRisk)}, and below it the fall from the running peak.</p>
<div class="chart equity" id="equity-chart"></div>
</section>
<section class="card" id="metrics"><h2>Overall performance, after costs</h2>
${overallTable(report.overall)}
</section>
${baselineSection(report)}
<section class="card" id="groups"><h2>Performance by group, after costs</h2>
<div class="groups">${groupTables(report.groups)}</div>
</section>
<section class="card" id="calibration"><h2>Calibration of confidence against net wins</h2>
${calibrationSection(report)}
</section>
<section class="card" id="ambiguity"><h2>Ambiguous candles</h2>
${ambiguitySection(report)}
</section>
<section class="card" id="entries"><h2>Refined entries vs market entries</h2>
${entriesSection(report)}
</section>
<section class="card" id="precision"><h2>TP/SL precision</h2>
${precisionSection(report)}
</section>
<section class="card" id="filtered"><h2>Filtered candidates</h2>
${filteredSection(report)}
</section>
${walkForwardSection(report)}
<section class="card" id="signals"><h2>Signals</h2>
${signalsTable(sorted)}
</section>
<footer>AlphaPulse backtest report, format version ${report.version}. Charts by TradingView Lightweight Charts™ (Apache-2.0). Data below as JSON in the element #report-data.</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${chartLibrarySource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
