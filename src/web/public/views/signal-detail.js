import { byId, definitionList, h, replaceChildren } from '../lib/dom.js';
import {
  DASH,
  entryLabel,
  formatDuration,
  formatNumber,
  formatPercent,
  formatPrice,
  formatR,
  formatSignedPercent,
  formatTime,
  humanise,
  outcomeClass,
  priceDecimals,
} from '../lib/format.js';
import { changed } from '../lib/store.js';
import { publicationBadge } from './signals-table.js';

/**
 * The selected signal in full: prices, reasons, how its confidence was built (votes and
 * factors), the entry refinement, its health and what became of it.
 */
export function createSignalDetail() {
  const root = byId('signal-detail');
  const idLabel = byId('detail-id');

  return function render(state, before) {
    if (!changed(state, before, 'selectedId', 'details', 'detailError', 'signals')) return;
    const id = state.selectedId;
    if (id === null) {
      delete root.dataset.signalId;
      idLabel.textContent = '';
      replaceChildren(
        root,
        h(
          'p',
          { class: 'empty' },
          'Click a signal in the table or a marker on the chart to see its detail here.',
        ),
      );
      return;
    }
    root.dataset.signalId = id;
    idLabel.textContent = id;
    idLabel.title = 'Signal id';
    const detail = state.details[id];
    const listed = state.signals.find((s) => s.id === id);
    if (!detail) {
      replaceChildren(
        root,
        listed ? head(listed, listed.outcome) : null,
        state.detailError
          ? h('p', { class: 'error' }, state.detailError)
          : h('p', { class: 'muted' }, 'Loading…'),
      );
      return;
    }
    // the list may know a newer status or outcome than the detail fetched earlier
    const signal =
      listed && listed.statusAt > detail.signal.statusAt ? { ...detail.signal, ...listed } : detail.signal;
    const outcome = detail.outcome ?? null;
    replaceChildren(
      root,
      head(signal, outcome ?? listed?.outcome),
      publication(signal),
      prices(signal),
      section('Reasons', reasonList(signal.reasons)),
      section('Confidence', confidence(signal)),
      section('Entry', entryAnalysis(signal)),
      section('Health', health(signal.health)),
      section('Outcome', outcomeView(signal, outcome)),
    );
  };
}

/** Why an unpublished signal is on the page at all. */
function publication(signal) {
  if (signal.published !== false) return null;
  return h(
    'p',
    { class: 'publication-note' },
    h('b', null, 'Not published: slice not validated. '),
    `Its strategy slice (${humanise(signal.strategy)} · ${signal.timeframe}) has not passed walk-forward validation, so the engine computed, stored and tracks this signal but delivered it to nobody.`,
  );
}

function section(title, content) {
  return h('section', { class: 'detail-section' }, h('h3', null, title), content);
}

function head(signal, outcome) {
  const buy = signal.direction === 'BUY';
  return h(
    'div',
    { class: 'detail-head' },
    h('span', { class: `dir ${buy ? 'buy' : 'sell'}` }, buy ? '▲ BUY' : '▼ SELL'),
    h(
      'span',
      { class: 'detail-title' },
      `${signal.symbol} ${signal.timeframe} · ${humanise(signal.strategy)}`,
    ),
    h(
      'span',
      { class: `chip priority ${String(signal.priority).toLowerCase()}` },
      `${humanise(signal.priority)} priority`,
    ),
    outcome
      ? h('span', { class: `outcome ${outcomeClass(outcome)}` }, humanise(outcome.type))
      : h('span', { class: `status ${signal.status.toLowerCase()}` }, humanise(signal.status)),
    publicationBadge(signal),
  );
}

function prices(signal) {
  const decimals = priceDecimals(signal.entryPrice);
  const price = (value) => formatPrice(value, decimals);
  return definitionList('detail-prices', [
    [`Entry · ${entryLabel(signal.entryType)}`, price(signal.entryPrice)],
    ['Stop loss', price(signal.stopLoss)],
    ['TP1', price(signal.takeProfits[0])],
    ['TP2', price(signal.takeProfits[1])],
    ['TP3', price(signal.takeProfits[2])],
    ['R:R', formatNumber(signal.rewardRisk, 2)],
    ['Confidence', formatPercent(signal.confidence, 1)],
    ['Created', `${formatTime(signal.createdAt)} UTC`],
    ['Expires', `${formatTime(signal.expiresAt)} UTC`],
  ]);
}

function reasonList(reasons) {
  if (!reasons || reasons.length === 0) return h('p', { class: 'empty' }, 'No reasons given.');
  return h(
    'ul',
    { class: 'reasons-list' },
    reasons.map((reason) => h('li', null, reason)),
  );
}

function factor(value, decimals = 2) {
  return formatNumber(value, decimals);
}

/** base × (1 + mtfBoost) × alignment × volume = product, clamped to the confidence. */
function confidence(signal) {
  const b = signal.breakdown;
  if (!b) return h('p', { class: 'muted' }, 'No breakdown for this signal.');
  const formula = h(
    'p',
    { class: 'formula' },
    h(
      'span',
      { title: `ensemble ${factor(b.ensembleScore)} × scale ${factor(b.baseScale)}` },
      `base ${factor(b.base)}`,
    ),
    ' × (1 + MTF boost ',
    h('b', null, factor(b.mtfBoost)),
    ') × alignment ',
    h('b', null, factor(b.alignmentFactor)),
    ' × volume ',
    h('b', null, factor(b.volumeFactor)),
    ` = ${factor(b.product)} → `,
    h('b', null, formatPercent(signal.confidence, 1)),
  );
  const votes = h(
    'table',
    { class: 'compact votes' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'Voter'),
        h('th', { class: 'num' }, 'Weight'),
        h('th', { class: 'num' }, 'Score'),
        h('th', null, 'Why'),
      ),
    ),
    h(
      'tbody',
      null,
      b.votes.map((vote) =>
        h(
          'tr',
          null,
          h('td', null, humanise(vote.voter)),
          h('td', { class: 'num' }, factor(vote.weight)),
          h('td', { class: 'num' }, factor(vote.score)),
          h('td', { class: 'why' }, vote.reason),
        ),
      ),
    ),
  );
  const context =
    b.context && b.context.length > 0
      ? h(
          'p',
          { class: 'context small' },
          h('span', { class: 'label' }, 'Higher timeframes'),
          b.context.map((c) =>
            h(
              'span',
              {
                class: `chip ${c.agrees ? 'agrees' : 'disagrees'}`,
                title: `trend ${c.trend}, momentum ${c.momentum}, ${c.regime}, volatility percentile ${factor(c.volatilityPercentile)}, weight ${factor(c.weight)}, as of ${formatTime(c.asOf)} UTC`,
              },
              `${c.timeframe} ${c.agrees ? 'agrees' : 'disagrees'} · ${c.regime}`,
            ),
          ),
        )
      : null;
  return h('div', null, formula, votes, context);
}

function entryAnalysis(signal) {
  const a = signal.entryAnalysis;
  if (!a) return h('p', { class: 'muted' }, 'No entry analysis for this signal.');
  const decimals = priceDecimals(a.marketPrice);
  return h(
    'div',
    null,
    h(
      'p',
      null,
      h('b', null, entryLabel(a.chosen)),
      ` on ${a.entryTimeframe} (${a.entryCandles} candles), market ${formatPrice(a.marketPrice, decimals)}: ${a.why}`,
    ),
    h(
      'table',
      { class: 'compact entries' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Option'),
          h('th', { class: 'num' }, 'Price'),
          h('th', null, 'Valid'),
          h('th', null, 'Why'),
        ),
      ),
      h(
        'tbody',
        null,
        a.considered.map((option) =>
          h(
            'tr',
            { class: option.type === a.chosen ? 'chosen' : null },
            h('td', null, entryLabel(option.type)),
            h('td', { class: 'num' }, option.price === null ? DASH : formatPrice(option.price, decimals)),
            h('td', null, option.valid ? 'yes' : 'no'),
            h('td', { class: 'why' }, option.reason),
          ),
        ),
      ),
    ),
  );
}

function health(value) {
  if (!value) return h('p', { class: 'muted' }, DASH);
  return h(
    'p',
    { class: 'health' },
    ['score', 'dataQuality', 'technical', 'risk', 'regime'].map((key) =>
      h('span', { class: 'chip' }, `${humanise(key.replace(/([A-Z])/g, '_$1'))} ${factor(value[key])}`),
    ),
  );
}

function outcomeView(signal, outcome) {
  if (!outcome) {
    return h(
      'p',
      { class: 'muted' },
      `${humanise(signal.status)}: ${signal.statusReason || 'still followed'}`,
    );
  }
  const decimals = priceDecimals(outcome.entryPrice);
  const price = (value) => formatPrice(value, decimals);
  const pairs = [
    ['Result', h('span', { class: `outcome ${outcomeClass(outcome)}` }, humanise(outcome.type))],
    ['R', formatR(outcome.rMultiple)],
    ['Return', formatSignedPercent(outcome.returnPct), 'after costs'],
    ['Filled', outcome.filled ? `${price(outcome.fillPrice)} at ${formatTime(outcome.fillTime)}` : 'no'],
    ['Exit', `${price(outcome.averageExitPrice)} at ${formatTime(outcome.exitTime)}`],
    ['Held', formatDuration(outcome.holdingMs)],
    ['MAE / MFE', `${formatR(outcome.maeR)} / ${formatR(outcome.mfeR)}`],
  ];
  return h(
    'div',
    null,
    h('p', null, outcome.reason),
    definitionList('detail-prices', pairs),
    outcome.ambiguous
      ? h(
          'p',
          { class: 'warn small' },
          `${outcome.ambiguousCandles} ambiguous candle(s), decided by the ${outcome.policy} policy`,
        )
      : null,
    outcome.events && outcome.events.length > 0
      ? h(
          'table',
          { class: 'compact events' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, 'Event'),
              h('th', null, 'Time (UTC)'),
              h('th', { class: 'num' }, 'Price'),
              h('th', { class: 'num' }, 'Share'),
            ),
          ),
          h(
            'tbody',
            null,
            outcome.events.map((e) =>
              h(
                'tr',
                null,
                h('td', null, humanise(e.kind)),
                h('td', null, formatTime(e.time)),
                h('td', { class: 'num' }, price(e.price)),
                h('td', { class: 'num' }, formatPercent(e.fraction, 0)),
              ),
            ),
          ),
        )
      : null,
  );
}
