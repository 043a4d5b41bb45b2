import { describe, expect, it } from 'vitest';
import { describeChange, readGolden, runGolden } from './support/golden.js';
import { hasRealData } from './support/real-data.js';

/**
 * The pipeline's output is fixed: every event of the default pipeline over 13 weeks of real
 * BTCUSDT + ETHUSDT 1m, hashed in order, must equal the recorded hash. A deliberate change is
 * recorded with `npm run golden -- --update`, and its commit says why.
 */
describe.skipIf(!hasRealData)('golden output of the default pipeline', () => {
  it('equals the recorded hash (npm run golden -- --update records a deliberate change)', () => {
    const run = runGolden();
    const change = describeChange(readGolden(), run);
    expect(change, change).toBe('');
  });
});
