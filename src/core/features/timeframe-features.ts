import type { Candle } from '../candles/candle.js';
import { type Timeframe, timeframeMs } from '../candles/timeframe.js';
import { Adx } from '../indicators/adx.js';
import { Atr } from '../indicators/atr.js';
import { Bbands } from '../indicators/bbands.js';
import { Ema } from '../indicators/ema.js';
import { Macd } from '../indicators/macd.js';
import { Float64Ring, WindowExtreme } from '../indicators/ring.js';
import { RollingRank } from '../indicators/rolling-rank.js';
import { Rsi } from '../indicators/rsi.js';
import { Vwap } from '../indicators/vwap.js';
import { PatternScanner } from '../patterns/scanner.js';
import { VolumeRatio } from '../patterns/volume.js';
import { LevelTracker } from '../structure/levels.js';
import { type Swing, SwingDetector } from '../structure/swings.js';
import { type TfSnapshot, WARM_BITS as W } from './snapshot.js';

/**
 * How much a timeframe must know: `full` for signal and context timeframes (every indicator,
 * patterns, levels), `light` for timeframes used only to refine entries (EMA 21, ATR, swings).
 * Light keeps the per-candle cost of fine entry timeframes (5m) small.
 */
export type FeatureLevel = 'full' | 'light';

/**
 * The candlestick patterns the strategies read as confirmations: the classic reversal and
 * continuation set. Scanning all 61 TA-Lib patterns on every close would cost about four
 * times as much for patterns no strategy reads.
 */
export const CONFIRMATION_PATTERNS = [
  'engulfing',
  'hammer',
  'hangingman',
  'invertedhammer',
  'shootingstar',
  'doji',
  'dragonflydoji',
  'gravestonedoji',
  'morningstar',
  'eveningstar',
  'morningdojistar',
  'eveningdojistar',
  '3whitesoldiers',
  '3blackcrows',
  'harami',
  'haramicross',
  'piercing',
  'darkcloudcover',
  'marubozu',
  'spinningtop',
  '3inside',
  '3outside',
  'kicking',
  'abandonedbaby',
  'tristar',
] as const;

const VOLATILITY_WINDOW = 100;
const SLOPE_BARS = 5;
const DONCHIAN_PERIOD = 20;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A snapshot of a timeframe with nothing seen yet: every indicator NaN, no swings. The
 * features start from it; tests build their snapshots on it.
 */
export function blankSnapshot(
  timeframe: Timeframe,
  levels: LevelTracker = new LevelTracker(),
  patterns: Map<string, number> = new Map(),
): Mutable<TfSnapshot> {
  const n = Number.NaN;
  return {
    timeframe,
    count: 0,
    openTime: n,
    closeTime: n,
    open: n,
    high: n,
    low: n,
    close: n,
    volume: n,
    complete: true,
    tickSize: n,
    warm: 0,
    defectsInWindow: 0,
    prevClose: n,
    prevHigh: n,
    prevLow: n,
    ema9: n,
    ema21: n,
    ema50: n,
    ema200: n,
    prevEma9: n,
    prevEma21: n,
    ema50Slope: n,
    rsi: n,
    prevRsi: n,
    macd: n,
    macdSignal: n,
    macdHist: n,
    prevMacdHist: n,
    adx: n,
    plusDi: n,
    minusDi: n,
    atr: n,
    atrPct: n,
    volatilityPercentile: n,
    bbUpper: n,
    bbMiddle: n,
    bbLower: n,
    prevBbUpper: n,
    prevBbLower: n,
    donchianHigh: n,
    donchianLow: n,
    vwap: n,
    prevVwap: n,
    volumeRatio: n,
    lastSwingHigh: null,
    lastSwingLow: null,
    prevSwingHigh: null,
    prevSwingLow: null,
    levels,
    patterns,
  };
}

const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);

/** The warm bits of the snapshot: a field group's bit is set when its field is not NaN. */
function warmBits(s: TfSnapshot): number {
  let w = 0;
  if (!Number.isNaN(s.close)) w |= W.close;
  if (!Number.isNaN(s.prevClose)) w |= W.prevClose;
  if (!Number.isNaN(s.ema9)) w |= W.ema9;
  if (!Number.isNaN(s.ema21)) w |= W.ema21;
  if (!Number.isNaN(s.ema50)) w |= W.ema50;
  if (!Number.isNaN(s.ema200)) w |= W.ema200;
  if (!Number.isNaN(s.prevEma9)) w |= W.prevEma9;
  if (!Number.isNaN(s.prevEma21)) w |= W.prevEma21;
  if (!Number.isNaN(s.ema50Slope)) w |= W.ema50Slope;
  if (!Number.isNaN(s.rsi)) w |= W.rsi;
  if (!Number.isNaN(s.prevRsi)) w |= W.prevRsi;
  if (!Number.isNaN(s.macdHist)) w |= W.macdHist;
  if (!Number.isNaN(s.prevMacdHist)) w |= W.prevMacdHist;
  if (!Number.isNaN(s.adx)) w |= W.adx;
  if (!Number.isNaN(s.atr)) w |= W.atr;
  if (!Number.isNaN(s.atrPct)) w |= W.atrPct;
  if (!Number.isNaN(s.volatilityPercentile)) w |= W.volatilityPercentile;
  if (!Number.isNaN(s.bbMiddle)) w |= W.bbMiddle;
  if (!Number.isNaN(s.prevBbUpper)) w |= W.prevBbUpper;
  if (!Number.isNaN(s.donchianHigh)) w |= W.donchianHigh;
  if (!Number.isNaN(s.vwap)) w |= W.vwap;
  if (!Number.isNaN(s.prevVwap)) w |= W.prevVwap;
  if (!Number.isNaN(s.volumeRatio)) w |= W.volumeRatio;
  return w;
}

/**
 * The newest candle's patterns that fired (non-zero results), by name: the snapshot's
 * `patterns`. The scanner takes every candle, but the patterns themselves are detected only
 * when the map is first read after a candle: strategies read them on the few candles where a
 * rule fired, and scanning 25 patterns on every close of every timeframe was one of the
 * pipeline's largest costs. Reading gives exactly what an eager scan would have given (see
 * PatternScanner.detectLatest).
 */
class LatestPatterns extends Map<string, number> {
  private stale = false;
  private readonly out: Int32Array;

  constructor(private readonly scanner: PatternScanner) {
    super();
    this.out = new Int32Array(scanner.size);
  }

  /** A new candle was pushed: the map is refilled on the next read. */
  invalidate(): void {
    this.stale = true;
  }

  private refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    super.clear();
    const out = this.out;
    this.scanner.detectLatest(out);
    const names = this.scanner.names;
    for (let k = 0; k < names.length; k++) if (out[k] !== 0) super.set(names[k], out[k]);
  }

  override get(key: string): number | undefined {
    this.refresh();
    return super.get(key);
  }

  override has(key: string): boolean {
    this.refresh();
    return super.has(key);
  }

  override get size(): number {
    this.refresh();
    return super.size;
  }

  override forEach(fn: (value: number, key: string, map: Map<string, number>) => void, self?: unknown): void {
    this.refresh();
    super.forEach(fn, self);
  }

  override entries(): MapIterator<[string, number]> {
    this.refresh();
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.refresh();
    return super.keys();
  }

  override values(): MapIterator<number> {
    this.refresh();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, number]> {
    this.refresh();
    return super[Symbol.iterator]();
  }
}

/**
 * The streaming feature set of one (symbol, timeframe): feeds each closed candle of that
 * timeframe to its indicators and structure detectors and updates one snapshot in place.
 * O(1) per candle apart from the fixed-size volatility rank; nothing is allocated per candle
 * except when a swing is confirmed.
 */
export class TimeframeFeatures {
  readonly snapshot: TfSnapshot;
  private readonly s: Mutable<TfSnapshot>;
  private readonly step: number;
  private readonly ema9 = new Ema(9);
  private readonly ema21 = new Ema(21);
  private readonly ema50 = new Ema(50);
  private readonly ema200 = new Ema(200);
  private readonly rsi = new Rsi(14);
  private readonly macd = new Macd(12, 26, 9);
  private readonly adx = new Adx(14);
  private readonly atr = new Atr(14);
  private readonly bb = new Bbands(20, 2, 2);
  private readonly donHigh = new WindowExtreme(DONCHIAN_PERIOD, 'max');
  private readonly donLow = new WindowExtreme(DONCHIAN_PERIOD, 'min');
  private donHighValue = Number.NaN;
  private donLowValue = Number.NaN;
  private donPushes = 0;
  private readonly vwap = new Vwap();
  private readonly volume = new VolumeRatio(20);
  private readonly swings: SwingDetector;
  private readonly levels = new LevelTracker();
  private readonly scanner: PatternScanner | null;
  private readonly patterns: LatestPatterns | null;
  private readonly ema50History = new Float64Ring(SLOPE_BARS + 1);
  private readonly atrPctRank = new RollingRank(VOLATILITY_WINDOW);
  /** Defects (missing candles before it + 1 if incomplete) of each of the last candles. */
  private readonly defects: Float64Ring;
  private defectSum = 0;

  constructor(
    readonly timeframe: Timeframe,
    readonly level: FeatureLevel = 'full',
    qualityWindow = 200,
  ) {
    this.step = timeframeMs(timeframe);
    this.swings = new SwingDetector({ timeframe, left: 5, right: 5 });
    this.scanner = level === 'full' ? new PatternScanner(CONFIRMATION_PATTERNS) : null;
    this.patterns = this.scanner ? new LatestPatterns(this.scanner) : null;
    this.defects = new Float64Ring(qualityWindow);
    this.s = blankSnapshot(timeframe, this.levels, this.patterns ?? new Map());
    this.snapshot = this.s;
  }

  /** The symbol's price step (NaN: unknown); prices in texts and plans follow it. */
  setTickSize(tickSize: number): void {
    this.s.tickSize = tickSize > 0 && Number.isFinite(tickSize) ? tickSize : Number.NaN;
  }

  update(c: Candle & { readonly complete?: boolean }): void {
    const s = this.s;
    const full = this.level === 'full';
    const missing = s.count > 0 ? Math.max(0, Math.round((c.openTime - s.openTime) / this.step) - 1) : 0;
    const defect = missing + (c.complete === false ? 1 : 0);
    if (this.defects.isFull()) this.defectSum -= this.defects.oldest();
    this.defects.push(defect);
    this.defectSum += defect;

    s.prevClose = s.close;
    s.prevHigh = s.high;
    s.prevLow = s.low;
    s.prevEma9 = s.ema9;
    s.prevEma21 = s.ema21;
    s.prevRsi = s.rsi;
    s.prevMacdHist = s.macdHist;
    s.prevBbUpper = s.bbUpper;
    s.prevBbLower = s.bbLower;
    s.prevVwap = s.vwap;
    // the Donchian channel of the candles BEFORE this one: read it before pushing this candle
    if (full) {
      s.donchianHigh = this.donPushes >= DONCHIAN_PERIOD ? this.donHighValue : Number.NaN;
      s.donchianLow = this.donPushes >= DONCHIAN_PERIOD ? this.donLowValue : Number.NaN;
    }

    s.count++;
    s.openTime = c.openTime;
    s.closeTime = c.openTime + this.step;
    s.open = c.open;
    s.high = c.high;
    s.low = c.low;
    s.close = c.close;
    s.volume = c.volume;
    s.complete = c.complete !== false;
    s.defectsInWindow = this.defectSum;

    s.ema21 = this.ema21.updateOrNaN(c.close);
    s.atr = this.atr.updateOrNaN(c);
    s.atrPct = s.atr / c.close;

    const confirmed = this.swings.update(c);
    for (let i = 0; i < confirmed.length; i++) this.recordSwing(confirmed[i]);

    if (!full) {
      s.warm = warmBits(s);
      return;
    }
    s.ema9 = this.ema9.updateOrNaN(c.close);
    s.ema50 = this.ema50.updateOrNaN(c.close);
    s.ema200 = this.ema200.updateOrNaN(c.close);
    this.ema50History.push(s.ema50);
    s.ema50Slope = this.ema50History.isFull() ? s.ema50 / this.ema50History.oldest() - 1 : Number.NaN;
    s.rsi = this.rsi.updateOrNaN(c.close);
    const m = this.macd.update(c.close);
    s.macd = m ? m.macd : Number.NaN;
    s.macdSignal = m ? m.signal : Number.NaN;
    s.macdHist = m ? m.histogram : Number.NaN;
    const a = this.adx.update(c);
    s.adx = a ? a.adx : Number.NaN;
    s.plusDi = a ? a.plusDi : Number.NaN;
    s.minusDi = a ? a.minusDi : Number.NaN;
    const b = this.bb.update(c.close);
    s.bbUpper = b ? b.upper : Number.NaN;
    s.bbMiddle = b ? b.middle : Number.NaN;
    s.bbLower = b ? b.lower : Number.NaN;
    this.donHighValue = this.donHigh.push(c.high);
    this.donLowValue = this.donLow.push(c.low);
    this.donPushes++;
    s.vwap = orNaN(this.vwap.update(c));
    s.volumeRatio = orNaN(this.volume.update(c));
    s.volatilityPercentile = this.rankVolatility(s.atrPct);
    this.levels.update(c, confirmed);

    if (this.scanner && this.patterns) {
      this.scanner.push(c.open, c.high, c.low, c.close);
      this.patterns.invalidate();
    }
    s.warm = warmBits(s);
  }

  private recordSwing(sw: Swing): void {
    const s = this.s;
    if (sw.kind === 'high') {
      s.prevSwingHigh = s.lastSwingHigh;
      s.lastSwingHigh = sw;
    } else {
      s.prevSwingLow = s.lastSwingLow;
      s.lastSwingLow = sw;
    }
  }

  /** Share of the last values strictly below `x` (0..1); NaN until the window is full. */
  private rankVolatility(x: number): number {
    if (Number.isNaN(x)) return Number.NaN;
    const r = this.atrPctRank;
    const below = r.push(x);
    return r.isFull() ? below / (r.length - 1) : Number.NaN;
  }
}
