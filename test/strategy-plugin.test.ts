import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStrategyModules, StrategyModuleError } from '../src/config/strategy-modules.js';
import { engineConfigSchema } from '../src/core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import type { RejectedCandidate, Signal } from '../src/core/signals/types.js';
import { defineStrategy } from '../src/core/strategies/definition.js';
import { BUILTIN_REGISTRY } from '../src/core/strategies/registry.js';
import { repoRoot, runCli } from './support/cli.js';
import { hasRealData, loadRealCandles, realDataPath } from './support/real-data.js';

const EXAMPLE = join(repoRoot, 'examples', 'strategies', 'rsi-pullback.ts');

/** Runs a pipeline over the first `days` of real BTCUSDT 1m; returns what it made. */
function run(pipeline: SignalPipeline, days: number): { created: Signal[]; rejected: RejectedCandidate[] } {
  const candles = loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, days * 1440);
  const created: Signal[] = [];
  const rejected: RejectedCandidate[] = [];
  const sink = (e: PipelineEvent): void => {
    if (e.type === 'signal.created') created.push(e.signal);
    else if (e.type === 'signal.rejected') rejected.push(e.candidate);
  };
  for (const c of candles) pipeline.process('BTCUSDT', c, sink);
  return { created, rejected };
}

describe.skipIf(!hasRealData)('a strategy family added from outside the engine', () => {
  it('loads from its own .ts file and runs through the pipeline, the ensemble, risk and the filters', async () => {
    const [rsiPullback] = await loadStrategyModules([EXAMPLE]);
    expect(rsiPullback.name).toBe('rsi_pullback');
    const registry = BUILTIN_REGISTRY.with([rsiPullback]);
    const config = engineConfigSchema(registry).parse({
      strategies: {
        momentum: { enabled: false },
        breakout: { enabled: false },
        mean_reversion: { enabled: false },
        scalping: { enabled: false },
        rsi_pullback: { pullbackRsi: 45 },
      },
    });
    expect(config.strategies.rsi_pullback).toEqual({ enabled: true, pullbackRsi: 45, minTrendAtr: 1 });
    const { created, rejected } = run(new SignalPipeline(config, registry), 35);
    const all = [...created, ...rejected.flatMap((r) => (r.signal ? [r.signal] : []))];
    expect(all.length).toBeGreaterThan(5);
    for (const s of all) {
      expect(s.strategy).toBe('rsi_pullback');
      expect(s.reasons[0]).toMatch(/^RSI pullback (BUY|SELL): RSI/);
      expect(s.breakdown.votes.map((v) => v.voter)).toEqual([
        'technical',
        'price_action',
        'regime',
        'volume',
      ]);
      expect(s.breakdown.votes[2].reason).toContain('fits rsi_pullback');
      expect(s.entryAnalysis.considered.length).toBeGreaterThan(0);
      const sign = s.direction === 'BUY' ? 1 : -1;
      expect(sign * (s.entryPrice - s.stopLoss)).toBeGreaterThan(0);
      expect(sign * (s.takeProfits[0] - s.entryPrice)).toBeGreaterThan(0);
    }
    // the filters judged its candidates like any family's
    for (const r of rejected) expect(r.detail.length).toBeGreaterThan(0);
  });

  it('runs a family declared for the lowest signal timeframe only there', () => {
    const seen = new Set<string>();
    const everyClose = defineStrategy({
      name: 'every_close',
      description: 'Test family: records each timeframe it is asked about, never fires',
      kind: 'scalp',
      regime: 'trending',
      needs: ['close'],
      warmup: 1,
      timeframes: 'lowest',
      params: {},
      create: () => ({
        evaluate(ctx) {
          seen.add(ctx.signal.timeframe);
          return null;
        },
      }),
    });
    const registry = BUILTIN_REGISTRY.with([everyClose]);
    const config = engineConfigSchema(registry).parse({});
    run(new SignalPipeline(config, registry), 2);
    expect([...seen]).toEqual(['15m']);
  });
});

describe('loading strategy modules: bad files are refused with the file and the field named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-strategies-'));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const valid = `{ name: 'ok_one', description: 'd', kind: 'trend', regime: 'trending', needs: ['close'], warmup: 1, timeframes: 'all', params: {}, create: () => ({ evaluate: () => null }) }`;

  it('loads a plain .js module exporting `strategy`', async () => {
    const [def] = await loadStrategyModules([file('named.mjs', `export const strategy = ${valid};`)]);
    expect(def.name).toBe('ok_one');
  });

  it.each([
    ['missing.js', null, /does not exist/],
    ['wrong.txt', 'hello', /must be a \.js, \.mjs or \.ts module/],
    ['none.mjs', 'export const x = 1;', /exports no strategy/],
    ['syntax.mjs', 'export default {', /could not be loaded/],
    ['badname.mjs', `export default { ...${valid}, name: 'Bad Name' };`, /name: lower case/],
    [
      'badneed.mjs',
      `export default { ...${valid}, needs: ['closee'] };`,
      /needs\.0: not a numeric snapshot field/,
    ],
    ['badkind.mjs', `export default { ...${valid}, kind: 'magic' };`, /kind/],
    ['nocreate.mjs', `export default { ...${valid}, create: 3 };`, /create: must be a function/],
    [
      'badparam.mjs',
      `export default { ...${valid}, params: { x: { type: 'number', default: 1 } } };`,
      /params\.x\.description/,
    ],
    [
      'minmax.mjs',
      `export default { ...${valid}, params: { x: { type: 'number', default: 1, min: 5, max: 2, description: 'x' } } };`,
      /params\.x has min 5 > max 2/,
    ],
  ])('%s', async (name, text, message) => {
    const path = text === null ? join(dir, name) : file(name, text);
    const err = await loadStrategyModules([path]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyModuleError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a config section of an unknown family and a second family of the same name', async () => {
    const [def] = await loadStrategyModules([file('dup.mjs', `export default ${valid};`)]);
    const registry = BUILTIN_REGISTRY.with([def]);
    expect(() => engineConfigSchema(registry).parse({ strategies: { ok_two: {} } })).toThrow(/ok_two/);
    expect(() => registry.with([def])).toThrow(/ok_one.*twice/);
  });
});

describe.skipIf(!hasRealData)('alphapulse with --strategy-path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-strategy-cli-'));
  const config = join(dir, 'only-pullback.yaml');
  writeFileSync(
    config,
    [
      'engine:',
      '  strategies:',
      '    momentum: { enabled: false }',
      '    breakout: { enabled: false }',
      '    mean_reversion: { enabled: false }',
      '    scalping: { enabled: false }',
      '    rsi_pullback: { pullbackRsi: 45 }',
      '',
    ].join('\n'),
  );

  it('runs the family from its file in the signals command, configured like a built-in one', () => {
    const out = join(dir, 'signals.jsonl');
    const rejected = join(dir, 'rejected.jsonl');
    const r = runCli([
      'signals',
      '--config',
      config,
      '--strategy-path',
      EXAMPLE,
      '--input',
      realDataPath('binance_BTCUSDT_1m.csv.gz'),
      '--to',
      '2025-06-25',
      '--out',
      out,
      '--rejected-out',
      rejected,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = [...readFileSync(out, 'utf8').split('\n'), ...readFileSync(rejected, 'utf8').split('\n')];
    const strategies = new Set(
      lines.filter((l) => l.length > 0).map((l) => (JSON.parse(l) as { strategy: string }).strategy),
    );
    expect([...strategies]).toEqual(['rsi_pullback']);
  });

  it('lists its parameters in config --print, and refuses a file that is not a strategy, naming it', () => {
    const printed = runCli(['config', '--print', '--strategy-path', EXAMPLE]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('engine.strategies.rsi_pullback.pullbackRsi = 40');
    const bad = join(dir, 'not-a-strategy.mjs');
    writeFileSync(bad, 'export const x = 1;\n');
    const r = runCli(['config', '--print', '--strategy-path', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not-a-strategy\.mjs exports no strategy/);
    // the section of a family nobody loaded is refused as an unknown key
    const unloaded = runCli(['config', '--effective', '--config', config]);
    expect(unloaded.code).toBe(1);
    expect(unloaded.stderr).toMatch(/rsi_pullback/);
  });
});
