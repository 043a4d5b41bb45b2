import { setTimeout as sleep } from 'node:timers/promises';
import type { Candle } from '../../core/candles/candle.js';
import { alignTime, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { mulberry32 } from '../../core/metrics/random.js';
import type { CandleHandler, MarketSource, SourceState } from './source.js';

export interface DemoOptions {
  readonly timeframe: Timeframe;
  readonly seed: number;
  /** Days of history the simulator holds before `now` (for warm-up). */
  readonly historyDays: number;
  /** Market time per wall time; 1 = real time. */
  readonly speed?: number;
  readonly now?: () => number;
  /**
   * Start by running the simulated market as fast as the pipeline takes it, until
   * `endFastForward` is called (the service calls it on the first signal) or this much market
   * time has passed; then at `speed`. So a newcomer sees the engine at work at once.
   */
  readonly fastForwardMaxMs?: number;
  /** Said after the description, e.g. how the engine is set up for the demo. */
  readonly note?: string;
  /** Hears when the fast-forward ends: why, and how much market time it covered. */
  readonly onFastForwardEnd?: (reason: string, coveredMs: number) => void;
}

function hashSymbol(symbol: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16777619);
  return h >>> 0;
}

const START_PRICES: Record<string, number> = {
  BTCUSDT: 60_000,
  ETHUSDT: 3_000,
  SOLUSDT: 150,
  BNBUSDT: 600,
  XRPUSDT: 0.6,
};

/**
 * One simulated market: a regime-switching random walk with volatility clusters. Regimes
 * (up-trend, down-trend, range) persist for hours and switch at random; volatility follows a
 * GARCH(1,1)-like recursion so calm and wild stretches cluster as in real markets.
 */
class SimulatedMarket {
  private readonly random: () => number;
  private price: number;
  private variance: number;
  private drift = 0;
  private regimeLeft = 0;
  private readonly candles: Candle[] = [];
  private nextOpen: number;

  constructor(
    symbol: string,
    seed: number,
    start: number,
    private readonly step: number,
  ) {
    // mulberry32, the seedable generator the metrics' bootstrap uses: the same seed gives the same market
    this.random = mulberry32(hashSymbol(symbol, seed));
    this.price = START_PRICES[symbol] ?? 100;
    this.variance = 0.0008 ** 2;
    this.nextOpen = start;
  }

  private gaussian(): number {
    const u = Math.max(this.random(), 1e-12);
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Generates candles until the one opening at `openTime` exists. */
  extendTo(openTime: number): void {
    while (this.nextOpen <= openTime) {
      if (this.regimeLeft <= 0) {
        const r = this.random();
        this.drift = r < 0.35 ? 0.00012 : r < 0.7 ? -0.00012 : 0;
        this.regimeLeft = 120 + Math.floor(this.random() * 720);
      }
      this.regimeLeft--;
      const shock = this.gaussian() * Math.sqrt(this.variance);
      this.variance = 2e-8 + 0.08 * shock * shock + 0.9 * this.variance;
      const open = this.price;
      const close = open * Math.exp(this.drift + shock);
      const sd = Math.sqrt(this.variance);
      const high = Math.max(open, close) * (1 + Math.abs(this.gaussian()) * sd * 0.6);
      const low = Math.min(open, close) * (1 - Math.abs(this.gaussian()) * sd * 0.6);
      const volume = (50 + 400 * this.random()) * (1 + (Math.abs(shock) / sd) * 0.5);
      this.candles.push({
        openTime: this.nextOpen,
        open: round(open),
        high: round(high),
        low: round(low),
        close: round(close),
        volume: Math.round(volume * 1000) / 1000,
      });
      // rounding may not move the extremes inside the body; keep the candle valid
      const c = this.candles[this.candles.length - 1];
      if (c.high < Math.max(c.open, c.close) || c.low > Math.min(c.open, c.close)) {
        this.candles[this.candles.length - 1] = {
          ...c,
          high: Math.max(c.high, c.open, c.close),
          low: Math.min(c.low, c.open, c.close),
        };
      }
      this.price = close;
      this.nextOpen += this.step;
    }
  }

  range(from: number, to: number): Candle[] {
    this.extendTo(to - this.step);
    return this.candles.filter((c) => c.openTime >= from && c.openTime < to);
  }
}

/** Decimals of the simulated prices: 2 from 1,000 up, 4 from 1, 6 below. */
function decimalsAt(x: number): number {
  return x >= 1000 ? 2 : x >= 1 ? 4 : 6;
}

function round(x: number): number {
  const digits = decimalsAt(x);
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The built-in demo market for a machine with no network and no data. Deterministic for a
 * seed: the same seed gives the same candles. Always labelled DEMO.
 */
export class DemoSource implements MarketSource {
  readonly kind = 'demo';
  readonly label = 'DEMO' as const;
  readonly timeframe: Timeframe;
  private readonly step: number;
  private readonly markets = new Map<string, SimulatedMarket>();
  private readonly origin: number;
  /** Market time at wall time `wallBase`; the clock runs at `speed` from there. */
  private clockBase: number;
  private wallBase: number;
  private readonly speed: number;
  /** Market time left to fast-forward through; null once the fast-forward is over (or never was). */
  private fastForwardLeft: number | null;
  private fastForwardEnd: string | null = null;
  private readonly now: () => number;
  private current: SourceState = 'idle';
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly last = new Map<string, number>();

  constructor(private readonly opts: DemoOptions) {
    this.timeframe = opts.timeframe;
    this.step = timeframeMs(opts.timeframe);
    this.now = opts.now ?? Date.now;
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`demo speed must be > 0, got ${this.speed}`);
    this.wallBase = this.now();
    this.clockBase = this.wallBase;
    this.origin = alignTime(opts.timeframe, this.wallBase - opts.historyDays * 86_400_000);
    const ff = opts.fastForwardMaxMs ?? 0;
    this.fastForwardLeft = ff > 0 ? ff : null;
  }

  /** Ends the fast-forward (if one runs): from the next candle on, the market runs at `speed`. */
  endFastForward(reason: string): void {
    if (this.fastForwardLeft !== null) this.fastForwardEnd ??= reason;
  }

  /** Whether the market is still being fast-forwarded. */
  fastForwarding(): boolean {
    return this.fastForwardLeft !== null;
  }

  state(): SourceState {
    return this.current;
  }

  /** The grid the simulator rounds a symbol's prices to at its starting price. */
  async tickSize(symbol: string): Promise<number> {
    return 10 ** -decimalsAt(START_PRICES[symbol] ?? 100);
  }

  describe(): string {
    const pace =
      this.fastForwardLeft !== null
        ? `fast-forwarding to the first signal, then ${this.speed}x`
        : `${this.speed}x`;
    const note = this.opts.note ? `; ${this.opts.note}` : '';
    return `DEMO market simulator (seed ${this.opts.seed}, ${pace}): simulated prices and clock, not a real market${note}`;
  }

  /** Market time now: wall time, accelerated by `speed` (and moved on by a fast-forward). */
  marketNow(): number {
    return this.clockBase + (this.now() - this.wallBase) * this.speed;
  }

  private market(symbol: string): SimulatedMarket {
    let m = this.markets.get(symbol);
    if (!m) {
      m = new SimulatedMarket(symbol, this.opts.seed, this.origin, this.step);
      this.markets.set(symbol, m);
    }
    return m;
  }

  /** Closed candles only: a candle exists once market time has passed its close. */
  private closedBefore(): number {
    return alignTime(this.timeframe, this.marketNow());
  }

  async history(symbol: string, from: number, to?: number): Promise<Candle[]> {
    const end = Math.min(to ?? Number.POSITIVE_INFINITY, this.closedBefore());
    return this.market(symbol).range(Math.max(from, this.origin), end);
  }

  async start(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    for (const [s, t] of after) this.last.set(s, t);
    this.current = 'live';
    this.loop = this.run(onCandle);
    this.loop.catch(() => {
      this.current = 'failed';
    });
  }

  /**
   * One base candle per symbol at a time, market time moved to its close, as fast as the handler
   * takes them; ends when told to or when its market-time budget is spent.
   */
  private async fastForward(onCandle: CandleHandler): Promise<void> {
    const startedAt = this.marketNow();
    let sinceYield = 0;
    while (!this.stopping && this.fastForwardLeft !== null) {
      if (this.fastForwardEnd === null && this.fastForwardLeft <= 0)
        this.fastForwardEnd = 'time budget spent';
      if (this.fastForwardEnd !== null) {
        const reason = this.fastForwardEnd;
        this.fastForwardLeft = null;
        this.opts.onFastForwardEnd?.(reason, Math.max(0, this.marketNow() - startedAt));
        return;
      }
      const next = Math.min(...[...this.last.values()].map((t) => t + this.step));
      if (!Number.isFinite(next)) {
        this.fastForwardLeft = null;
        return;
      }
      for (const symbol of [...this.last.keys()].sort()) {
        const c = this.market(symbol).range(next, next + this.step)[0];
        if (this.stopping || !c || (this.last.get(symbol) ?? Number.NEGATIVE_INFINITY) >= c.openTime)
          continue;
        await onCandle(symbol, c);
        this.last.set(symbol, c.openTime);
      }
      const close = next + this.step;
      if (close > this.marketNow()) {
        this.clockBase = close;
        this.wallBase = this.now();
      }
      this.fastForwardLeft -= this.step;
      // let the server answer requests between candles
      if (++sinceYield >= 64) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
  }

  private async run(onCandle: CandleHandler): Promise<void> {
    await this.fastForward(onCandle);
    while (!this.stopping) {
      const end = this.closedBefore();
      for (const symbol of [...this.last.keys()].sort()) {
        const from = (this.last.get(symbol) ?? this.origin - this.step) + this.step;
        for (const c of this.market(symbol).range(from, end)) {
          if (this.stopping || !this.last.has(symbol)) break;
          await onCandle(symbol, c);
          this.last.set(symbol, c.openTime);
        }
      }
      // wake up about when the next candle closes (market time scaled to wall time)
      const wait = Math.max(50, Math.min(1000, (end + this.step - this.marketNow()) / this.speed));
      await sleep(wait);
    }
  }

  /** Symbols join at market time now; during a fast-forward they are carried along with the rest. */
  async addSymbol(symbol: string, after?: number): Promise<void> {
    this.last.set(symbol, after ?? this.closedBefore() - this.step);
  }

  removeSymbol(symbol: string): void {
    this.last.delete(symbol);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.loop) await this.loop.catch(() => {});
    this.current = 'stopped';
  }
}
