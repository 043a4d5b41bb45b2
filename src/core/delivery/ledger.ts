import type { LedgerKind } from './types.js';

/**
 * The credit ledger's arithmetic. Every movement is a row: a top-up adds credits, a reservation
 * takes the price off at once, a charge makes a reservation final (it moves nothing), a release
 * gives a reservation back, an adjustment corrects by hand. The balance is the sum of the rows
 * and never negative; every reservation is settled at most once (charged or released).
 */
export interface LedgerEntry {
  readonly id: number;
  readonly subscriberId: number;
  readonly kind: LedgerKind;
  /** Signed credits: + top-up and release, − reservation, 0 charge, ± adjustment. */
  readonly amount: number;
  /** For a charge or release: the reservation it settles. */
  readonly reservationId: number | null;
  readonly createdAt: number;
}

export interface LedgerAudit {
  readonly balance: number;
  /** Credits held by reservations not settled yet. */
  readonly reserved: number;
  readonly openReservations: number;
  readonly charged: number;
  readonly released: number;
  readonly toppedUp: number;
  /** Broken rules, in words; empty when the ledger is sound. */
  readonly problems: readonly string[];
}

/** The amount each kind of row must have, given the reservation it settles. */
export function amountRule(kind: LedgerKind, amount: number, reserved: number | null): string | null {
  if (!Number.isSafeInteger(amount)) return `amount ${amount} is not an integer`;
  switch (kind) {
    case 'topup':
      return amount > 0 ? null : `a top-up must add credits (got ${amount})`;
    case 'reserve':
      return amount < 0 ? null : `a reservation must take credits (got ${amount})`;
    case 'charge':
      return amount === 0 ? null : `a charge moves nothing (got ${amount})`;
    case 'release':
      return reserved !== null && amount === -reserved
        ? null
        : `a release must give back exactly the reservation (${reserved === null ? '?' : -reserved}, got ${amount})`;
    case 'adjust':
      return amount !== 0 ? null : 'an adjustment of 0 is not a movement';
  }
}

/** Checks one subscriber's rows, in id order: sums, settles and the running balance. */
export function auditLedger(entries: readonly LedgerEntry[]): LedgerAudit {
  const problems: string[] = [];
  const reservations = new Map<number, number>();
  const settled = new Set<number>();
  let balance = 0;
  let charged = 0;
  let released = 0;
  let toppedUp = 0;
  for (const e of [...entries].sort((a, b) => a.id - b.id)) {
    const reserved = e.reservationId === null ? null : (reservations.get(e.reservationId) ?? null);
    const rule = amountRule(e.kind, e.amount, reserved);
    if (rule) problems.push(`row ${e.id}: ${rule}`);
    if (e.kind === 'charge' || e.kind === 'release') {
      if (e.reservationId === null || reserved === null)
        problems.push(`row ${e.id}: ${e.kind} of no known reservation`);
      else if (settled.has(e.reservationId))
        problems.push(`row ${e.id}: reservation ${e.reservationId} settled twice`);
      else {
        settled.add(e.reservationId);
        if (e.kind === 'charge') charged += -reserved;
        else released += -reserved;
      }
    }
    if (e.kind === 'reserve') reservations.set(e.id, e.amount);
    if (e.kind === 'topup') toppedUp += e.amount;
    balance += e.amount;
    if (balance < 0) problems.push(`row ${e.id}: the balance went negative (${balance})`);
  }
  let reserved = 0;
  let open = 0;
  for (const [id, amount] of reservations) {
    if (settled.has(id)) continue;
    reserved += -amount;
    open++;
  }
  return { balance, reserved, openReservations: open, charged, released, toppedUp, problems };
}
