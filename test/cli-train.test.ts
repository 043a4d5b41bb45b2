import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteModelStore } from '../src/adapters/store/sqlite-model-store.js';
import { confidenceModelFromText } from '../src/core/learn/model.js';
import { runCli } from './support/cli.js';
import { hasRealData, realDataPath } from './support/real-data.js';

// training part only: every window here ends before 2025-07-01
describe.skipIf(!hasRealData)('alphapulse train on real BTCUSDT 1m, 2025-05-20 .. 2025-06-20', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-train-'));
  const input = ['--input', realDataPath('binance_BTCUSDT_1m.csv.gz')];
  const db = join(dir, 'models.db');
  const out = join(dir, 'model.json');

  it('fits, reports walk-forward against the old score and the base rate, stores, activates, writes the artefact', async () => {
    const r = runCli(['train', ...input, '--to', '2025-06-20', '--db', db, '--out', out, '--activate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dataset: 44,640 candles of BTCUSDT; \d+ signals and \d+ filtered candidates/);
    expect(r.stdout).toMatch(/label: P\(net profit after costs \| filled\)/);
    expect(r.stdout).toMatch(/walk-forward: 6 expanding folds/);
    expect(r.stdout).toMatch(
      /calibration: (isotonic|platt) \(walk-forward calibrated log loss: isotonic 0\.\d{4}, Platt \d\.\d{4}/,
    );
    expect(r.stdout).toMatch(/model \(calibrated\)\s+0\.\d{4}\s+0\.\d{4}/);
    expect(r.stdout).toMatch(/old formula score\s+\d+\.\d{4}/);
    expect(r.stdout).toMatch(/base rate\s+0\.\d{4}/);
    expect(r.stdout).toMatch(
      /reliability, model \(calibrated, out of sample\):\n\s+bucket\s+n\s+predicted\s+realised/,
    );
    const version = /model (cm-20250619-[0-9a-f]{16}): fitted on all [\d,]+ samples/.exec(r.stdout)?.[1];
    expect(version).toBeDefined();
    expect(r.stdout).toMatch(/stored in .*models\.db and made active/);

    const model = confidenceModelFromText(readFileSync(out, 'utf8'), out);
    expect(model.version).toBe(version);
    expect(model.trainedTo).toBeLessThan(Date.UTC(2025, 5, 20));
    const store = new SqliteModelStore(db);
    expect((await store.active())?.version).toBe(version);
    await store.close();

    // the same window and seed give the same artefact
    const again = join(dir, 'again.json');
    expect(runCli(['train', ...input, '--to', '2025-06-20', '--db', db, '--out', again]).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('scores a stored model on a later window it was not trained on (--evaluate)', () => {
    const r = runCli([
      'train',
      ...input,
      '--from',
      '2025-06-20',
      '--to',
      '2025-06-30',
      '--db',
      db,
      '--evaluate',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scored on these samples \(n \d+/);
    expect(r.stdout).toMatch(/training base rate\s+0\.\d{4}/);
  });

  it('bad input: one clear line, exit 1', () => {
    const cases: [string[], RegExp][] = [
      [['--from', '2025-06-10', '--to', '2025-06-01'], /^error: --to must be after --from\n$/],
      [['--to', '2025-05-20T06:00'], /^error: no labelled samples in the window: 360 candles gave 0 signals/],
      [
        ['--from', '2025-05-20', '--to', '2025-05-21'],
        /^error: \d+ labelled samples; at least 70 are needed for 6 folds\n$/,
      ],
      [
        ['--to', '2025-06-20', '--evaluate', join(dir, 'missing.json')],
        /^error: cannot read model .*missing\.json: ENOENT\n$/,
      ],
      [['--to', '2025-06-20', '--seed', 'x'], /^error: --seed must be an integer >= 0, got "x"\n$/],
    ];
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"alphapulse.confidence-model","formatVersion":1}');
    cases.push([
      ['--to', '2025-06-20', '--evaluate', bad],
      /^error: .*bad\.json is not a valid confidence model: \S+/,
    ]);
    for (const [args, message] of cases) {
      const r = runCli(['train', ...input, '--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
