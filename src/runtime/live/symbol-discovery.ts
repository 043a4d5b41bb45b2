import type { RuntimeView } from './runtime-view.js';

export type DiscoveryLog = (level: 'info' | 'warn', msg: string) => void;

export interface SymbolDiscoveryOptions {
  /** The running service: what it follows, its live signals, and the bus their closes come on. */
  readonly runtime: Pick<RuntimeView, 'bus' | 'symbols' | 'addSymbol' | 'removeSymbol' | 'liveSignals'>;
  /** The top N now (e.g. `CcxtSource.topSymbols`); rejects when the exchange cannot rank them. */
  readonly discover: () => Promise<readonly string[]>;
  /** What `discover` ranks, for the log: "top 20 USDT spot markets on binance". */
  readonly describe: string;
  /** How often to rank again (ms); 0: never after start. */
  readonly refreshMs: number;
  readonly log: DiscoveryLog;
}

/** What one refresh changed. */
export interface RefreshResult {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Out of the top N but kept: they have a pending or active signal, and go when it closes. */
  readonly retiring: readonly string[];
  /** Why the ranking failed (nothing changed then); null when it worked. */
  readonly failure: string | null;
}

/**
 * Keeps a live service on the top N markets by volume: ranks them again every `refreshMs`,
 * adds newcomers and drops the ones that left, but never a symbol with a pending or active
 * signal: that one stays (retiring) until its last live signal closes, then goes. A failed
 * ranking changes nothing and is logged once, until one works again.
 */
export class SymbolDiscovery {
  private readonly retiring = new Set<string>();
  private failing = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RefreshResult> | null = null;
  private readonly off: (() => void)[] = [];

  constructor(private readonly opts: SymbolDiscoveryOptions) {}

  /** Starts the refresh timer and the watch on retiring symbols' signals. */
  start(): void {
    const bus = this.opts.runtime.bus;
    this.off.push(
      bus.on('outcome.closed', (e) => this.onSignalClosed(e.signal.symbol)),
      bus.on('signal.updated', (e) => this.onSignalClosed(e.signal.symbol)),
    );
    if (this.opts.refreshMs > 0) {
      this.timer = setInterval(() => {
        this.refresh().catch((e: unknown) => this.opts.log('warn', `symbol refresh failed: ${String(e)}`));
      }, this.opts.refreshMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const off of this.off.splice(0)) off();
  }

  /** Symbols kept only until their live signals close. */
  retiringSymbols(): readonly string[] {
    return [...this.retiring].sort();
  }

  /** Ranks the markets now and follows the result (one refresh at a time). */
  refresh(): Promise<RefreshResult> {
    this.running ??= this.refreshNow().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refreshNow(): Promise<RefreshResult> {
    let top: readonly string[];
    try {
      top = await this.opts.discover();
      if (top.length === 0) throw new Error('no market qualifies');
    } catch (e) {
      const failure = e instanceof Error ? e.message : String(e);
      if (!this.failing) {
        this.opts.log(
          'warn',
          `cannot rank the ${this.opts.describe} (${failure}); keeping the symbols followed now until it works again (said once)`,
        );
      }
      this.failing = true;
      return { added: [], removed: [], retiring: this.retiringSymbols(), failure };
    }
    if (this.failing) this.opts.log('info', `ranking the ${this.opts.describe} works again`);
    this.failing = false;

    const runtime = this.opts.runtime;
    const wanted = new Set(top);
    const added: string[] = [];
    const removed: string[] = [];
    for (const symbol of top) {
      this.retiring.delete(symbol);
      if (runtime.symbols().includes(symbol)) continue;
      try {
        await runtime.addSymbol(symbol);
        added.push(symbol);
      } catch (e) {
        this.opts.log('warn', `cannot follow ${symbol}, new in the ${this.opts.describe}: ${String(e)}`);
      }
    }
    for (const symbol of runtime.symbols()) {
      if (wanted.has(symbol)) continue;
      if (this.hasLiveSignals(symbol)) {
        this.retiring.add(symbol);
        continue;
      }
      await runtime.removeSymbol(symbol);
      this.retiring.delete(symbol);
      removed.push(symbol);
    }
    if (added.length || removed.length || this.retiring.size) {
      const retiring = this.retiringSymbols();
      this.opts.log(
        'info',
        `${this.opts.describe}: added ${added.join(', ') || 'none'}; dropped ${removed.join(', ') || 'none'}${retiring.length ? `; kept until their signals close: ${retiring.join(', ')}` : ''}`,
      );
    }
    return { added, removed, retiring: this.retiringSymbols(), failure: null };
  }

  private hasLiveSignals(symbol: string): boolean {
    return this.opts.runtime.liveSignals().some((s) => s.symbol === symbol);
  }

  private onSignalClosed(symbol: string): void {
    if (!this.retiring.has(symbol) || this.hasLiveSignals(symbol)) return;
    this.retiring.delete(symbol);
    this.opts.runtime.removeSymbol(symbol).then(
      () =>
        this.opts.log(
          'info',
          `${symbol}: its last live signal closed; dropped (left the ${this.opts.describe})`,
        ),
      (e: unknown) => this.opts.log('warn', `cannot drop ${symbol}: ${String(e)}`),
    );
  }
}
