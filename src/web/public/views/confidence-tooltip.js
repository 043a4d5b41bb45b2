import { byId, h, replaceChildren } from '../lib/dom.js';
import { formatNumber, formatPercent, humanise } from '../lib/format.js';

/**
 * Hovering a confidence cell shows how the number was built: the votes, the multi-timeframe
 * boost, the alignment and the volume factor. List rows from REST carry no breakdown, so the
 * signal's detail is fetched on first hover.
 */
export function createConfidenceTooltip({ container, getState, requestDetail }) {
  const tip = byId('tooltip');
  let current = null; // { id, cell }

  container.addEventListener('mouseover', (event) => {
    const cell = event.target.closest('[data-tooltip="confidence"]');
    if (!cell || current?.cell === cell) return;
    current = { id: cell.dataset.id, cell };
    update(getState());
  });
  container.addEventListener('mouseout', (event) => {
    if (!current) return;
    const to = event.relatedTarget;
    if (to instanceof Node && current.cell.contains(to)) return;
    hide();
  });
  window.addEventListener('scroll', hide, { passive: true });

  function hide() {
    current = null;
    tip.hidden = true;
  }

  function signalWithBreakdown(state, id) {
    const listed = state.signals.find((s) => s.id === id);
    if (listed?.breakdown) return listed;
    return state.details[id]?.signal ?? null;
  }

  function update(state) {
    if (!current) return;
    if (!current.cell.isConnected) {
      hide();
      return;
    }
    const signal = signalWithBreakdown(state, current.id);
    if (signal) replaceChildren(tip, content(signal));
    else {
      replaceChildren(tip, h('p', { class: 'muted' }, 'Loading the breakdown…'));
      requestDetail(current.id);
    }
    tip.hidden = false;
    place(current.cell);
  }

  function place(cell) {
    const box = cell.getBoundingClientRect();
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    const left = Math.max(8, Math.min(window.innerWidth - width - 8, box.right - width));
    const below = box.bottom + 6;
    const top = below + height > window.innerHeight - 8 ? box.top - height - 6 : below;
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(8, top)}px`;
  }

  return function render(state, before) {
    if (current && before && (state.details !== before.details || state.signals !== before.signals))
      update(state);
  };
}

function row(label, value, detail) {
  return h(
    'tr',
    null,
    h('th', null, label),
    h('td', { class: 'num' }, value),
    h('td', { class: 'muted' }, detail ?? ''),
  );
}

function content(signal) {
  const b = signal.breakdown;
  const n = (v) => formatNumber(v, 2);
  return h(
    'div',
    null,
    h('div', { class: 'tooltip-title' }, `Confidence ${formatPercent(signal.confidence, 1)}`),
    h(
      'table',
      { class: 'tooltip-table' },
      h(
        'tbody',
        null,
        b.votes.map((vote) => row(humanise(vote.voter), n(vote.score), `weight ${n(vote.weight)}`)),
        row('Ensemble', n(b.ensembleScore), `× scale ${n(b.baseScale)} = base ${n(b.base)}`),
        row('MTF boost', n(b.mtfBoost), '× (1 + boost)'),
        row('Alignment', n(b.alignmentFactor), 'higher timeframes agree'),
        row('Volume factor', n(b.volumeFactor), ''),
        row('Product', n(b.product), 'clamped to 0..1'),
      ),
    ),
  );
}
