import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * An engine configuration that makes plenty of signals on the real candles, for the tests of
 * the service around the engine (storage, API, WebSocket, replay, CLI) that need traffic to mean
 * anything. The shipped defaults are research results (docs/RESULTS.md) and may rightly publish
 * little; these tests must not change every time the research does. Every value that decides how
 * many signals pass, and that all of them publish, is pinned here.
 */
export const BUSY_ENGINE = {
  signalTimeframes: [{ timeframe: '15m' }, { timeframe: '1h' }, { timeframe: '4h' }],
  thresholds: { minConfidence: 0.6, minHealth: 0.5, minRewardRisk: 0.8, minStopCostMultiple: 0 },
  outcomes: { feePerSide: 0.001, slippagePerSide: 0.0002 },
  // every slice publishes, whatever the research says: these tests are about delivering them
  publication: { states: {}, unlisted: 'validated' },
  // the global exits and the formula's confidence, not the shipped per-slice settings and model:
  // these tests are about the plumbing, and a busy, stable stream of signals suits it best
  slices: {},
  confidence: { model: 'none' },
} as const;

/** A config file holding BUSY_ENGINE (plus `extra` top-level sections) in `dir`; returns its path. */
export function writeBusyConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'busy-engine.yaml');
  writeFileSync(path, stringify({ ...extra, engine: BUSY_ENGINE }));
  return path;
}
