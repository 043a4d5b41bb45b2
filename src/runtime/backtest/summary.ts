import type { BacktestReport, PolicySummary } from '../../core/metrics/report-types.js';
import type { Metric, Performance } from '../../core/metrics/types.js';

const pct = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(d)}%`;
const num = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined ? '-' : x.toFixed(d);

function cell(m: Metric, f: (x: number | null) => string): string {
  return `${f(m.value)}${m.reliable ? '' : '*'}`;
}

function row(name: string, p: Performance): string[] {
  return [
    name,
    String(p.trades),
    cell(p.winRate, (x) => pct(x)),
    p.profitFactor.value === null
      ? p.profitFactor.note === 'no_losses'
        ? 'inf'
        : '-'
      : cell(p.profitFactor, (x) => num(x)),
    cell(p.expectancyR, (x) => num(x, 3)),
    cell(p.totalReturn, (x) => pct(x, 2)),
    cell(p.maxDrawdown, (x) => pct(x, 2)),
    cell(p.sharpe, (x) => num(x)),
  ];
}

function policyRow(name: string, s: PolicySummary): string[] {
  return [
    name,
    String(s.trades),
    pct(s.winRate),
    num(s.profitFactor),
    num(s.expectancyR, 3),
    pct(s.totalReturn, 2),
    pct(s.maxDrawdown, 2),
    '',
  ];
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((_, i) => Math.max(...[head, ...rows].map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

/** The readable summary `alphapulse backtest` prints: per strategy and overall, then the honesty notes. */
export function formatSummary(r: BacktestReport): string {
  const head = ['', 'trades', 'win rate', 'PF', 'exp. R', 'return', 'max DD', 'Sharpe'];
  const rows = Object.entries(r.groups.strategy).map(([k, p]) => row(k, p));
  rows.push(row('overall', r.overall));
  const out: string[] = [];
  out.push(
    `backtest: ${r.data.map((d) => `${d.symbol} ${d.candles.toLocaleString('en-US')} candles`).join(', ')}; ` +
      `${r.counts.signals} signals, ${r.counts.trades} trades, ${r.counts.openAtEnd} still open at the end; ` +
      `policy ${r.policy}`,
  );
  out.push(table(head, rows));
  out.push(`* fewer than ${r.overall.minTrades} trades: not reliable`);
  const ci = r.overall.winRate.ci95;
  const eci = r.overall.expectancyR.ci95;
  if (ci && eci) {
    out.push(
      `95% bootstrap intervals: win rate ${pct(ci[0])} .. ${pct(ci[1])}, expectancy ${num(eci[0], 3)} .. ${num(eci[1], 3)} R`,
    );
  }
  out.push(
    `ambiguous outcomes (a candle touched a target and the stop): ${r.ambiguity.ambiguousOutcomes}`,
    table(head, [
      policyRow('pessimistic', r.ambiguity.pessimistic),
      policyRow('optimistic', r.ambiguity.optimistic),
    ]),
  );
  const rej = Object.entries(r.counts.rejected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  out.push(`filtered candidates: ${rej || 'none'}; their would-be trades:`);
  out.push(
    table(head, [
      policyRow('all filtered', r.filtered.overall),
      ...Object.entries(r.filtered.byReason).map(([k, s]) => policyRow(k, s)),
    ]),
  );
  out.push('calibration (confidence bucket: trades, mean confidence, realised win rate):');
  for (const b of r.calibration.buckets) {
    out.push(
      `  ${b.lower.toFixed(1)}-${b.upper.toFixed(1)}: ${b.trades} trades, confidence ${pct(b.meanConfidence.value)}, win rate ${pct(b.winRate.value)}${b.winRate.reliable ? '' : '*'}`,
    );
  }
  if (r.walkForward) {
    out.push('walk-forward windows:');
    out.push(
      table(
        head,
        r.walkForward.map((w) =>
          row(
            `${new Date(w.from).toISOString().slice(0, 10)}..${new Date(w.to).toISOString().slice(0, 10)}`,
            w.performance,
          ),
        ),
      ),
    );
  }
  return out.join('\n');
}
