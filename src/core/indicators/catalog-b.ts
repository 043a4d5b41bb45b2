import type { ContractCase } from './contract-case.js';

/** Contract cases for the range, volume, trend and channel indicators (filled in as indicators land). */
export const catalogB: ContractCase[] = [];
