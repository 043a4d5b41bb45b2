import { setTimeout as sleep } from 'node:timers/promises';
import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import { type FileInput, mergeFiles } from './file-inputs.js';
import type { CandleHandler, MarketSource, SourceState } from './source.js';

export interface ReplayOptions {
  readonly inputs: readonly FileInput[];
  readonly timeframe: Timeframe;
  /** Market time per wall time (60: one hour of candles per minute), or 'max' for no pacing. */
  readonly speed: number | 'max';
}

/**
 * Candle files replayed as if they were a live feed, at a chosen speed: for demos and for
 * exercising the live path on real data. Candles of all files are merged in time order.
 */
export class ReplaySource implements MarketSource {
  readonly kind = 'replay';
  readonly label = 'REPLAY' as const;
  readonly timeframe: Timeframe;
  private current: SourceState = 'idle';
  private stopping = false;
  private running: Promise<void> | null = null;
  private readonly removed = new Set<string>();
  private delivered = 0;

  constructor(private readonly opts: ReplayOptions) {
    this.timeframe = opts.timeframe;
    if (opts.speed !== 'max' && !(opts.speed > 0))
      throw new RangeError(`replay speed must be > 0 or "max", got ${opts.speed}`);
    for (const f of opts.inputs) {
      if (f.timeframe !== opts.timeframe) {
        throw new RangeError(`${f.path} holds ${f.timeframe} candles; the replay needs ${opts.timeframe}`);
      }
    }
  }

  state(): SourceState {
    return this.current;
  }

  describe(): string {
    const files = this.opts.inputs.map((f) => `${f.symbol} (${f.path})`).join(', ');
    return `replay of ${files} at ${this.opts.speed === 'max' ? 'maximum speed' : `${this.opts.speed}x`}; ${this.delivered} candles delivered`;
  }

  async tickSize(symbol: string): Promise<number | null> {
    return this.opts.inputs.find((f) => f.symbol === symbol)?.tickSize ?? null;
  }

  symbols(): string[] {
    return this.opts.inputs.map((f) => f.symbol);
  }

  async history(symbol: string, from: number, to = Number.POSITIVE_INFINITY): Promise<Candle[]> {
    const input = this.opts.inputs.filter((f) => f.symbol === symbol);
    const out: Candle[] = [];
    for await (const batch of mergeFiles(input)) {
      for (const { candle } of batch) if (candle.openTime >= from && candle.openTime < to) out.push(candle);
    }
    return out;
  }

  async start(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    if (this.running) throw new Error('replay already started');
    this.current = 'live';
    this.running = this.run(after, onCandle).then(
      () => {
        if (this.current === 'live') this.current = this.stopping ? 'stopped' : 'finished';
      },
      (e: unknown) => {
        this.current = 'failed';
        throw e;
      },
    );
    // a failure is reported through state(); keep the promise from being unhandled
    this.running.catch(() => {});
  }

  private async run(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    const speed = this.opts.speed;
    let lastMarket: number | null = null;
    let sinceYield = 0;
    for await (const batch of mergeFiles(this.opts.inputs)) {
      for (const { symbol, candle } of batch) {
        if (this.stopping) return;
        if (this.removed.has(symbol)) continue;
        const skipUpTo = after.get(symbol);
        if (skipUpTo !== undefined && candle.openTime <= skipUpTo) continue;
        if (speed !== 'max' && lastMarket !== null && candle.openTime > lastMarket) {
          await sleep((candle.openTime - lastMarket) / speed);
        } else if (++sinceYield >= 256) {
          // at full speed, let the server answer requests between candles
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
        lastMarket = candle.openTime;
        await onCandle(symbol, candle);
        this.delivered++;
      }
    }
  }

  async addSymbol(symbol: string): Promise<void> {
    if (!this.opts.inputs.some((f) => f.symbol === symbol)) {
      throw new RangeError(`the replay has no file for ${symbol}; it replays ${this.symbols().join(', ')}`);
    }
    this.removed.delete(symbol);
  }

  removeSymbol(symbol: string): void {
    this.removed.add(symbol);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.running) await this.running.catch(() => {});
    if (this.current === 'live' || this.current === 'idle') this.current = 'stopped';
  }

  /** Resolves when the replay has delivered everything (or stopped). */
  async finished(): Promise<void> {
    if (this.running) await this.running.catch(() => {});
  }
}
