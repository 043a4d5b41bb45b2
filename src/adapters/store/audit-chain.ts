import { createHash } from 'node:crypto';

/**
 * The audit trail's hash chain, the same for every store: each row carries the SHA-256 of the
 * row before it (`prevHash`) and its own (`hash`, over its sequence number, fields and
 * `prevHash`), so changing, removing or inserting a row breaks the chain at that row. Only the
 * tail is not protected by the chain itself: `verifyChain` reports the head hash, which an
 * operator can keep elsewhere to notice rows cut off the end.
 */

/** `prevHash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a row that its hash covers, as stored (JSON as its exact text). */
export interface AuditRecord {
  /** 1, 2, 3, ... with no gap. */
  readonly seq: number;
  /** Wall-clock time of the action (ms). */
  readonly at: number;
  /** Who: `key:<id>` for an admin key (never the key), `system`, `engine`, `cli:<user>`. */
  readonly actor: string;
  /** What, e.g. `signal.closed`, `symbol.added` (see AUDIT_ACTIONS). */
  readonly action: string;
  /** On what, e.g. a signal id, a symbol, a slice, `BTCUSDT 1h`. */
  readonly target: string;
  /** JSON text of the state before, or null where there is none. */
  readonly before: string | null;
  /** JSON text of the state after (or the result), or null. */
  readonly after: string | null;
  readonly prevHash: string;
}

export interface AuditRow extends AuditRecord {
  readonly hash: string;
}

/** The SHA-256 (hex) of a row: over a JSON array of its fields, so no two rows hash the same text. */
export function auditHash(r: AuditRecord): string {
  const text = JSON.stringify([r.seq, r.at, r.actor, r.action, r.target, r.before, r.after, r.prevHash]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON text of a before/after value; non-finite numbers become null (JSON's own rule, made explicit). */
export function auditJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/** The row that follows `previous` (null: the first row) with these fields. */
export function chainRow(
  previous: Pick<AuditRow, 'seq' | 'hash'> | null,
  fields: Omit<AuditRecord, 'seq' | 'prevHash'>,
): AuditRow {
  const record: AuditRecord = {
    ...fields,
    seq: previous ? previous.seq + 1 : 1,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...record, hash: auditHash(record) };
}

export type AuditVerification =
  | { readonly ok: true; readonly rows: number; readonly head: string }
  | {
      readonly ok: false;
      readonly rows: number;
      /** The first row that does not hold (its seq, or the seq expected where one is missing). */
      readonly badSeq: number;
      readonly problem: string;
    };

/**
 * Checks rows fed in sequence order, one at a time (a store may feed them page by page):
 * `check` returns the failure at the first row that breaks the chain, `result` the verdict.
 */
export class ChainChecker {
  private prev: AuditRow | null = null;
  private n = 0;

  check(row: AuditRow): AuditVerification | null {
    const n = ++this.n;
    const prev = this.prev;
    const expectedSeq = prev ? prev.seq + 1 : 1;
    if (row.seq !== expectedSeq) {
      return {
        ok: false,
        rows: n,
        badSeq: expectedSeq,
        problem: `row ${expectedSeq} is missing (the next row is ${row.seq})`,
      };
    }
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    if (row.prevHash !== expectedPrev) {
      return {
        ok: false,
        rows: n,
        badSeq: row.seq,
        problem: `row ${row.seq} does not follow row ${row.seq - 1}: its previous hash ${row.prevHash.slice(0, 12)}… is not ${expectedPrev.slice(0, 12)}…`,
      };
    }
    const hash = auditHash(row);
    if (row.hash !== hash) {
      return {
        ok: false,
        rows: n,
        badSeq: row.seq,
        problem: `row ${row.seq} (${row.action} on ${row.target}) was altered: its content hashes to ${hash.slice(0, 12)}…, the row says ${row.hash.slice(0, 12)}…`,
      };
    }
    this.prev = row;
    return null;
  }

  result(): AuditVerification {
    return { ok: true, rows: this.n, head: this.prev ? this.prev.hash : GENESIS_HASH };
  }
}

/** Walks the rows in sequence order and names the first that breaks the chain. */
export function verifyChain(rows: Iterable<AuditRow>): AuditVerification {
  const checker = new ChainChecker();
  for (const row of rows) {
    const bad = checker.check(row);
    if (bad) return bad;
  }
  return checker.result();
}
