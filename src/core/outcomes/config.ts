import type { AmbiguityPolicy, OutcomeConfig } from './types.js';

export const AMBIGUITY_POLICIES: readonly AmbiguityPolicy[] = ['pessimistic', 'optimistic', 'ohlc_path'];

export const DEFAULT_OUTCOME_CONFIG: OutcomeConfig = Object.freeze({
  split: Object.freeze([0.5, 0.3, 0.2] as const),
  breakevenAfterTp1: true,
  maxHoldingMs: null,
  feePerSide: 0.001,
  policy: 'pessimistic',
});

/** Rounding of fractions written as decimals (0.3 + 0.2 + 0.5) must not reject a sound split. */
const SPLIT_SUM_TOLERANCE = 1e-9;

const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_OUTCOME_CONFIG));

function fail(field: keyof OutcomeConfig, rule: string, value: unknown): never {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  throw new RangeError(`OutcomeConfig.${field} ${rule}, got ${shown}`);
}

/**
 * The defaults with `overrides` applied, checked and frozen. A bad value throws a RangeError
 * naming the field; an unknown key throws too, so a misspelt option is not silently ignored.
 */
export function resolveOutcomeConfig(overrides: Partial<OutcomeConfig> = {}): OutcomeConfig {
  for (const key of Object.keys(overrides)) {
    if (!KNOWN_KEYS.has(key)) throw new RangeError(`OutcomeConfig has no option '${key}'`);
  }
  const merged = { ...DEFAULT_OUTCOME_CONFIG, ...overrides };

  const split: unknown = merged.split;
  if (!Array.isArray(split) || split.length !== 3) fail('split', 'must be three fractions', split);
  let sum = 0;
  for (const f of split) {
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 1) {
      fail('split', 'must hold fractions between 0 and 1', split);
    }
    sum += f;
  }
  if (Math.abs(sum - 1) > SPLIT_SUM_TOLERANCE) fail('split', 'must sum to 1', split);

  if (typeof merged.breakevenAfterTp1 !== 'boolean') {
    fail('breakevenAfterTp1', 'must be a boolean', merged.breakevenAfterTp1);
  }
  const hold: unknown = merged.maxHoldingMs;
  if (hold !== null && (typeof hold !== 'number' || !Number.isFinite(hold) || hold <= 0)) {
    fail('maxHoldingMs', 'must be a positive number of milliseconds or null', hold);
  }
  const fee: unknown = merged.feePerSide;
  if (typeof fee !== 'number' || !Number.isFinite(fee) || fee < 0 || fee >= 1) {
    fail('feePerSide', 'must be a fraction >= 0 and < 1', fee);
  }
  if (!AMBIGUITY_POLICIES.includes(merged.policy)) {
    fail('policy', `must be one of ${AMBIGUITY_POLICIES.join(', ')}`, merged.policy);
  }

  return Object.freeze({
    split: Object.freeze([split[0], split[1], split[2]] as const),
    breakevenAfterTp1: merged.breakevenAfterTp1,
    maxHoldingMs: merged.maxHoldingMs,
    feePerSide: merged.feePerSide,
    policy: merged.policy,
  });
}
