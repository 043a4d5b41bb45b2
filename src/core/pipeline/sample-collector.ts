import { type LabelledSample, labelOf, netRMultiple, type SampleCounts } from '../learn/samples.js';
import type { PipelineEvent } from './events.js';

// Beside the pipeline whose events it reads, apart from the sample types in core/learn (which
// the model fit uses): so core/learn does not import core/pipeline and the pipeline may use learn.

function compareSamples(a: LabelledSample, b: LabelledSample): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return Number(a.shadow) - Number(b.shadow);
}

/**
 * Collects labelled samples from a pipeline's events: each closed outcome (real or shadow) is
 * joined with the signal it belongs to, which the event carries. Candidates created before
 * `from` only warm up (their outcomes are ignored). Candidates still open when the events stop
 * have no label yet and are not samples: right-censoring is the price of never looking ahead.
 */
export class SampleCollector {
  private readonly from: number;
  private readonly out: LabelledSample[] = [];
  private created = 0;
  private rejectedWithPlan = 0;
  private rejectedWithoutPlan = 0;
  private filled = 0;
  private unfilled = 0;

  constructor(opts: { readonly from?: number } = {}) {
    this.from = opts.from ?? Number.NEGATIVE_INFINITY;
  }

  readonly onEvent = (e: PipelineEvent): void => {
    if (e.type === 'signal.created') {
      if (e.signal.createdAt >= this.from) this.created++;
    } else if (e.type === 'signal.rejected') {
      if (e.candidate.createdAt < this.from) return;
      if (e.candidate.signal) this.rejectedWithPlan++;
      else this.rejectedWithoutPlan++;
    } else if (e.type === 'outcome.closed') {
      if (e.signal.createdAt < this.from) return;
      const label = labelOf(e.outcome);
      if (label === null) {
        this.unfilled++;
        return;
      }
      this.filled++;
      const s = e.signal;
      this.out.push({
        id: s.id,
        symbol: s.symbol,
        strategy: s.strategy,
        timeframe: s.timeframe,
        direction: s.direction,
        shadow: e.shadow,
        createdAt: s.createdAt,
        exitTime: e.outcome.exitTime,
        features: s.features,
        label,
        returnPct: e.outcome.returnPct,
        netR: netRMultiple(s, e.outcome.returnPct),
        score: s.breakdown.product,
      });
    }
  };

  counts(): SampleCounts {
    return {
      created: this.created,
      rejectedWithPlan: this.rejectedWithPlan,
      rejectedWithoutPlan: this.rejectedWithoutPlan,
      filled: this.filled,
      unfilled: this.unfilled,
    };
  }

  /** The samples ordered by creation time, then id, then real before shadow: a deterministic order. */
  samples(): LabelledSample[] {
    return [...this.out].sort(compareSamples);
  }
}
