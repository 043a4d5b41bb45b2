/**
 * The signal list as the page keeps it: newest first, one entry per id, at most MAX_SIGNALS.
 * Signals arrive from three places (the REST list, the WebSocket snapshot, live events) in any
 * order, so a merge keeps the newer state of each field rather than the last message.
 */

export const MAX_SIGNALS = 300;

function newestFirst(a, b) {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One signal from two reports of it: the status of whichever changed last; the breakdown and
 * entry analysis from whichever has them (list items carry neither); the outcome once known.
 */
export function mergeSignal(existing, incoming) {
  if (!existing) return incoming;
  const newer = (incoming.statusAt ?? 0) >= (existing.statusAt ?? 0) ? incoming : existing;
  const older = newer === incoming ? existing : incoming;
  return {
    ...older,
    ...newer,
    breakdown: newer.breakdown ?? older.breakdown,
    health: newer.health ?? older.health,
    entryAnalysis: newer.entryAnalysis ?? older.entryAnalysis,
    outcome: newer.outcome ?? older.outcome ?? null,
  };
}

/** The list with each of `incoming` merged in, sorted and capped; the same array when nothing changed. */
export function upsertSignals(list, incoming) {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((s) => [s.id, s]));
  for (const signal of incoming) {
    if (!signal || typeof signal.id !== 'string') continue;
    byId.set(signal.id, mergeSignal(byId.get(signal.id), signal));
  }
  return [...byId.values()].sort(newestFirst).slice(0, MAX_SIGNALS);
}

/** The short form of an outcome the list rows show (the REST list gives this form already). */
export function outcomeSummary(outcome) {
  if (!outcome) return null;
  return {
    type: outcome.type,
    filled: outcome.filled,
    rMultiple: outcome.rMultiple,
    returnPct: outcome.returnPct,
    exitTime: outcome.exitTime,
  };
}
