/** The REST API of the same origin. Every call rejects with an Error naming the route and the server's message. */

const API = '/api/v1';

async function getJson(path) {
  const response = await fetch(`${API}${path}`, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = await response.json();
      if (body && typeof body.message === 'string') message = body.message;
    } catch {
      // not JSON: the status text says enough
    }
    throw new Error(`GET ${path}: ${response.status} ${message}`);
  }
  return response.json();
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  status: () => getJson('/status'),
  /** `{ items, nextCursor }`, newest first; items carry an outcome summary or null. */
  signals: (params = {}) => getJson(`/signals${query(params)}`),
  /** `{ signal, outcome }`: the signal in full (votes, breakdown, entry analysis) and its outcome. */
  signal: (id) => getJson(`/signals/${encodeURIComponent(id)}`),
  candles: (symbol, timeframe, params = {}) =>
    getJson(`/candles/${encodeURIComponent(symbol)}/${encodeURIComponent(timeframe)}${query(params)}`),
  performance: (params = {}) => getJson(`/performance${query(params)}`),
  /** `{ items }`: stored backtest runs, newest first. */
  backtests: () => getJson('/backtests'),
  /** `{ info, report }` of one stored backtest run. */
  backtest: (id) => getJson(`/backtests/${encodeURIComponent(id)}`),
};

/**
 * The values the signal list's filters accept, as the API's own OpenAPI document declares them
 * (`{ timeframe: [...], strategy: [...] }`); empty lists when the document cannot be read.
 */
export async function filterChoices() {
  try {
    const response = await fetch('/docs/json', { headers: { accept: 'application/json' } });
    if (!response.ok) return {};
    const doc = await response.json();
    const parameters = doc?.paths?.['/api/v1/signals']?.get?.parameters ?? [];
    const choices = {};
    for (const p of parameters) {
      const values = p?.schema?.enum;
      if (p?.in === 'query' && Array.isArray(values)) choices[p.name] = values.map(String);
    }
    return choices;
  } catch {
    return {};
  }
}
