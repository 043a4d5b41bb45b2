import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import { mulberry32 } from '../../core/metrics/random.js';
import { quantileSorted } from '../../core/metrics/stats.js';
import { holdingMsOf, trackerSettings } from '../../core/outcomes/settings.js';
import { OutcomeTracker } from '../../core/outcomes/tracker.js';
import { netROf } from '../../core/outcomes/trade-record.js';
import type { EngineConfig } from '../../core/pipeline/engine-settings.js';
import type { BaselineComparison, BuyAndHold, RandomBaseline } from '../../core/pipeline/report-types.js';
import type { Direction, ExitPlan, Signal } from '../../core/signals/types.js';

/*
 * The random-entry baseline: does a strategy's timing beat entering at random? For every real
 * trade, each run enters the same symbol, on the same signal timeframe, in the same direction, at
 * the close of a randomly chosen candle of that timeframe in the reported range, with the same
 * stop and target distances in ATR units (the ATR of the chosen candle), the same exit style,
 * holding limit and costs, and follows it with the engine's own OutcomeTracker on the base
 * candles. What differs is only the moment. Entries are at the market (a real limit entry's
 * better or missed price is part of what is compared). Random trades still open when the data
 * ends are left out, as real ones are.
 */

/** A closed candle of a signal timeframe: where a random entry may happen. */
export interface EntryPoint {
  readonly closeTime: number;
  readonly close: number;
  readonly atr: number;
}

/** The market the baseline replays: base candles per symbol, entry points per symbol and timeframe. */
export interface BaselineMarket {
  readonly baseMs: number;
  readonly candles: ReadonlyMap<string, readonly Candle[]>;
  readonly entries: ReadonlyMap<string, readonly EntryPoint[]>;
}

export const entryKey = (symbol: string, timeframe: Timeframe): string => `${symbol}|${timeframe}`;

/** What the baseline needs of a real trade: where it was made and its geometry in price terms. */
export interface TradeGeometry {
  readonly id: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly strategy: string;
  readonly direction: Direction;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly takeProfits: readonly [number, number, number];
  readonly exit?: ExitPlan;
  /** The stop distance in ATRs of the signal timeframe at creation. */
  readonly stopAtr: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The signal's holding horizon (absent on signals stored before it was recorded). */
  readonly maxHoldingMs?: number | null;
}

export function geometryOf(signal: Signal): TradeGeometry {
  return {
    id: signal.id,
    symbol: signal.symbol,
    timeframe: signal.timeframe,
    strategy: signal.strategy,
    direction: signal.direction,
    entryPrice: signal.entryPrice,
    stopLoss: signal.stopLoss,
    takeProfits: signal.takeProfits,
    ...(signal.exit ? { exit: signal.exit } : {}),
    stopAtr: signal.features.stop_atr,
    createdAt: signal.createdAt,
    expiresAt: signal.expiresAt,
    ...(signal.maxHoldingMs !== undefined ? { maxHoldingMs: signal.maxHoldingMs } : {}),
  };
}

export interface RealTrade {
  readonly trade: TradeGeometry;
  /** Net R of its outcome. */
  readonly netR: number;
}

const sliceKey = (t: TradeGeometry): string => `${t.strategy}:${t.timeframe}`;

function lowerBound(candles: readonly Candle[], openTime: number): number {
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (candles[mid].openTime < openTime) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NEUTRAL_BREAKDOWN: Signal['breakdown'] = {
  strategyBase: 0,
  votes: [],
  ensembleScore: 0,
  baseScale: 1,
  base: 0,
  mtfBoost: 0,
  alignmentFactor: 1,
  volumeFactor: 1,
  product: 0,
  score: 0,
  model: null,
  context: [],
};

/**
 * The signal a random entry at `at` would be: the real trade's geometry in ATRs, moved there, at
 * the market. Only what the tracker reads is meaningful; the rest is left neutral.
 */
export function randomTwin(real: TradeGeometry, at: EntryPoint, run: number): Signal | null {
  const realRisk = Math.abs(real.entryPrice - real.stopLoss);
  if (!(real.stopAtr > 0) || !(realRisk > 0) || !(at.atr > 0)) return null;
  const realAtr = realRisk / real.stopAtr;
  const d = real.direction === 'BUY' ? 1 : -1;
  const entry = at.close;
  const scale = at.atr / realAtr;
  const moved = (price: number) => entry + (price - real.entryPrice) * scale;
  const stopLoss = moved(real.stopLoss);
  if (!(stopLoss > 0) || d * (entry - stopLoss) <= 0) return null;
  const takeProfits: [number, number, number] = [
    moved(real.takeProfits[0]),
    moved(real.takeProfits[1]),
    moved(real.takeProfits[2]),
  ];
  if (takeProfits.some((p) => !(p > 0))) return null;
  const exit: ExitPlan = real.exit
    ? {
        style: real.exit.style,
        trailDistance: real.exit.trailDistance === null ? null : real.exit.trailDistance * scale,
      }
    : { style: 'targets', trailDistance: null };
  return {
    id: `${real.id}#random${run}`,
    symbol: real.symbol,
    direction: real.direction,
    timeframe: real.timeframe,
    entryTimeframe: real.timeframe,
    strategy: real.strategy,
    entryType: 'MARKET_ENTRY',
    entryPrice: entry,
    stopLoss,
    takeProfits,
    rewardRisk: 0,
    exit,
    confidence: 0,
    published: false,
    breakdown: NEUTRAL_BREAKDOWN,
    health: { dataQuality: 0, technical: 0, risk: 0, regime: 0, score: 0 },
    priority: 'NONE',
    reasons: [],
    entryAnalysis: {
      entryTimeframe: real.timeframe,
      entryCandles: 0,
      marketPrice: entry,
      considered: [],
      chosen: 'MARKET_ENTRY',
      why: 'random entry',
    },
    features: {},
    createdAt: at.closeTime,
    expiresAt: at.closeTime + (real.expiresAt - real.createdAt),
    ...(real.maxHoldingMs !== undefined ? { maxHoldingMs: real.maxHoldingMs } : {}),
    status: 'ACTIVE',
    statusAt: at.closeTime,
    statusReason: 'random entry',
  };
}

/** Follows one random signal on the base candles until it closes; its net R, or null if the data ends first. */
function follow(
  signal: Signal,
  candles: readonly Candle[],
  baseMs: number,
  engine: EngineConfig,
): number | null {
  const tracker = new OutcomeTracker(trackerSettings(engine.outcomes));
  tracker.track(signal, holdingMsOf(signal, engine.outcomes));
  for (let i = lowerBound(candles, signal.createdAt); i < candles.length; i++) {
    const c = candles[i];
    const closed = tracker.onCandle(c, c.openTime + baseMs);
    if (closed.length > 0) return closed[0].filled ? netROf(closed[0]) : null;
  }
  return null;
}

function compare(real: readonly number[], runMeans: readonly number[]): BaselineComparison {
  const n = real.length;
  const expectancyR = n > 0 ? real.reduce((a, b) => a + b, 0) / n : null;
  const sorted = Float64Array.from(runMeans).sort();
  const runs = sorted.length;
  if (runs === 0 || expectancyR === null) {
    return {
      trades: n,
      expectancyR,
      randomMean: null,
      randomP05: null,
      randomP50: null,
      randomP95: null,
      percentile: null,
      runs,
    };
  }
  let below = 0;
  let ties = 0;
  for (const m of sorted) {
    if (m < expectancyR) below++;
    else if (m === expectancyR) ties++;
  }
  return {
    trades: n,
    expectancyR,
    randomMean: sorted.reduce((a, b) => a + b, 0) / runs,
    randomP05: quantileSorted(sorted, 0.05),
    randomP50: quantileSorted(sorted, 0.5),
    randomP95: quantileSorted(sorted, 0.95),
    percentile: (100 * (below + ties / 2)) / runs,
    runs,
  };
}

/**
 * `runs` seeded random-entry runs mirroring `trades` (see the file comment), entries drawn among
 * the signal-timeframe closes in [from, to). Deterministic: the same seed gives the same runs.
 */
export function randomEntryBaseline(
  trades: readonly RealTrade[],
  market: BaselineMarket,
  engine: EngineConfig,
  opts: { readonly runs: number; readonly seed: number; readonly from: number; readonly to: number },
): RandomBaseline {
  const ordered = [...trades].sort(
    (a, b) =>
      a.trade.createdAt - b.trade.createdAt ||
      (a.trade.id < b.trade.id ? -1 : a.trade.id > b.trade.id ? 1 : 0),
  );
  const eligible = new Map<string, EntryPoint[]>();
  for (const [key, points] of market.entries) {
    eligible.set(
      key,
      points.filter((p) => p.closeTime >= opts.from && p.closeTime < opts.to && p.atr > 0),
    );
  }
  const random = mulberry32(opts.seed);
  const slices = [...new Set(ordered.map((t) => sliceKey(t.trade)))].sort();
  const runMeans = new Map<string, number[]>(slices.map((s) => [s, []]));
  const overallMeans: number[] = [];
  for (let run = 0; run < opts.runs; run++) {
    const sums = new Map<string, { sum: number; n: number }>();
    let sum = 0;
    let n = 0;
    for (const t of ordered) {
      const points = eligible.get(entryKey(t.trade.symbol, t.trade.timeframe)) ?? [];
      const candles = market.candles.get(t.trade.symbol) ?? [];
      // the draw happens whether or not the twin trades, so every trade's draws stay aligned across changes
      const at = points.length > 0 ? points[Math.floor(random() * points.length)] : null;
      const twin = at ? randomTwin(t.trade, at, run) : null;
      const r = twin ? follow(twin, candles, market.baseMs, engine) : null;
      if (r === null) continue;
      const key = sliceKey(t.trade);
      const g = sums.get(key) ?? { sum: 0, n: 0 };
      g.sum += r;
      g.n++;
      sums.set(key, g);
      sum += r;
      n++;
    }
    if (n > 0) overallMeans.push(sum / n);
    for (const [key, g] of sums) runMeans.get(key)?.push(g.sum / g.n);
  }
  const bySlice: Record<string, BaselineComparison> = {};
  for (const s of slices) {
    bySlice[s] = compare(
      ordered.filter((t) => sliceKey(t.trade) === s).map((t) => t.netR),
      runMeans.get(s) ?? [],
    );
  }
  return {
    runs: opts.runs,
    seed: opts.seed,
    overall: compare(
      ordered.map((t) => t.netR),
      overallMeans,
    ),
    slices: bySlice,
  };
}

export function buyAndHold(
  candles: ReadonlyMap<string, readonly Candle[]>,
  baseMs: number,
  costPerSide: number,
  from: number,
): BuyAndHold {
  const bySymbol: Record<string, { from: number; to: number; return: number }> = {};
  for (const symbol of [...candles.keys()].sort()) {
    const list = candles.get(symbol) ?? [];
    const first = list[lowerBound(list, from)];
    const last = list[list.length - 1];
    if (!first || !last) continue;
    bySymbol[symbol] = {
      from: first.openTime,
      to: last.openTime + baseMs,
      return: last.close / first.open - 1 - 2 * costPerSide,
    };
  }
  const values = Object.values(bySymbol).map((v) => v.return);
  return { bySymbol, pooled: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null };
}
