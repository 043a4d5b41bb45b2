import { byId, h } from '../lib/dom.js';
import {
  entryLabel,
  formatCount,
  formatPercent,
  formatPrice,
  formatR,
  formatTime,
  humanise,
  outcomeClass,
  priceDecimals,
} from '../lib/format.js';
import { changed } from '../lib/store.js';

/**
 * One page of stored signals (server-side filters and cursor, see app.js), published or not.
 * Rows are keyed by signal id and rebuilt only when that signal's object changed, so a refresh
 * touches the rows that changed, not the whole table. Below 760 px each row is a card (CSS).
 */
export function createSignalsTable({ onSelect }) {
  const body = byId('signals-body');
  const empty = byId('signals-empty');
  const count = byId('signals-count');
  const rows = new Map(); // id -> { signal, row }
  let firstFill = true;

  const pick = (event) => {
    const row = event.target.closest('tr.signal-row');
    if (!row) return;
    if (event.type === 'keydown') {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
    }
    onSelect(row.dataset.id);
  };
  body.addEventListener('click', pick);
  body.addEventListener('keydown', pick);

  return function render(state, before) {
    if (!changed(state, before, 'page', 'selectedId')) return;
    const signals = state.page.items;
    const keep = new Set();
    let previous = null;
    for (const signal of signals) {
      keep.add(signal.id);
      let entry = rows.get(signal.id);
      if (!entry || entry.signal !== signal) {
        const row = signalRow(signal, !firstFill && !entry);
        if (entry) entry.row.replaceWith(row);
        entry = { signal, row };
        rows.set(signal.id, entry);
      }
      entry.row.classList.toggle('selected', signal.id === state.selectedId);
      // keep DOM order equal to list order, moving only rows that are out of place
      const expectedNext = previous ? previous.nextSibling : body.firstChild;
      if (expectedNext !== entry.row) body.insertBefore(entry.row, expectedNext);
      previous = entry.row;
    }
    for (const [id, entry] of rows) {
      if (keep.has(id)) continue;
      entry.row.remove();
      rows.delete(id);
    }
    if (signals.length > 0) firstFill = false;
    empty.hidden = signals.length > 0;
    empty.textContent = state.page.error
      ? state.page.error
      : state.page.loaded
        ? 'No signal matches these filters yet.'
        : 'Loading signals…';
    count.textContent = signals.length > 0 ? `(${formatCount(signals.length)} on this page)` : '';
    body.dataset.rows = String(signals.length);
  };
}

function signalRow(signal, fresh) {
  const decimals = priceDecimals(signal.entryPrice);
  const price = (value) => formatPrice(value, decimals);
  const buy = signal.direction === 'BUY';
  const klass = `signal-row ${outcomeClass(signal.outcome)}${fresh ? ' fresh' : ''}`;
  const reasons = signal.reasons ?? [];
  return h(
    'tr',
    { class: klass, tabindex: 0, dataset: { id: signal.id, published: String(signal.published !== false) } },
    h('td', { class: 'time', dataset: { label: 'Time (UTC)' } }, formatTime(signal.createdAt)),
    h(
      'td',
      { class: 'signal-cell', dataset: { label: 'Signal' } },
      h('span', { class: 'symbol-cell' }, signal.symbol),
      ' ',
      h('span', { class: 'tf' }, signal.timeframe),
      ' ',
      h('span', { class: `dir ${buy ? 'buy' : 'sell'}` }, buy ? '▲ BUY' : '▼ SELL'),
    ),
    h(
      'td',
      {
        class: 'entry',
        title: `${humanise(signal.entryType)} entry on ${signal.entryTimeframe}`,
        dataset: { label: 'Entry' },
      },
      h('span', { class: 'entry-type' }, entryLabel(signal.entryType)),
      h('span', { class: 'entry-price' }, price(signal.entryPrice)),
    ),
    h('td', { class: 'num sl', dataset: { label: 'SL' } }, price(signal.stopLoss)),
    h(
      'td',
      { class: 'num tp', dataset: { label: 'TP1 · TP2 · TP3' } },
      signal.takeProfits.map((tp, i) => [i > 0 ? ' · ' : null, h('span', { class: 'tp-price' }, price(tp))]),
    ),
    h(
      'td',
      {
        class: 'num confidence-cell',
        dataset: { tooltip: 'confidence', id: signal.id, label: 'Confidence' },
      },
      h(
        'span',
        { class: 'confidence-bar' },
        h('i', { style: { width: `${Math.round(signal.confidence * 100)}%` } }),
      ),
      formatPercent(signal.confidence, 0),
    ),
    h(
      'td',
      { class: 'strategy-cell', dataset: { label: 'Strategy' } },
      humanise(signal.strategy),
      signal.priority
        ? h('span', { class: `prio ${String(signal.priority).toLowerCase()}` }, signal.priority)
        : null,
    ),
    h(
      'td',
      { class: 'reasons', title: reasons.join('\n'), dataset: { label: 'Reasons' } },
      reasons[0] ?? '',
      reasons.length > 1 ? h('span', { class: 'more' }, ` +${reasons.length - 1}`) : null,
    ),
    h(
      'td',
      { class: 'status-cell', dataset: { label: 'Status' } },
      statusBadge(signal),
      publicationBadge(signal),
    ),
  );
}

/** Signals of slices not validated are stored and tracked but not delivered: said on every row. */
export function publicationBadge(signal) {
  if (signal.published !== false) return null;
  return h(
    'span',
    {
      class: 'badge unpublished',
      title: `not published: slice ${signal.strategy}:${signal.timeframe} not validated (computed, stored and tracked, not delivered)`,
    },
    'not published',
  );
}

const OUTCOME_TEXT = {
  TP_HIT: 'TP hit',
  PARTIAL_TP: 'Partial TP',
  SL_HIT: 'SL hit',
  TIME_EXIT: 'Time exit',
  EXPIRED: 'Expired',
  CANCELLED: 'Cancelled',
};

function statusBadge(signal) {
  const outcome = signal.outcome;
  if (outcome) {
    const klass = outcomeClass(outcome);
    const text = OUTCOME_TEXT[outcome.type] ?? humanise(outcome.type);
    return h(
      'span',
      {
        class: `outcome ${klass}`,
        title: outcome.filled ? `return ${formatPercent(outcome.returnPct, 2)} after costs` : 'not filled',
      },
      outcome.filled ? `${text} ${formatR(outcome.rMultiple, 1)}` : text,
    );
  }
  return h(
    'span',
    { class: `status ${signal.status.toLowerCase()}`, title: signal.statusReason ?? '' },
    humanise(signal.status),
  );
}
