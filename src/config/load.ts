import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BUILTIN_REGISTRY, type StrategyRegistry } from '../core/strategies/registry.js';
import { type Config, ConfigSchema, configSchema } from './schema.js';
import { loadStrategyModules, StrategyModuleError } from './strategy-modules.js';

export const DEFAULT_CONFIG_FILE = 'alphapulse.config.yaml';

/** Env variables that are shorter to type than their generic ALPHAPULSE_A__B form. */
const ENV_ALIASES: Record<string, string[]> = {
  ALPHAPULSE_DB: ['store', 'path'],
  ALPHAPULSE_DATA_DIR: ['dataDir'],
  ALPHAPULSE_LOG_LEVEL: ['log', 'level'],
  ALPHAPULSE_REDIS_URL: ['redis', 'url'],
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Explicit config file; an error when missing. Default: ./alphapulse.config.yaml when present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Last layer, e.g. CLI options, as paths into the config. */
  overrides?: ReadonlyArray<readonly [string[], unknown]>;
  /** The strategy families the config may configure (default: the built-in ones). */
  registry?: StrategyRegistry;
}

export interface LoadedConfig {
  readonly config: Config;
  readonly file: string | null;
  /** The database path after defaults are applied. */
  readonly dbPath: string;
  /** The strategy families in force: the built-in ones and those of `strategyPaths`. */
  readonly registry: StrategyRegistry;
  /** The values the layers gave before defaults were applied (what the user chose explicitly). */
  readonly given: Readonly<Record<string, unknown>>;
}

/**
 * Loads defaults <- YAML file <- environment <- overrides, validates once, names any bad key.
 * Strategy files are not loaded here (that is asynchronous): see `loadConfigWithStrategies`.
 */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const { raw, file } = readLayers(opts);
  const registry = opts.registry ?? BUILTIN_REGISTRY;
  const config = validateConfig(raw, file ?? 'configuration', registry);
  // a PostgreSQL URL chooses the PostgreSQL store
  if (config.store.url !== undefined) config.store.driver = 'postgres';
  const dbPath = resolve(
    opts.cwd ?? process.cwd(),
    config.store.path ?? join(config.dataDir, 'alphapulse.db'),
  );
  return { config, file, dbPath, registry, given: raw };
}

/**
 * `loadConfig`, after loading the strategy files the layers name in `strategyPaths` (plus
 * `extraStrategyPaths`, e.g. `--strategy-path`), so their sections validate like built-in ones.
 * A strategy file that cannot be used fails with a ConfigError naming it.
 */
export async function loadConfigWithStrategies(
  opts: LoadOptions & { extraStrategyPaths?: readonly string[] } = {},
): Promise<LoadedConfig> {
  const { raw } = readLayers(opts);
  const listed = raw.strategyPaths;
  const fromLayers = Array.isArray(listed)
    ? listed.filter((p): p is string => typeof p === 'string')
    : typeof listed === 'string'
      ? listed
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0)
      : [];
  const paths = [...fromLayers, ...(opts.extraStrategyPaths ?? [])];
  let registry = opts.registry ?? BUILTIN_REGISTRY;
  if (paths.length) {
    try {
      registry = registry.with(await loadStrategyModules(paths, opts.cwd));
    } catch (e) {
      if (e instanceof StrategyModuleError || e instanceof RangeError) throw new ConfigError(e.message);
      throw e;
    }
  }
  const loaded = loadConfig({ ...opts, registry });
  return { ...loaded, config: { ...loaded.config, strategyPaths: paths } };
}

function readLayers(opts: LoadOptions): { raw: Record<string, unknown>; file: string | null } {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  let file: string | null = null;
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    file = resolve(cwd, opts.file);
    if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  } else if (existsSync(join(cwd, DEFAULT_CONFIG_FILE))) {
    file = join(cwd, DEFAULT_CONFIG_FILE);
  }
  if (file) raw = readYamlObject(file);
  for (const [path, value] of envEntries(env)) setPath(raw, path, value);
  for (const [path, value] of opts.overrides ?? []) if (value !== undefined) setPath(raw, path, value);
  return { raw, file };
}

export function validateConfig(raw: unknown, where: string, registry?: StrategyRegistry): Config {
  const parsed = (registry ? configSchema(registry) : ConfigSchema).safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(`invalid ${where}: ${formatIssues(parsed.error)}`);
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') {
        const prefix = i.path.length ? `${i.path.join('.')}.` : '';
        return `unknown key ${i.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
      }
      return `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`;
    })
    .join('; ');
}

function readYamlObject(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(
      `config file ${file} must hold a mapping of keys, not ${Array.isArray(doc) ? 'a list' : typeof doc}`,
    );
  }
  return doc as Record<string, unknown>;
}

/**
 * ALPHAPULSE_LOG__LEVEL=debug sets log.level; path segments are converted from SNAKE_CASE to
 * camelCase (ALPHAPULSE_DATA_DIR -> dataDir). Values are read as YAML scalars so numbers and
 * booleans keep their types.
 */
function* envEntries(env: NodeJS.ProcessEnv): Generator<[string[], unknown]> {
  // the conventional name first, so that ALPHAPULSE_STORE__URL overrides it
  if (env.DATABASE_URL) yield [['store', 'url'], env.DATABASE_URL];
  if (env.REDIS_URL) yield [['redis', 'url'], env.REDIS_URL];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || !key.startsWith('ALPHAPULSE_')) continue;
    if (key === 'ALPHAPULSE_CONFIG') continue;
    const alias = ENV_ALIASES[key];
    const path = alias ?? key.slice('ALPHAPULSE_'.length).split('__').map(camel);
    yield [path, alias && alias[alias.length - 1] === 'path' ? value : scalar(value)];
  }
}

function camel(s: string): string {
  return s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function scalar(v: string): unknown {
  try {
    const parsed: unknown = parseYaml(v);
    return typeof parsed === 'object' && parsed !== null ? v : (parsed ?? v);
  } catch {
    return v;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const next = node[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const fresh: Record<string, unknown> = {};
      node[k] = fresh;
      node = fresh;
    } else {
      node = next as Record<string, unknown>;
    }
  }
  node[path[path.length - 1]] = value;
}

/** Describes every field with its default, for `alphapulse config --print`. */
export function describeConfig(registry: StrategyRegistry = BUILTIN_REGISTRY): string {
  const lines: string[] = [];
  walk(configSchema(registry), [], lines);
  return lines.join('\n');
}

function walk(schema: z.ZodType, path: string[], out: string[]): void {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    for (const [k, v] of Object.entries(inner.shape as Record<string, z.ZodType>)) walk(v, [...path, k], out);
    return;
  }
  const def = defaultOf(schema);
  const desc = schema.description ?? inner.description ?? '';
  out.push(
    `${path.join('.')} = ${def === undefined ? '(unset)' : JSON.stringify(def)}${desc ? `  # ${desc}` : ''}`,
  );
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodPrefault || cur instanceof z.ZodOptional) {
    cur = cur.unwrap() as z.ZodType;
  }
  return cur;
}

function defaultOf(s: z.ZodType): unknown {
  const r = s.safeParse(undefined);
  return r.success ? r.data : undefined;
}
