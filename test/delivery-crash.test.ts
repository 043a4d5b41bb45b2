import { mkdtempSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../src/adapters/delivery/webhook-signature.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../src/adapters/store/sqlite-delivery-store.js';
import { STRATEGY_NAMES } from '../src/core/signals/types.js';
import { addSubscriber, books } from './support/delivery.js';
import { writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';
import { replayArgs, type ServeProcess, startServe, waitFor } from './support/serve.js';

const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';
const ADMIN = 'crash-admin-key-0123456789abcdef';
const SECRET = 'crash-test-secret-0123456789';
const SUBSCRIBERS = 3;
/** From this request on, the receiver kills the service with SIGKILL at the next signal, without answering it. */
const KILL_AT = 12;

interface Receipt {
  readonly key: string;
  readonly answered: boolean;
  readonly verified: boolean;
  /** 1: the first process, until the kill; 2: after the restart. */
  readonly phase: 1 | 2;
}

describe.skipIf(!hasRealData)('delivery survives SIGKILL between reserving and sending', () => {
  it('after a restart each message goes out once per idempotency key (in-flight ones again, same id) and is charged once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-delivery-crash-'));
    const dbPath = join(dir, 'crash.db');
    const receipts: Receipt[] = [];
    let serve: ServeProcess | null = null;
    let killed = false;
    const server = createServer((req, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const key = String(req.headers['x-alphapulse-delivery']);
        const verified = verifyWebhookSignature(
          SECRET,
          req.headers['x-alphapulse-signature'] as string,
          body,
        ).ok;
        const isSignal = req.headers['x-alphapulse-event'] === 'signal.delivered';
        if (!killed && isSignal && receipts.length + 1 >= KILL_AT && serve) {
          killed = true;
          receipts.push({ key, answered: false, verified, phase: 1 });
          serve.child.kill('SIGKILL');
          req.socket.destroy();
          return;
        }
        receipts.push({ key, answered: true, verified, phase: phaseOf.get(req.socket) ?? 2 });
        res.end('ok');
      });
    });
    // a request belongs to the process that opened its connection: after the kill only the
    // restarted one can open new ones (requests the dead one had sent still arrive on its old ones)
    const phaseOf = new WeakMap<object, 1 | 2>();
    server.on('connection', (socket) => phaseOf.set(socket, killed ? 2 : 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    // the model, written before the service starts
    const db = openSqlite(dbPath);
    const store = new SqliteDeliveryStore(db);
    const T = Date.now();
    const channel = {
      slug: 'all',
      name: 'All',
      strategies: [...STRATEGY_NAMES],
      symbols: [],
      timeframe: null,
      minConfidence: 0,
      maxDailyEvents: 1000,
      price: 1,
      destinations: [],
      active: true,
    };
    const ids: number[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const sub = await addSubscriber(
        store,
        {
          strategies: [...STRATEGY_NAMES],
          destinations: [{ kind: 'webhook', target: hook, secret: SECRET, active: true }],
          credits: 10_000,
          channel,
          name: `s${i}`,
        },
        T,
      );
      ids.push(sub.id);
    }
    db.close();

    const config = writeBusyConfig(dir, {
      api: { adminKeys: [ADMIN] },
      delivery: { allowPrivateWebhookTargets: true, leaseMs: 1000, batchWaitMs: 0 },
    });
    const args = replayArgs(config, realDataPath(FILE), dbPath);
    try {
      serve = await startServe(args);
      const first = serve;
      const exit = await new Promise<number | null>((resolve) =>
        first.child.once('exit', (code) => resolve(code)),
      );
      expect(killed).toBe(true);
      expect(exit).toBeNull();

      // killed between reserving and sending: reservations are held for rows not delivered
      const after = new Database(dbPath, { readonly: true });
      const open = after
        .prepare(
          `SELECT COUNT(*) AS n FROM delivery_outbox o WHERE o.state != 'delivered' AND o.reservation_id NOT IN
             (SELECT reservation_id FROM delivery_ledger WHERE kind IN ('charge', 'release') AND reservation_id IS NOT NULL)`,
        )
        .get() as { n: number };
      after.close();
      expect(open.n).toBeGreaterThan(0);

      serve = await startServe(args);
      const url = serve.url;
      await waitFor<{ source: { state: string } }>(
        `${url}/api/v1/status`,
        (s) => s.source.state === 'finished',
      );
      const counts = async () =>
        (await (
          await fetch(`${url}/api/v1/admin/outbox/counts`, { headers: { authorization: `Bearer ${ADMIN}` } })
        ).json()) as Record<string, number>;
      for (let i = 0; i < 600; i++) {
        const c = await counts();
        if (c.pending + c.retrying + c.sending === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await serve.stop();
    } finally {
      if (serve?.child.exitCode === null) await serve.stop('SIGKILL');
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    }

    const check = new Database(dbPath, { readonly: true });
    const rows = check.prepare('SELECT key, state FROM delivery_outbox').all() as {
      key: string;
      state: string;
    }[];
    expect(rows.length).toBeGreaterThan(KILL_AT);
    expect(rows.filter((r) => r.state !== 'delivered')).toEqual([]);
    // Within a run no key goes out twice. Across the kill, only requests in flight at that moment
    // go out again (the one cut off, and any the receiver answered but the dead process never
    // recorded), with the same delivery id: a receiver that keys on it acts once per message.
    const count = (phase: 1 | 2) => {
      const m = new Map<string, number>();
      for (const r of receipts) if (r.phase === phase) m.set(r.key, (m.get(r.key) ?? 0) + 1);
      return m;
    };
    const before = count(1);
    const afterRestart = count(2);
    expect([...before.values()].every((n) => n === 1)).toBe(true);
    expect([...afterRestart.values()].every((n) => n === 1)).toBe(true);
    const again = [...afterRestart.keys()].filter((k) => before.has(k));
    const cut = receipts.filter((r) => !r.answered);
    expect(cut).toHaveLength(1);
    expect(again).toContain(cut[0].key);
    expect(again.length).toBeLessThanOrEqual(32);
    const processed = new Set(receipts.filter((r) => r.answered).map((r) => r.key));
    expect([...processed].sort()).toEqual(rows.map((r) => r.key).sort());
    expect(receipts.every((r) => r.verified)).toBe(true);
    // credits: one reservation and one charge per delivered signal, the books balanced
    for (const id of ids) {
      const delivered = (
        check
          .prepare("SELECT COUNT(*) AS n FROM delivery_outbox WHERE subscriber_id = ? AND event = 'signal'")
          .get(id) as { n: number }
      ).n;
      expect(books(check as never, id)).toMatchObject({
        problems: [],
        charged: delivered,
        released: 0,
        openReservations: 0,
        balance: 10_000 - delivered,
        column: 10_000 - delivered,
      });
    }
    check.close();
  });
});
