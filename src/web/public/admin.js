/**
 * The delivery admin view: channels, subscribers, the outbox (pending, retrying, dead) and the
 * ledger, read from the admin API with the key the operator types (kept for this tab only).
 */
import { byId, h, replaceChildren } from './lib/dom.js';

const API = '/api/v1/admin';
// 7 requests a refresh: every 15 s (and not while the tab is hidden) is 28 a minute of the
// address's API budget (api.rateLimit.max, 300 by default), where every 5 s spent 84
const REFRESH_MS = 15_000;
const KEY_STORAGE = 'alphapulse.adminKey';

async function admin(path) {
  const key = sessionStorage.getItem(KEY_STORAGE) ?? '';
  const response = await fetch(`${API}${path}`, {
    headers: { accept: 'application/json', authorization: `Bearer ${key}` },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok)
    throw new Error(`GET ${path}: ${response.status} ${body?.message ?? response.statusText}`);
  return body;
}

const time = (ms) =>
  ms === null || ms === undefined ? '—' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function table(head, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    { class: 'compact' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        head.map((c) => h('th', null, c)),
      ),
    ),
    h('tbody', null, rows),
  );
}

function outboxTable(rows, empty) {
  return table(
    ['Id', 'Signal', 'Sub', 'Channel', 'Dest', 'Event', 'Tries', 'Next / error'],
    rows.map((r) =>
      h(
        'tr',
        { dataset: { id: r.id } },
        h('td', { class: 'mono' }, String(r.id)),
        h('td', { class: 'mono small' }, r.signalId),
        h('td', null, String(r.subscriberId)),
        h('td', null, r.channelSlug),
        h('td', null, r.destination),
        h('td', null, r.event),
        h('td', { class: 'num' }, String(r.attempts)),
        h(
          'td',
          { class: r.state === 'dead' ? 'state-dead small' : 'small' },
          r.lastError ?? time(r.nextAttemptAt),
        ),
      ),
    ),
    empty,
  );
}

async function load() {
  const error = byId('admin-error');
  try {
    const [counts, pending, retrying, dead, channels, subscribers, ledger] = await Promise.all([
      admin('/outbox/counts'),
      admin('/outbox?state=pending&limit=50'),
      admin('/outbox?state=retrying&limit=50'),
      admin('/outbox?state=dead&limit=50'),
      admin('/channels'),
      admin('/subscribers'),
      admin('/ledger?limit=100'),
    ]);
    error.hidden = true;
    replaceChildren(
      byId('outbox-counts'),
      Object.entries(counts).map(([state, n]) =>
        h(
          'div',
          { class: 'stat', dataset: { state } },
          h('div', { class: 'stat-label' }, state),
          h('div', { class: 'stat-value' }, String(n)),
        ),
      ),
    );
    replaceChildren(byId('outbox-pending'), outboxTable(pending, 'Nothing waiting.'));
    replaceChildren(byId('outbox-retrying'), outboxTable(retrying, 'Nothing retrying.'));
    replaceChildren(byId('outbox-dead'), outboxTable(dead, 'No dead letters.'));
    byId('channels-count').textContent = `(${channels.length})`;
    replaceChildren(
      byId('channels'),
      table(
        ['Slug', 'Name', 'Strategies', 'Symbols', 'TF', 'Min conf.', 'Daily cap', 'Price', 'Active'],
        channels.map((c) =>
          h(
            'tr',
            { class: 'channel-row' },
            h('td', { class: 'mono' }, c.slug),
            h('td', null, c.name),
            h('td', null, c.strategies.join(', ')),
            h('td', null, c.symbols.length ? c.symbols.join(', ') : 'all'),
            h('td', null, c.timeframe ?? 'all'),
            h('td', { class: 'num' }, `${Math.round(c.minConfidence * 100)}%`),
            h('td', { class: 'num' }, String(c.maxDailyEvents)),
            h('td', { class: 'num' }, String(c.price)),
            h('td', null, c.active ? 'yes' : 'no'),
          ),
        ),
        'No channels yet: POST /api/v1/admin/channels.',
      ),
    );
    byId('subscribers-count').textContent = `(${subscribers.length})`;
    replaceChildren(
      byId('subscribers'),
      table(
        ['Id', 'Name', 'Strategies owned', 'Balance', 'Destinations', 'Active'],
        subscribers.map((s) =>
          h(
            'tr',
            { class: 'subscriber-row' },
            h('td', { class: 'mono' }, String(s.id)),
            h('td', null, s.name),
            h('td', null, s.strategies.join(', ') || '—'),
            h('td', { class: 'num' }, String(s.balance)),
            h(
              'td',
              null,
              s.destinations.map((d) => `${d.kind}${d.active ? '' : ' (inactive)'}`).join(', ') || '—',
            ),
            h('td', null, s.active ? 'yes' : 'no'),
          ),
        ),
        'No subscribers yet.',
      ),
    );
    replaceChildren(
      byId('ledger'),
      table(
        ['Id', 'Time (UTC)', 'Sub', 'Kind', 'Amount', 'Reservation', 'Signal', 'Note'],
        ledger.map((l) =>
          h(
            'tr',
            { class: 'ledger-row' },
            h('td', { class: 'mono' }, String(l.id)),
            h('td', { class: 'small' }, time(l.createdAt)),
            h('td', null, String(l.subscriberId)),
            h('td', null, l.kind),
            h('td', { class: l.amount < 0 ? 'num neg' : 'num' }, String(l.amount)),
            h('td', { class: 'mono' }, l.reservationId === null ? '' : String(l.reservationId)),
            h('td', { class: 'mono small' }, l.signalId ?? ''),
            h('td', { class: 'small' }, l.note),
          ),
        ),
        'The ledger is empty.',
      ),
    );
    document.body.dataset.loaded = 'true';
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

let timer = null;

function start() {
  if (timer !== null) clearInterval(timer);
  load();
  timer = setInterval(() => {
    if (!document.hidden) load();
  }, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && timer !== null) load();
});

byId('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, byId('admin-key').value.trim());
  start();
});

if (sessionStorage.getItem(KEY_STORAGE)) start();
