import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropRedisPrefix,
  freshPrefix,
  postgresRows,
  repeated,
  type StoredRow,
  sqliteRows,
  WsRecorder,
  workerArgs,
  writeClusterConfig,
  writeClusterData,
} from './support/cluster.js';
import { freshSchema, hasPostgres, POSTGRES_URL, type TestSchema } from './support/postgres.js';
import { hasRealData } from './support/real-data.js';
import { hasRedis, REDIS_URL } from './support/redis.js';
import { type ServeProcess, startServe, waitFor } from './support/serve.js';

/**
 * The multi-process deployment for real: `serve --role worker --shard i/2` processes and
 * `serve --role gateway` processes on one PostgreSQL and one Redis, replaying five symbols at
 * full speed. What the workers store must equal a single-process run of the same files, and
 * every signal they publish must reach the WebSocket clients of every gateway exactly once;
 * after a worker is killed with SIGKILL, the other takes its shard over (recovering it from
 * PostgreSQL) and the stored signals and outcomes are still those of the single-process run.
 */

const CANDLES = 1200;

interface WorkerStatus {
  finished: boolean;
  events: { pending: number; events: number; duplicates: number } | null;
  shards: {
    index: number;
    since: number;
    takenOver: boolean;
    status: { source: { state: string }; pipeline: { candles: number } } | null;
  }[];
}

interface GatewayStatus {
  cluster: { events: { events: number; duplicates: number; ok: boolean } | null };
}

describe.skipIf(!hasPostgres || !hasRedis || !hasRealData)(
  'workers and gateways as separate processes',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-cluster-'));
    const procs: ServeProcess[] = [];
    const schemas: TestSchema[] = [];
    let inputs: string[] = [];
    let config = '';
    let reference: StoredRow[] = [];
    /** What the uninterrupted cluster stored (first test). */
    let clusterRun: StoredRow[] | null = null;

    const start = async (args: string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> => {
      const p = await startServe(
        ['--config', config, '--port', '0', '--host', '127.0.0.1', ...args],
        env,
        120_000,
      );
      procs.push(p);
      return p;
    };

    const prefixes: string[] = [];
    const clusterEnv = (schema: string, prefix: string): NodeJS.ProcessEnv => {
      prefixes.push(prefix);
      return {
        DATABASE_URL: POSTGRES_URL,
        ALPHAPULSE_STORE__SCHEMA: schema,
        REDIS_URL,
        ALPHAPULSE_REDIS__KEY_PREFIX: prefix,
      };
    };

    const worker = (i: number, env: NodeJS.ProcessEnv) => start(workerArgs(`${i}/2`, inputs), env);

    const workerDone = (url: string) =>
      waitFor<WorkerStatus>(
        `${url}/api/v1/status`,
        (s) => s.finished && s.events !== null && s.events.pending === 0,
        240_000,
      );

    beforeAll(async () => {
      inputs = writeClusterData(dir, CANDLES);
      config = writeClusterConfig(dir, { takeoverGraceMs: 10_000, leasePollMs: 250 });
      // the single-process run the cluster must equal: serve --role all, SQLite, no Redis
      const db = join(dir, 'single.db');
      const single = await start(
        ['--source', 'replay', '--input', ...inputs, '--speed', 'max', '--db', db],
        {},
      );
      await waitFor<{ source: { state: string } }>(
        `${single.url}/api/v1/status`,
        (s) => s.source.state === 'finished',
        240_000,
      );
      await single.stop();
      reference = await sqliteRows(db);
    }, 300_000);

    afterAll(async () => {
      for (const p of procs.splice(0)) await p.stop('SIGKILL');
      for (const s of schemas.splice(0)) await s.drop().catch(() => {});
      for (const p of prefixes.splice(0)) await dropRedisPrefix(REDIS_URL, p);
      rmSync(dir, { recursive: true, force: true });
    });

    it('2 workers + 2 gateways: stored signals equal the single-process run; each gateway relays every published signal once', async () => {
      const t = freshSchema('ap_cluster');
      schemas.push(t);
      const env = clusterEnv(t.schema, freshPrefix());
      const gateways = await Promise.all([
        start(['--role', 'gateway', '--name', 'g0'], env),
        start(['--role', 'gateway', '--name', 'g1'], env),
      ]);
      const clients = await Promise.all(gateways.map((g) => WsRecorder.connect(g.url)));
      const workers = await Promise.all([worker(0, env), worker(1, env)]);
      const done = await Promise.all(workers.map((w) => workerDone(w.url)));
      // each worker ran its own shard, and only it
      expect(done.map((s) => s.shards.map((x) => x.index))).toEqual([[0], [1]]);

      const stored = await postgresRows(POSTGRES_URL, t.schema);
      expect(stored.length).toBe(reference.length);
      // everything, the entry fill-rate estimates included (each symbol learns its own)
      expect(stored).toEqual(reference);
      clusterRun = stored;
      const published = stored.filter((r) => r.signal.published).map((r) => r.signal.id);
      const closed = stored.filter((r) => r.signal.published && r.outcome !== null).map((r) => r.signal.id);
      expect(published.length).toBeGreaterThan(5);

      const sent = done.reduce((n, s) => n + (s.events?.events ?? 0), 0);
      for (const [i, g] of gateways.entries()) {
        await waitFor<GatewayStatus>(
          `${g.url}/api/v1/status`,
          (s) => (s.cluster.events?.events ?? 0) >= sent,
          120_000,
        );
        const c = clients[i];
        await c.until(`gateway ${i} to relay every signal`, () => c.created.length >= published.length);
        await c.until(`gateway ${i} to relay every outcome`, () => c.outcomes.length >= closed.length);
        expect(repeated(c.created)).toEqual([]);
        expect([...c.created].sort()).toEqual([...published].sort());
        expect(repeated(c.outcomes)).toEqual([]);
        expect([...c.outcomes].sort()).toEqual([...closed].sort());
      }
      console.info(
        `[cluster] ${stored.length} signals stored (${published.length} published, ${closed.length} of them closed) = single process (entryConfidence included); ${sent} events through the stream; each of 2 gateways relayed ${published.length} signal.created and ${closed.length} outcome.closed once`,
      );
      for (const c of clients) c.close();
      for (const p of [...gateways, ...workers]) await p.stop();
    }, 400_000);

    it('SIGKILL of a worker mid-run: its shard is taken over, the final signals and outcomes equal the single-process run', async () => {
      const t = freshSchema('ap_takeover');
      schemas.push(t);
      const env = clusterEnv(t.schema, freshPrefix());
      const gateway = await start(['--role', 'gateway', '--name', 'g0'], env);
      const client = await WsRecorder.connect(gateway.url);
      const [w0, w1] = await Promise.all([worker(0, env), worker(1, env)]);
      // worker 1 runs shard 1 and has gone some way into it
      await waitFor<WorkerStatus>(
        `${w1.url}/api/v1/status`,
        (s) =>
          s.shards.length === 1 &&
          s.shards[0].index === 1 &&
          (s.shards[0].status?.pipeline.candles ?? 0) >= 800,
        240_000,
      );
      const killedAt = Date.now();
      await w1.stop('SIGKILL');
      const took = await waitFor<WorkerStatus>(
        `${w0.url}/api/v1/status`,
        (s) => s.shards.some((x) => x.index === 1),
        120_000,
      );
      const takenAt = took.shards.find((x) => x.index === 1)?.since ?? Number.NaN;
      const takeoverMs = takenAt - killedAt;
      // bounded: the lease poll (250 ms) once the grace after start (10 s) is over
      expect(takeoverMs).toBeLessThan(15_000);
      const done = await workerDone(w0.url);
      expect(done.shards.map((x) => [x.index, x.takenOver])).toEqual([
        [0, false],
        [1, true],
      ]);

      const stored = await postgresRows(POSTGRES_URL, t.schema);
      expect(stored).toEqual(reference);
      // and exactly what the uninterrupted cluster stored: a shard's pipeline recovered from
      // PostgreSQL by another worker is the pipeline it was
      if (clusterRun) expect(stored).toEqual(clusterRun);
      const published = stored.filter((r) => r.signal.published).map((r) => r.signal.id);
      // events are published after they are stored, so the killed worker may have stored some it
      // never sent; none is sent twice (the takeover's recovery publishes nothing, and the stream's
      // dedup keys drop what is offered again)
      await waitFor<GatewayStatus>(
        `${gateway.url}/api/v1/status`,
        (s) => (s.cluster.events?.events ?? 0) >= (done.events?.events ?? 0),
        120_000,
      );
      expect(repeated(client.created)).toEqual([]);
      expect(client.created.every((id) => published.includes(id))).toBe(true);
      console.info(
        `[cluster] takeover of shard 1 ${takeoverMs} ms after SIGKILL; ${stored.length} signals stored = single process; the gateway relayed ${client.created.length} of ${published.length} published signals, none twice`,
      );
      client.close();
    }, 400_000);
  },
);
