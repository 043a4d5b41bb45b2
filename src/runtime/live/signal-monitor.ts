import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { EntryType } from '../../core/signals/types.js';

/** The design's monitor figures, over the signals this process created since it started. */
export interface MonitorFigures {
  /** Signals created. */
  readonly signals: number;
  /** Signals created by entry type (the entry-type distribution). */
  readonly entryTypes: Readonly<Record<string, number>>;
  /** Limit (refined) entries that filled, over those that filled or expired; null before one closed. */
  readonly refinementFillRate: number | null;
  /** The closed limit entries the fill rate rests on. */
  readonly refinementClosed: number;
  readonly averageConfidence: number | null;
  readonly averageRewardRisk: number | null;
  /**
   * Candidates past the thresholds (confidence, health, reward:risk, cost, stop distance): the
   * signals created plus those filtered as duplicate, merged or in cooldown.
   */
  readonly candidatesPastThresholds: number;
  readonly duplicates: number;
  readonly merged: number;
  /** (duplicates + merged) / candidates past the thresholds; null before the first. */
  readonly dedupRate: number | null;
}

const ENTRY_TYPES: readonly EntryType[] = ['FIBONACCI_618', 'EMA_PULLBACK', 'SUPPORT_RETEST', 'MARKET_ENTRY'];

/**
 * Counts the monitor figures from the pipeline's events as the live runtime stores them
 * (filtered candidates included, which the bus never carries). O(1) per event, no clock.
 */
export class SignalMonitor {
  private signals = 0;
  private readonly entryTypes = new Map<string, number>(ENTRY_TYPES.map((t) => [t, 0]));
  private confidenceSum = 0;
  private rewardRiskSum = 0;
  private limitFilled = 0;
  private limitExpired = 0;
  private duplicates = 0;
  private merged = 0;
  private cooldowns = 0;

  observe(e: PipelineEvent): void {
    if (e.type === 'signal.created') {
      const s = e.signal;
      this.signals++;
      this.entryTypes.set(s.entryType, (this.entryTypes.get(s.entryType) ?? 0) + 1);
      this.confidenceSum += s.confidence;
      this.rewardRiskSum += s.rewardRisk;
    } else if (e.type === 'signal.rejected') {
      const r = e.candidate.reason;
      if (r === 'duplicate') this.duplicates++;
      else if (r === 'merged') this.merged++;
      else if (r === 'cooldown') this.cooldowns++;
    } else if (e.type === 'outcome.closed' && !e.shadow && e.signal.entryType !== 'MARKET_ENTRY') {
      if (e.outcome.filled) this.limitFilled++;
      else if (e.outcome.type === 'EXPIRED') this.limitExpired++;
    }
  }

  figures(): MonitorFigures {
    const closed = this.limitFilled + this.limitExpired;
    const past = this.signals + this.duplicates + this.merged + this.cooldowns;
    return {
      signals: this.signals,
      entryTypes: Object.fromEntries(this.entryTypes),
      refinementFillRate: closed > 0 ? this.limitFilled / closed : null,
      refinementClosed: closed,
      averageConfidence: this.signals > 0 ? this.confidenceSum / this.signals : null,
      averageRewardRisk: this.signals > 0 ? this.rewardRiskSum / this.signals : null,
      candidatesPastThresholds: past,
      duplicates: this.duplicates,
      merged: this.merged,
      dedupRate: past > 0 ? (this.duplicates + this.merged) / past : null,
    };
  }
}
