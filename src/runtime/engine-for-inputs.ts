import type { LoadedConfig } from '../config/load.js';
import { compareTimeframes, type Timeframe } from '../core/candles/timeframe.js';
import type { EngineConfig } from '../core/pipeline/engine-settings.js';
import { engineConfigSchema } from '../core/pipeline/engine-settings.js';

/** Signal timeframes offered by default, finest first; a base takes the (up to) three above it. */
const LADDER: readonly Timeframe[] = ['15m', '1h', '4h', '1d'];

/**
 * The engine for candle files of timeframe `base`: the configured one when the user chose a base
 * timeframe (a mismatch is then refused where the files are checked), else the configuration
 * with its base set to the files' timeframe and, unless the user chose signal timeframes, the
 * three ladder steps above it (1m or 5m: 15m/1h/4h; 15m: 1h/4h/1d; 1h: 4h/1d; 4h: 1d). So 1h
 * files give 4h and 1d signals with no config file.
 */
export function engineForInputs(loaded: LoadedConfig, base: Timeframe): EngineConfig {
  const engine = loaded.config.engine;
  const given = (loaded.given.engine ?? {}) as Record<string, unknown>;
  if (given.baseTimeframe !== undefined || engine.baseTimeframe === base) return engine;
  const signalTimeframes =
    given.signalTimeframes ??
    LADDER.filter((tf) => compareTimeframes(tf, base) > 0)
      .slice(0, 3)
      .map((timeframe) => ({ timeframe }));
  if (Array.isArray(signalTimeframes) && signalTimeframes.length === 0) {
    throw new Error(
      `no signal timeframe above ${base} to build signals on; give --config with engine.signalTimeframes`,
    );
  }
  return engineConfigSchema(loaded.registry).parse({ ...given, baseTimeframe: base, signalTimeframes });
}
