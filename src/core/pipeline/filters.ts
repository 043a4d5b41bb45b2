import { formatAtr, formatFixed, formatPercent, formatPrice } from '../format.js';
import type { RiskPlan } from '../risk/risk-plan.js';
import type { SignalBook } from '../signals/signal-book.js';
import type { RejectionReason, Signal } from '../signals/types.js';

/** The configuration the filters read (sections of the engine config). */
export interface FilterSettings {
  readonly thresholds: {
    readonly minConfidence: number;
    readonly minHealth: number;
    readonly minRewardRisk: number;
    readonly minStopCostMultiple: number;
  };
  readonly risk: { readonly maxStopAtr: number; readonly swingBufferAtr: number };
}

/** What a filter may look at when it judges a would-be signal. */
export interface FilterInput {
  /** The signal as it would be published (scores, plan, reasons). */
  readonly signal: Signal;
  readonly plan: RiskPlan;
  readonly config: FilterSettings;
  /** The live signals of the symbol. */
  readonly book: SignalBook;
  /** Creation time of the last signal with this cooldown key, if any. */
  readonly lastSignalAt: number | undefined;
  readonly cooldownMs: number;
  /** Fee plus slippage per side, as a fraction of the notional. */
  readonly costPerSide: number;
}

/**
 * One rule of the signal filters: it passes a would-be signal (null) or says why not (the
 * detail a person reads), under its reason code. Every filtered candidate is kept with that
 * reason and followed as a shadow, so each filter's effect can be measured.
 */
export interface SignalFilter {
  readonly name: string;
  readonly reason: RejectionReason;
  readonly description: string;
  check(input: FilterInput): string | null;
}

const maxStopDistance: SignalFilter = {
  name: 'max_stop_distance',
  reason: 'invalid_risk',
  description: 'The stop may be at most risk.maxStopAtr ATRs from the entry.',
  check({ plan, signal, config }) {
    const stop = plan.stop;
    const max = config.risk.maxStopAtr;
    if (!(stop.distanceAtr > max)) return null;
    const basis =
      stop.swing !== null
        ? `beyond the ${signal.timeframe} ${stop.swing.name} ${formatPrice(stop.swing.price, plan.tickSize)} with a ${formatAtr(config.risk.swingBufferAtr)} buffer`
        : `the ${formatAtr(stop.minAtr)} minimum`;
    return `stop ${formatPrice(plan.stopLoss, plan.tickSize)} is ${formatAtr(stop.distanceAtr)} from the entry (${basis}), more than the ${max} ATR maximum`;
  },
};

const costDominated: SignalFilter = {
  name: 'cost_dominated',
  reason: 'cost_dominated',
  description:
    'The stop must be at least thresholds.minStopCostMultiple round-trip costs away: a closer stop pays most of its risk in fees.',
  check({ plan, config, costPerSide }) {
    const k = config.thresholds.minStopCostMultiple;
    const roundTrip = 2 * costPerSide;
    const stopFraction = Math.abs(plan.entryPrice - plan.stopLoss) / plan.entryPrice;
    if (!(stopFraction < k * roundTrip)) return null;
    return `stop ${formatPercent(stopFraction)} from the entry is ${formatFixed(stopFraction / roundTrip, 1)} round-trip costs (${formatPercent(roundTrip)}), below the ${k} minimum: costs would take ${formatFixed(roundTrip / stopFraction, 2)} R`;
  },
};

const minRewardRisk: SignalFilter = {
  name: 'min_reward_risk',
  reason: 'low_reward_risk',
  description: 'Reward:risk to TP2, after round-trip costs, at least thresholds.minRewardRisk.',
  check({ plan, config, signal }) {
    const min = config.thresholds.minRewardRisk;
    // without fixed targets the take-profit levels are guides: there is no reward to compare
    if (plan.rewardRisk >= min || (signal.exit !== undefined && signal.exit.style !== 'targets')) return null;
    return `reward:risk to TP2 after costs is ${formatFixed(plan.rewardRisk, 2)}, below the ${min} minimum (stop ${formatAtr(plan.stop.distanceAtr)} away, TP2 ${formatPrice(plan.takeProfits[1], plan.tickSize)})`;
  },
};

const minConfidence: SignalFilter = {
  name: 'min_confidence',
  reason: 'low_confidence',
  description: 'Confidence at least thresholds.minConfidence.',
  check({ signal, config }) {
    const min = config.thresholds.minConfidence;
    return signal.confidence < min ? `confidence ${formatFixed(signal.confidence, 3)} < ${min}` : null;
  },
};

const minHealth: SignalFilter = {
  name: 'min_health',
  reason: 'low_health',
  description: 'Health score at least thresholds.minHealth.',
  check({ signal, config }) {
    const min = config.thresholds.minHealth;
    return signal.health.score < min ? `health ${formatFixed(signal.health.score, 3)} < ${min}` : null;
  },
};

const duplicate: SignalFilter = {
  name: 'duplicate',
  reason: 'duplicate',
  description: 'At most one live signal per dedup key (engine.dedup).',
  check({ signal, book }) {
    const dup = book.duplicateOf(signal.direction, signal.timeframe, signal.strategy);
    return dup ? `a live ${dup.direction} ${dup.timeframe} signal exists: ${dup.id}` : null;
  },
};

const cooldown: SignalFilter = {
  name: 'cooldown',
  reason: 'cooldown',
  description: 'No second signal of one timeframe, strategy and direction within cooldownCandles.',
  check({ signal, lastSignalAt, cooldownMs }) {
    if (lastSignalAt === undefined || !(signal.createdAt < lastSignalAt + cooldownMs)) return null;
    return `last ${signal.direction} ${signal.strategy} signal on ${signal.timeframe} at ${new Date(lastSignalAt).toISOString()}`;
  },
};

/** Every filter the engine knows, in the default order (config `engine.filters` picks and orders them). */
export const SIGNAL_FILTERS: readonly SignalFilter[] = [
  maxStopDistance,
  costDominated,
  minRewardRisk,
  minConfidence,
  minHealth,
  duplicate,
  cooldown,
];

export const FILTER_NAMES = SIGNAL_FILTERS.map((f) => f.name) as readonly string[];

/** The filters `names` lists, in that order. */
export function filtersNamed(names: readonly string[]): SignalFilter[] {
  return names.map((n) => {
    const f = SIGNAL_FILTERS.find((x) => x.name === n);
    if (!f) throw new RangeError(`unknown signal filter '${n}'; filters are ${FILTER_NAMES.join(', ')}`);
    return f;
  });
}
