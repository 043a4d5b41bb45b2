import type { ContractCase } from './contract-case.js';

/** Contract cases for the averages and oscillators (filled in as indicators land). */
export const catalogA: ContractCase[] = [];
