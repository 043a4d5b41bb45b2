import { mulberry32 } from '../../core/metrics/random.js';
import type { EngineConfig } from '../../core/pipeline/engine-settings.js';
import type { ParamRange, StrategyDefinition } from '../../core/strategies/definition.js';

/** What optimize chooses for one slice: the family's parameters, the stop and the exit. */
export interface SliceSettings {
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly stopAtr: number;
  readonly exit: { readonly style: 'targets' | 'trailing' | 'time'; readonly trailAtr: number };
}

/** One dimension of the search: a name and the values it may take. */
export interface Dimension {
  readonly name: string;
  readonly values: readonly (number | boolean | string)[];
}

/** The minimum stop in ATRs optimize tries (on top of the family's own parameters). */
export const STOP_ATR_VALUES: readonly number[] = [1, 1.5, 2, 2.5, 3];
export const EXIT_STYLES = ['targets', 'trailing', 'time'] as const;
export const TRAIL_ATR_VALUES: readonly number[] = [2, 3, 4, 5];

/** The values of a declared range: min to max by step (four steps when no step is given). */
export function gridOf(range: ParamRange, integer: boolean): number[] {
  const step = range.step ?? (range.max - range.min) / 4;
  const out: number[] = [];
  if (!(step > 0)) return [range.min];
  for (let k = 0; ; k++) {
    const v = range.min + k * step;
    if (v > range.max + step * 1e-9) break;
    // steps like 0.25 print exactly; rounding to 1e-9 keeps 1.7500000000000002 out of configs
    out.push(integer ? Math.round(v) : Math.round(v * 1e9) / 1e9);
  }
  return [...new Set(out)];
}

/** The dimensions optimize searches for a slice of `family`: its declared ranges, then stop and exit. */
export function searchSpace(family: StrategyDefinition): Dimension[] {
  const dims: Dimension[] = [];
  for (const [name, spec] of Object.entries(family.params)) {
    if (spec.type === 'boolean') dims.push({ name: `params.${name}`, values: [false, true] });
    else if (spec.search)
      dims.push({ name: `params.${name}`, values: gridOf(spec.search, spec.type === 'int') });
  }
  dims.push({ name: 'stopAtr', values: STOP_ATR_VALUES });
  dims.push({ name: 'exit.style', values: EXIT_STYLES });
  dims.push({ name: 'exit.trailAtr', values: TRAIL_ATR_VALUES });
  return dims;
}

/** The settings the engine would use for the slice with no optimisation: trial 0. */
export function defaultSettings(
  family: StrategyDefinition,
  engine: EngineConfig,
  timeframe: string,
): SliceSettings {
  const section = engine.strategies[family.name] ?? {};
  const params: Record<string, number | boolean> = {};
  for (const [name, spec] of Object.entries(family.params)) params[name] = section[name] ?? spec.default;
  const tf = engine.signalTimeframes.find((s) => s.timeframe === timeframe);
  const own = engine.slices[`${family.name}:${timeframe}`];
  const exit = own?.exit ?? tf?.exit ?? engine.risk.exit;
  return {
    params: { ...params, ...(own?.params ?? {}) },
    stopAtr: own?.stopAtr ?? tf?.stopAtr ?? engine.risk.stopAtr,
    exit: { style: exit.style, trailAtr: exit.trailAtr },
  };
}

function settingsFrom(
  base: SliceSettings,
  dims: readonly Dimension[],
  pick: (d: Dimension) => number | boolean | string,
): SliceSettings {
  const params: Record<string, number | boolean> = { ...base.params };
  let stopAtr = base.stopAtr;
  let style = base.exit.style;
  let trailAtr = base.exit.trailAtr;
  for (const d of dims) {
    const v = pick(d);
    if (d.name.startsWith('params.') && typeof v !== 'string') params[d.name.slice(7)] = v;
    else if (d.name === 'stopAtr' && typeof v === 'number') stopAtr = v;
    else if (d.name === 'exit.style' && (v === 'targets' || v === 'trailing' || v === 'time')) style = v;
    else if (d.name === 'exit.trailAtr' && typeof v === 'number') trailAtr = v;
  }
  // the trail distance means nothing without a trailing exit: keep the default so equal trials are equal
  return { params, stopAtr, exit: { style, trailAtr: style === 'trailing' ? trailAtr : base.exit.trailAtr } };
}

/**
 * `count` distinct trials for a slice, drawn uniformly over the dimensions with a seeded PRNG;
 * trial 0 is the default settings. The same seed gives the same trials on every machine.
 */
export function sampleTrials(
  base: SliceSettings,
  dims: readonly Dimension[],
  count: number,
  seed: number,
): SliceSettings[] {
  const random = mulberry32(seed);
  const out: SliceSettings[] = [base];
  const seen = new Set([JSON.stringify(base)]);
  for (let attempts = 0; out.length < count && attempts < count * 50; attempts++) {
    const s = settingsFrom(base, dims, (d) => d.values[Math.floor(random() * d.values.length)]);
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out;
}
