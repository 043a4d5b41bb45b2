import { describe, expect, it } from 'vitest';
import { SignalActivity } from './signal-activity.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 0, 5);

describe('SignalActivity', () => {
  it('counts the signals of the newest day, and 0 for a day without any', () => {
    const a = new SignalActivity();
    a.signal(D0 + 1000);
    a.signal(D0 + 2000);
    expect(a.createdOnDayOf(D0 + DAY - 1)).toBe(2);
    // the next day has none yet: not yesterday's 2
    expect(a.createdOnDayOf(D0 + DAY)).toBe(0);
    a.signal(D0 + DAY + 5);
    expect(a.createdOnDayOf(D0 + DAY + 10)).toBe(1);
    expect(a.createdOnDayOf(D0)).toBe(0);
  });

  it('keeps totals by kind', () => {
    const a = new SignalActivity();
    a.signal(D0);
    a.update();
    a.update();
    a.outcome();
    expect(a.snapshot()).toEqual({ signals: 1, updates: 2, outcomes: 1 });
  });
});
