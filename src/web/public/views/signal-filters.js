import { byId, h, replaceChildren } from '../lib/dom.js';
import { humanise } from '../lib/format.js';
import { changed } from '../lib/store.js';
import { FILTER_KEYS } from '../lib/url-state.js';

/** Fixed choices; symbols, timeframes and strategies come from the API (state.filterOptions). */
const FIXED = {
  direction: ['BUY', 'SELL'],
  status: ['PENDING', 'ACTIVE', 'CLOSED', 'EXPIRED', 'CANCELLED'],
  priority: ['HIGH', 'MEDIUM', 'LOW'],
  published: ['true', 'false'],
};

const LABELS = {
  published: { true: 'Published', false: 'Not published (slice not validated)' },
};

function label(key, value) {
  const special = LABELS[key]?.[value];
  if (special) return special;
  if (key === 'symbol' || key === 'timeframe') return value;
  return humanise(value);
}

/**
 * The filter bar and the pager of the signal list. Every change goes to `onFilters(filters)`
 * (the page then writes the address bar and fetches page one); the pager to `onPage(where)`.
 */
export function createSignalFilters({ onFilters, onPage }) {
  const form = byId('signal-filters');
  const selects = Object.fromEntries(FILTER_KEYS.map((key) => [key, form.elements.namedItem(key)]));
  const newest = byId('page-newest');
  const newer = byId('page-newer');
  const older = byId('page-older');
  const info = byId('page-info');

  const read = () => {
    const filters = {};
    for (const key of FILTER_KEYS) if (selects[key].value !== '') filters[key] = selects[key].value;
    return filters;
  };
  form.addEventListener('change', () => onFilters(read()));
  form.addEventListener('submit', (event) => event.preventDefault());
  byId('filters-clear').addEventListener('click', () => onFilters({}));
  newest.addEventListener('click', () => onPage('newest'));
  newer.addEventListener('click', () => onPage('newer'));
  older.addEventListener('click', () => onPage('older'));

  return function render(state, before) {
    if (changed(state, before, 'filters', 'filterOptions')) {
      for (const key of FILTER_KEYS) {
        const values = FIXED[key] ?? state.filterOptions[key] ?? [];
        const current = state.filters[key] ?? '';
        const list = current && !values.includes(current) ? [current, ...values] : values;
        const wanted = ['', ...list];
        const select = selects[key];
        const same =
          select.options.length === wanted.length && wanted.every((v, i) => select.options[i].value === v);
        if (!same) {
          replaceChildren(
            select,
            wanted.map((value) => h('option', { value }, value === '' ? 'any' : label(key, value))),
          );
        }
        select.value = current;
        select.classList.toggle('active', current !== '');
      }
    }
    if (changed(state, before, 'page', 'cursor', 'cursorStack')) {
      const first = state.cursor === null;
      newest.disabled = first;
      newer.disabled = first;
      older.disabled = !state.page.nextCursor;
      info.textContent = first ? 'newest page · updates live' : 'older signals · “Newest” for the live page';
    }
  };
}
