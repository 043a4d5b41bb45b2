import { createHash } from 'node:crypto';
import type { AuditStore } from '../adapters/store/ports.js';
import type { LoadedConfig } from '../config/load.js';

const SECRET_KEY = /key|token|secret|password/i;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The configuration with secrets replaced: a field named like a key, token, secret or password
 * becomes `sha256:` and 12 hex digits of its value (so rotating one changes the hash, as an admin
 * key's audit id does), and credentials in URLs become `***`.
 */
function redacted(value: unknown, secret = false): unknown {
  if (typeof value === 'string') {
    if (secret) return `sha256:${sha256(value).slice(0, 12)}`;
    return value.replace(/\/\/[^/@\s]*@/, '//***@');
  }
  if (Array.isArray(value)) return value.map((v) => redacted(v, secret));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, redacted(v, secret || SECRET_KEY.test(k))]),
    );
  }
  return value;
}

/** The configuration in force as a SHA-256 (keys sorted, secrets redacted) and a short summary. */
export function configFingerprint(loaded: LoadedConfig): { hash: string; summary: Record<string, unknown> } {
  const { config } = loaded;
  const hash = sha256(JSON.stringify(redacted(config)));
  const engine = config.engine;
  return {
    hash,
    summary: {
      file: loaded.file,
      database: loaded.dbPath,
      exchange: config.exchange,
      source: config.live.source,
      symbols: config.symbols,
      baseTimeframe: engine.baseTimeframe,
      signalTimeframes: engine.signalTimeframes.map((s) => s.timeframe),
      strategies: Object.keys(engine.strategies),
      filters: engine.filters,
      thresholds: engine.thresholds,
      confidenceModel: engine.confidence.model,
      adminKeys: config.api.adminKeys.length,
    },
  };
}

/**
 * Audits the configuration a service starts with (`config.started`): its hash and summary, with
 * the previous start's hash as `before` and whether it changed.
 */
export async function auditConfigAtStart(
  audit: AuditStore,
  loaded: LoadedConfig,
  at: number,
): Promise<string> {
  const { hash, summary } = configFingerprint(loaded);
  const last = (await audit.list({ action: 'config.started' }, { limit: 1 })).items[0];
  const previous = last?.after ? (JSON.parse(last.after) as { hash?: unknown }).hash : undefined;
  const before = typeof previous === 'string' ? { hash: previous } : undefined;
  await audit.append({
    at,
    actor: 'system',
    action: 'config.started',
    target: loaded.file ?? 'defaults and environment',
    before,
    after: { hash, changed: before ? before.hash !== hash : null, summary },
  });
  return hash;
}
