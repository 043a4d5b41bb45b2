import type { AuditStore } from '../adapters/store/ports.js';
import { isTimeframe, type Timeframe } from '../core/candles/timeframe.js';
import { EvaluationError } from '../core/pipeline/evaluation.js';
import type { EventSink } from '../core/pipeline/events.js';
import type { SignalPipeline } from '../core/pipeline/signal-pipeline.js';

/**
 * An operator's action that changed the pipeline between two candles: recovery applies it again
 * right after the same candle, so the replayed pipeline ends where the live one was (the signal
 * closed, cancelled or made) instead of rewriting the stored outcome with what would have been.
 */
export type OperatorAction =
  | {
      readonly kind: 'signal.closed' | 'signal.cancelled';
      readonly actor: string;
      readonly signalId: string;
      readonly reason: string;
    }
  | { readonly kind: 'evaluate'; readonly timeframe: Timeframe };

const PAGE = 500;

/** Rows of `action`, oldest first. */
async function rowsOf(audit: AuditStore, action: string) {
  const out = [];
  let before: number | undefined;
  for (;;) {
    const page = await audit.list({ action }, { limit: PAGE, before });
    out.push(...page.items);
    if (page.next === null) break;
    before = page.next;
  }
  return out.reverse();
}

function parse(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/**
 * The operators' actions recorded in the audit trail, by `symbol|candle close time`, each list in
 * the order they were taken: closes and cancels, and on-demand runs that published signals.
 */
export async function operatorActions(audit: AuditStore): Promise<Map<string, OperatorAction[]>> {
  const rows = [
    ...(await rowsOf(audit, 'signal.closed')),
    ...(await rowsOf(audit, 'signal.cancelled')),
    ...(await rowsOf(audit, 'evaluate.run')),
  ].sort((a, b) => a.seq - b.seq);
  const out = new Map<string, OperatorAction[]>();
  for (const row of rows) {
    const after = parse(row.after);
    const { symbol, candleTime } = after;
    if (typeof symbol !== 'string' || typeof candleTime !== 'number') continue;
    let action: OperatorAction | null = null;
    if (row.action === 'evaluate.run') {
      const created = after.created;
      const tf = after.timeframe;
      if (
        after.publish === true &&
        Array.isArray(created) &&
        created.length > 0 &&
        typeof tf === 'string' &&
        isTimeframe(tf)
      )
        action = { kind: 'evaluate', timeframe: tf };
    } else if (row.action === 'signal.closed' || row.action === 'signal.cancelled') {
      action = {
        kind: row.action,
        actor: row.actor,
        signalId: row.target,
        reason: typeof after.reason === 'string' ? after.reason : '',
      };
    }
    if (!action) continue;
    const key = `${symbol}|${candleTime}`;
    const list = out.get(key);
    if (list) list.push(action);
    else out.set(key, [action]);
  }
  return out;
}

/** The status reason an operator's close or cancel gives the signal (the same again in recovery). */
export function operatorReason(
  action: 'signal.closed' | 'signal.cancelled',
  actor: string,
  reason: string,
): string {
  return `${action === 'signal.closed' ? 'closed' : 'cancelled'} by ${actor}: ${reason}`;
}

/**
 * Applies again the actions taken right after `symbol`'s base candle closing at `closeAt` (call
 * it after the pipeline processed that candle); their events go to `sink`. A run that cannot be
 * redone is reported to `warn` and skipped.
 */
export function applyOperatorActions(
  pipeline: SignalPipeline,
  actions: ReadonlyMap<string, readonly OperatorAction[]>,
  symbol: string,
  closeAt: number,
  sink: EventSink,
  warn: (msg: string) => void,
): void {
  for (const a of actions.get(`${symbol}|${closeAt}`) ?? []) {
    if (a.kind === 'evaluate') {
      try {
        pipeline.evaluateNow(symbol, a.timeframe, true, sink);
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
        warn(`the on-demand run of ${symbol} ${a.timeframe} cannot be redone: ${e.message}`);
      }
    } else {
      const text = operatorReason(a.kind, a.actor, a.reason);
      if (a.kind === 'signal.closed') pipeline.closeSignal(a.signalId, text, sink);
      else pipeline.cancelSignal(a.signalId, text, sink);
    }
  }
}
