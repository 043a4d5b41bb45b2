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
 * The live signals table. Rows are keyed by signal id and rebuilt only when that signal's object
 * changed, so a burst of events touches a few rows, not the whole table.
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
    if (!changed(state, before, 'signals', 'selectedId')) return;
    const signals = state.signals;
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
    count.textContent = signals.length > 0 ? `(${formatCount(signals.length)})` : '';
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
    { class: klass, tabindex: 0, dataset: { id: signal.id } },
    h('td', { class: 'time' }, formatTime(signal.createdAt)),
    h('td', { class: 'symbol-cell' }, signal.symbol),
    h('td', null, signal.timeframe),
    h('td', null, h('span', { class: `dir ${buy ? 'buy' : 'sell'}` }, buy ? '▲ BUY' : '▼ SELL')),
    h(
      'td',
      { class: 'entry', title: `${humanise(signal.entryType)} entry on ${signal.entryTimeframe}` },
      h('span', { class: 'entry-type' }, entryLabel(signal.entryType)),
      h('span', { class: 'entry-price' }, price(signal.entryPrice)),
    ),
    h('td', { class: 'num sl' }, price(signal.stopLoss)),
    signal.takeProfits.map((tp) => h('td', { class: 'num tp' }, price(tp))),
    h(
      'td',
      { class: 'num confidence-cell', dataset: { tooltip: 'confidence', id: signal.id } },
      h(
        'span',
        { class: 'confidence-bar' },
        h('i', { style: { width: `${Math.round(signal.confidence * 100)}%` } }),
      ),
      formatPercent(signal.confidence, 0),
    ),
    h('td', null, humanise(signal.strategy)),
    h('td', { class: 'reasons', title: reasons.join('\n') }, reasons[0] ?? ''),
    h('td', null, statusBadge(signal)),
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
