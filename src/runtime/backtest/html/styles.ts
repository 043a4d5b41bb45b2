/** Plain CSS for the report: one column of cards, tables that read well in print too. */
export const REPORT_CSS = `
:root {
  --fg: #1d2533; --muted: #6b7587; --line: #e3e7ee; --bg: #f5f7fa; --card: #ffffff;
  --win: #1f9d6b; --loss: #d64545; --grey: #8a94a6; --accent: #2962ff; --unreliable: #a3abb8;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1320px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 0 0 8px; color: #3c4656; text-transform: uppercase; letter-spacing: 0.04em; }
p { margin: 6px 0 10px; }
.page-header { margin-bottom: 12px; }
.subtitle { color: var(--muted); margin: 0; }
.symbol { display: inline-block; font-weight: 600; color: var(--fg); background: #e8edf6; border-radius: 4px; padding: 0 6px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 16px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 16px; }
.overview-grid { display: grid; grid-template-columns: 3fr 2fr; gap: 24px; }
@media (max-width: 900px) { .overview-grid, .calibration, .overall { grid-template-columns: minmax(0, 1fr) !important; } }
dl.counts { display: grid; grid-template-columns: repeat(4, auto); gap: 2px 16px; margin: 0 0 10px; justify-content: start; }
dl.counts dt { color: var(--muted); font-size: 12px; grid-row: 1; }
dl.counts dd { margin: 0; font-size: 20px; font-weight: 600; grid-row: 2; font-variant-numeric: tabular-nums; }
.label { color: var(--muted); font-size: 12px; margin-right: 4px; }
.chip { display: inline-block; background: #eef1f6; border-radius: 12px; padding: 1px 9px; margin: 2px 2px; font-size: 12px; white-space: nowrap; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--muted); font-size: 13px; }
pre { background: #f7f8fb; border: 1px solid var(--line); border-radius: 6px; padding: 10px; max-height: 360px; overflow: auto; font-size: 12px; }
.stats { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 10px; margin: 0 0 16px; }
@media (max-width: 1100px) { .stats { grid-template-columns: repeat(4, minmax(0, 1fr)); } }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.stat-label { color: var(--muted); font-size: 12px; }
.stat-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stat-n { color: var(--muted); font-size: 11px; }
.stat-unit { font-size: 13px; font-weight: 600; color: var(--muted); }
.stat-beside { font-size: 12px; color: #3c4656; font-variant-numeric: tabular-nums; }
.stat-beside .ci { display: block; }
.stat-beside a { color: inherit; }
.costs-note { margin: 8px 0 0; padding: 8px 12px; background: #fff8e6; border: 1px solid #f3ddb3; border-radius: 6px; color: #4a3b12; font-size: 13px; }
td.gross, th.gross { color: var(--muted); }
.baseline-headline { font-size: 15px; }
.verdict { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 10px; padding: 0 8px; white-space: nowrap; }
.verdict.beats { background: #e3f5ed; color: #177a53; }
.verdict.inside { background: #eef0f4; color: #5d6677; }
.verdict.worse { background: #fbe7e7; color: #b23434; }
#baseline-table td.strip, #baseline-table th.strip { width: 250px; }
#baseline-table tr.overall-row th, #baseline-table tr.overall-row td, #buy-and-hold-table tr.overall-row th, #buy-and-hold-table tr.overall-row td { border-top: 2px solid var(--line); font-weight: 600; }
#baseline-table tr.verdict-beats th { box-shadow: inset 3px 0 0 var(--win); }
#baseline-table tr.verdict-worse th { box-shadow: inset 3px 0 0 var(--loss); }
.baseline-strip { display: block; }
.baseline-strip .axis { stroke: #d5dae2; stroke-width: 1; }
.baseline-strip .zero { stroke: #8a94a6; stroke-width: 1; stroke-dasharray: 2 2; }
.baseline-strip .band { fill: #c9d5ea; }
.baseline-strip .median { stroke: #52627d; stroke-width: 2; }
.baseline-strip .real { stroke: #fff; stroke-width: 1.5; fill: #3c4656; }
.baseline-strip .real.beats { fill: var(--win); }
.baseline-strip .real.worse { fill: var(--loss); }
dl.scores { grid-template-columns: repeat(3, auto); margin-top: 10px; }
.stat.pos .stat-value { color: var(--win); }
.stat.neg .stat-value { color: var(--loss); }
.stat.unreliable .stat-value { color: var(--unreliable); }
.stat.unreliable .stat-n { color: #b7791f; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); white-space: nowrap; }
tbody th { font-weight: 500; }
.num { text-align: right; white-space: nowrap; }
table.compact td, table.compact th { padding: 3px 8px; }
table.metrics tr.section-row th { background: #f7f8fb; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #3c4656; }
table.metrics td.value { font-weight: 600; }
table.metrics td.detail { color: var(--muted); font-size: 12px; }
td.unreliable, th.unreliable, tr.unreliable td.value, .unreliable-sample { color: var(--unreliable); }
td.unreliable .ci { color: #c3c9d3; }
.badge { display: inline-block; font-size: 10.5px; font-weight: 600; padding: 0 5px; border-radius: 3px; vertical-align: 1px; white-space: nowrap; }
.badge.no-n { background: #eef0f4; color: #6b7587; border: 1px solid #e0e4ea; }
.badge.low-n { background: #fdf3e1; color: #b7791f; border: 1px solid #f3ddb3; }
.ci { display: block; font-size: 11px; color: var(--muted); font-weight: 400; }
thead .ci { display: inline; }
.pos { color: var(--win); }
.neg { color: var(--loss); }
.groups { display: grid; grid-template-columns: minmax(0, 1fr); gap: 18px; }
.overall { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 28px; align-items: start; }
.overall table + table { margin-top: 14px; }
.overall thead th:first-child { color: #3c4656; text-transform: uppercase; letter-spacing: 0.04em; }
.group-table table { font-size: 13px; table-layout: fixed; }
.group-table thead th:first-child { width: 16%; }
.group-table thead th:nth-child(2) { width: 10%; }
.group-table thead .ci { display: block; }
.scroll { overflow-x: auto; }
.chart { position: relative; height: 420px; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.chart.equity { height: 380px; }
.chart.chart-empty { height: 72px; }
.chart-empty { display: flex; align-items: center; justify-content: center; color: var(--muted); background: #fafbfc; font-style: italic; }
.chart-block { margin: 14px 0 6px; }
.chart-block h3 { display: flex; justify-content: space-between; align-items: baseline; }
.legend { font-size: 12px; color: var(--muted); text-transform: none; letter-spacing: 0; font-weight: 400; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: -1px; }
.picker { display: flex; gap: 10px; align-items: center; margin-bottom: 8px; }
.picker select { flex: 1; max-width: 720px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; font: inherit; }
#selected-signal { background: #f7f9fc; border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px; padding: 8px 12px; min-height: 42px; }
#selected-signal p { margin: 2px 0; }
.caption-head { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; font-weight: 600; }
.caption-prices { display: flex; flex-wrap: wrap; gap: 2px 6px; margin: 6px 0 2px; font-variant-numeric: tabular-nums; }
.caption-prices dt { color: var(--muted); font-size: 12px; margin-left: 10px; }
.caption-prices dt:first-child { margin-left: 0; }
.caption-prices dd { margin: 0; font-weight: 600; }
.caption-reasons { margin: 4px 0 0; padding-left: 18px; color: #4a5466; font-size: 12.5px; }
.dir { font-weight: 650; white-space: nowrap; }
.dir.buy { color: var(--win); }
.dir.sell { color: var(--loss); }
.outcome { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 10px; padding: 0 8px; white-space: nowrap; }
.outcome.win { background: #e3f5ed; color: #177a53; }
.outcome.loss { background: #fbe7e7; color: #b23434; }
.outcome.flat, .outcome.open, .outcome.expired { background: #eef0f4; color: #5d6677; }
.calibration { display: grid; grid-template-columns: 3fr 2fr; gap: 24px; align-items: start; }
.calibration-chart { width: 100%; height: auto; }
.calibration-chart .grid { stroke: #eceff4; stroke-width: 1; }
.calibration-chart .axis { fill: var(--muted); font-size: 11px; }
.calibration-chart .axis.strong { fill: var(--fg); font-weight: 600; }
.calibration-chart .axis.warn { fill: #b7791f; }
.calibration-chart .bar-label { fill: #3c4656; font-size: 10.5px; }
.calibration-chart .faded { opacity: 0.45; }
table.side-by-side { width: auto; min-width: 50%; }
table.side-by-side td, table.side-by-side thead th { min-width: 130px; }
table.side-by-side .delta { border-left: 2px solid var(--line); color: #3c4656; font-weight: 600; }
.signals-scroll { max-height: 640px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
table.signals { font-size: 12.5px; }
table.signals thead th { position: sticky; top: 0; background: #fff; z-index: 1; }
table.signals td.time { white-space: nowrap; }
tr.signal-row { cursor: pointer; }
tr.signal-row:hover td { background: #f3f6fb; }
tr.signal-row:focus { outline: 2px solid #9db5ff; outline-offset: -2px; }
tr.signal-row.selected td { background: #e6eeff; }
tr.signal-row.win td:first-child { box-shadow: inset 3px 0 0 var(--win); }
tr.signal-row.loss td:first-child { box-shadow: inset 3px 0 0 var(--loss); }
tr.signal-row.flat td:first-child, tr.signal-row.open td:first-child, tr.signal-row.expired td:first-child { box-shadow: inset 3px 0 0 #c5cbd5; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
`;
