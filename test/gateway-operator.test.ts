import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminKeyId } from '../src/api/plugins/auth.js';
import { dropRedisPrefix, freshPrefix, writeClusterData } from './support/cluster.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { freshSchema, hasPostgres, POSTGRES_URL, type TestSchema } from './support/postgres.js';
import { hasRealData } from './support/real-data.js';
import { hasRedis, REDIS_URL } from './support/redis.js';
import { type ServeProcess, startServe, waitFor, workerArgs } from './support/serve.js';

/**
 * Operator actions sent to a gateway reach the worker that runs the symbol (issue 14): one
 * worker (`--shard 0/1`) and one gateway as real processes on PostgreSQL + Redis. The worker
 * replays two symbols to the end; then closes, cancels and evaluations posted to the gateway
 * are run by the worker and answered as a process of `--role all` answers them, each audited
 * once with the operator as actor; with the worker gone the gateway answers 503 in the bound.
 */

const ADMIN_KEY = 'gateway-operator-test-key-0123456789';
/** Ends just after BTCUSDT-15m-scalping-BUY-20260102T1500Z is made (it ends at candle 473 in a longer run). */
const CANDLES = 470;
/** Long enough for a worker on a loaded machine to answer; the 503 test waits this long once. */
const TIMEOUT_MS = 4000;

interface AuditRow {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly after: unknown;
}

interface SignalRow {
  readonly id: string;
  readonly status: string;
  readonly symbol: string;
}

describe.skipIf(!hasPostgres || !hasRedis || !hasRealData)('operator actions through a gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-gw-op-'));
  const procs: ServeProcess[] = [];
  const prefix = freshPrefix();
  let schema: TestSchema | null = null;
  let worker: ServeProcess | null = null;
  let startWorker: () => Promise<ServeProcess> = () => Promise.reject(new Error('not set up'));
  /** The signal the second test ended, and how. */
  let ended: { id: string; status: string; reason: string } | null = null;
  let gateway = '';
  const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const post = (path: string, body: unknown) =>
    fetch(`${gateway}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
  const get = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${gateway}${path}`, { headers: admin })).json()) as T;
  const audit = async (action: string) =>
    (await get<{ items: AuditRow[] }>(`/api/v1/audit?action=${action}&limit=100`)).items;
  const live = async (status: 'ACTIVE' | 'PENDING') =>
    (await get<{ items: SignalRow[] }>(`/api/v1/signals?status=${status}&limit=100`)).items;

  beforeAll(async () => {
    schema = freshSchema('ap_gwop');
    const inputs = writeClusterData(dir, CANDLES).slice(0, 2);
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      stringify({
        engine: {
          ...BUSY_ENGINE,
          baseTimeframe: '5m',
          signalTimeframes: [{ timeframe: '15m' }, { timeframe: '1h' }],
        },
        api: { adminKeys: [ADMIN_KEY] },
        cluster: { commandTimeoutMs: TIMEOUT_MS },
      }),
    );
    const env = {
      DATABASE_URL: POSTGRES_URL,
      ALPHAPULSE_STORE__SCHEMA: schema.schema,
      REDIS_URL,
      ALPHAPULSE_REDIS__KEY_PREFIX: prefix,
    };
    const common = ['--config', config, '--port', '0', '--host', '127.0.0.1'];
    startWorker = async () => {
      const w = await startServe([...common, ...workerArgs('0/1', inputs)], env, 120_000);
      procs.push(w);
      return w;
    };
    worker = await startWorker();
    const gw = await startServe([...common, '--role', 'gateway', '--name', 'g0'], env, 120_000);
    procs.push(gw);
    gateway = gw.url;
    await waitFor<{ finished: boolean }>(`${worker.url}/api/v1/status`, (s) => s.finished, 240_000);
  }, 300_000);

  afterAll(async () => {
    for (const p of procs.splice(0)) await p.stop('SIGKILL');
    await schema?.drop().catch(() => {});
    await dropRedisPrefix(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs an evaluation in the worker and answers it as one process does, audited once', async () => {
    const res = await post('/api/v1/evaluate', { symbol: 'BTCUSDT', timeframe: '15m' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      symbol: string;
      timeframe: string;
      publish: boolean;
      candidates: unknown[];
    };
    expect(body).toMatchObject({ symbol: 'BTCUSDT', timeframe: '15m', publish: false });
    expect(Array.isArray(body.candidates)).toBe(true);
    const rows = await audit('evaluate.run');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: adminKeyId(ADMIN_KEY), target: 'BTCUSDT 15m' });
    expect(await audit('admin.request')).toEqual([]);
  });

  it('closes or cancels a live signal in the worker; the signal is stored ended, audited once', async () => {
    const active = await live('ACTIVE');
    const pending = await live('PENDING');
    const target = active[0] ?? pending[0];
    expect(target, 'a signal live at the end of the replay').toBeDefined();
    if (!target) return;
    const verb = target.status === 'ACTIVE' ? 'close' : 'cancel';
    const res = await post(`/api/v1/signals/${target.id}/${verb}`, { reason: 'test: through the gateway' });
    const body = (await res.json()) as { signal: { id: string; status: string }; outcome: { type: string } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.signal.id).toBe(target.id);
    expect(body.outcome.type).toBe(verb === 'close' ? 'MANUAL_EXIT' : 'CANCELLED');
    const { signal: stored } = await get<{ signal: SignalRow & { statusReason: string } }>(
      `/api/v1/signals/${target.id}`,
    );
    expect(stored.status).toBe(verb === 'close' ? 'CLOSED' : 'CANCELLED');
    expect(stored.statusReason).toMatch(/test: through the gateway/);
    ended = { id: target.id, status: stored.status, reason: stored.statusReason };
    const rows = await audit(verb === 'close' ? 'signal.closed' : 'signal.cancelled');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: adminKeyId(ADMIN_KEY), target: target.id });
    // again: no pipeline follows it now, so 409 with its stored status, as in one process
    const again = await post(`/api/v1/signals/${target.id}/${verb}`, { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toMatch(/^signal .* is /);
  });

  it('answers bad input as one process does: unknown id 404, unknown symbol 404, malformed body 400', async () => {
    const unknown = await post('/api/v1/signals/NOPE-15m-x-BUY-20260101T0000Z/close', { reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/no signal with id/);
    const symbol = await post('/api/v1/evaluate', { symbol: 'DOGEUSDT', timeframe: '15m' });
    expect(symbol.status).toBe(404);
    expect(((await symbol.json()) as { message: string }).message).toMatch(/DOGEUSDT is not watched/);
    expect((await post('/api/v1/evaluate', { symbol: 'BTCUSDT' })).status).toBe(400);
    expect((await post('/api/v1/signals/X/close', {})).status).toBe(400);
    expect((await post('/api/v1/symbols', { symbol: 'DOGEUSDT' })).status).toBe(409);
  });

  it('answers 503 within the bound when no worker takes the command, and the command never runs', async () => {
    await worker?.stop('SIGKILL');
    const before = (await audit('evaluate.run')).length;
    const t0 = Date.now();
    const res = await post('/api/v1/evaluate', { symbol: 'ETHUSDT', timeframe: '15m' });
    // bounded: the gateway gives up after the timeout instead of waiting on (a generous margin for a loaded machine)
    expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS + 30_000);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toMatch(
      new RegExp(`no worker took the command of shard \\d/1 within ${TIMEOUT_MS} ms: it was not run`),
    );
    expect((await audit('evaluate.run')).length).toBe(before);
  });

  it('a worker started again recovers the shard with the close applied again (from the audit trail) and takes commands', async () => {
    expect(ended).not.toBeNull();
    if (!ended) return;
    worker = await startWorker();
    await waitFor<{ finished: boolean }>(`${worker.url}/api/v1/status`, (s) => s.finished, 120_000);
    const { signal } = await get<{ signal: SignalRow & { statusReason: string } }>(
      `/api/v1/signals/${ended.id}`,
    );
    expect({ id: signal.id, status: signal.status, reason: signal.statusReason }).toEqual(ended);
    const res = await post('/api/v1/evaluate', { symbol: 'ETHUSDT', timeframe: '1h' });
    expect(res.status).toBe(200);
  });
});
