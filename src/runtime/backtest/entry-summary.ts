import type { BacktestReport, EntryDelta } from '../../core/pipeline/report-types.js';

/**
 * The summary's blocks for issue 15: refined entries against their market-entry counterfactual,
 * and the TP/SL precision rule against the exact touch. Plain ASCII like summary.ts.
 */

const DASH = '-';
const sgn = (x: number | null, d = 3): string => (x === null ? DASH : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);
const pct = (x: number | null): string => (x === null ? DASH : `${(100 * x).toFixed(1)}%`);
const ci = (c: readonly [number, number] | null, d = 3): string =>
  c === null ? '' : ` [${sgn(c[0], d)}, ${sgn(c[1], d)}]`;

function row(name: string, d: EntryDelta): string[] {
  const w = d.deltaWinRateInterval;
  return [
    name,
    String(d.n),
    sgn(d.refinedR),
    sgn(d.marketR),
    `${sgn(d.deltaR)}${ci(d.deltaRInterval, 2)}`,
    d.deltaWinRate === null
      ? DASH
      : `${sgn(100 * d.deltaWinRate, 1)}${w ? ` [${sgn(100 * w[0], 0)}, ${sgn(100 * w[1], 0)}]` : ''}`,
  ];
}

/** What the summary's own helpers do (passed in: summary.ts imports this file). */
export interface SummaryFormat {
  wrap(text: string): string[];
  table(head: readonly string[], rows: readonly (readonly string[])[]): string;
}

export function entryBlock(r: BacktestReport, f: SummaryFormat): string[] {
  const e = r.entries;
  if (!e) return [];
  const out = f.wrap(
    `refined entries vs market entries (the same trade entered at market at creation), net R after costs, paired 95 % intervals: ${e.refinedSignals} refined signals, ${e.compared} compared, ${pct(e.fillRate)} of them filled; per signal an unfilled limit is 0 R:`,
  );
  if (e.compared === 0) return [...out, '  nothing to compare'];
  const rows = [row('per signal', e.perSignal), row('filled only', e.filledOnly)];
  for (const [type, d] of Object.entries(e.byEntryType)) rows.push(row(type, d));
  out.push(f.table(['', 'n', 'refined R', 'market R', 'delta R', 'delta win pp'], rows));
  return out;
}

export function precisionBlock(r: BacktestReport, f: SummaryFormat): string[] {
  const p = r.precision;
  if (!p) return [];
  const rule = `confirm ${p.rule.confirm}, tolerance ${p.rule.toleranceBps} bp / ${p.rule.toleranceTicks} ticks, penetration ${p.rule.minPenetrationBps} bp`;
  const classes =
    Object.entries(p.eventsByClass)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ') || 'none';
  const out = f.wrap(`TP/SL precision: ${rule}; level events: ${classes}`);
  const line = (name: string, s: NonNullable<typeof p.exactTouch>) =>
    `  ${name.padEnd(12)} trades ${String(s.trades).padStart(5)}  win ${pct(s.winRate)}  net R ${sgn(s.expectancyR)}`;
  out.push(line('this rule', p.configured));
  out.push(p.exactTouch ? line('exact touch', p.exactTouch) : '  (the rule is the exact touch)');
  return out;
}
