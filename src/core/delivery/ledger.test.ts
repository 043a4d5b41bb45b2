import { describe, expect, it } from 'vitest';
import { auditLedger, type LedgerEntry } from './ledger.js';
import { nextAttemptAt, RETRY_SCHEDULE_MS, retryDelayMs } from './retry.js';

const row = (
  id: number,
  kind: LedgerEntry['kind'],
  amount: number,
  reservationId: number | null = null,
): LedgerEntry => ({
  id,
  subscriberId: 1,
  kind,
  amount,
  reservationId,
  createdAt: id,
});

describe('auditLedger', () => {
  it('sums top-ups, reservations, charges and releases', () => {
    const a = auditLedger([
      row(1, 'topup', 10),
      row(2, 'reserve', -3),
      row(3, 'reserve', -3),
      row(4, 'charge', 0, 2),
      row(5, 'release', 3, 3),
      row(6, 'reserve', -2),
    ]);
    expect(a).toEqual({
      balance: 5,
      reserved: 2,
      openReservations: 1,
      charged: 3,
      released: 3,
      toppedUp: 10,
      problems: [],
    });
  });

  it('names every broken rule', () => {
    const a = auditLedger([
      row(1, 'reserve', -3),
      row(2, 'charge', 0, 1),
      row(3, 'release', 3, 1),
      row(4, 'charge', 5, 9),
    ]);
    expect(a.problems).toEqual([
      'row 1: the balance went negative (-3)',
      'row 2: the balance went negative (-3)',
      'row 3: reservation 1 settled twice',
      'row 4: a charge moves nothing (got 5)',
      'row 4: charge of no known reservation',
    ]);
  });
});

describe('retry schedule', () => {
  it('follows about 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, then every 6 h, within ±20 %', () => {
    expect(RETRY_SCHEDULE_MS).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000]);
    expect(retryDelayMs(1, 0.5)).toBe(10_000);
    expect(retryDelayMs(1, 0)).toBe(8_000);
    expect(retryDelayMs(2, 0.999999)).toBe(72_000);
    expect(retryDelayMs(9, 0.5)).toBe(21_600_000);
  });

  it('gives up once a retry would fall after the window', () => {
    const day = 86_400_000;
    let now = 0;
    const times: number[] = [];
    for (let failures = 1; ; failures++) {
      const at = nextAttemptAt(0, failures, now, 0.5, day);
      if (at === null) break;
      times.push(at);
      now = at;
    }
    expect(times.map((t) => Math.round(t / 1000))).toEqual([10, 70, 370, 2170, 9370, 30970, 52570, 74170]);
  });
});
