import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { OptimizeReport } from '../src/runtime/research/optimize.js';
import { runCli, runCliAsync, startCli } from './support/cli.js';
import { hasRealData, realDataPath } from './support/real-data.js';
import { redisReachable } from './support/services.js';

describe.skipIf(!hasRealData)('alphapulse optimize on real ETHUSDT 1h (training part only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-optimize-'));
  const args = (tag: string, workers: string) => [
    'optimize',
    '--input',
    realDataPath('binance_ETHUSDT_1h.csv'),
    '--to',
    '2025-07-01',
    '--slices',
    'mean_reversion:4h,breakout:4h',
    '--trials',
    '6',
    '--folds',
    '2',
    '--min-trades',
    '3',
    '--baseline-runs',
    '20',
    '--workers',
    workers,
    '--json',
    join(dir, `${tag}.json`),
    '--out',
    join(dir, `${tag}.yaml`),
  ];

  it('reports each slice out of sample, with DSR and PBO, and writes a config that loads; worker threads give the same report', () => {
    const local = runCli(args('local', '0'));
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toMatch(/mean_reversion:4h +(validated|disabled) +\d+/);
    const threaded = runCli(args('threads', '2'));
    expect(threaded.code, threaded.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8')) as OptimizeReport;
    const b = JSON.parse(readFileSync(join(dir, 'threads.json'), 'utf8')) as OptimizeReport;
    expect(b).toEqual(a);
    expect(a.slices.map((s) => s.slice)).toEqual(['mean_reversion:4h', 'breakout:4h']);
    for (const s of a.slices) {
      expect(s.trials).toBe(6);
      expect(s.folds).toHaveLength(2);
      // out-of-sample trades come from the test windows only, after the first window
      expect(s.folds[0].testFrom).toBeGreaterThan(a.range.from);
      expect(s.reasons).toHaveLength(3);
      if (s.outOfSample.trades > 0) expect(s.outOfSample.baseline?.runs).toBe(20);
    }
    const cfg = loadConfig({ file: join(dir, 'local.yaml'), env: {} }).config;
    expect(Object.keys(cfg.engine.publication.states).sort()).toEqual(['breakout:4h', 'mean_reversion:4h']);
    const chosen = a.slices[0].chosen;
    if (chosen) expect(cfg.engine.slices['mean_reversion:4h']).toEqual(chosen.settings);
  });

  it('refuses bad options, naming them', () => {
    expect(
      runCli([
        'optimize',
        '--input',
        realDataPath('binance_ETHUSDT_1h.csv'),
        '--to',
        '2025-07-01',
        '--trials',
        '0',
      ]).stderr,
    ).toMatch(/--trials "0" must be a whole number/);
    expect(
      runCli([
        'optimize',
        '--input',
        realDataPath('binance_ETHUSDT_1h.csv'),
        '--to',
        '2025-07-01',
        '--slices',
        'magic:4h',
      ]).stderr,
    ).toMatch(/--slices "magic:4h" is not strategy:timeframe/);
    expect(
      runCli(['optimize', '--input', realDataPath('binance_ETHUSDT_1h.csv'), '--to', 'soon']).stderr,
    ).toMatch(/--to "soon"/);
  });
});

describe.skipIf(!hasRealData)('alphapulse optimize through a Redis queue', () => {
  it('gives the report of a single-process run, with the trials run by optimize-worker processes', async () => {
    const redis = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const reachable = await redisReachable(redis);
    if (!reachable) {
      if (process.env.CI === 'true') throw new Error(`CI=true but Redis at ${redis} does not answer`);
      console.warn(`[optimize] no Redis at ${redis}: the queue test is skipped`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ap-optimize-queue-'));
    const common = [
      'optimize',
      '--input',
      realDataPath('binance_ETHUSDT_1h.csv'),
      '--to',
      '2025-07-01',
      '--slices',
      'mean_reversion:4h',
      '--trials',
      '5',
      '--folds',
      '2',
      '--min-trades',
      '3',
      '--baseline-runs',
      '10',
    ];
    const workers = [
      startCli(['optimize-worker', '--queue', redis]),
      startCli(['optimize-worker', '--queue', redis]),
    ];
    try {
      await Promise.all(workers.map((w) => w.ready(/optimize-worker serving/)));
      const queued = await runCliAsync([...common, '--queue', redis, '--json', join(dir, 'queued.json')]);
      expect(queued.code, queued.stderr).toBe(0);
    } finally {
      for (const w of workers) w.stop();
    }
    // redis.url set and no worker up: the optimize process serves its own queue
    const alone = await runCliAsync([...common, '--json', join(dir, 'alone.json')], {
      env: { ALPHAPULSE_REDIS_URL: redis },
    });
    expect(alone.code, alone.stderr).toBe(0);
    const local = runCli([...common, '--no-queue', '--json', join(dir, 'local.json')], {
      env: { ALPHAPULSE_REDIS_URL: redis },
    });
    expect(local.code, local.stderr).toBe(0);
    const expected = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'queued.json'), 'utf8'))).toEqual(expected);
    expect(JSON.parse(readFileSync(join(dir, 'alone.json'), 'utf8'))).toEqual(expected);
  });
});

describe.skipIf(!hasRealData)('alphapulse optimize: a queue that cannot be reached', () => {
  it('fails in one line naming the Redis, for the coordinator and the worker', () => {
    const dead = 'redis://127.0.0.1:1';
    const r = runCli(
      ['optimize', '--input', realDataPath('binance_ETHUSDT_1h.csv'), '--to', '2025-07-01', '--trials', '2'],
      { env: { ALPHAPULSE_REDIS_URL: dead } },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the optimize queue's Redis at ${dead} does not answer: connect ECONNREFUSED`);
    const w = runCli(['optimize-worker', '--queue', dead]);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain(`Redis at ${dead} does not answer`);
    const bad = runCli(
      ['optimize', '--input', realDataPath('binance_ETHUSDT_1h.csv'), '--to', '2025-07-01'],
      {
        env: { ALPHAPULSE_REDIS_URL: 'http://x' },
      },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('redis.url: a Redis URL starts with redis:// or rediss://');
  });
});
