import { describe, expect, it } from 'vitest';
import { SliceBook } from './slice-states.js';

const rules = { window: 10, minTrades: 5 };

describe('SliceBook: the slice state machine', () => {
  it('starts from the validated states it is given, every other slice in the unlisted state', () => {
    const book = new SliceBook({ 'mean_reversion:4h': 'validated' }, 'disabled', rules);
    expect(book.state('mean_reversion:4h')).toBe('validated');
    expect(book.state('momentum:15m')).toBe('disabled');
    expect(book.snapshot()).toEqual({ 'mean_reversion:4h': 'validated' });
  });

  it('moves nothing before minTrades live outcomes', () => {
    const book = new SliceBook({ a: 'validated' }, 'disabled', rules);
    for (let i = 0; i < 4; i++) expect(book.onOutcome('a', -1, i)).toBeNull();
    expect(book.state('a')).toBe('validated');
  });

  it('validated -> probation when the live mean turns negative, saying why', () => {
    const book = new SliceBook({ a: 'validated' }, 'disabled', rules);
    const changes = [1, -1, -1, 0.5, -1].map((r, i) => book.onOutcome('a', r, 100 + i));
    expect(changes.slice(0, 4)).toEqual([null, null, null, null]);
    expect(changes[4]).toMatchObject({ slice: 'a', from: 'validated', to: 'probation', at: 104 });
    expect(changes[4]?.reason).toMatch(/live mean -0\.300 R over the last 5 outcomes .*below 0/);
  });

  it('probation -> disabled when the whole interval is below zero; disabled stays disabled', () => {
    const book = new SliceBook({ a: 'probation' }, 'disabled', rules);
    let last = null;
    for (const [i, r] of [-1, -1.1, -0.9, -1, -1.05].entries()) last = book.onOutcome('a', r, i) ?? last;
    expect(last).toMatchObject({ from: 'probation', to: 'disabled' });
    for (let i = 0; i < 10; i++) book.onOutcome('a', 2, 10 + i);
    expect(book.state('a')).toBe('disabled');
  });

  it('probation -> validated when the whole interval is above zero', () => {
    const book = new SliceBook({ a: 'probation' }, 'disabled', rules);
    const changes = [1, 1.2, 0.8, 1.1, 0.9].map((r, i) => book.onOutcome('a', r, i));
    expect(changes[4]).toMatchObject({ from: 'probation', to: 'validated' });
  });

  it('judges a rolling window of the latest outcomes, and a set() from outside is a change with its reason', () => {
    const book = new SliceBook({}, 'validated', rules);
    for (let i = 0; i < 10; i++) book.onOutcome('a', 1, i);
    // ten wins, then five losses: the window of ten has mean (5 - 5) / 10 = 0, not below 0
    for (let i = 0; i < 5; i++) expect(book.onOutcome('a', -1, 10 + i)).toBeNull();
    expect(book.onOutcome('a', -1, 15)).toMatchObject({ to: 'probation' });
    expect(book.set('a', 'probation', 'again', 16)).toBeNull();
    expect(book.set('a', 'disabled', 'operator', 17)).toEqual({
      slice: 'a',
      from: 'probation',
      to: 'disabled',
      reason: 'operator',
      at: 17,
    });
  });
});
