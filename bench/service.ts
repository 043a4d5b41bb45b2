import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { readCandleRows } from '../src/adapters/market/candle-file.js';
import type { CandleHandler, MarketSource, SourceState } from '../src/adapters/market/source.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Candle } from '../src/core/candles/candle.js';
import { type Timeframe, timeframeMs } from '../src/core/candles/timeframe.js';
import type { Signal } from '../src/core/signals/types.js';
import type { EventBus } from '../src/runtime/bus/event-bus.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { DATA_DIR, fmt, median, table, writeResults } from './lib.js';

/**
 * The service end to end: candle close -> LiveRuntime (pipeline + SQLite) -> bus -> WebSocket ->
 * a real `ws` client, for 100 symbols; then one signal fanned out to 2,000 connected clients.
 *
 * Symbols: the five real 1m files of 2026-03-23..04-22 share one gap-free timeline. Each becomes
 * 20 symbols (BTC00USDT..BTC19USDT, ...): copy j is the real series started j days later
 * (re-timed onto the common timeline), its prices multiplied by 1 + j/20, volumes kept. The
 * time shift gives each copy its own stretch of real market, so the 20 copies of a coin do not
 * all signal on the same candle as pure price scaling would make them; the scaling keeps their
 * price levels apart.
 *
 * Latency: a minute's 100 closed 1m candles are handed to the runtime together, as an exchange
 * closes them; the time of each hand-over is recorded. Two sets of clients split the symbols
 * between them, one set in this process and one in a child process (on the other core): a
 * client in this process cannot read while the runtime is busy with the rest of the minute, a
 * client elsewhere can. All traffic stays on 127.0.0.1.
 */
const BASE_FILES: Record<string, string> = {
  BTC: 'binance_BTCUSDT_1m_20260323-20260422.csv.gz',
  ETH: 'binance_ETHUSDT_1m_20260323-20260422.csv.gz',
  SOL: 'binance_SOLUSDT_1m.csv.gz',
  XRP: 'binance_XRPUSDT_1m.csv.gz',
  BNB: 'binance_BNBUSDT_1m.csv.gz',
};
const COPIES = 20;
/** Days of candles stored before start, which the runtime's crash-only recovery replays as warm-up. */
const WARMUP_DAYS = 5;
/** Days of candles fed live after start; the first LIVE_WARMUP_MIN minutes are not measured. */
const LIVE_DAYS = 1.5;
const LIVE_WARMUP_MIN = 120;
/** Latency clients in each process; each subscribes to its share of the symbols. */
const LATENCY_CLIENTS = 10;
const SIGNAL_TIMEFRAMES: readonly Timeframe[] = ['15m', '1h', '4h'];
const FANOUT_CLIENTS = 2000;
const FANOUT_ROUNDS = 50;
const FANOUT_WARMUP_ROUNDS = 5;
/** Clients connecting at once; more would overflow the listen backlog and stall on SYN retries. */
const CONNECT_BATCH = 100;
const MINUTE = 60_000;
const DAY_MIN = 1440;
const CHILD_FLAG = '--alphapulse-bench-clients';

/**
 * Milliseconds of CLOCK_MONOTONIC: like performance.now(), but the same clock in every process
 * (performance.now() counts from each process's own start), so a child's receipt times compare
 * with this process's.
 */
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Columns {
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
}

async function loadColumns(file: string): Promise<Columns> {
  const rows: Candle[] = [];
  for await (const batch of readCandleRows(join(DATA_DIR, file)))
    for (const r of batch) if (r.ok) rows.push(r.candle);
  const n = rows.length;
  const cols = {
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
  rows.forEach((c, i) => {
    cols.openTime[i] = c.openTime;
    cols.open[i] = c.open;
    cols.high[i] = c.high;
    cols.low[i] = c.low;
    cols.close[i] = c.close;
    cols.volume[i] = c.volume;
  });
  return cols;
}

interface DerivedSymbol {
  readonly name: string;
  readonly base: Columns;
  /** Index offset into the base series (the time shift, in minutes). */
  readonly shift: number;
  readonly factor: number;
}

/** 100 symbols on one 1m timeline of `minutes` candles, starting at `timeline[start]`. */
class DerivedMarket {
  readonly symbols: DerivedSymbol[] = [];
  readonly index = new Map<string, number>();

  constructor(
    bases: ReadonlyMap<string, Columns>,
    readonly timeline: Float64Array,
    readonly start: number,
    readonly minutes: number,
    readonly shiftMin: number,
  ) {
    for (const [asset, cols] of bases) {
      for (let j = 0; j < COPIES; j++) {
        const name = `${asset}${String(j).padStart(2, '0')}USDT`;
        this.index.set(name, this.symbols.length);
        this.symbols.push({ name, base: cols, shift: j * shiftMin, factor: 1 + j / 20 });
      }
    }
  }

  openTime(minute: number): number {
    return this.timeline[this.start + minute];
  }

  candle(k: number, minute: number): Candle {
    const s = this.symbols[k];
    const i = this.start + minute + s.shift;
    const f = s.factor;
    return {
      openTime: this.timeline[this.start + minute],
      open: s.base.open[i] * f,
      high: s.base.high[i] * f,
      low: s.base.low[i] * f,
      close: s.base.close[i] * f,
      volume: s.base.volume[i],
    };
  }
}

/** Loads the five series, checks they share a gap-free timeline, and derives the 100 symbols. */
async function deriveMarket(): Promise<DerivedMarket | string> {
  const bases = new Map<string, Columns>();
  for (const [asset, file] of Object.entries(BASE_FILES)) bases.set(asset, await loadColumns(file));
  const all = [...bases.values()];
  const n = Math.min(...all.map((c) => c.length));
  const timeline = all[0].openTime;
  for (const c of all) {
    for (let i = 0; i < n; i++) {
      if (c.openTime[i] !== timeline[i]) return `the 1m files are not time-aligned at row ${i}`;
      if (i > 0 && c.openTime[i] - c.openTime[i - 1] !== MINUTE) return `a gap in a 1m file at row ${i}`;
    }
  }
  // start on a 4h boundary so every signal timeframe's first candle is complete
  const fourH = timeframeMs('4h');
  let start = 0;
  while (start < n && timeline[start] % fourH !== 0) start++;
  const minutes = (WARMUP_DAYS + LIVE_DAYS) * DAY_MIN;
  const room = n - start - minutes;
  if (room < COPIES - 1) return `the 1m files hold too few rows for ${WARMUP_DAYS + LIVE_DAYS} days`;
  const shiftMin = Math.min(DAY_MIN, Math.floor(room / (COPIES - 1)));
  return new DerivedMarket(bases, timeline, start, minutes, shiftMin);
}

/** What the feed tells the probe: when each symbol's candle was handed over, and burst bounds. */
interface FeedHooks {
  readonly handed: Float64Array;
  burstStart(minute: number): void;
  /** Resolves when the service has delivered everything the burst caused. */
  burstEnd(minute: number): Promise<void>;
}

/**
 * The live feed of the benchmark: candles from memory, minute by minute, all 100 symbols' 1m
 * closes at once (as an exchange closes them together), each handed to the runtime with the
 * time recorded. The next minute starts when the previous one's messages have
 * all reached the clients, so each burst meets an idle service, as a real minute would.
 */
class InMemoryFeed implements MarketSource {
  readonly kind = 'replay';
  readonly label = 'REPLAY' as const;
  readonly timeframe: Timeframe = '1m';
  private current: SourceState = 'idle';
  private stopping = false;
  private running: Promise<void> | null = null;
  private delivered = 0;

  async tickSize(): Promise<number | null> {
    return null;
  }

  constructor(
    private readonly market: DerivedMarket,
    private readonly from: number,
    private readonly hooks: FeedHooks,
  ) {}

  state(): SourceState {
    return this.current;
  }

  describe(): string {
    return `in-memory benchmark feed of ${this.market.symbols.length} symbols; ${this.delivered} candles delivered`;
  }

  async history(symbol: string, from: number, to = Number.POSITIVE_INFINITY): Promise<Candle[]> {
    const k = this.market.index.get(symbol);
    const out: Candle[] = [];
    if (k === undefined) return out;
    for (let m = 0; m < this.market.minutes; m++) {
      const t = this.market.openTime(m);
      if (t >= from && t < to) out.push(this.market.candle(k, m));
    }
    return out;
  }

  async start(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    if (this.running) throw new Error('feed already started');
    this.current = 'live';
    this.running = this.run(after, onCandle).then(
      () => {
        this.current = this.stopping ? 'stopped' : 'finished';
      },
      (e: unknown) => {
        this.current = 'failed';
        throw e;
      },
    );
    // finished() reports a failure; keep the promise from being unhandled until then
    this.running.catch(() => {});
  }

  private async run(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    const symbols = this.market.symbols;
    for (let m = this.from; m < this.market.minutes; m++) {
      if (this.stopping) return;
      this.hooks.burstStart(m);
      for (let k = 0; k < symbols.length; k++) {
        const candle = this.market.candle(k, m);
        const skipUpTo = after.get(symbols[k].name);
        if (skipUpTo !== undefined && candle.openTime <= skipUpTo) continue;
        this.hooks.handed[k] = hrMs();
        const pending = onCandle(symbols[k].name, candle);
        if (pending) await pending;
        this.delivered++;
      }
      await this.hooks.burstEnd(m);
    }
  }

  async addSymbol(symbol: string): Promise<void> {
    throw new RangeError(`the benchmark feed cannot add ${symbol}`);
  }

  removeSymbol(): void {}

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.running) await this.running.catch(() => {});
  }

  async finished(): Promise<void> {
    if (this.running) await this.running;
  }
}

/** Nearest-rank quantile. */
function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

/** Milliseconds per message, by part of the way (see `LatencyProbe`). */
interface Series {
  /** handed -> published on the bus: pipeline and SQLite transaction of its own candle. */
  processing: number[];
  /** handed -> received by a client in this process. */
  local: number[];
  localSinceBurst: number[];
  /** published -> end of the minute's burst: the later candles processed before this loop reads. */
  queued: number[];
  /** end of burst -> received in this process. */
  localDelivery: number[];
  /** handed -> received by a client in the child process. */
  remote: number[];
  remoteSinceBurst: number[];
  /** published -> received in the child process. */
  remoteTransit: number[];
}

const SERIES_KEYS: readonly (keyof Series)[] = [
  'processing',
  'local',
  'localSinceBurst',
  'queued',
  'localDelivery',
  'remote',
  'remoteSinceBurst',
  'remoteTransit',
];

function newSeries(): Series {
  return {
    processing: [],
    local: [],
    localSinceBurst: [],
    queued: [],
    localDelivery: [],
    remote: [],
    remoteSinceBurst: [],
    remoteTransit: [],
  };
}

/** A server message as the latency clients read it. */
interface ServerMessage {
  readonly type: string;
  readonly symbol?: string;
  readonly timeframe?: string;
  readonly candle?: { readonly openTime: number };
  readonly signal?: { readonly id: string; readonly symbol: string };
}

/** What a child's latency client saw: [symbol, timeframe or 'signal', candle openTime or signal id, receipt]. */
type RemoteItem = [string, string, number | string, number];

/** The message's kind and what identifies it, or null for replies (subscribed, snapshot). */
function identify(msg: ServerMessage): RemoteItem | null {
  if (msg.type === 'candle.closed' && msg.symbol !== undefined && msg.timeframe !== undefined)
    return [msg.symbol, msg.timeframe, msg.candle?.openTime ?? Number.NaN, 0];
  if (msg.type === 'signal.created' && msg.signal) return [msg.signal.symbol, 'signal', msg.signal.id, 0];
  return null;
}

/**
 * Times every message of the latency run. A bus listener registered before the WebSocket hub's
 * stamps the moment the runtime published (its transaction committed); clients in this process
 * and in the child stamp receipt. A minute ends when both sets have received all it caused.
 */
class LatencyProbe implements FeedHooks {
  readonly handed: Float64Array;
  private readonly published: Float64Array[];
  private readonly signalPublished = new Map<string, number>();
  readonly signals: Signal[] = [];
  readonly byKind = new Map<string, Series>();
  readonly burstMs: { withClose: number[]; without: number[] } = { withClose: [], without: [] };
  private minute = 0;
  private minuteCloseTime = 0;
  private burstStartAt = 0;
  private burstEndAt = 0;
  private expected = 0;
  private receivedLocal = 0;
  private receivedRemote = 0;
  private closesThisMinute = 0;
  private wake: (() => void) | null = null;
  /** Messages about a candle other than the one closing in the current minute (should stay 0). */
  stale = 0;

  constructor(
    private readonly market: DerivedMarket,
    private readonly measureFrom: number,
    private readonly remoteClients: boolean,
  ) {
    this.handed = new Float64Array(market.symbols.length);
    this.published = SIGNAL_TIMEFRAMES.map(() => new Float64Array(market.symbols.length));
    for (const tf of SIGNAL_TIMEFRAMES) this.byKind.set(`candle.closed ${tf}`, newSeries());
    this.byKind.set('signal.created', newSeries());
  }

  /** Starts stamping publications; returns the function that stops it. */
  listen(bus: EventBus): () => void {
    const offCandles = bus.on('candle.closed', (e) => {
      const t = SIGNAL_TIMEFRAMES.indexOf(e.timeframe);
      const k = this.market.index.get(e.symbol);
      if (t < 0 || k === undefined) return;
      this.published[t][k] = hrMs();
      this.expected++;
      this.closesThisMinute++;
    });
    const offSignals = bus.on('signal.created', (e) => {
      this.signalPublished.set(e.signal.id, hrMs());
      this.signals.push(e.signal);
      this.expected++;
    });
    return () => {
      offCandles();
      offSignals();
    };
  }

  burstStart(minute: number): void {
    this.minute = minute;
    this.minuteCloseTime = this.market.openTime(minute) + MINUTE;
    this.closesThisMinute = 0;
    this.burstStartAt = hrMs();
  }

  private allDelivered(): boolean {
    return (
      this.receivedLocal >= this.expected && (!this.remoteClients || this.receivedRemote >= this.expected)
    );
  }

  async burstEnd(): Promise<void> {
    this.burstEndAt = hrMs();
    if (this.minute >= this.measureFrom) {
      const ms = this.burstEndAt - this.burstStartAt;
      (this.closesThisMinute > 0 ? this.burstMs.withClose : this.burstMs.without).push(ms);
    }
    if (this.allDelivered()) {
      // let the server's I/O (and anything else queued) run between minutes
      await new Promise<void>((r) => setImmediate(r));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const missing = `${this.expected - this.receivedLocal} here, ${this.expected - this.receivedRemote} in the child`;
        reject(new Error(`minute ${this.minute}: messages missing (${missing})`));
      }, 30_000);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private checkDone(): void {
    if (this.wake && this.allDelivered()) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }

  /** When it was handed over and published, by kind, or null when the message is not timed. */
  private locate(item: RemoteItem): { kind: string; k: number; published: number | undefined } | null {
    const [symbol, what, key] = item;
    const k = this.market.index.get(symbol);
    if (k === undefined) return null;
    if (what === 'signal')
      return { kind: 'signal.created', k, published: this.signalPublished.get(String(key)) };
    const t = SIGNAL_TIMEFRAMES.indexOf(what as Timeframe);
    if (t < 0) return null;
    // it must be the candle that closed in this minute, else the timing would be wrong
    if (Number(key) + timeframeMs(SIGNAL_TIMEFRAMES[t]) !== this.minuteCloseTime) this.stale++;
    return { kind: `candle.closed ${what}`, k, published: this.published[t][k] };
  }

  onLocal(raw: WebSocket.RawData): void {
    const at = hrMs();
    const item = identify(JSON.parse(raw.toString()));
    if (!item) return;
    const where = this.locate(item);
    if (!where) return;
    this.receivedLocal++;
    const series = this.byKind.get(where.kind);
    if (this.minute >= this.measureFrom && series && where.published !== undefined) {
      const handed = this.handed[where.k];
      series.processing.push(where.published - handed);
      series.local.push(at - handed);
      series.localSinceBurst.push(at - this.burstStartAt);
      series.queued.push(this.burstEndAt - where.published);
      series.localDelivery.push(at - this.burstEndAt);
    }
    this.checkDone();
  }

  /** Receipts from the child; they come in before the minute ends (it waits for them). */
  onRemote(items: readonly RemoteItem[]): void {
    for (const item of items) {
      const where = this.locate(item);
      if (!where) continue;
      this.receivedRemote++;
      const series = this.byKind.get(where.kind);
      if (this.minute >= this.measureFrom && series && where.published !== undefined) {
        const at = item[3];
        series.remote.push(at - this.handed[where.k]);
        series.remoteSinceBurst.push(at - this.burstStartAt);
        series.remoteTransit.push(at - where.published);
      }
    }
    this.checkDone();
  }
}

async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Subscribes and resolves once the server's replies (subscribed, and a snapshot for `signals`) have come. */
async function subscribe(ws: WebSocket, message: object, replies: number): Promise<void> {
  await new Promise<void>((resolve) => {
    let left = replies;
    const count = () => {
      if (--left === 0) {
        ws.off('message', count);
        resolve();
      }
    };
    ws.on('message', count);
    ws.send(JSON.stringify(message));
  });
}

/** The latency clients: one per group of symbols, each on signals and the three candle channels. */
async function openLatencyClients(
  url: string,
  groups: readonly (readonly string[])[],
  onMessage: (raw: WebSocket.RawData) => void,
): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (const symbols of groups) {
    const ws = await openSocket(url);
    const channels = [
      'signals',
      ...symbols.flatMap((s) => SIGNAL_TIMEFRAMES.map((tf) => `candles:${s}:${tf}`)),
    ];
    await subscribe(ws, { op: 'subscribe', channels, filter: { symbols } }, 2);
    ws.on('message', onMessage);
    out.push(ws);
  }
  return out;
}

async function closeAll(sockets: readonly WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
}

/** One fan-out round as the clients saw it (hrMs). */
interface RoundArrival {
  readonly first: number;
  readonly median: number;
  readonly last: number;
  readonly count: number;
}

const SIGNAL_PREFIX = Buffer.from('{"type":"signal.created"');

/**
 * N clients subscribed to `signals`, counting arrivals by a prefix check instead of parsing, so
 * the receiving side does as little per message as a client can.
 */
class FanoutClients {
  private readonly sockets: WebSocket[] = [];
  private arrivals: number[] = [];

  constructor(private readonly onRound: (r: RoundArrival) => void) {}

  async connect(url: string, n: number): Promise<number> {
    const t0 = hrMs();
    for (let i = 0; i < n; i += CONNECT_BATCH) {
      const batch: Promise<WebSocket>[] = [];
      for (let j = i; j < Math.min(n, i + CONNECT_BATCH); j++) {
        batch.push(
          (async () => {
            const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
            await new Promise<void>((resolve, reject) => {
              ws.once('open', () => resolve());
              ws.once('error', reject);
            });
            await subscribe(ws, { op: 'subscribe', channels: ['signals'], filter: {} }, 2);
            ws.on('message', (data: WebSocket.RawData) => this.arrive(data));
            return ws;
          })(),
        );
      }
      this.sockets.push(...(await Promise.all(batch)));
    }
    return hrMs() - t0;
  }

  private arrive(data: WebSocket.RawData): void {
    const at = hrMs();
    if (
      !Buffer.isBuffer(data) ||
      data.compare(SIGNAL_PREFIX, 0, SIGNAL_PREFIX.length, 0, SIGNAL_PREFIX.length) !== 0
    )
      return;
    this.arrivals.push(at);
    if (this.arrivals.length === this.sockets.length) {
      const a = this.arrivals;
      this.arrivals = [];
      let first = a[0];
      let last = a[0];
      for (const x of a) {
        if (x < first) first = x;
        if (x > last) last = x;
      }
      this.onRound({ first, median: median(a), last, count: a.length });
    }
  }

  close(): Promise<void> {
    return closeAll(this.sockets);
  }
}

type ParentMessage =
  | { op: 'latency'; url: string; groups: string[][] }
  | { op: 'latency-close' }
  | { op: 'fanout'; url: string; clients: number }
  | { op: 'fanout-close' };
type ChildMessage =
  | { op: 'latency-ready' }
  | { op: 'got'; items: RemoteItem[] }
  | { op: 'latency-closed' }
  | { op: 'fanout-ready'; connectMs: number }
  | ({ op: 'round' } & RoundArrival)
  | { op: 'fanout-closed' };

/** The child process: WebSocket clients on their own core, reporting over IPC. Exits when the parent goes. */
function clientHost(): void {
  const send = (m: ChildMessage) => process.send?.(m);
  let latency: WebSocket[] = [];
  let fanoutClients: FanoutClients | null = null;
  let batch: RemoteItem[] = [];
  const flush = () => {
    const items = batch;
    batch = [];
    send({ op: 'got', items });
  };
  const onLatency = (raw: WebSocket.RawData) => {
    const at = hrMs();
    const item = identify(JSON.parse(raw.toString()));
    if (!item) return;
    item[3] = at;
    // one IPC message per loop turn, not per WebSocket message
    if (batch.length === 0) setImmediate(flush);
    batch.push(item);
  };
  const fail = (e: unknown) => {
    console.error(`benchmark client process: ${String(e)}`);
    process.exit(1);
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ParentMessage) => {
    switch (m.op) {
      case 'latency':
        openLatencyClients(m.url, m.groups, onLatency).then((ws) => {
          latency = ws;
          send({ op: 'latency-ready' });
        }, fail);
        break;
      case 'latency-close':
        closeAll(latency).then(() => send({ op: 'latency-closed' }), fail);
        break;
      case 'fanout': {
        const clients = new FanoutClients((r) => send({ op: 'round', ...r }));
        fanoutClients = clients;
        clients.connect(m.url, m.clients).then((connectMs) => send({ op: 'fanout-ready', connectMs }), fail);
        break;
      }
      case 'fanout-close':
        (fanoutClients?.close() ?? Promise.resolve()).then(() => send({ op: 'fanout-closed' }), fail);
        break;
    }
  });
}

/** The parent's handle on the child process. */
class ClientProcess {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: ChildMessage) => void>();
  private readonly exited: Promise<number | null>;

  constructor(
    onGot: (items: RemoteItem[]) => void,
    private readonly onRound: (r: RoundArrival) => void,
  ) {
    // fork inherits this process's execArgv, so tsx loads this same file in the child
    this.child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { stdio: 'inherit' });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.on('message', (m: ChildMessage) => {
      if (m.op === 'got') onGot(m.items);
      else if (m.op === 'round') this.onRound(m);
      else {
        const w = this.waiting.get(m.op);
        this.waiting.delete(m.op);
        w?.(m);
      }
    });
  }

  /** Sends `message` and resolves with the child's `reply`; rejects if the child dies first. */
  request<T extends ChildMessage['op']>(
    message: ParentMessage,
    reply: T,
  ): Promise<Extract<ChildMessage, { op: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.set(reply, (m) => resolve(m as Extract<ChildMessage, { op: T }>));
      this.exited.then((code) => reject(new Error(`the client process exited (${code}) before ${reply}`)));
      this.child.send(message);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.disconnect();
    await this.exited;
  }
}

function waitRound(): { promise: Promise<RoundArrival>; resolve: (r: RoundArrival) => void } {
  let resolve: (r: RoundArrival) => void = () => {};
  const promise = new Promise<RoundArrival>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

interface FanoutResult {
  readonly where: string;
  readonly connectMs: number;
  /** publish() to its return: the hub has handed the frame to all 2,000 sockets. */
  readonly sendMs: number[];
  readonly firstMs: number[];
  readonly medianMs: number[];
  readonly lastMs: number[];
}

/**
 * Publishes real signals through the runtime's bus, one at a time, each after the previous one
 * reached every client and a short pause.
 */
async function fanout(
  where: string,
  connectMs: number,
  bus: EventBus,
  signals: readonly Signal[],
  arm: () => Promise<RoundArrival>,
): Promise<FanoutResult> {
  const r: FanoutResult = { where, connectMs, sendMs: [], firstMs: [], medianMs: [], lastMs: [] };
  for (let i = 0; i < FANOUT_WARMUP_ROUNDS + FANOUT_ROUNDS; i++) {
    await new Promise((res) => setTimeout(res, 20));
    const arrival = arm();
    const t0 = hrMs();
    bus.publish({ type: 'signal.created', signal: signals[i % signals.length] });
    const t1 = hrMs();
    const a = await arrival;
    if (i < FANOUT_WARMUP_ROUNDS) continue;
    r.sendMs.push(t1 - t0);
    r.firstMs.push(a.first - t0);
    r.medianMs.push(a.median - t0);
    r.lastMs.push(a.last - t0);
  }
  return r;
}

const q2 = (xs: readonly number[], p: number): string => fmt(quantile(xs, p), 2);
const stats = (xs: readonly number[]) => ({
  count: xs.length,
  p50: quantile(xs, 0.5),
  p99: quantile(xs, 0.99),
  max: quantile(xs, 1),
});

export async function runServiceBench(): Promise<void> {
  if (!Object.values(BASE_FILES).every((f) => existsSync(join(DATA_DIR, f)))) {
    console.log(
      `service bench skipped: the 2026-03-23..04-22 1m files of BTC/ETH/SOL/XRP/BNB are not in ${DATA_DIR} (set ALPHAPULSE_DATA_DIR)`,
    );
    return;
  }
  const derived = await deriveMarket();
  if (typeof derived === 'string') {
    console.log(`service bench skipped: ${derived}`);
    return;
  }
  const market = derived;
  const names = market.symbols.map((s) => s.name);
  const dir = mkdtempSync(join(tmpdir(), 'alphapulse-service-bench-'));
  const db = openSqlite(join(dir, 'alphapulse.db'));
  const candleStore = new SqliteCandleStore(db);
  const signalStore = new SqliteSignalStore(db);
  const config = ConfigSchema.parse({
    symbols: names,
    live: { source: 'replay', replaySpeed: 'max' },
    // the rate limit counts per client IP, and every benchmark client is 127.0.0.1
    api: { host: '127.0.0.1', port: 0, rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } },
  });
  const warmupMin = WARMUP_DAYS * DAY_MIN;
  const measureFrom = warmupMin + LIVE_WARMUP_MIN;
  const probe = new LatencyProbe(market, measureFrom, true);
  const feed = new InMemoryFeed(market, warmupMin, probe);
  const runtime = new LiveRuntime({ config, source: feed, candles: candleStore, signals: signalStore });
  const stopProbe = probe.listen(runtime.bus);
  let pendingRound = waitRound();
  const clients = new ClientProcess(
    (items) => probe.onRemote(items),
    (r) => pendingRound.resolve(r),
  );
  const app = await buildApp({ runtime, signals: signalStore, candles: candleStore, config });

  try {
    // warm-up history goes into the store; start() replays it: the service's crash-only start path
    let t = hrMs();
    for (let k = 0; k < market.symbols.length; k++) {
      const rows: Candle[] = [];
      for (let m = 0; m < warmupMin; m++) rows.push(market.candle(k, m));
      await candleStore.upsertCandles({ exchange: feed.kind, symbol: names[k], timeframe: '1m' }, rows);
    }
    const storeMs = hrMs() - t;

    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const url = `ws://127.0.0.1:${port}/ws`;

    // the same split of the symbols in both processes: each event reaches one client on each side
    const perClient = Math.ceil(names.length / LATENCY_CLIENTS);
    const groups: string[][] = [];
    for (let c = 0; c < names.length; c += perClient) groups.push(names.slice(c, c + perClient));
    const localClients = await openLatencyClients(url, groups, (raw) => probe.onLocal(raw));
    await clients.request({ op: 'latency', url, groups }, 'latency-ready');

    t = hrMs();
    await runtime.start(names);
    const recoverMs = hrMs() - t;
    t = hrMs();
    await feed.finished();
    const liveMs = hrMs() - t;
    // the fan-out below re-publishes signals: they are not the run's
    stopProbe();
    const status = runtime.status();

    await closeAll(localClients);
    await clients.request({ op: 'latency-close' }, 'latency-closed');

    const liveMinutes = market.minutes - warmupMin;
    const measuredMinutes = liveMinutes - LIVE_WARMUP_MIN;
    console.log(
      `\n## Service: candle close -> WebSocket client (${names.length} symbols, 1m base, signals on ${SIGNAL_TIMEFRAMES.join('/')})`,
    );
    console.log(
      `warm-up: ${fmt(names.length * warmupMin)} candles (${WARMUP_DAYS} days) stored in ${fmt(storeMs)} ms, replayed by start() in ${fmt(recoverMs)} ms ` +
        `(${fmt((recoverMs * 1000) / (names.length * warmupMin), 1)} us/candle); live: ${fmt(names.length * liveMinutes)} candles in ${fmt(liveMs)} ms, ` +
        `the last ${fmt(measuredMinutes)} minutes measured; ${groups.length} clients here + ${groups.length} in a child process; copy shift ${market.shiftMin} min`,
    );
    const all = newSeries();
    for (const s of probe.byKind.values()) for (const key of SERIES_KEYS) all[key] = all[key].concat(s[key]);
    const kinds: [string, Series][] = [...probe.byKind, ['all messages', all]];
    console.log(
      table(
        [
          'message',
          'count',
          'client in this process: p50 / p99 / max ms',
          'client in child process: p50 / p99 / max ms',
          'child, from start of minute burst: p50 / p99',
        ],
        kinds.map(([kind, s]) => [
          kind,
          fmt(s.local.length),
          `${q2(s.local, 0.5)} / ${q2(s.local, 0.99)} / ${q2(s.local, 1)}`,
          `${q2(s.remote, 0.5)} / ${q2(s.remote, 0.99)} / ${q2(s.remote, 1)}`,
          `${q2(s.remoteSinceBurst, 0.5)} / ${q2(s.remoteSinceBurst, 0.99)}`,
        ]),
      ),
    );
    const parts: [string, keyof Series][] = [
      ['own candle: pipeline + SQLite transaction until published on the bus', 'processing'],
      ['child: published -> received (ws send, loopback, other process reads)', 'remoteTransit'],
      ['this process: published -> end of the minute burst (later candles)', 'queued'],
      ['this process: end of burst -> received (event loop, loopback, ws)', 'localDelivery'],
    ];
    console.log('\nwhere the time goes (all messages):');
    console.log(
      table(
        ['part', 'p50 ms', 'p99 ms'],
        parts.map(([label, key]) => [label, q2(all[key], 0.5), q2(all[key], 0.99)]),
      ),
    );
    const bw = probe.burstMs;
    console.log(
      `minute burst (${names.length} candles handed over and processed): p50 ${q2(bw.without, 0.5)} / p99 ${q2(bw.without, 0.99)} ms ` +
        `in the ${fmt(bw.without.length)} minutes without a signal-timeframe close, p50 ${q2(bw.withClose, 0.5)} / p99 ${q2(bw.withClose, 0.99)} ms ` +
        `in the ${fmt(bw.withClose.length)} with one; runtime per candle (its last 2,048): p50 ${fmt(status.pipeline.p50Us ?? Number.NaN)} / p99 ${fmt(status.pipeline.p99Us ?? Number.NaN)} us`,
    );
    if (probe.stale) console.log(`WARNING: ${probe.stale} candle messages arrived in a later minute`);

    // fan-out: real signals of this run, re-published through the same bus
    const signals = probe.signals.slice(0, FANOUT_ROUNDS);
    const payloadBytes = signals.map((s) =>
      Buffer.byteLength(JSON.stringify({ type: 'signal.created', signal: s })),
    );
    const liveSignals = runtime.liveSignals();
    const snapshotBytes = Buffer.byteLength(JSON.stringify({ type: 'snapshot', signals: liveSignals }));
    const results: FanoutResult[] = [];
    if (signals.length === 0) {
      console.log('fan-out skipped: the run produced no signal');
    } else {
      const arm = () => {
        pendingRound = waitRound();
        return pendingRound.promise;
      };
      const ready = await clients.request({ op: 'fanout', url, clients: FANOUT_CLIENTS }, 'fanout-ready');
      results.push(await fanout('child process', ready.connectMs, runtime.bus, signals, arm));
      await clients.request({ op: 'fanout-close' }, 'fanout-closed');
      const local = new FanoutClients((r) => pendingRound.resolve(r));
      const connectMs = await local.connect(url, FANOUT_CLIENTS);
      results.push(await fanout('this process', connectMs, runtime.bus, signals, arm));
      await local.close();
      console.log(
        `\n## Service: one signal to ${fmt(FANOUT_CLIENTS)} WebSocket clients (${signals.length} real signals from the run above, ` +
          `${fmt(median(payloadBytes))} bytes median; times from publish on the bus)`,
      );
      console.log(
        table(
          [
            'clients in',
            'connect + subscribe ms',
            'server send: p50 / p99 ms',
            'first client: p50 / p99',
            'median client: p50 / p99',
            'last client: p50 / p99',
            'clients/s (to the last, p50)',
          ],
          results.map((r) => [
            r.where,
            fmt(r.connectMs),
            `${q2(r.sendMs, 0.5)} / ${q2(r.sendMs, 0.99)}`,
            `${q2(r.firstMs, 0.5)} / ${q2(r.firstMs, 0.99)}`,
            `${q2(r.medianMs, 0.5)} / ${q2(r.medianMs, 0.99)}`,
            `${q2(r.lastMs, 0.5)} / ${q2(r.lastMs, 0.99)}`,
            fmt((FANOUT_CLIENTS / quantile(r.lastMs, 0.5)) * 1000),
          ]),
        ),
      );
      console.log(
        `(each client got the snapshot on subscribe: ${liveSignals.length} live signals, ${fmt(snapshotBytes)} bytes)`,
      );
    }

    writeResults('service', {
      symbols: names.length,
      derivation: `5 real 1m series (${Object.values(BASE_FILES).join(', ')}) x ${COPIES} copies: copy j starts j*${market.shiftMin} minutes later, prices x (1 + j/20)`,
      signal_timeframes: SIGNAL_TIMEFRAMES,
      warmup_days: WARMUP_DAYS,
      live_days: LIVE_DAYS,
      unmeasured_live_minutes: LIVE_WARMUP_MIN,
      latency_clients_per_process: groups.length,
      store_warmup_ms: storeMs,
      recover_ms: recoverMs,
      recover_candles: names.length * warmupMin,
      live_ms: liveMs,
      live_candles: names.length * liveMinutes,
      latency_ms: Object.fromEntries(
        kinds.map(([kind, s]) => [kind, Object.fromEntries(SERIES_KEYS.map((key) => [key, stats(s[key])]))]),
      ),
      burst_ms: { without_close: stats(bw.without), with_close: stats(bw.withClose) },
      runtime_per_candle_us: { p50: status.pipeline.p50Us, p99: status.pipeline.p99Us },
      stale_messages: probe.stale,
      signals_created: probe.signals.length,
      fanout: {
        clients: FANOUT_CLIENTS,
        rounds: FANOUT_ROUNDS,
        warmup_rounds: FANOUT_WARMUP_ROUNDS,
        distinct_signals: signals.length,
        payload_bytes_median: payloadBytes.length ? median(payloadBytes) : null,
        snapshot_signals: liveSignals.length,
        snapshot_bytes: snapshotBytes,
        results: results.map((r) => ({
          ...r,
          send: stats(r.sendMs),
          last: stats(r.lastMs),
          clients_per_s_to_last_p50: (FANOUT_CLIENTS / quantile(r.lastMs, 0.5)) * 1000,
        })),
      },
    });
  } finally {
    await app.close().catch(() => {});
    await clients.stop();
    await runtime.stop().catch(() => {});
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes(CHILD_FLAG)) clientHost();
