import { z } from 'zod';
import { engineConfigSchema } from '../core/pipeline/engine-settings.js';
import { BUILTIN_REGISTRY, type StrategyRegistry } from '../core/strategies/registry.js';

/**
 * The one configuration schema of AlphaPulse. Every field carries its default and a
 * description; `alphapulse config --print` renders both. Unknown keys are errors, so a typo
 * fails at start instead of being ignored.
 */
export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const StoreConfig = z
  .object({
    driver: z
      .enum(['sqlite', 'postgres'])
      .default('sqlite')
      .describe(
        'Storage backend. sqlite is embedded and needs no service; postgres is chosen by setting url.',
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .describe('SQLite database file. Default: <dataDir>/alphapulse.db. Env: ALPHAPULSE_DB; CLI: --db.'),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'a PostgreSQL URL like postgres://user:password@host:5432/database')
      .optional()
      .describe(
        'PostgreSQL connection URL; when set the store is PostgreSQL (see docs/STORE.md). Env: DATABASE_URL or ALPHAPULSE_STORE__URL.',
      ),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain schema name: lower-case letters, digits and _')
      .optional()
      .describe('PostgreSQL schema of the tables (created when missing). Default: the server search_path.'),
    poolSize: z.number().int().min(2).max(200).default(10).describe('PostgreSQL connections per process.'),
    writeBuffer: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe(
        'Candle commits the live service holds in memory while the store is unreachable; when full it stops taking candles (nothing is dropped) and backfills once the store is back.',
      ),
    retryMs: z
      .number()
      .int()
      .min(10)
      .max(600_000)
      .default(500)
      .describe('First wait before retrying a commit the store could not take; doubles up to retryMaxMs.'),
    retryMaxMs: z
      .number()
      .int()
      .min(10)
      .max(3_600_000)
      .default(30_000)
      .describe('Longest wait between retries.'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(8192)
      .describe('Rows per insert batch when importing candles.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.driver === 'postgres' && s.url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'the postgres driver needs store.url (postgres://...) or DATABASE_URL',
      });
    }
  });

export const LogConfig = z
  .object({
    level: LogLevel.default('info').describe('Log level (pino). Env: ALPHAPULSE_LOG__LEVEL.'),
    pretty: z.boolean().default(false).describe('Human-readable log lines instead of JSON.'),
  })
  .strict();

export const LiveConfig = z
  .object({
    source: z
      .enum(['binance', 'replay', 'demo'])
      .default('binance')
      .describe(
        'Market source: binance (any ccxt exchange via `exchange`), replay of files, or the demo simulator.',
      ),
    fallbackToDemo: z
      .boolean()
      .default(true)
      .describe('When the exchange cannot be reached at start, say so and run the demo source instead.'),
    connectTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(5000)
      .describe('How long to wait for the exchange at start.'),
    warmupDays: z
      .number()
      .positive()
      .max(365)
      .default(35)
      .describe('Days of base candles replayed into the pipeline at start (35 covers EMA 200 on 4h).'),
    replaySpeed: z
      .union([z.number().positive(), z.literal('max')])
      .default(60)
      .describe('Replay pace: market time per wall time (60 = one hour per minute) or "max".'),
    demoSeed: z.number().int().default(42).describe('Seed of the demo market simulator.'),
    demoSpeed: z
      .number()
      .positive()
      .max(100_000)
      .default(300)
      .describe(
        'Pace of the demo simulator: market time per wall time (300 = five simulated hours per minute, so a newcomer sees signals and their outcomes within minutes). CLI: --speed.',
      ),
    demoFastForwardHours: z
      .number()
      .min(0)
      .max(720)
      .default(72)
      .describe(
        'After its warm-up the demo runs its simulated market as fast as the engine takes it until the first signal, at most this many simulated hours, then at demoSpeed (0: off). Logged and shown in the dashboard.',
      ),
    demoShowcase: z
      .boolean()
      .default(true)
      .describe(
        "On the demo source only: relax the two filters under which the simulator's calm market makes no signal at the shipped research defaults (minRewardRisk to 0.8, minStopCostMultiple to 0), so the demo shows the engine at work. Publication is untouched: unvalidated slices stay unpublished. Logged and shown in the dashboard. false: the demo runs the engine exactly as configured.",
      ),
    exchangeUrls: z
      .object({
        api: z.record(z.string(), z.string().url()).optional(),
        ws: z.record(z.string(), z.string().url()).optional(),
      })
      .strict()
      .optional()
      .describe(
        "Override the exchange's REST (`api`) and WebSocket (`ws`) base URLs by ccxt key, e.g. a testnet or a local mirror (binance: api.public, api.private, api.v1, ws.spot).",
      ),
    discoverTopSymbols: z
      .number()
      .int()
      .min(0)
      .max(200)
      .default(20)
      .describe(
        '0 = use `symbols`; N > 0 (default 20) = follow the top N spot markets quoted in `discoverQuote` (USDT) by 24h quote volume, asked at start and every `discoverRefreshHours` (live exchange only; stablecoin pairs and leveraged tokens left out; the demo and replays follow their own symbols). Env: ALPHAPULSE_LIVE__DISCOVER_TOP_SYMBOLS.',
      ),
    discoverRefreshHours: z
      .number()
      .min(0)
      .max(24 * 7)
      .default(4)
      .describe(
        'Rank the markets again this often (hours; 0: only at start). Newcomers to the top N are added; symbols that left it are dropped, except those with a pending or active signal, which stay until their signals close.',
      ),
    fallbackSymbols: z
      .array(z.string().regex(/^[A-Z0-9]{2,20}$/, 'symbols are upper-case letters and digits, like BTCUSDT'))
      .min(1)
      .default([
        'BTCUSDT',
        'ETHUSDT',
        'BNBUSDT',
        'SOLUSDT',
        'XRPUSDT',
        'DOGEUSDT',
        'ADAUSDT',
        'TRXUSDT',
        'LINKUSDT',
        'AVAXUSDT',
      ])
      .describe(
        'Major pairs followed when discovery fails at start (logged once); a later refresh that works replaces them with the top N.',
      ),
    discoverQuote: z
      .string()
      .regex(/^[A-Z0-9]{2,10}$/, 'a quote currency is upper-case letters and digits, like USDT')
      .default('USDT')
      .describe('Quote currency of the markets `discoverTopSymbols` ranks (e.g. USDT, USDC, BTC).'),
  })
  .strict();

/** A list given as YAML/JSON array, or as one comma-separated string (how env variables carry lists). */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x.length > 0)
        : v,
    z.array(item),
  );
}

export const PortfolioConfig = z
  .object({
    riskPerTrade: z
      .number()
      .positive()
      .max(1)
      .default(0.01)
      .describe(
        'The equity curves (backtest, track record) risk this fraction of equity per trade at its stop (0.01 = 1 %).',
      ),
    maxOpenRisk: z
      .number()
      .positive()
      .max(10)
      .default(0.1)
      .describe(
        'Open trades together risk at most this fraction of equity; later ones are reduced or skipped.',
      ),
  })
  .strict();

export const ApiConfig = z
  .object({
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(8000)
      .describe('HTTP port of the REST API and WebSocket.'),
    host: z.string().min(1).default('0.0.0.0').describe('Interface the API listens on.'),
    adminKeys: listOf(z.string().min(16, 'admin keys must be at least 16 characters'))
      .default([])
      .describe(
        'Bearer keys for admin routes (adding/removing symbols). None: admin routes are refused. Env: ALPHAPULSE_API__ADMIN_KEYS=key1,key2.',
      ),
    corsOrigins: listOf(z.string().min(1))
      .default([])
      .describe(
        'Origins allowed to call the API from a browser (exact match, e.g. https://app.example.com). None: no CORS.',
      ),
    rateLimit: z
      .object({
        max: z
          .number()
          .int()
          .min(1)
          .default(300)
          .describe('API requests (/api/...) per client IP per window.'),
        timeWindowMs: z.number().int().min(1).default(60_000).describe('Rate-limit window in milliseconds.'),
        assetsMax: z
          .number()
          .int()
          .min(1)
          .default(1200)
          .describe(
            "Requests for the dashboard's own files (everything outside /api and /ws) per client IP per window: a budget apart from the API's, so loading the page does not spend it.",
          ),
      })
      .strict()
      .default({ max: 300, timeWindowMs: 60_000, assetsMax: 1200 })
      .describe(
        'Per-IP request budgets. WebSocket upgrades are not counted here: they have their own limits under `websocket`; /health, /ready and /metrics are never limited.',
      ),
    trustProxy: z
      .union([z.boolean(), z.number().int().min(1), listOf(z.string().min(1))])
      .default(false)
      .describe(
        "Behind a reverse proxy, trust its X-Forwarded-For so each user has their own budget instead of all sharing the proxy's: true (any hop), the number of proxy hops, or the proxy addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8). false (default): the socket address counts. Env: ALPHAPULSE_API__TRUST_PROXY.",
      ),
    websocket: z
      .object({
        maxConnections: z
          .number()
          .int()
          .min(1)
          .default(10_000)
          .describe('Open WebSocket connections the server accepts in all; past it an upgrade gets 503.'),
        maxConnectionsPerIp: z
          .number()
          .int()
          .min(1)
          .default(2000)
          .describe(
            'Open WebSocket connections from one client IP; past it an upgrade gets 429. (Many users can share one address behind NAT, hence the high default.)',
          ),
        messagesPerSecond: z
          .number()
          .int()
          .min(1)
          .default(20)
          .describe(
            'Messages a connection may send per second on average (token bucket); a burst of `messageBurst` is allowed. Past it the messages are dropped with one error reply per second at most.',
          ),
        messageBurst: z
          .number()
          .int()
          .min(1)
          .default(40)
          .describe('Messages a connection may send at once before `messagesPerSecond` applies.'),
        maxSubscriptions: z
          .number()
          .int()
          .min(1)
          .default(100)
          .describe('Channels one connection may hold at a time; a subscribe past it is refused.'),
        maxBufferedBytes: z
          .number()
          .int()
          .min(1024)
          .default(1024 * 1024)
          .describe('Unsent bytes a client may have queued before it is dropped (close 1013) as too slow.'),
      })
      .strict()
      .default({
        maxConnections: 10_000,
        maxConnectionsPerIp: 2000,
        messagesPerSecond: 20,
        messageBurst: 40,
        maxSubscriptions: 100,
        maxBufferedBytes: 1024 * 1024,
      })
      .describe('WebSocket limits (/ws, /ws/signals, /ws/notifications, /ws/subscriber).'),
    bodyLimitBytes: z.number().int().min(1).default(65_536).describe('Largest accepted request body.'),
    requestTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe(
        'A request that has not been fully received and answered in this time is dropped (0: no limit).',
      ),
  })
  .strict();

export const RedisConfig = z
  .object({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'a Redis URL starts with redis:// or rediss://')
      .nullable()
      .default(null)
      .describe(
        'Redis (redis://host:6379). When set: the shared cache (latest signals per timeframe, multi-timeframe context, dedup keys), the API rate-limit counters, the event stream between workers and gateways (see docs/DEPLOYMENT.md), and the job queue of alphapulse optimize. Unreachable at run time: the process keeps going on its in-memory cache and says so in /ready. Env: REDIS_URL or ALPHAPULSE_REDIS_URL.',
      ),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : -')
      .default('alphapulse')
      .describe(
        'Prefix of every key and stream AlphaPulse writes (several deployments can share one Redis).',
      ),
    signalTtlS: z
      .number()
      .int()
      .min(1)
      .default(900)
      .describe('Time to live of the cached latest signal batch per timeframe, in seconds (15 minutes).'),
    contextTtlS: z
      .number()
      .int()
      .min(1)
      .default(3600)
      .describe('Time to live of the cached multi-timeframe context per symbol, in seconds.'),
    dedupTtlS: z
      .number()
      .int()
      .min(60)
      .default(86_400)
      .describe(
        'How long an event key is remembered (SET NX) so an event offered to the stream twice (a retry, a shard taken over) goes out once.',
      ),
    streamMaxLen: z
      .number()
      .int()
      .min(1000)
      .default(100_000)
      .describe('Events kept in the stream (approximately); consumed ones beyond it are trimmed.'),
    claimIdleMs: z
      .number()
      .int()
      .min(100)
      .default(30_000)
      .describe(
        'A stream entry read by a consumer and not acknowledged for this long is claimed by another consumer of its group.',
      ),
  })
  .strict();

export const ClusterConfig = z
  .object({
    leasePollMs: z
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(1000)
      .describe(
        "How often a worker tries the shard leases it does not hold (PostgreSQL advisory locks): a dead worker's shard is taken over within about this plus takeoverGraceMs.",
      ),
    takeoverGraceMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(10_000)
      .describe(
        "A worker starts taking over other workers' shards only this long after its own start, so workers starting together each get their own shard first.",
      ),
    commandTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe(
        'How long a gateway waits for the worker of a shard to answer an operator action it relayed (close, cancel, evaluate) before answering 503.',
      ),
  })
  .strict();

const DAY_MS = 86_400_000;

export const DeliveryConfig = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Deliver published signals to subscribers (channels, credits, outbox, relays).'),
    cycleMs: z
      .number()
      .int()
      .min(1000)
      .max(DAY_MS)
      .refine((v) => DAY_MS % v === 0, 'cycleMs must divide a day (86400000) evenly, e.g. 60000')
      .default(60_000)
      .describe(
        'A delivery cycle in market time: a channel sends a subscriber at most one signal per cycle, the highest-confidence match.',
      ),
    batchWaitMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(500)
      .describe(
        'How long published signals wait for the rest of their cycle before the cycle is delivered anyway.',
      ),
    defaultMaxDailyEvents: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('max_daily_events of a channel created without one: signals per subscriber per UTC day.'),
    defaultPrice: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('Credits per delivered signal of a channel created without a price.'),
    retryWindowMs: z
      .number()
      .int()
      .min(1000)
      .default(DAY_MS)
      .describe(
        'A delivery not made within this time of its creation is dead-lettered and its credits released.',
      ),
    webhookTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe('A webhook receiver must answer 2xx within this time to count as delivered.'),
    webhookConcurrency: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(32)
      .describe('Webhook requests in flight at once.'),
    allowPrivateWebhookTargets: z
      .boolean()
      .default(false)
      .describe(
        'Accept webhook URLs on private, loopback or link-local addresses (tests, a private network).',
      ),
    leaseMs: z
      .number()
      .int()
      .min(1000)
      .default(60_000)
      .describe(
        'A row taken for sending is taken again after this long when its relay did not report (it died).',
      ),
  })
  .strict();

export const TelegramConfig = z
  .object({
    token: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Bot token from @BotFather. None: the bot and Telegram delivery are off. Env: ALPHAPULSE_TELEGRAM__TOKEN.',
      ),
    apiRoot: z
      .string()
      .url()
      .default('https://api.telegram.org')
      .describe('Bot API root (a local Bot API server, or a fake one in tests).'),
    mode: z
      .enum(['polling', 'webhook'])
      .default('polling')
      .describe('How the bot receives updates: long polling, or a webhook Telegram calls.'),
    webhookUrl: z
      .string()
      .url()
      .optional()
      .describe('Public HTTPS URL Telegram posts updates to (mode webhook); its path is served by the API.'),
    webhookSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'a webhook secret is 16 to 256 letters, digits, _ or -')
      .optional()
      .describe('Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (mode webhook); required there.'),
    globalPerSecond: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(30)
      .describe('Messages per second, all chats together.'),
    perChatPerSecond: z
      .number()
      .min(0.01)
      .max(100)
      .default(1)
      .describe('Messages per second to one private chat.'),
    perGroupPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(20)
      .describe('Messages per minute to one group.'),
  })
  .strict()
  .refine((t) => t.mode !== 'webhook' || (t.webhookUrl !== undefined && t.webhookSecret !== undefined), {
    message: 'telegram.mode webhook needs telegram.webhookUrl and telegram.webhookSecret',
  });

/** The whole configuration's schema, for the strategy families of `registry`. */
export function configSchema(registry: StrategyRegistry = BUILTIN_REGISTRY) {
  const engine = engineConfigSchema(registry);
  return z
    .object({
      dataDir: z
        .string()
        .min(1)
        .default('./data')
        .describe('Folder for the database and other files AlphaPulse writes.'),
      exchange: z
        .string()
        .min(1)
        .default('binance')
        .describe('Exchange name used when none is given (ccxt id).'),
      symbols: z
        .array(
          z.string().regex(/^[A-Z0-9]{2,20}$/, 'symbols are upper-case letters and digits, like BTCUSDT'),
        )
        .min(1)
        .default(['BTCUSDT', 'ETHUSDT'])
        .describe('Symbols the service watches.'),
      strategyPaths: listOf(z.string().min(1))
        .default([])
        .describe(
          'Strategy files (.ts or .js, each exporting a StrategyDefinition) loaded beside the built-in families; see docs/STRATEGIES.md. CLI: --strategy-path (repeatable).',
        ),
      engine: engine.prefault({}).describe('The signal engine: timeframes, strategies, scoring, risk.'),
      live: LiveConfig.default(LiveConfig.parse({})).describe(
        'The live service: market source, warm-up, replay speed.',
      ),
      portfolio: PortfolioConfig.prefault({}).describe(
        'How the equity curves size trades: fixed fractional risk with a cap on open risk.',
      ),
      store: StoreConfig.default(StoreConfig.parse({})),
      redis: RedisConfig.prefault({}).describe('Redis, for the shared parts of a production deployment.'),
      cluster: ClusterConfig.prefault({}).describe(
        'Several processes (serve --role worker/gateway): shard leases and takeover (docs/DEPLOYMENT.md).',
      ),
      delivery: DeliveryConfig.prefault({}).describe(
        'Delivery to subscribers: cycles, caps, retries, webhook targets.',
      ),
      telegram: TelegramConfig.prefault({}).describe('The Telegram bot: token, update mode, send limits.'),
      log: LogConfig.default(LogConfig.parse({})),
      api: ApiConfig.default(ApiConfig.parse({})).describe('The REST API and WebSocket server.'),
    })
    .strict();
}

/** The configuration schema with the built-in strategy families. */
export const ConfigSchema = configSchema();
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
