import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealColumns } from './support/real-data.js';
import { REAL_PARITY_FILES } from './support/talib-parity.js';

/** The TA-Lib parity tests run on these files whole; a truncated or swapped file shows here. */
describe.skipIf(!hasRealData)('real data used by the TA-Lib parity tests', () => {
  for (const file of REAL_PARITY_FILES) {
    it(`${file} has the expected size`, () => {
      expect(loadRealColumns(file).length).toBe(file.includes('1m') ? 130_708 : 74_726);
    });
  }
});
