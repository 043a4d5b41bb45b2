import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { RedisConnection } from '../src/adapters/redis/redis-connection.js';
import { symbolsOfShard } from '../src/runtime/cluster/shard.js';
import { compileCli } from '../test/support/build-cli.js';
import {
  CLUSTER_SYMBOLS,
  dropRedisPrefix,
  freshPrefix,
  type WorkerStatus,
  workerDone,
  writeClusterConfig,
} from '../test/support/cluster.js';
import { loadRealCandles, REAL_DATA_DIR, realDataPath, writeCandlesCsv } from '../test/support/real-data.js';
import { type ServeProcess, startServe, workerArgs } from '../test/support/serve.js';
import { redisReachable } from '../test/support/services.js';
import { fmt, median, ratio, table, writeResults } from './lib.js';
import { POSTGRES_URL } from './signal-fixture.js';

/**
 * Pipeline throughput of the multi-process deployment: 200 symbols replayed at full speed by
 * (a) one `serve --role worker --shard 0/1` process and (b) two, `--shard 0/2` and `--shard 1/2`,
 * started together; both on PostgreSQL and Redis (the store, the shard leases, the event stream
 * and the cache, as in production). No gateway: it only reads the stream, so it adds nothing to
 * what the workers do.
 *
 * The data: the five real 5m series (BTC, ETH, SOL, XRP, BNB), each cut into 40 windows of
 * CANDLES candles that start a week apart from 2024-12-31 (so no two overlap), every window moved
 * back by its whole number of weeks onto the first one's clock: 200 real series, named
 * `binance_BTCW00USDT_5m.csv` .. `binance_BNBW39USDT_5m.csv` so the replay takes each for a
 * symbol of its own, all closing on the same 5-minute boundaries as a live feed of 200 symbols
 * does; weekdays and times of day are kept. The engine is the cluster test's
 * (`writeClusterConfig`: the busy test engine on 5m with signals on 15m and 1h; cluster settings
 * at their defaults).
 *
 * Measured per run: wall time from spawning the processes to every worker reporting its replay
 * finished with no event waiting for Redis; base candles per second over that; each worker's CPU
 * time and that of the PostgreSQL backends serving it (from /proc, found through the worker's
 * sockets and pg_stat_activity), the Redis server's CPU (shared with whoever else uses it) and the
 * machine's busy share of its cores. Runs alternate (a), (b), (a), (b)...; each run has a fresh
 * schema and key prefix, dropped after.
 */

const CANDLES = Number(process.env.ALPHAPULSE_BENCH_CLUSTER_CANDLES ?? 240);
const ROUNDS = Number(process.env.ALPHAPULSE_BENCH_CLUSTER_ROUNDS ?? 3);
const REDIS_URL = process.env.ALPHAPULSE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOWS = 40;
const FROM = Date.UTC(2024, 11, 31);
const WEEK = 7 * 86_400_000;
const FIVE_MIN = 300_000;
/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux we run on). */
const TICKS = 100;

interface WorkerCost {
  readonly workerS: number | null;
  readonly postgresS: number | null;
  readonly postgresBackends: number;
  /** The worker's peak resident memory (VmHWM), MB. */
  readonly peakRssMb: number | null;
}

interface Run {
  readonly setup: string;
  readonly round: number;
  readonly workers: number;
  /** Spawn to every worker serving its status (process start, data files described). */
  readonly startMs: number;
  /** Spawn to the last worker done. */
  readonly wallMs: number;
  /** Spawn to each worker done, by shard. */
  readonly doneMs: number[];
  readonly candles: number;
  readonly candlesPerSec: number;
  readonly symbolsPerShard: number[];
  readonly cpu: WorkerCost[];
  readonly redisCpuS: number | null;
  /** Share of the machine's cores busy (all processes, everyone's) over the run. */
  readonly machineBusy: number | null;
  readonly load: { before: number[]; after: number[] };
  readonly events: number;
}

/** Writes the 200 symbol files (see the header); returns their paths. */
function writeData(dir: string): string[] {
  const paths: string[] = [];
  for (const symbol of CLUSTER_SYMBOLS) {
    const all = loadRealCandles(`binance_${symbol}_5m.csv.gz`);
    for (let k = 0; k < WINDOWS; k++) {
      const from = FROM + k * WEEK;
      const start = all.findIndex((c) => c.openTime >= from);
      const rows = all.slice(start, start + CANDLES);
      const span = rows.length ? rows[rows.length - 1].openTime - rows[0].openTime : -1;
      if (
        start < 0 ||
        rows.length !== CANDLES ||
        rows[0].openTime !== from ||
        span !== (CANDLES - 1) * FIVE_MIN
      )
        throw new Error(`${symbol}: no gapless ${CANDLES} candles from ${new Date(from).toISOString()}`);
      const name = `${symbol.replace('USDT', '')}W${String(k).padStart(2, '0')}USDT`;
      const moved = rows.map((c) => ({ ...c, openTime: c.openTime - k * WEEK }));
      paths.push(writeCandlesCsv(join(dir, `binance_${name}_5m.csv`), moved));
    }
  }
  return paths;
}

/** utime + stime of a process in seconds, from /proc; null when it is gone or this is not Linux. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields from the state on (the stat's 3rd): utime is the 14th, stime the 15th
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/** Peak resident memory of a process in MB (VmHWM in /proc/<pid>/status). */
function peakRssMb(pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (the `cpu` line of /proc/stat). */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th
    return { busy: total - v[3] - v[4], total };
  } catch {
    return null;
  }
}

/** The local ports of `pid`'s TCP connections to port `remotePort` (Linux /proc). */
function clientPorts(pid: number, remotePort: number): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
    const ports: number[] = [];
    for (const file of ['tcp', 'tcp6']) {
      const lines = readFileSync(`/proc/${pid}/net/${file}`, 'utf8').split('\n').slice(1);
      for (const line of lines) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10 || !inodes.has(f[9])) continue;
        const port = (address: string) => Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
        if (port(f[2]) === remotePort) ports.push(port(f[1]));
      }
    }
    return ports;
  } catch {
    return [];
  }
}

/** A worker's CPU and peak memory, and the CPU of the PostgreSQL backends its connections (pool and lease) are served by. */
async function processCpu(db: pg.Client, pid: number): Promise<WorkerCost> {
  const ports = clientPorts(pid, Number(new URL(POSTGRES_URL).port || 5432));
  const backends = ports.length
    ? (
        await db.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])',
          [ports],
        )
      ).rows.map((r) => r.pid)
    : [];
  const times = backends.map(cpuSeconds);
  return {
    workerS: cpuSeconds(pid),
    postgresS:
      backends.length && times.every((t) => t !== null)
        ? times.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)
        : null,
    postgresBackends: backends.length,
    peakRssMb: peakRssMb(pid),
  };
}

/** The Redis server's own CPU seconds (INFO cpu). */
async function redisCpu(): Promise<number | null> {
  const conn = new RedisConnection(REDIS_URL, { name: 'bench cpu reading' });
  try {
    if (!(await conn.connect())) return null;
    const info = await conn.client.info('cpu');
    const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    return get('used_cpu_sys') + get('used_cpu_user');
  } finally {
    await conn.close();
  }
}

async function runOnce(
  setup: string,
  round: number,
  workers: number,
  config: string,
  inputs: readonly string[],
  db: pg.Client,
): Promise<Run> {
  const schema = `ap_bench_cluster_${process.pid}_${randomBytes(4).toString('hex')}`;
  const prefix = freshPrefix();
  const env: NodeJS.ProcessEnv = {
    // the workers read every ALPHAPULSE_* variable as config (the bench's own knobs would be
    // refused as unknown keys): they get the bench's config file and these, nothing else
    ...Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => k.startsWith('ALPHAPULSE_'))
        .map((k) => [k, undefined]),
    ),
    DATABASE_URL: POSTGRES_URL,
    ALPHAPULSE_STORE__SCHEMA: schema,
    REDIS_URL,
    ALPHAPULSE_REDIS__KEY_PREFIX: prefix,
  };
  const procs: ServeProcess[] = [];
  const load = { before: loadavg(), after: [] as number[] };
  const redis0 = await redisCpu();
  const machine0 = machineTicks();
  const t0 = performance.now();
  try {
    const started = Array.from({ length: workers }, (_, i) =>
      startServe(
        ['--config', config, '--port', '0', '--host', '127.0.0.1', ...workerArgs(`${i}/${workers}`, inputs)],
        env,
        120_000,
      ).then((p) => {
        procs.push(p);
        return p;
      }),
    );
    // every start settled before going on, so the finally below stops whichever did start
    const settled = await Promise.allSettled(started);
    const serving = settled.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    const startMs = performance.now() - t0;
    const doneMs: number[] = [];
    const done: WorkerStatus[] = await Promise.all(
      serving.map((p, i) =>
        workerDone(p.url, 900_000).then((s) => {
          doneMs[i] = performance.now() - t0;
          return s;
        }),
      ),
    );
    const wallMs = performance.now() - t0;
    const machine1 = machineTicks();
    const redis1 = await redisCpu();
    load.after = loadavg();
    const cpu: WorkerCost[] = [];
    for (const p of serving) cpu.push(await processCpu(db, p.child.pid ?? -1));
    const shards = done.flatMap((s) => s.shards);
    const candles = shards.reduce((n, s) => n + (s.status?.pipeline.candles ?? 0), 0);
    if (candles !== inputs.length * CANDLES)
      throw new Error(`${setup}: the pipelines took ${candles} candles, not ${inputs.length * CANDLES}`);
    return {
      setup,
      round,
      workers,
      startMs,
      wallMs,
      doneMs,
      candles,
      candlesPerSec: candles / (wallMs / 1000),
      symbolsPerShard: shards.map((s) => s.symbols.length),
      cpu,
      redisCpuS: redis0 !== null && redis1 !== null ? redis1 - redis0 : null,
      machineBusy:
        machine0 && machine1 ? (machine1.busy - machine0.busy) / (machine1.total - machine0.total) : null,
      load,
      events: done.reduce((n, s) => n + (s.events?.events ?? 0), 0),
    };
  } finally {
    for (const p of procs) await p.stop();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await dropRedisPrefix(REDIS_URL, prefix);
  }
}

const seconds = (ms: number) => fmt(ms / 1000, 1);
const cpuText = (s: number | null, digits = 1) => (s === null ? '-' : fmt(s, digits));

export async function runClusterBench(): Promise<void> {
  const missing = CLUSTER_SYMBOLS.map((s) => `binance_${s}_5m.csv.gz`).filter(
    (f) => !existsSync(realDataPath(f)),
  );
  if (missing.length) {
    console.log(
      `cluster bench skipped: ${missing.join(', ')} not in ${REAL_DATA_DIR} (set ALPHAPULSE_DATA_DIR)`,
    );
    return;
  }
  const db = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  db.on('error', () => {});
  try {
    await db.connect();
  } catch (e) {
    console.log(
      `cluster bench skipped: PostgreSQL at ${POSTGRES_URL} does not answer (${(e as Error).message}); set ALPHAPULSE_BENCH_POSTGRES_URL`,
    );
    return;
  }
  if (!(await redisReachable(REDIS_URL))) {
    await db.end().catch(() => {});
    console.log(
      `cluster bench skipped: Redis at ${REDIS_URL} does not answer; set ALPHAPULSE_BENCH_REDIS_URL`,
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'alphapulse-cluster-bench-'));
  try {
    // the workers run the `alphapulse` command compiled from the current sources, as the tests do
    await compileCli();
    const inputs = writeData(dir);
    const config = writeClusterConfig(dir, {});
    const symbols = inputs.map((p) => p.replace(/^.*binance_(\w+)_5m\.csv$/, '$1'));
    const split = [0, 1].map((i) => symbolsOfShard(symbols, i, 2).length);
    console.log(
      `\n## Cluster: ${symbols.length} symbols x ${fmt(CANDLES)} 5m candles (${fmt(symbols.length * CANDLES)} base candles) through 1 worker and through 2; shard split ${split.join(' / ')}`,
    );
    const runs: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [setup, workers] of [
        ['1 worker', 1],
        ['2 workers', 2],
      ] as const) {
        const r = await runOnce(setup, round, workers, config, inputs, db);
        runs.push(r);
        console.log(
          `round ${round}, ${setup}: ${seconds(r.wallMs)} s (start ${seconds(r.startMs)} s; done ${r.doneMs.map(seconds).join(' / ')} s), ${fmt(r.candles)} candles, ${fmt(r.candlesPerSec)} candles/s; CPU s worker ${r.cpu.map((c) => cpuText(c.workerS)).join(' / ')}, its PostgreSQL backends ${r.cpu.map((c) => cpuText(c.postgresS)).join(' / ')}, Redis ${cpuText(r.redisCpuS)}; machine ${r.machineBusy === null ? '-' : `${fmt(r.machineBusy * 100)} %`} busy; load ${r.load.before.map((x) => x.toFixed(2)).join(' ')} -> ${r.load.after.map((x) => x.toFixed(2)).join(' ')}`,
        );
      }
    }
    const of = (setup: string) => runs.filter((r) => r.setup === setup);
    const med = (rs: Run[], f: (r: Run) => number | null) => {
      const xs = rs.map(f).filter((x): x is number => x !== null);
      return xs.length ? median(xs) : null;
    };
    const sum = (xs: readonly (number | null)[]) =>
      xs.every((x) => x !== null) ? xs.reduce((a, b) => (a ?? 0) + (b ?? 0), 0) : null;
    const rows = ['1 worker', '2 workers'].map((setup) => {
      const rs = of(setup);
      return {
        setup,
        runs: rs.length,
        wallMs: med(rs, (r) => r.wallMs) ?? Number.NaN,
        startMs: med(rs, (r) => r.startMs) ?? Number.NaN,
        candlesPerSec: med(rs, (r) => r.candlesPerSec) ?? Number.NaN,
        workerCpuS: med(rs, (r) => sum(r.cpu.map((c) => c.workerS))),
        postgresCpuS: med(rs, (r) => sum(r.cpu.map((c) => c.postgresS))),
        redisCpuS: med(rs, (r) => r.redisCpuS),
        /** Worker, its PostgreSQL backends and Redis together, per base candle. */
        cpuMsPerCandle: med(rs, (r) => {
          const total = sum([...r.cpu.flatMap((c) => [c.workerS, c.postgresS]), r.redisCpuS]);
          return total === null ? null : (total * 1000) / r.candles;
        }),
        peakRssMb: med(rs, (r) => sum(r.cpu.map((c) => c.peakRssMb))),
        machineBusy: med(rs, (r) => r.machineBusy),
      };
    });
    console.log(
      table(
        [
          'setup',
          'runs',
          'wall s',
          'start s',
          'candles/s',
          'worker CPU s',
          'PG backends CPU s',
          'Redis CPU s',
          'CPU ms/candle',
          'peak RSS MB',
          'machine busy',
        ],
        rows.map((r) => [
          r.setup,
          r.runs,
          seconds(r.wallMs),
          seconds(r.startMs),
          fmt(r.candlesPerSec),
          cpuText(r.workerCpuS),
          cpuText(r.postgresCpuS),
          cpuText(r.redisCpuS),
          cpuText(r.cpuMsPerCandle, 2),
          cpuText(r.peakRssMb, 0),
          r.machineBusy === null ? '-' : `${fmt(r.machineBusy * 100)} %`,
        ]),
      ),
    );
    // each round's pair ran back to back, under much the same load from everyone else
    const perRound = Array.from({ length: ROUNDS }, (_, k) => {
      const [one, two] = ['1 worker', '2 workers'].map((setup) =>
        runs.find((r) => r.round === k + 1 && r.setup === setup),
      );
      return one && two ? two.candlesPerSec / one.candlesPerSec : Number.NaN;
    });
    const speedUp = rows[1].candlesPerSec / rows[0].candlesPerSec;
    console.log(
      `speed-up, 2 workers over 1: ${ratio(rows[1].candlesPerSec, rows[0].candlesPerSec)} (median candles/s); per round ${perRound.map((x) => `${x.toFixed(2)}x`).join(', ')}`,
    );
    const path = writeResults('cluster', {
      symbols: symbols.length,
      candlesPerSymbol: CANDLES,
      windows: WINDOWS,
      from: new Date(FROM).toISOString(),
      shardSplit: split,
      rounds: ROUNDS,
      medians: rows,
      speedUp,
      speedUpPerRound: perRound,
      runs,
    });
    console.log(`raw numbers: ${path}`);
  } finally {
    await db.end().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
